//! The generated code names only `::b24_core::__private::…` and `::core::…`, so it compiles in a
//! module that shadows every name it could otherwise pick up from the caller's scope or prelude.

mod shadowed {
    #![allow(dead_code, non_camel_case_types, unused_macros)]

    use ::serde::{Deserialize, Serialize};

    pub struct Result;
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Vec;
    pub struct String;
    pub mod core {}
    pub mod std {}
    pub mod serde {}
    pub mod serde_json {}
    pub mod inventory {}
    pub mod b24_core {}
    pub mod __private {}
    pub trait Method {}
    pub enum Scope {}
    pub struct MethodMeta;
    pub struct ListShape;
    pub struct MethodInfo;
    macro_rules! register {
        ($($tt:tt)*) => {
            compile_error!("the local `register!` was used");
        };
    }

    #[derive(Deserialize)]
    pub struct Added {
        pub id: u64,
    }

    #[::b24_core::b24_method("crm.lead.add", scope = "crm", response = Added,
                             read_only, batch = false, list = "items", cursor = "id")]
    #[derive(Serialize)]
    pub struct AddLead {
        pub title: &'static str,
    }

    #[::b24_core::b24_method("server.time", scope = custom("server"), response = ())]
    #[derive(Serialize)]
    pub struct ServerTime;
}

mod no_prelude {
    #![no_implicit_prelude]

    #[::b24_core::b24_method("crm.lead.get", scope = "crm", response = ::serde_json::Value)]
    #[derive(::serde::Serialize)]
    pub struct GetLead {
        pub id: u64,
    }
}

fn main() {
    use b24_core::Method;

    assert_eq!(<shadowed::AddLead as Method>::NAME, "crm.lead.add");
    assert_eq!(<shadowed::AddLead as Method>::SCOPE, b24_core::Scope::Crm);
    const { assert!(<shadowed::AddLead as Method>::META.read_only) };
    assert_eq!(<shadowed::ServerTime as Method>::SCOPE.as_str(), "server");
    assert_eq!(<no_prelude::GetLead as Method>::NAME, "crm.lead.get");
    assert!(b24_core::registry::find("crm.lead.add").is_some());
}
