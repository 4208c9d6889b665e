// The plainest route: a verb, a template whose placeholder a field fills, a response.
#[r7_method(GET, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Serialize)]
struct GetCase {
    caseid: i64,
}
