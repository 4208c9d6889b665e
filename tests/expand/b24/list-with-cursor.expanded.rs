// The expansion of `list-with-cursor.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItems {
    entity_type_id: u32,
    filter: Option<serde_json::Value>,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::Method for ListItems {
        const NAME: &'static str = "crm.item.list";
        const SCOPE: ::b24_core::__private::Scope = ::b24_core::__private::Scope::Crm;
        const META: ::b24_core::__private::MethodMeta = ::b24_core::__private::MethodMeta::DEFAULT
            .read_only(true)
            .list(::b24_core::__private::ListShape::Key("items"))
            .cursor("id");
        type Response = ItemPage;
    }
    #[automatically_derived]
    impl ::b24_core::__private::ListMethod for ListItems {
        type Item = Item;
    }
    ::b24_core::__private::register!(ListItems);
};
