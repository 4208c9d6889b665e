//! Methods of the `task` scope.

pub mod task;
