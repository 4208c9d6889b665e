// The expansion of `plain.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct AddLead {
    fields: LeadFields,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::Method for AddLead {
        const NAME: &'static str = "crm.lead.add";
        const SCOPE: ::b24_core::__private::Scope = ::b24_core::__private::Scope::Crm;
        const META: ::b24_core::__private::MethodMeta = ::b24_core::__private::MethodMeta::DEFAULT;
        type Response = u64;
    }
    ::b24_core::__private::register!(AddLead);
};
