//! Chats and messages of the `im` scope on [`crate::store::im`]: `im.chat.add`,
//! `im.message.add/update/delete`, `im.dialog.messages.get`. Parameter names in any case.

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::value::Value;

fn text(params: &Value, name: &str) -> String {
    params
        .get_ci(name)
        .and_then(Value::php_string)
        .unwrap_or_default()
}

/// The chat of the call's `DIALOG_ID` (`empty` when it is missing).
fn chat(call: &mut Call<'_>, empty: &str) -> Result<i64, ApiError> {
    let dialog = text(call.params, "DIALOG_ID");
    if dialog.is_empty() {
        return Err(ApiError::new(400, empty, "Dialog ID can't be empty"));
    }
    let users: Vec<i64> = call.state.users.iter().map(|u| u.id).collect();
    let user = call.principal.user_id();
    call.state
        .im
        .chat_of(&dialog, user, |id| users.contains(&id))
}

/// `im.chat.add`: the new chat's ID (its `MESSAGE`, when given, is the first message).
pub fn chat_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = call.state.im.chat_add(&text(call.params, "TITLE"));
    let first = text(call.params, "MESSAGE");
    if !first.trim().is_empty() {
        let (user, now) = (call.principal.user_id(), call.now_secs());
        call.state.im.add(id, user, &first, now)?;
    }
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `im.message.add`: the new message's ID.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let chat = chat(call, "USER_ID_EMPTY")?;
    let message = text(call.params, "MESSAGE");
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let id = call.state.im.add(chat, user, &message, now)?;
    Ok(MethodOutput::new(Value::Int(id)))
}

fn message_id(params: &Value) -> i64 {
    params.get_ci("MESSAGE_ID").map_or(0, Value::php_intval)
}

/// `im.message.update`: `true`.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = message_id(call.params);
    let message = text(call.params, "MESSAGE");
    let user = call.principal.user_id();
    call.state.im.update(id, user, &message)?;
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `im.message.delete`: `true`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = message_id(call.params);
    let user = call.principal.user_id();
    call.state.im.delete(id, user)?;
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `im.dialog.messages.get`: the dialog's messages, newest first (`LIMIT` up to 50, default
/// 20; `LAST_ID`, `FIRST_ID`).
pub fn history(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let chat = chat(call, "DIALOG_ID_EMPTY")?;
    let number = |name: &str| {
        call.params
            .get_ci(name)
            .map(Value::php_intval)
            .filter(|n| *n > 0)
    };
    let limit = number("LIMIT").unwrap_or(20).min(50) as usize;
    let (last, first) = (number("LAST_ID"), number("FIRST_ID"));
    Ok(MethodOutput::new(
        call.state.im.history(chat, last, first, limit),
    ))
}
