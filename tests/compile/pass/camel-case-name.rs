//! Documented names keep their capitals; the server is case-insensitive, the docs are not.

use b24_core::{Method, Scope, b24_method};
use serde::Serialize;

#[b24_method("disk.folder.uploadFile", scope = "disk", response = serde_json::Value)]
#[derive(Serialize)]
struct UploadFile {
    id: u64,
}

#[b24_method("imbot.v2.Chat.Message.send", scope = "imbot", response = bool)]
#[derive(Serialize)]
struct SendMessage {
    text: String,
}

fn main() {
    assert_eq!(UploadFile::NAME, "disk.folder.uploadFile");
    assert_eq!(UploadFile::SCOPE, Scope::Disk);
    assert_eq!(SendMessage::NAME, "imbot.v2.Chat.Message.send");
    assert_eq!(
        b24_core::registry::find("disk.folder.uploadfile")
            .unwrap()
            .name,
        "disk.folder.uploadFile"
    );
    let _ = (
        UploadFile { id: 1 }.id,
        SendMessage {
            text: String::new(),
        }
        .text,
    );
}
