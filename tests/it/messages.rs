//! Chats and messages end to end through the typed methods of b24-methods: what
//! `im.message.add` sends, `im.dialog.messages.get` reads back (newest first, paged by
//! `LAST_ID`); `update` and `delete` change it, for its author only.

use b24_methods::im::chat::add::ImChatAdd;
use b24_methods::im::dialog::messages::get::ImDialogMessagesGet;
use b24_methods::im::message::add::ImMessageAdd;
use b24_methods::im::message::delete::ImMessageDelete;
use b24_methods::im::message::update::ImMessageUpdate;

use crate::support;

/// The texts of a dialog's messages as answered.
async fn texts(client: &b24_core::Client, request: &ImDialogMessagesGet) -> Vec<String> {
    client
        .call(request)
        .await
        .expect("read")
        .messages
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.text)
        .collect()
}

#[tokio::test]
async fn messages_are_sent_read_edited_and_removed() {
    let (_emulator, client) = support::unpaced_portal().await;
    let chat = client
        .call(
            &ImChatAdd::default()
                .with_title("Release")
                .with_message("Kick-off"),
        )
        .await
        .expect("a chat")
        .as_i64()
        .expect("an ID");
    let dialog = format!("chat{chat}");
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = client
            .call(&ImMessageAdd::new(dialog.as_str(), format!("step {i}")))
            .await
            .expect("sent");
        ids.push(id.as_i64().expect("an ID"));
    }
    let all = ImDialogMessagesGet::new(dialog.as_str());
    assert_eq!(
        texts(&client, &all).await,
        ["step 2", "step 1", "step 0", "Kick-off"]
    );
    let older = ImDialogMessagesGet::new(dialog.as_str()).with_last_id(ids[1]);
    assert_eq!(texts(&client, &older).await, ["step 0", "Kick-off"]);

    client
        .call(&ImMessageUpdate::new(ids[0]).with_message("step 0, done"))
        .await
        .expect("edited");
    client
        .call(&ImMessageDelete::new(ids[2]))
        .await
        .expect("deleted");
    assert_eq!(
        texts(&client, &all).await,
        ["step 1", "step 0, done", "Kick-off"]
    );
    assert_eq!(
        support::api_code(client.call(&ImMessageDelete::new(ids[2])).await),
        "MESSAGE_ID_ERROR"
    );

    // A private dialog with user #11; unknown users and empty messages are refused.
    client
        .call(&ImMessageAdd::new("11", "hello"))
        .await
        .expect("sent");
    assert_eq!(
        texts(&client, &ImDialogMessagesGet::new("11")).await,
        ["hello"]
    );
    assert_eq!(
        support::api_code(client.call(&ImMessageAdd::new("999", "hello")).await),
        "USER_NOT_FOUND"
    );
    assert_eq!(
        support::api_code(client.call(&ImMessageAdd::new("11", " ")).await),
        "MESSAGE_EMPTY"
    );
}
