//! Methods of the `telephony` scope: `voximplant.user.get` (confirmation-gated).

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::value::Value;

/// `voximplant.user.get`: SIP settings of the users in `USER_ID` (int or int array).
pub fn user_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let ids = match call.params.get_ci("USER_ID") {
        None | Some(Value::Null) => None,
        Some(v) if v.php_string().is_some_and(|s| s.is_empty()) => None,
        Some(v) => Some(v),
    }
    .ok_or_else(|| ApiError::argument("USER_ID", "Parameter USER_ID is not set"))?;
    let ids = ids
        .int_list()
        .ok_or_else(|| ApiError::argument("USER_ID", "Parameter USER_ID is not set"))?;
    let mut result = Vec::new();
    for id in ids {
        if call.state.user(id).is_none()
            || result
                .iter()
                .any(|r: &Value| r.get("ID") == Some(&Value::from(id.to_string())))
        {
            continue;
        }
        result.push(Value::object([
            ("ID", Value::from(id.to_string())),
            ("DEFAULT_LINE", Value::Null),
            ("PHONE_ENABLED", Value::from("Y")),
            ("SIP_SERVER", Value::from("ip.b24-emulator.bitrixphone.com")),
            ("SIP_LOGIN", Value::from(format!("phone{id}"))),
            (
                "SIP_PASSWORD",
                Value::from(format!(
                    "{:012x}",
                    id.unsigned_abs().wrapping_mul(0x9e37_79b9_7f4a)
                )),
            ),
            ("INNER_NUMBER", Value::Null),
        ]));
    }
    Ok(MethodOutput::new(Value::List(result)))
}
