// The expansion of `fail-soft.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct GetCase {
    caseid: i64,
}
::core::compile_error! { "unknown HTTP verb `FETCH`; the R7 API routes `GET`, `POST`, `PUT` and `DELETE` only" }
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::r7::Route for GetCase {
        const VERB: ::b24_core::__private::r7::Verb = ::b24_core::__private::r7::Verb::Get;
        const TEMPLATE: &'static str = "";
        const FIELDS: &'static [::b24_core::__private::r7::Field] = &[];
        type Response = Case;
    }
};
