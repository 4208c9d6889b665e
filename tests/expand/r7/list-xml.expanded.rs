// The expansion of `list-xml.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListCases {
    start_index: u32,
    count: u32,
    is_closed: Option<bool>,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::r7::Route for ListCases {
        const VERB: ::b24_core::__private::r7::Verb = ::b24_core::__private::r7::Verb::Get;
        const TEMPLATE: &'static str = "api/2.0/crm/case/filter";
        const FIELDS: &'static [::b24_core::__private::r7::Field] =
            &[::b24_core::__private::r7::Field::query("isClosed")];
        const FORMAT: ::b24_core::__private::r7::Format = ::b24_core::__private::r7::Format::Xml;
        type Response = Vec<Case>;
    }
    #[automatically_derived]
    impl ::b24_core::__private::r7::ListRoute for ListCases {}
};
