//! Disk (`disk.storage.*`, `disk.folder.*`, `disk.file.*`) end to end through the typed methods
//! of b24-methods: the caller's storage found, folders made, files uploaded by content, listed,
//! downloaded by their `DOWNLOAD_URL`, renamed, trashed, restored, moved and deleted, with the
//! documented errors.

use b24_core::types::Numeric;
use b24_methods::disk::file::delete::DiskFileDelete;
use b24_methods::disk::file::get::DiskFileGet;
use b24_methods::disk::file::mark_deleted::DiskFileMarkDeleted;
use b24_methods::disk::file::move_to::DiskFileMoveTo;
use b24_methods::disk::file::rename::DiskFileRename;
use b24_methods::disk::file::restore::DiskFileRestore;
use b24_methods::disk::folder::add_sub_folder::DiskFolderAddSubFolder;
use b24_methods::disk::folder::delete_tree::DiskFolderDeleteTree;
use b24_methods::disk::folder::get::DiskFolderGet;
use b24_methods::disk::folder::get_children::DiskFolderGetChildren;
use b24_methods::disk::folder::move_to::DiskFolderMoveTo;
use b24_methods::disk::folder::rename::DiskFolderRename;
use b24_methods::disk::folder::upload_file::DiskFolderUploadFile;
use b24_methods::disk::storage::add_folder::DiskStorageAddFolder;
use b24_methods::disk::storage::get::DiskStorageGet;
use b24_methods::disk::storage::get_children::DiskStorageGetChildren;
use b24_methods::disk::storage::upload_file::DiskStorageUploadFile;
use serde_json::json;

use crate::support;

fn id<T: Clone + Into<Numeric>>(value: Option<&T>) -> i64 {
    maybe_id(value).expect("an ID")
}

/// An ID typed as `Id` or `Numeric`, as a number.
fn maybe_id<T: Clone + Into<Numeric>>(value: Option<&T>) -> Option<i64> {
    value
        .cloned()
        .map(Into::into)
        .as_ref()
        .and_then(Numeric::as_i64)
}

