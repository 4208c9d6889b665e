// The expansion of `crate-path.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct DeleteUnusedTags;
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl my_facade::b24::__private::r7::Route for DeleteUnusedTags {
        const VERB: my_facade::b24::__private::r7::Verb =
            my_facade::b24::__private::r7::Verb::Delete;
        const TEMPLATE: &'static str = "api/2.0/crm/case/tag/unused";
        const FIELDS: &'static [my_facade::b24::__private::r7::Field] = &[];
        type Response = Vec<String>;
    }
};
