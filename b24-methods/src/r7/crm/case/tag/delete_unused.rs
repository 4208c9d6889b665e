//! `DELETE api/2.0/crm/case/tag/unused` — deletes the case tags no case carries and returns
//! their names.

use b24_core::r7_method;
use serde::Serialize;

/// Deletes the unused case tags.
#[r7_method(DELETE, "api/2.0/crm/case/tag/unused", response = Vec<String>)]
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct CaseTagDeleteUnused;

impl CaseTagDeleteUnused {
    /// The request.
    pub fn new() -> Self {
        CaseTagDeleteUnused
    }
}
