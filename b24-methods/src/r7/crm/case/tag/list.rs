//! `GET api/2.0/crm/case/tag` — every case tag with the number of cases carrying it.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::TagCount;

/// Lists the case tags.
#[r7_method(GET, "api/2.0/crm/case/tag", response = Vec<TagCount>)]
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct CaseTagList;

impl CaseTagList {
    /// The request.
    pub fn new() -> Self {
        CaseTagList
    }
}
