//! Every backend passes the store contract (`b24_app::store::conformance`).

mod support;

use b24_app::store::conformance;
use b24_app::{MemoryStore, PostgresStore, SqliteStore};

#[tokio::test]
async fn memory_store_conforms() {
    conformance::run(&MemoryStore::new()).await;
}

#[tokio::test]
async fn sqlite_store_conforms_and_its_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.db");
    let store = SqliteStore::open(&path).unwrap();
    conformance::run(&store).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    // A second handle on the same file (another process, in effect) sees the same data.
    let again = SqliteStore::open(&path).unwrap();
    conformance::run(&again).await;
}

#[tokio::test]
async fn sqlite_store_reports_an_unusable_path() {
    let error = SqliteStore::open("/nonexistent-dir/x/accounts.db").unwrap_err();
    assert!(error.to_string().contains("cannot create"), "{error}");
}

#[tokio::test]
async fn postgres_store_conforms() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    let store = PostgresStore::connect(&url).await.unwrap();
    conformance::run(&store).await;
}

#[tokio::test]
async fn postgres_store_that_is_down_is_a_typed_error() {
    let error = PostgresStore::connect("postgres://postgres@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with("token store: postgres"),
        "{error}"
    );
}
