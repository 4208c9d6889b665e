//! Disk (`disk.storage.*`, `disk.folder.*`, `disk.file.*`): storages, each with a root folder,
//! and a tree of folders and files under it; a file's bytes are kept in memory. The portal's
//! shared drive and each user's own storage appear on first use. Objects the trash holds
//! (`DELETED_TYPE` 3, or 4 under a trashed folder) are left out of children lists but still
//! found by ID; `delete` and `deleteTree` remove for good.

use super::table::Table;
use super::{Actor, records};
use crate::envelope::{ApiError, format_atom};
use crate::list::Page;
use crate::value::Value;

/// `DELETED_TYPE` of an object put into the trash itself.
const TRASHED: &str = "3";
/// `DELETED_TYPE` of an object in the trash with its folder.
const TRASHED_WITH_PARENT: &str = "4";

/// What an object is: `TYPE` `folder` or `file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder (a storage's root folder too).
    Folder,
    /// A file.
    File,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Folder => "folder",
            Kind::File => "file",
        }
    }
}

/// A file to save: its name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// `NAME` of `data`.
    pub name: String,
    /// The decoded `fileContent`.
    pub content: Vec<u8>,
    /// `generateUniqueName`: a taken name gets ` (1)`, ` (2)`… before its extension.
    pub unique_name: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Object {
    kind: Kind,
    storage: i64,
    parent: Option<i64>,
    record: Value,
    content: Vec<u8>,
}

