// The expansion of `plain.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct GetCase {
    caseid: i64,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::r7::Route for GetCase {
        const VERB: ::b24_core::__private::r7::Verb = ::b24_core::__private::r7::Verb::Get;
        const TEMPLATE: &'static str = "api/2.0/crm/case/{caseid}";
        const FIELDS: &'static [::b24_core::__private::r7::Field] =
            &[::b24_core::__private::r7::Field::path("caseid", "caseid")];
        type Response = Case;
    }
};
