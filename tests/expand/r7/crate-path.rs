// A unit-struct route through a facade crate path.
#[r7_method(DELETE, "api/2.0/crm/case/tag/unused", response = Vec<String>,
            crate = my_facade::b24)]
#[derive(Serialize)]
struct DeleteUnusedTags;
