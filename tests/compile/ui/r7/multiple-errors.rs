// Several mistakes in one attribute are all reported, and the struct stays usable: no
// "trait not implemented" error at the call below.
use b24_core::r7_method;
use serde::Serialize;

#[r7_method(FETCH, "api/2.0/crm/case/{caseid}/{contactid}", response = u64, paged)]
#[derive(Serialize)]
struct RemoveMember {
    caseid: i64,
}

async fn call(client: &b24_core::r7::Client) -> Result<u64, b24_core::r7::Error> {
    client.call(&RemoveMember { caseid: 1 }).await
}

fn main() {
    let _ = call;
}
