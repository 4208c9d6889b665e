//! Every `#[b24_method]` type linked into the program, enumerable at run time.
//!
//! The macro registers each non-generic method type, prebuilt or the user's own. The registry
//! answers "which methods exist, with which scope and metadata", decodes a response body for a
//! method given by name, and computes the scopes an application needs.
//!
//! # Linking a crate of methods
//!
//! Registration happens at link time, and a dependency that the program never names is not
//! linked at all: a program that calls `crm.deal.add` only by name (through
//! [`Client::call_raw`](crate::Client::call_raw) or this registry) and uses no item of
//! `b24_methods` finds no method of that crate, and lookups fail with
//! [`Error::UnknownMethod`]. Naming the crate once, anywhere in the program, links it with
//! all its registrations:
//!
//! ```text
//! use b24_methods as _;
//! ```
//!
//! The same holds for any library that declares methods with `#[b24_method]`.

use std::collections::BTreeSet;
use std::fmt;

use crate::envelope::{self, Envelope};
use crate::error::Error;
use crate::method::{Method, MethodMeta};
use crate::scope::Scope;

/// What the registry knows about one method type.
pub struct MethodInfo {
    /// The method name as documented.
    pub name: &'static str,
    /// The scope the method needs.
    pub scope: Scope,
    /// Batch, retry and paging metadata.
    pub meta: MethodMeta,
    type_name: fn() -> &'static str,
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
            type_name: std::any::type_name::<M>,
            check: check_as::<M>,
        }
    }

    /// The Rust request type's path.
    pub fn type_name(&self) -> &'static str {
        (self.type_name)()
    }

    /// Decodes a complete answer body (`{"result": …, "time": …}` or an error envelope) with
    /// this method's typed response, as if the server had sent it with HTTP 200, and returns
    /// the envelope as JSON once the typed decoding succeeded.
    pub fn decode_response(&self, body: &[u8]) -> Result<Envelope<serde_json::Value>, Error> {
        (self.check)(body)?;
        envelope::decode(self.name, 200, body)
    }
}

impl fmt::Debug for MethodInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodInfo")
            .field("name", &self.name)
            .field("scope", &self.scope)
            .field("meta", &self.meta)
            .field("type_name", &self.type_name())
            .finish()
    }
}

fn check_as<M: Method>(body: &[u8]) -> Result<(), Error> {
    envelope::decode::<M::Response>(M::NAME, 200, body).map(drop)
}

inventory::collect!(MethodInfo);

/// Every registered method, in no particular order.
pub fn methods() -> impl Iterator<Item = &'static MethodInfo> {
    inventory::iter::<MethodInfo>.into_iter()
}

/// A registered method with this name; names compare case-insensitively, as the server does.
///
/// When several types declare the same method (your own refinement of a prebuilt one), which
/// of them is returned is unspecified: use [`find_all`] to choose.
pub fn find(name: &str) -> Option<&'static MethodInfo> {
    methods().find(|info| info.name.eq_ignore_ascii_case(name))
}

/// Every registered type that declares the method `name`.
pub fn find_all(name: &str) -> Vec<&'static MethodInfo> {
    methods()
        .filter(|info| info.name.eq_ignore_ascii_case(name))
        .collect()
}

/// Whether a `batch` call with these parameters only reads: every command of its `cmd` (a
/// map or a list of `method?query` strings) names a method registered as read-only.
pub(crate) fn batch_is_read_only(params: &serde_json::Value) -> bool {
    use serde_json::Value;
    let cmd = params.as_object().and_then(|params| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("cmd"))
            .map(|(_, cmd)| cmd)
    });
    let commands: Vec<&Value> = match cmd {
        Some(Value::Object(commands)) => commands.values().collect(),
        Some(Value::Array(commands)) => commands.iter().collect(),
        _ => return false,
    };
    commands.into_iter().all(|command| {
        command.as_str().is_some_and(|command| {
            // The server reads the path of `method?query` and drops a `.json`/`.xml` suffix.
            let name = command.split(['?', '#']).next().unwrap_or_default();
            let name = name
                .strip_suffix(".json")
                .or_else(|| name.strip_suffix(".xml"))
                .unwrap_or(name);
            find(name).is_some_and(|info| info.meta.read_only)
        })
    })
}

/// Decodes an answer body for the method `name` with its typed response.
pub fn decode_response(name: &str, body: &[u8]) -> Result<Envelope<serde_json::Value>, Error> {
    find(name)
        .ok_or_else(|| Error::UnknownMethod(name.to_owned()))?
        .decode_response(body)
}

/// The scopes an application must request to call all of `methods`: each method's scope once,
/// without the global scope that needs no grant.
pub fn required_scopes<'a>(methods: impl IntoIterator<Item = &'a MethodInfo>) -> BTreeSet<Scope> {
    methods
        .into_iter()
        .map(|info| info.scope.clone())
        .filter(|scope| !scope.is_global())
        .collect()
}

/// [`required_scopes`] for methods given by name; an unknown name is an error.
pub fn required_scopes_for<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeSet<Scope>, Error> {
    let infos = names
        .into_iter()
        .map(|name| find(name).ok_or_else(|| Error::UnknownMethod(name.to_owned())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(required_scopes(infos))
}

/// Registers a method type; the code `#[b24_method]` generates calls it.
#[doc(hidden)]
#[macro_export]
macro_rules! __register_method {
    ($method:ty) => {
        $crate::__private::inventory::submit! {
            $crate::__private::MethodInfo::of::<$method>()
        }
    };
}
