//! Methods of the `crm` scope.

pub mod automatedsolution;
