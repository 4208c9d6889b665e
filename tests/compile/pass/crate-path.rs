//! `crate = path` points the generated code at a facade that re-exports `b24_core`.

mod my_facade {
    pub use ::b24_core as b24;
}

mod api {
    use super::my_facade::b24::b24_method;
    use serde::Serialize;

    #[b24_method("crm.lead.add", scope = "crm", response = u64, crate = crate::my_facade::b24)]
    #[derive(Serialize)]
    pub struct AddLead {
        pub title: String,
    }
}

#[my_facade::b24::b24_method("crm.lead.get", scope = "crm", response = serde_json::Value,
                             crate = my_facade::b24, read_only)]
#[derive(serde::Serialize)]
struct GetLead {
    id: u64,
}

fn main() {
    use my_facade::b24::Method;

    assert_eq!(<api::AddLead as Method>::NAME, "crm.lead.add");
    assert_eq!(<GetLead as Method>::NAME, "crm.lead.get");
    const { assert!(<GetLead as Method>::META.read_only) };
    assert!(my_facade::b24::registry::find("crm.lead.add").is_some());
    let _ = (
        api::AddLead {
            title: String::new(),
        }
        .title,
        GetLead { id: 1 }.id,
    );
}
