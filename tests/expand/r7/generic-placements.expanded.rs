// The expansion of `generic-placements.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct MoveDeal<T: DeserializeOwned> {
    #[serde(rename = "opportunityid")]
    deal: i64,
    stageid: i64,
    fields: String,
    #[serde(skip)]
    marker: PhantomData<T>,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl<T: DeserializeOwned> ::b24_core::__private::r7::Route for MoveDeal<T> {
        const VERB: ::b24_core::__private::r7::Verb = ::b24_core::__private::r7::Verb::Put;
        const TEMPLATE: &'static str = "api/2.0/crm/opportunity/{opportunityid}/stage/{stageid}";
        const FIELDS: &'static [::b24_core::__private::r7::Field] = &[
            ::b24_core::__private::r7::Field::path("opportunityid", "opportunityid"),
            ::b24_core::__private::r7::Field::path("stageid", "stageid").and_body(),
            ::b24_core::__private::r7::Field::query("fields"),
        ];
        type Response = T;
    }
};
