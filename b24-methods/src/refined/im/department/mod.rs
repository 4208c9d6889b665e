//! `im.department.*`: the company structure as the messenger sees it.

pub mod get;
