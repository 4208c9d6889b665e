// The expansion of `flags-crate-path.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[deprecated(note = "use `crm.item.list`")]
#[derive(Serialize)]
struct ListInvoices;
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl my_facade::b24::__private::Method for ListInvoices {
        const NAME: &'static str = "crm.invoice.list";
        const SCOPE: my_facade::b24::__private::Scope = my_facade::b24::__private::Scope::Crm;
        const META: my_facade::b24::__private::MethodMeta =
            my_facade::b24::__private::MethodMeta::DEFAULT
                .batch(false)
                .list(my_facade::b24::__private::ListShape::Root)
                .deprecated();
        type Response = Vec<serde_json::Value>;
    }
    #[automatically_derived]
    impl my_facade::b24::__private::ListMethod for ListInvoices {
        type Item = serde_json::Value;
    }
    my_facade::b24::__private::register!(ListInvoices);
};
