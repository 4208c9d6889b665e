//! `voximplant.user.*`: users' telephony settings.

pub mod get;
