//! Chats and messages (`im.chat.add`, `im.message.add/update/delete`,
//! `im.dialog.messages.get`): group chats by ID (dialog `chat<ID>`), private dialogs by the
//! pair of users (dialog `<userId>`), each with its own chat ID; messages by ID.

use std::collections::BTreeMap;

use super::table::Table;
use crate::envelope::{ApiError, format_atom};
use crate::value::Value;

fn error(code: &str, description: &str) -> ApiError {
    ApiError::new(400, code, description)
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
struct Message {
    chat: i64,
    author: i64,
    date: i64,
    text: String,
}

/// Chats and their messages.
#[derive(Debug, Clone, Default)]
pub struct ImStore {
    /// Group chats: ID → title.
    chats: BTreeMap<i64, String>,
    /// Private dialogs: (lower user ID, higher user ID) → chat ID.
    privates: BTreeMap<(i64, i64), i64>,
    messages: Table<Message>,
    next_chat: i64,
}

impl ImStore {
    fn new_chat_id(&mut self) -> i64 {
        self.next_chat += 1;
        self.next_chat
    }

    /// `im.chat.add`: a group chat; its ID.
    pub fn chat_add(&mut self, title: &str) -> i64 {
        let id = self.new_chat_id();
        let title = if title.is_empty() {
            format!("Chat #{id}")
        } else {
            title.to_owned()
        };
        self.chats.insert(id, title);
        id
    }

    /// The chat ID of a dialog of `user`: `chat<ID>` of a group chat, or another user's ID
    /// (known to `known_user`) for the private dialog, made on first use.
    pub fn chat_of(
        &mut self,
        dialog: &str,
        user: i64,
        known_user: impl Fn(i64) -> bool,
    ) -> Result<i64, ApiError> {
        if let Some(id) = dialog.strip_prefix("chat") {
            let id = id.parse::<i64>().unwrap_or(0);
            return self.chats.contains_key(&id).then_some(id).ok_or_else(|| {
                error(
                    "ACCESS_ERROR",
                    "You do not have access to the specified dialog",
                )
            });
        }
        let other = dialog.parse::<i64>().unwrap_or(0);
        if other <= 0 || !known_user(other) {
            return Err(error("USER_NOT_FOUND", "User not found"));
        }
        let pair = (user.min(other), user.max(other));
        if let Some(id) = self.privates.get(&pair) {
            return Ok(*id);
        }
        let id = self.new_chat_id();
        self.privates.insert(pair, id);
        Ok(id)
    }

    /// `im.message.add`: a message in `chat`; its ID.
    pub fn add(&mut self, chat: i64, author: i64, text: &str, now: i64) -> Result<i64, ApiError> {
        if text.trim().is_empty() {
            return Err(error("MESSAGE_EMPTY", "Message can't be empty"));
        }
        Ok(self.messages.push(Message {
            chat,
            author,
            date: now,
            text: text.to_owned(),
        }))
    }

    /// The message `id` when `user` wrote it (`MESSAGE_ID_ERROR`, `CANT_EDIT_MESSAGE`).
    fn own(&mut self, id: i64, user: i64) -> Result<&mut Message, ApiError> {
        let message = self
            .messages
            .get_mut(&id)
            .ok_or_else(|| error("MESSAGE_ID_ERROR", "Message ID can't be empty"))?;
        if message.author != user {
            return Err(error("CANT_EDIT_MESSAGE", "You cannot edit this message"));
        }
        Ok(message)
    }

    /// `im.message.update`: the new text (an empty one deletes the message, as the portal does).
    pub fn update(&mut self, id: i64, user: i64, text: &str) -> Result<(), ApiError> {
        self.own(id, user)?;
        if text.trim().is_empty() {
            self.messages.remove(&id);
        } else {
            self.own(id, user)?.text = text.to_owned();
        }
        Ok(())
    }

    /// `im.message.delete`.
    pub fn delete(&mut self, id: i64, user: i64) -> Result<(), ApiError> {
        self.own(id, user)?;
        self.messages.remove(&id);
        Ok(())
    }

    /// `im.dialog.messages.get`: up to `limit` messages of `chat`, newest first; with
    /// `last_id` those older than it, with `first_id` those newer (oldest first).
    pub fn history(
        &self,
        chat: i64,
        last_id: Option<i64>,
        first_id: Option<i64>,
        limit: usize,
    ) -> Value {
        let in_chat = self.messages.iter().filter(|(_, m)| m.chat == chat);
        let picked: Vec<(&i64, &Message)> = match first_id {
            Some(first) => in_chat.filter(|(id, _)| **id > first).take(limit).collect(),
            None => in_chat
                .rev()
                .filter(|(id, _)| last_id.is_none_or(|last| **id < last))
                .take(limit)
                .collect(),
        };
        let messages = picked
            .into_iter()
            .map(|(id, m)| {
                Value::object([
                    ("id", Value::Int(*id)),
                    ("chat_id", Value::Int(m.chat)),
                    ("author_id", Value::Int(m.author)),
                    ("date", Value::from(format_atom(m.date))),
                    ("text", Value::from(m.text.as_str())),
                    ("unread", Value::Bool(false)),
                    ("uuid", Value::Null),
                    ("replaces", Value::List(Vec::new())),
                    ("params", Value::empty_map()),
                ])
            })
            .collect();
        Value::object([
            ("chat_id", Value::Int(chat)),
            ("messages", Value::List(messages)),
            ("users", Value::List(Vec::new())),
            ("files", Value::List(Vec::new())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_live_in_their_dialog_and_only_their_author_edits_them() {
        let mut im = ImStore::default();
        let known = |id: i64| id == 1 || id == 11;
        let private = im.chat_of("11", 1, known).expect("a user");
        assert_eq!(im.chat_of("1", 11, known), Ok(private));
        assert_eq!(
            im.chat_of("99", 1, known).unwrap_err().code,
            "USER_NOT_FOUND"
        );
        let group = im.chat_add("Team");
        assert_eq!(im.chat_of(&format!("chat{group}"), 1, known), Ok(group));
        let first = im.add(private, 1, "hello", 0).expect("sent");
        let second = im.add(private, 11, "hi", 1).expect("sent");
        im.add(group, 1, "elsewhere", 2).expect("sent");
        assert_eq!(im.add(group, 1, " ", 2).unwrap_err().code, "MESSAGE_EMPTY");
        let history = im.history(private, None, None, 20);
        let ids: Vec<Value> = history
            .get("messages")
            .expect("messages")
            .entries()
            .into_iter()
            .filter_map(|(_, m)| m.get("id").cloned())
            .collect();
        assert_eq!(ids, [Value::Int(second), Value::Int(first)]);
        assert_eq!(
            im.update(second, 1, "x").unwrap_err().code,
            "CANT_EDIT_MESSAGE"
        );
        im.update(first, 1, "hello there").expect("edited");
        im.delete(first, 1).expect("deleted");
        assert_eq!(im.delete(first, 1).unwrap_err().code, "MESSAGE_ID_ERROR");
    }
}
