//! A method declared outside `b24-methods` (in this tests crate) works exactly like a prebuilt one.

use b24_methods::crm::automatedsolution::list::AutomatedSolutionList;
use b24_tests::{MyAddSolution, MyFields};

use crate::support::portal;

/// The user-defined request for a solution titled `title`.
fn mine(title: impl Into<String>) -> MyAddSolution {
    MyAddSolution {
        fields: MyFields {
            title: title.into(),
        },
    }
}

#[tokio::test]
async fn user_defined_method_calls_like_a_prebuilt_one() {
    let (emulator, client) = portal().await;
    let added = client.call(&mine("Mine")).await.unwrap();
    assert_eq!(added.automated_solution["title"], "Mine");
    let page = client.call(&AutomatedSolutionList::new()).await.unwrap();
    assert_eq!(page.automated_solutions.len(), 1);
    assert_eq!(page.automated_solutions[0].title, "Mine");
    assert_eq!(emulator.request_count("crm.automatedsolution.add"), 1);
}

#[tokio::test]
async fn user_defined_method_errors_are_typed_the_same_way() {
    let (_emulator, client) = portal().await;
    let result = client.call(&mine(String::new())).await;
    crate::support::assert_api_error(result, b24_core::ErrorCode::BxEmptyRequired, 400);
}

static_assertions::assert_impl_all!(b24_core::Client: Send, Sync, Clone);
static_assertions::assert_impl_all!(b24_core::Error: Send, Sync, std::error::Error);
static_assertions::assert_impl_all!(MyAddSolution: Send, Sync);