impl Object {
    fn name(&self) -> &str {
        self.record
            .get("NAME")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    fn is_live(&self) -> bool {
        self.record.get("DELETED_TYPE").and_then(Value::as_str) == Some("0")
    }
}

/// Every storage, folder and file of the portal.
#[derive(Debug, Clone, Default)]
pub struct DiskStore {
    storages: Table<Value>,
    objects: Table<Object>,
    next_file: i64,
}

/// `ERROR_NOT_FOUND` as the disk methods word it.
pub fn not_found(id: i64) -> ApiError {
    ApiError::new(
        400,
        "ERROR_NOT_FOUND",
        format!("Could not find entity with id '{id}'"),
    )
}

fn name_taken(kind: Kind) -> ApiError {
    let what = match kind {
        Kind::Folder => "A folder with this name already exists",
        Kind::File => "A file with that name already exists",
    };
    ApiError::new(400, "DISK_OBJ_22000", what)
}

fn id_text(id: i64) -> Value {
    Value::from(id.to_string())
}

/// `name (n).ext` for `name.ext`.
fn numbered(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

impl DiskStore {
    /// Makes the shared drive and `user`'s storage when they are not there yet.
    pub fn ensure_storages(&mut self, actor: Actor) {
        let common = ("common", String::from("shared_files_s1"), "Shared drive");
        let own = ("user", actor.user.to_string(), "My Drive");
        for (entity_type, entity_id, name) in [common, own] {
            let exists = self.storages.values().any(|s| {
                s.get("ENTITY_TYPE").and_then(Value::as_str) == Some(entity_type)
                    && s.get("ENTITY_ID").and_then(Value::as_str) == Some(entity_id.as_str())
            });
            if !exists {
                self.add_storage(entity_type, &entity_id, name, actor);
            }
        }
    }

    fn add_storage(&mut self, entity_type: &str, entity_id: &str, name: &str, actor: Actor) {
        let id = self.storages.next_id();
        let root = self.insert(Kind::Folder, id, None, name, Vec::new(), actor);
        let record = Value::object([
            ("ID", id_text(id)),
            ("NAME", Value::from(name)),
            ("CODE", Value::Null),
            ("MODULE_ID", Value::from("disk")),
            ("ENTITY_TYPE", Value::from(entity_type)),
            ("ENTITY_ID", Value::from(entity_id)),
            ("ROOT_OBJECT_ID", id_text(root)),
        ]);
        self.storages.insert(id, record);
    }

    fn insert(
        &mut self,
        kind: Kind,
        storage: i64,
        parent: Option<i64>,
        name: &str,
        content: Vec<u8>,
        actor: Actor,
    ) -> i64 {
        let id = self.objects.next_id();
        let time = Value::from(format_atom(actor.now));
        let user = id_text(actor.user);
        let mut record = Value::object([
            ("ID", id_text(id)),
            ("NAME", Value::from(name)),
            ("CODE", Value::Null),
            ("STORAGE_ID", id_text(storage)),
            ("TYPE", Value::from(kind.word())),
            ("PARENT_ID", parent.map_or(Value::Null, id_text)),
            ("DELETED_TYPE", Value::from("0")),
            ("CREATE_TIME", time.clone()),
            ("UPDATE_TIME", time),
            ("DELETE_TIME", Value::Null),
            ("CREATED_BY", user.clone()),
            ("UPDATED_BY", user),
            ("DELETED_BY", Value::from("0")),
            (
                "DETAIL_URL",
                Value::from(format!("/disk/{}/{id}/", kind.word())),
            ),
        ]);
        match kind {
            Kind::Folder => record.insert("REAL_OBJECT_ID", id_text(id)),
            Kind::File => {
                self.next_file += 1;
                record.insert("GLOBAL_CONTENT_VERSION", Value::from("1"));
                record.insert("FILE_ID", id_text(self.next_file));
                record.insert("SIZE", Value::from(content.len().to_string()));
                // Relative to the portal (the emulator has no host name of its own); the router
                // serves it.
                record.insert(
                    "DOWNLOAD_URL",
                    Value::from(format!("/rest/download.json?token=disk%7C{id}")),
                );
            }
        }
        self.objects.insert(
            id,
            Object {
                kind,
                storage,
                parent,
                record,
                content,
            },
        );
        id
    }

    /// `disk.storage.getList`: the page of `start` of the storages `filter` admits.
    pub fn storages(
        &self,
        filter: Option<&Value>,
        order: Option<&Value>,
        start: i64,
    ) -> Result<Page<Value>, ApiError> {
        records::page(self.storages.values(), filter, order, start)
    }

    /// `disk.storage.get`.
    pub fn storage(&self, id: i64) -> Result<Value, ApiError> {
        self.storages.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    /// The root folder of storage `id`.
    pub fn root(&self, id: i64) -> Result<i64, ApiError> {
        let storage = self.storages.get(&id).ok_or_else(|| not_found(id))?;
        Ok(storage.get("ROOT_OBJECT_ID").map_or(0, Value::php_intval))
    }

    fn object(&self, id: i64, kind: Kind) -> Result<&Object, ApiError> {
        self.objects
            .get(&id)
            .filter(|o| o.kind == kind)
            .ok_or_else(|| not_found(id))
    }

    fn object_mut(&mut self, id: i64, kind: Kind) -> Result<&mut Object, ApiError> {
        self.objects
            .get_mut(&id)
            .filter(|o| o.kind == kind)
            .ok_or_else(|| not_found(id))
    }

    /// `disk.folder.get`, `disk.file.get`: the object's record.
    pub fn get(&self, id: i64, kind: Kind) -> Result<Value, ApiError> {
        Ok(self.object(id, kind)?.record.clone())
    }

    /// The bytes of file `id`.
    pub fn content(&self, id: i64) -> Result<&[u8], ApiError> {
        Ok(&self.object(id, Kind::File)?.content)
    }

    /// `disk.folder.getChildren`: the page of `start` of the live objects in folder `id` that
    /// `filter` admits.
    pub fn children(
        &self,
        id: i64,
        filter: Option<&Value>,
        order: Option<&Value>,
        start: i64,
    ) -> Result<Page<Value>, ApiError> {
        self.object(id, Kind::Folder)?;
        let rows = self
            .objects
            .values()
            .filter(|o| o.parent == Some(id) && o.is_live())
            .map(|o| &o.record);
        records::page(rows, filter, order, start)
    }

    fn sibling_named(&self, parent: i64, name: &str, except: i64) -> bool {
        self.objects.iter().any(|(id, o)| {
            *id != except
                && o.parent == Some(parent)
                && o.is_live()
                && o.name().eq_ignore_ascii_case(name)
        })
    }

    fn live_folder(&self, id: i64) -> Result<&Object, ApiError> {
        self.object(id, Kind::Folder)
            .ok()
            .filter(|o| o.is_live())
            .ok_or_else(|| not_found(id))
    }

    /// `disk.folder.addSubFolder`, `disk.storage.addFolder`: a new folder `name` in folder
    /// `parent`; its record.
    pub fn add_folder(&mut self, parent: i64, name: &str, actor: Actor) -> Result<Value, ApiError> {
        let storage = self.live_folder(parent)?.storage;
        if self.sibling_named(parent, name, 0) {
            return Err(name_taken(Kind::Folder));
        }
        let id = self.insert(Kind::Folder, storage, Some(parent), name, Vec::new(), actor);
        self.get(id, Kind::Folder)
    }

    /// `disk.folder.uploadFile`, `disk.storage.uploadFile`: a new file in folder `parent`; its
    /// record. A taken name is `ERROR_COULD_NOT_SAVE_FILE` unless a unique one is asked for.
    pub fn upload(&mut self, parent: i64, file: Upload, actor: Actor) -> Result<Value, ApiError> {
        let storage = self.live_folder(parent)?.storage;
        let mut name = file.name.clone();
        let mut n = 0;
        while self.sibling_named(parent, &name, 0) {
            if !file.unique_name {
                return Err(ApiError::new(
                    400,
                    "ERROR_COULD_NOT_SAVE_FILE",
                    "Could not save file",
                ));
            }
            n += 1;
            name = numbered(&file.name, n);
        }
        let id = self.insert(
            Kind::File,
            storage,
            Some(parent),
            &name,
            file.content,
            actor,
        );
        self.get(id, Kind::File)
    }

    /// `disk.folder.rename`, `disk.file.rename`: the renamed object's record.
    pub fn rename(
        &mut self,
        id: i64,
        kind: Kind,
        name: &str,
        actor: Actor,
    ) -> Result<Value, ApiError> {
        let parent = self.object(id, kind)?.parent;
        if parent.is_some_and(|parent| self.sibling_named(parent, name, id)) {
            return Err(name_taken(kind));
        }
        let object = self.object_mut(id, kind)?;
        object.record.insert("NAME", Value::from(name));
        object
            .record
            .insert("UPDATE_TIME", Value::from(format_atom(actor.now)));
        object.record.insert("UPDATED_BY", id_text(actor.user));
        Ok(object.record.clone())
    }

    /// `ERROR_NOT_FOUND` unless `id` is a `kind`, `DISK_OBJ_22000` for a storage's root folder
    /// (it stays as long as its storage).
    fn not_root(&self, id: i64, kind: Kind) -> Result<(), ApiError> {
        if self.object(id, kind)?.parent.is_none() {
            return Err(ApiError::new(
                400,
                "DISK_OBJ_22000",
                "Could not delete root folder",
            ));
        }
        Ok(())
    }

    /// The IDs of `id` and everything under it.
    fn subtree(&self, id: i64) -> Vec<i64> {
        let mut ids = vec![id];
        let mut i = 0;
        while let Some(&at) = ids.get(i) {
            ids.extend(
                self.objects
                    .iter()
                    .filter(|(_, o)| o.parent == Some(at))
                    .map(|(child, _)| *child),
            );
            i += 1;
        }
        ids
    }

    /// `disk.file.markDeleted`, `disk.folder.markDeleted`: the object (and what is under it)
    /// goes to the trash; its record.
    pub fn mark_deleted(&mut self, id: i64, kind: Kind, actor: Actor) -> Result<Value, ApiError> {
        self.trash(id, kind, Some(actor))
    }

    /// `disk.file.restore`, `disk.folder.restore`: the object, and what went to the trash with
    /// it, come back; its record.
    pub fn restore(&mut self, id: i64, kind: Kind) -> Result<Value, ApiError> {
        self.trash(id, kind, None)
    }

    /// Puts `id` with its live contents into the trash (`by` the actor), or takes it out with
    /// what went in with it (`None`).
    fn trash(&mut self, id: i64, kind: Kind, by: Option<Actor>) -> Result<Value, ApiError> {
        self.not_root(id, kind)?;
        for at in self.subtree(id) {
            let Some(object) = self.objects.get_mut(&at) else {
                continue;
            };
            let state = object.record.get("DELETED_TYPE").and_then(Value::as_str);
            let (deleted_type, time, user) = match by {
                Some(actor) if at == id || state == Some("0") => (
                    if at == id {
                        TRASHED
                    } else {
                        TRASHED_WITH_PARENT
                    },
                    Value::from(format_atom(actor.now)),
                    id_text(actor.user),
                ),
                None if at == id || state == Some(TRASHED_WITH_PARENT) => {
                    ("0", Value::Null, Value::from("0"))
                }
                _ => continue,
            };
            object
                .record
                .insert("DELETED_TYPE", Value::from(deleted_type));
            object.record.insert("DELETE_TIME", time);
            object.record.insert("DELETED_BY", user);
        }
        self.get(id, kind)
    }

    /// `disk.file.moveTo`, `disk.folder.moveTo`: `id` with its contents into folder `target`
    /// (of any storage); its record. Not into itself, nor beside an object of the same name.
    pub fn move_to(
        &mut self,
        id: i64,
        kind: Kind,
        target: i64,
        actor: Actor,
    ) -> Result<Value, ApiError> {
        self.not_root(id, kind)?;
        let storage = self.live_folder(target)?.storage;
        let subtree = self.subtree(id);
        if subtree.contains(&target) {
            return Err(ApiError::argument(
                "targetFolderId",
                "Invalid value of parameter {Parameter #1}",
            ));
        }
        let name = self.object(id, kind)?.name().to_owned();
        if self.sibling_named(target, &name, id) {
            return Err(name_taken(kind));
        }
        for at in subtree {
            if let Some(object) = self.objects.get_mut(&at) {
                object.storage = storage;
                object.record.insert("STORAGE_ID", id_text(storage));
                if at == id {
                    object.parent = Some(target);
                    object.record.insert("PARENT_ID", id_text(target));
                    object
                        .record
                        .insert("UPDATE_TIME", Value::from(format_atom(actor.now)));
                    object.record.insert("UPDATED_BY", id_text(actor.user));
                }
            }
        }
        self.get(id, kind)
    }

    /// `disk.file.delete`, `disk.folder.deleteTree`: the object and everything under it are
    /// gone for good. A storage's root folder stays (`DISK_OBJ_22000`).
    pub fn delete(&mut self, id: i64, kind: Kind) -> Result<(), ApiError> {
        self.not_root(id, kind)?;
        for at in self.subtree(id) {
            self.objects.remove(&at);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTOR: Actor = Actor { user: 1, now: 0 };

    fn upload(name: &str, unique_name: bool) -> Upload {
        Upload {
            name: name.into(),
            content: b"hello".to_vec(),
            unique_name,
        }
    }

    #[test]
    fn a_tree_of_folders_and_files() {
        let mut disk = DiskStore::default();
        disk.ensure_storages(ACTOR);
        disk.ensure_storages(ACTOR);
        assert_eq!(disk.storages(None, None, 0).expect("listed").rows.len(), 2);
        let root = disk.root(2).expect("the user's storage");
        let folder = disk.add_folder(root, "Docs", ACTOR).expect("added");
        let folder = folder.get("ID").map_or(0, Value::php_intval);
        assert_eq!(
            disk.add_folder(root, "docs", ACTOR).unwrap_err().code,
            "DISK_OBJ_22000"
        );
        let file = disk
            .upload(folder, upload("a.txt", false), ACTOR)
            .expect("saved");
        assert_eq!(file.get("SIZE"), Some(&Value::from("5")));
        assert_eq!(
            disk.upload(folder, upload("a.txt", false), ACTOR)
                .unwrap_err()
                .code,
            "ERROR_COULD_NOT_SAVE_FILE"
        );
        let second = disk
            .upload(folder, upload("a.txt", true), ACTOR)
            .expect("saved");
        assert_eq!(second.get("NAME"), Some(&Value::from("a (1).txt")));
        let file = file.get("ID").map_or(0, Value::php_intval);
        assert_eq!(disk.content(file).expect("kept"), b"hello");
        let count = |disk: &DiskStore, folder| {
            let page = disk.children(folder, None, None, 0).expect("listed");
            page.rows.len()
        };
        disk.mark_deleted(file, Kind::File, ACTOR).expect("trashed");
        assert_eq!(count(&disk, folder), 1);
        disk.restore(file, Kind::File).expect("restored");
        assert_eq!(count(&disk, folder), 2);
        let into_itself = disk.move_to(folder, Kind::Folder, folder, ACTOR);
        assert_eq!(into_itself.unwrap_err().code, "ERROR_ARGUMENT");
        disk.move_to(file, Kind::File, root, ACTOR).expect("moved");
        assert_eq!((count(&disk, folder), count(&disk, root)), (1, 2));
        let root_gone = disk.delete(root, Kind::Folder).unwrap_err();
        assert_eq!(root_gone.code, "DISK_OBJ_22000");
        disk.delete(folder, Kind::Folder).expect("deleted");
        let second = second.get("ID").map_or(0, Value::php_intval);
        let second_gone = disk.get(second, Kind::File).unwrap_err();
        assert_eq!(second_gone.code, "ERROR_NOT_FOUND");
        assert_eq!(count(&disk, root), 1, "the moved file stays");
    }
}
