// The expansion of `version-3.rs`; bless with `B24_BLESS=1 cargo test -p b24-macros golden`.

#[derive(Serialize)]
struct GetTask {
    id: u64,
}
#[allow(deprecated, non_upper_case_globals, clippy::all)]
const _: () = {
    #[automatically_derived]
    impl ::b24_core::__private::v3::Method for GetTask {
        const NAME: &'static str = "tasks.task.get";
        const SCOPE: ::b24_core::__private::Scope = ::b24_core::__private::Scope::Tasks;
        const META: ::b24_core::__private::MethodMeta =
            ::b24_core::__private::MethodMeta::DEFAULT.read_only(true);
        type Response = Item<Task>;
    }
    ::b24_core::__private::v3::register!(GetTask);
};
