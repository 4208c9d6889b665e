//! Methods of the `calendar` scope.

pub mod event;
