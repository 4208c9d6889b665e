//! `server.*`: the portal's server.

pub mod time;
