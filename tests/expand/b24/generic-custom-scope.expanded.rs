// The expansion of `generic-custom-scope.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct GetReport<'a, T>
where
    T: DeserializeOwned,
{
    id: &'a str,
    #[serde(skip)]
    marker: PhantomData<T>,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl<'a, T> ::b24_core::__private::Method for GetReport<'a, T>
    where
        T: DeserializeOwned,
    {
        const NAME: &'static str = "vendor.report.get";
        const SCOPE: ::b24_core::__private::Scope =
            ::b24_core::__private::Scope::custom("vendor.reports");
        const META: ::b24_core::__private::MethodMeta = ::b24_core::__private::MethodMeta::DEFAULT;
        type Response = Report<T>;
    }
};
