// A generic request whose fields go to the path (by serde name), the body and the query.
#[r7_method(PUT, "api/2.0/crm/opportunity/{opportunityid}/stage/{stageid}", response = T)]
#[derive(Serialize)]
struct MoveDeal<T: DeserializeOwned> {
    #[serde(rename = "opportunityid")]
    deal: i64,
    #[r7(path, body)]
    stageid: i64,
    #[r7(query)]
    fields: String,
    #[serde(skip)]
    marker: PhantomData<T>,
}
