//! Every REST 3.0 method type linked into the program (`#[b24_method(..., version = 3)]`),
//! enumerable at run time, apart from the classic [`registry`](crate::registry): the two
//! APIs have different envelopes, so an entry of one cannot decode an answer of the other.

use serde_json::Value;

use super::Method;
use super::envelope::{self, Answer};
use crate::error::Error;
use crate::method::MethodMeta;
use crate::scope::Scope;
use crate::transport::Received;

/// What the REST 3.0 registry knows about one method type.
#[derive(Debug)]
pub struct MethodInfo {
    /// The method name as documented.
    pub name: &'static str,
    /// The scope the method needs.
    pub scope: Scope,
    /// Batch, retry and paging metadata.
    pub meta: MethodMeta,
    /// The method's page cap.
    pub page_cap: u32,
    check: fn(&[u8]) -> Result<(), Error>,
}

impl MethodInfo {
    /// The entry for method type `M`; used by the code `#[b24_method]` generates.
    #[doc(hidden)]
    pub const fn of<M: Method>() -> MethodInfo {
        MethodInfo {
            name: M::NAME,
            scope: M::SCOPE,
            meta: M::META,
            page_cap: M::PAGE_CAP,
            check: check_as::<M>,
        }
    }

    /// Decodes a complete answer body as if the server had sent it with HTTP 200: with this
    /// method's typed response first, then as JSON, which is returned.
    pub fn decode_response(&self, body: &[u8]) -> Result<Answer<Value>, Error> {
        (self.check)(body)?;
        envelope::decode(self.name, &ok(body))
    }
}

fn ok(body: &[u8]) -> Received {
    Received {
        status: 200,
        headers: reqwest::header::HeaderMap::new(),
        body: body.to_vec(),
    }
}

fn check_as<M: Method>(body: &[u8]) -> Result<(), Error> {
    envelope::decode::<M::Response>(M::NAME, &ok(body)).map(drop)
}

inventory::collect!(MethodInfo);

/// Every registered REST 3.0 method, in no particular order.
pub fn methods() -> impl Iterator<Item = &'static MethodInfo> {
    inventory::iter::<MethodInfo>.into_iter()
}

/// A registered REST 3.0 method with this name (compared case-insensitively).
pub fn find(name: &str) -> Option<&'static MethodInfo> {
    methods().find(|info| info.name.eq_ignore_ascii_case(name))
}

/// Registers a REST 3.0 method type; what `#[b24_method(..., version = 3)]` expands to.
#[doc(hidden)]
#[macro_export]
macro_rules! __register_v3_method {
    ($method:ty) => {
        $crate::__private::inventory::submit! {
            $crate::__private::v3::MethodInfo::of::<$method>()
        }
    };
}
