// On error: the struct without its `#[r7]` attributes, the errors, and a stub impl.
#[r7_method(FETCH, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Serialize)]
struct GetCase {
    #[r7(path)]
    caseid: i64,
}
