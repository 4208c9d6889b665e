//! Methods of the `crm` scope.

pub mod automatedsolution;
pub mod deal;
pub mod lead;
pub mod productrow;
pub mod quote;
