// A generic request with an on-premise module's own scope: no registration (no single type).
#[b24_method("vendor.report.get", scope = custom("vendor.reports"), response = Report<T>)]
#[derive(Serialize)]
struct GetReport<'a, T>
where
    T: DeserializeOwned,
{
    id: &'a str,
    #[serde(skip)]
    marker: PhantomData<T>,
}
