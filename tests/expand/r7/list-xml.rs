// A paged list route read as XML; fields left to the defaults get no entry.
#[r7_method(GET, "api/2.0/crm/case/filter", response = Vec<Case>, list, format = xml)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListCases {
    start_index: u32,
    count: u32,
    #[r7(query)]
    is_closed: Option<bool>,
}
