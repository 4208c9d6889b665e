//! `server.time` — global scope
//!
//! Reads the server's current time, an ISO-8601 date with offset.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/common/system/server-time.html>

use b24_core::b24_method;
use serde::{Deserialize, Serialize};

/// Reads the server's time (`server.time`).
#[b24_method("server.time", scope = "basic", response = String, read_only)]
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct ServerTime;
