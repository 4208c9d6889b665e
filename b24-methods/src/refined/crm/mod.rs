//! Methods of the `crm` scope.

pub mod automatedsolution;
pub mod productrow;