#[tokio::test]
async fn folders_and_files_live_in_the_callers_storage() {
    let (emulator, client) = support::unpaced_portal().await;
    let mine = support::callers_storage(&client).await;
    let storage = id(mine.id.as_ref());
    let root = id(mine.root_object_id.as_ref());
    let again = client
        .call(&DiskStorageGet::new(storage))
        .await
        .expect("found");
    assert_eq!(maybe_id(again.root_object_id.as_ref()), Some(root));

    let in_storage = DiskStorageAddFolder::new(storage, json!({ "NAME": "Docs" }));
    let docs = client.call(&in_storage).await.expect("made");
    let docs = id(docs.id.as_ref());
    assert_eq!(
        support::api_code(client.call(&in_storage).await),
        "DISK_OBJ_22000"
    );
    let sub = DiskFolderAddSubFolder::new(docs, json!({ "NAME": "Drafts" }));
    let drafts = client.call(&sub).await.expect("made");
    assert_eq!(maybe_id(drafts.parent_id.as_ref()), Some(docs));
    let drafts = id(drafts.id.as_ref());

    // "hello world" in base64.
    let content = vec![json!("note.txt"), json!("aGVsbG8gd29ybGQ=")];
    let file = client
        .call(
            &DiskFolderUploadFile::new(docs, json!({ "NAME": "note.txt" }))
                .with_file_content(content.clone()),
        )
        .await
        .expect("uploaded");
    assert_eq!(file.size.as_ref().and_then(Numeric::as_i64), Some(11));
    let url = format!(
        "{}{}",
        emulator.base_url(),
        file.download_url.as_deref().expect("a download URL")
    );
    let bytes = reqwest::get(&url)
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("downloaded")
        .bytes()
        .await
        .expect("the content");
    assert_eq!(&bytes[..], b"hello world");
    let file = id(file.id.as_ref());
    let copy = client
        .call(
            &DiskFolderUploadFile::new(docs, json!({ "NAME": "note.txt" }))
                .with_file_content(content.clone())
                .with_generate_unique_name(true),
        )
        .await
        .expect("uploaded");
    assert_eq!(copy.name.as_deref(), Some("note (1).txt"));
    assert_eq!(
        support::api_code(
            client
                .call(
                    &DiskFolderUploadFile::new(docs, json!({ "NAME": "bad.txt" }))
                        .with_file_content(vec![json!("bad.txt"), json!("***")]),
                )
                .await
        ),
        "ERROR_COULD_NOT_SAVE_FILE"
    );
    let top = client
        .call(&DiskStorageUploadFile::new(
            storage,
            vec![json!({ "NAME": "top.txt" })],
            content,
        ))
        .await
        .expect("uploaded");
    assert_eq!(maybe_id(top.parent_id.as_ref()), Some(root));

    let in_root = client
        .call(&DiskStorageGetChildren::new(storage))
        .await
        .expect("listed");
    let names: Vec<&str> = in_root.iter().filter_map(|o| o.name.as_deref()).collect();
    assert_eq!(names, ["Docs", "top.txt"]);
    let files = client
        .call(&DiskFolderGetChildren::new(docs).with_filter(json!({ "TYPE": "file" })))
        .await
        .expect("listed");
    assert_eq!(files.len(), 2);

    let renamed = client
        .call(&DiskFileRename::new(file, "readme.txt"))
        .await
        .expect("renamed");
    assert_eq!(renamed.name.as_deref(), Some("readme.txt"));
    assert_eq!(
        support::api_code(
            client
                .call(&DiskFileRename::new(file, "note (1).txt"))
                .await
        ),
        "DISK_OBJ_22000"
    );
    client
        .call(&DiskFolderRename::new(docs, "Papers"))
        .await
        .expect("renamed");
    let folder = client.call(&DiskFolderGet::new(docs)).await.expect("found");
    assert_eq!(folder.name.as_deref(), Some("Papers"));

    let trashed = client
        .call(&DiskFileMarkDeleted::new(file))
        .await
        .expect("trashed");
    assert_eq!(trashed.deleted_type, Some(Numeric::Text(String::from("3"))));
    let left = client
        .call(&DiskFolderGetChildren::new(docs))
        .await
        .expect("listed");
    assert_eq!(left.len(), 2, "the subfolder and the copy");
    let still = client.call(&DiskFileGet::new(file)).await.expect("found");
    assert_eq!(still.name.as_deref(), Some("readme.txt"));
    let back = client
        .call(&DiskFileRestore::new(file))
        .await
        .expect("restored");
    assert_eq!(
        back.deleted_type.as_ref().and_then(Numeric::as_i64),
        Some(0)
    );
    let moved = client
        .call(&DiskFileMoveTo::new(file, drafts))
        .await
        .expect("moved");
    assert_eq!(maybe_id(moved.parent_id.as_ref()), Some(drafts));
    let in_drafts = client
        .call(&DiskFolderGetChildren::new(drafts))
        .await
        .expect("listed");
    assert_eq!(in_drafts.len(), 1);
    assert_eq!(
        support::api_code(client.call(&DiskFolderMoveTo::new(docs, drafts)).await),
        "ERROR_ARGUMENT",
        "a folder does not go into itself"
    );
    let deleted = client.call(&DiskFileDelete::new(file)).await;
    assert!(deleted.expect("deleted").get());
    let gone = reqwest::get(&url).await.expect("answered").status();
    assert_eq!(gone, reqwest::StatusCode::NOT_FOUND);
    let (code, description) = support::api_failure(client.call(&DiskFileGet::new(file)).await);
    assert_eq!(code, "ERROR_NOT_FOUND");
    assert!(description.contains(&file.to_string()), "{description}");

    assert_eq!(
        support::api_code(client.call(&DiskFolderDeleteTree::new(root)).await),
        "DISK_OBJ_22000"
    );
    client
        .call(&DiskFolderDeleteTree::new(docs))
        .await
        .expect("deleted");
    for gone in [docs, drafts] {
        assert_eq!(
            support::api_code(client.call(&DiskFolderGet::new(gone)).await),
            "ERROR_NOT_FOUND"
        );
    }
    assert_eq!(
        support::api_code(client.call(&DiskFolderGetChildren::new(docs)).await),
        "ERROR_NOT_FOUND"
    );
}
