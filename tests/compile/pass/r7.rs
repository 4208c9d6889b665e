//! `#[r7_method]` in the forms the R7 routes need: placeholders matched by serde or field
//! name, placement overrides, unit structs, lists, XML, a facade path, and hygiene.

mod my_facade {
    pub use ::b24_core as b24;
}

mod hygienic {
    // The generated code must not depend on these names.
    #![allow(dead_code)]
    struct Result;
    struct Option;
    struct Vec;
    mod core {}
    mod b24_core {}

    #[::b24_core::r7_method(GET, "api/2.0/crm/case/{caseid}", response = u64, list)]
    #[derive(::serde::Serialize)]
    pub struct Shadowed {
        pub caseid: i64,
    }
}

use b24_core::r7::{Format, Guid, ListRoute, Place, Route, Verb};
use b24_core::r7_method;
use serde::Serialize;

/// The seed: `{caseid}` matches the serde name `caseId` case-insensitively.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = serde_json::Value)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetAccess {
    case_id: i64,
    is_private: bool,
    access_list: Vec<Guid>,
}

/// `{entityid}` matched through `#[serde(rename)]`; `{fieldid}` through the field name.
#[r7_method(POST, "api/2.0/crm/case/{entityid}/customfield/{fieldid}", response = u64)]
#[derive(Serialize)]
struct SetField {
    #[serde(rename = "entityid")]
    case: i64,
    #[r7(path)]
    fieldid: i64,
    #[serde(rename = "fieldValue")]
    value: String,
}

/// The `stageid` quirk: a path value also sent in the body; a query override on a PUT.
#[r7_method(PUT, "api/2.0/crm/opportunity/{opportunityid}/stage/{stageid}", response = ())]
#[derive(Serialize)]
struct MoveDeal {
    opportunityid: i64,
    #[r7(path, body)]
    stageid: i64,
    #[r7(query)]
    fields: String,
}

#[r7_method(GET, "api/2.0/crm/case/filter", response = Vec<u64>, list, format = xml)]
#[derive(Serialize)]
struct ListCases;

#[my_facade::b24::r7_method(DELETE, "api/2.0/crm/case/tag/unused", response = Vec<String>,
                            crate = my_facade::b24)]
#[derive(Serialize)]
struct DeleteUnused {}

#[r7_method(GET, "api/2.0/crm/case/{caseid}", response = T)]
#[derive(Serialize)]
struct Generic<T: serde::de::DeserializeOwned> {
    caseid: i64,
    #[serde(skip)]
    marker: std::marker::PhantomData<T>,
}

fn assert_list<M: ListRoute>() {}

fn main() {
    assert_eq!(SetAccess::VERB, Verb::Put);
    assert_eq!(SetAccess::TEMPLATE, "api/2.0/crm/case/{caseid}/access");
    assert_eq!(SetAccess::FIELDS.len(), 1);
    assert_eq!(SetAccess::FIELDS[0].wire, "caseId");
    assert_eq!(SetAccess::FIELDS[0].placeholder, Some("caseid"));
    assert_eq!(<SetField as Route>::FIELDS.len(), 2);
    let stage = <MoveDeal as Route>::FIELDS
        .iter()
        .find(|field| field.wire == "stageid")
        .unwrap();
    assert!(stage.place.path && stage.place.body);
    let fields = <MoveDeal as Route>::FIELDS
        .iter()
        .find(|field| field.wire == "fields")
        .unwrap();
    assert_eq!(fields.place, Place::QUERY);
    assert_eq!(<ListCases as Route>::FORMAT, Format::Xml);
    assert_eq!(<SetAccess as Route>::FORMAT, Format::Json);
    assert_list::<ListCases>();
    assert_eq!(<DeleteUnused as Route>::VERB, Verb::Delete);
    assert_eq!(
        <Generic<u8> as Route>::TEMPLATE,
        "api/2.0/crm/case/{caseid}"
    );
    let _ = (
        SetAccess {
            case_id: 1,
            is_private: true,
            access_list: vec![],
        },
        SetField {
            case: 1,
            fieldid: 2,
            value: String::new(),
        },
        MoveDeal {
            opportunityid: 1,
            stageid: 2,
            fields: String::new(),
        },
        Generic::<u8> {
            caseid: 1,
            marker: std::marker::PhantomData,
        },
    );
}
