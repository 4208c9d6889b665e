//! `POST api/2.0/authentication`: a token for `userName` / `password`, the brute-force block
//! after five failures and the two-factor users that get no token.

use serde_json::{Value, json};

use super::dates::{format_date, now_ticks};
use super::state::{self, Shared};
use super::wire::{Failure, Params};

/// Failed logins after which a login is blocked.
const MAX_ATTEMPTS: u32 = 5;

/// Logs a user in: `{token, expires}` (`{token: null, tfa: true}` for two-factor users).
pub fn login(shared: &Shared, params: &Params) -> Result<Value, Failure> {
    let login = params.text("userName").unwrap_or_default();
    let password = params.text("password").unwrap_or_default();
    let key = login.to_ascii_lowercase();
    let mut data = shared.lock();
    if data.failed_logins.get(&key).copied().unwrap_or(0) >= MAX_ATTEMPTS {
        return Err(Failure::generic(500, "Login Fail. Too many attempts"));
    }
    let user = state::USERS
        .iter()
        .find(|user| user.login.eq_ignore_ascii_case(&login) && user.password == password);
    let Some(user) = user else {
        *data.failed_logins.entry(key).or_default() += 1;
        return Err(Failure::generic(500, "User authentication failed"));
    };
    data.failed_logins.remove(&key);
    if user.tfa {
        return Ok(json!({"token": null, "tfa": true}));
    }
    let token = data.issue_token(user.id);
    let expires = format_date(
        now_ticks() + 365 * 86_400 * 10_000_000,
        shared.offset_minutes,
    );
    Ok(json!({"token": token, "expires": expires}))
}
