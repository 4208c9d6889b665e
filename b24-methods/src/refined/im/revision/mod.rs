//! `im.revision.*`: API revisions of the messenger.

pub mod get;
