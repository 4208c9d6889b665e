//! `app.*`: the calling application.

pub mod info;
