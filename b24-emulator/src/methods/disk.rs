//! Disk on [`crate::store::disk`]: storages (`disk.storage.getList/get/getChildren/addFolder/
//! uploadFile`), folders (`disk.folder.get/getChildren/addSubFolder/uploadFile/rename/
//! moveTo/markDeleted/restore/deleteTree`) and files (`disk.file.get/rename/moveTo/markDeleted/
//! restore/delete`). Files are uploaded by content: `fileContent` as `[name, base64]`.

use super::args::yes;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::Actor;
use crate::store::disk::{DiskStore, Kind, Upload};
use crate::value::Value;

/// `ERROR_ARGUMENT` for parameter number `position` of the method, as the portal words it.
fn invalid(name: &str, position: u8) -> ApiError {
    ApiError::argument(
        name,
        format!("Invalid value of parameter {{Parameter #{position}}}"),
    )
}

/// The required `id` (`ERROR_ARGUMENT` when missing or not positive).
fn id(params: &Value) -> Result<i64, ApiError> {
    params
        .get_ci("id")
        .map(Value::php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| invalid("id", 0))
}

/// A map parameter sent as a one-item list by the typed clients, as the map.
fn map_param<'a>(params: &'a Value, name: &str) -> Option<&'a Value> {
    match params.get_ci(name)? {
        Value::List(items) if items.len() == 1 => items.first(),
        Value::List(items) if items.is_empty() => None,
        other => Some(other),
    }
}

/// The store with the portal's shared drive and the caller's storage in it, and the caller.
fn disk<'a>(call: &'a mut Call<'_>) -> (&'a mut DiskStore, Actor) {
    let actor = call.actor();
    call.state.disk.ensure_storages(actor);
    (&mut call.state.disk, actor)
}

/// `NAME` of the required `data` (`error` when blank).
fn data_name(params: &Value, error: impl FnOnce() -> ApiError) -> Result<String, ApiError> {
    map_param(params, "data")
        .and_then(|data| data.get_ci("NAME"))
        .and_then(Value::php_string)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(error)
}

fn list(page: crate::list::Page<Value>) -> Result<MethodOutput, ApiError> {
    Ok(page.into_output(|rows| rows))
}

fn one(record: Value) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(record))
}

/// `disk.storage.getList`: a page of the storages.
pub fn storage_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let params = call.params;
    let (disk, _) = disk(call);
    list(disk.storages(
        map_param(params, "filter"),
        map_param(params, "order"),
        params.get_ci("start").map_or(0, Value::php_intval),
    )?)
}

/// `disk.storage.get`.
pub fn storage_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call.params)?;
    one(disk(call).0.storage(id)?)
}

/// `disk.storage.getChildren`: a page of the root folder's objects.
pub fn storage_children(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call.params)?;
    let root = disk(call).0.root(id)?;
    children(call, root)
}

/// A page of the objects in `folder` that the call's `filter` admits, in its `order`.
fn children(call: &mut Call<'_>, folder: i64) -> Result<MethodOutput, ApiError> {
    let params = call.params;
    let (disk, _) = disk(call);
    list(disk.children(
        folder,
        map_param(params, "filter"),
        map_param(params, "order"),
        params.get_ci("start").map_or(0, Value::php_intval),
    )?)
}

/// `disk.storage.addFolder`: the new folder in the storage's root.
pub fn storage_add_folder(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (params, id) = (call.params, id(call.params)?);
    let name = data_name(params, || invalid("data", 1))?;
    let (disk, actor) = disk(call);
    let root = disk.root(id)?;
    one(disk.add_folder(root, &name, actor)?)
}

/// `disk.storage.uploadFile`: the new file in the storage's root.
pub fn storage_upload(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (params, id) = (call.params, id(call.params)?);
    let file = upload(params)?;
    let (disk, actor) = disk(call);
    let root = disk.root(id)?;
    one(disk.upload(root, file, actor)?)
}

/// `disk.folder.get`.
pub fn folder_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call.params)?;
    one(disk(call).0.get(id, Kind::Folder)?)
}

/// `disk.folder.getChildren`: a page of the folder's objects.
pub fn folder_children(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call.params)?;
    children(call, id)
}

/// `disk.folder.addSubFolder`: the new folder.
pub fn folder_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (params, id) = (call.params, id(call.params)?);
    let name = data_name(params, || invalid("data", 1))?;
    let (disk, actor) = disk(call);
    one(disk.add_folder(id, &name, actor)?)
}

/// `disk.folder.uploadFile`: the new file.
pub fn folder_upload(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (params, id) = (call.params, id(call.params)?);
    let file = upload(params)?;
    let (disk, actor) = disk(call);
    one(disk.upload(id, file, actor)?)
}

fn kind_of(method: &str) -> Kind {
    if method.to_ascii_lowercase().starts_with("disk.file.") {
        Kind::File
    } else {
        Kind::Folder
    }
}

/// `disk.file.get`.
pub fn file_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call.params)?;
    one(disk(call).0.get(id, Kind::File)?)
}

/// `disk.folder.rename`, `disk.file.rename`: the renamed object.
pub fn rename(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (params, id, kind) = (call.params, id(call.params)?, kind_of(call.method));
    let name = params
        .get_ci("newName")
        .and_then(Value::php_string)
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .ok_or_else(|| invalid("newName", 1))?;
    let (disk, actor) = disk(call);
    one(disk.rename(id, kind, &name, actor)?)
}

/// `disk.folder.markDeleted`, `disk.file.markDeleted`: the object, now in the trash.
pub fn mark_deleted(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (id, kind) = (id(call.params)?, kind_of(call.method));
    let (disk, actor) = disk(call);
    one(disk.mark_deleted(id, kind, actor)?)
}

/// `disk.folder.restore`, `disk.file.restore`: the object, out of the trash.
pub fn restore(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (id, kind) = (id(call.params)?, kind_of(call.method));
    one(disk(call).0.restore(id, kind)?)
}

/// `disk.folder.moveTo`, `disk.file.moveTo`: the object in its new folder.
pub fn move_to(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (id, kind) = (id(call.params)?, kind_of(call.method));
    let target = call
        .params
        .get_ci("targetFolderId")
        .map(Value::php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| invalid("targetFolderId", 1))?;
    let (disk, actor) = disk(call);
    one(disk.move_to(id, kind, target, actor)?)
}

/// `disk.folder.deleteTree`, `disk.file.delete`: `true`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (id, kind) = (id(call.params)?, kind_of(call.method));
    disk(call).0.delete(id, kind)?;
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// The file of an upload call: `data.NAME` (`DISK_BASE_SERVICE_22001` when blank) and the
/// bytes of `fileContent` (`[name, base64]`; `ERROR_COULD_NOT_SAVE_FILE` when they do not
/// decode). The two-step upload through `uploadUrl` is not emulated: without `fileContent` the
/// call is `ERROR_ARGUMENT`.
fn upload(params: &Value) -> Result<Upload, ApiError> {
    let name = data_name(params, || {
        ApiError::new(
            400,
            "DISK_BASE_SERVICE_22001",
            "Error: required parameter NAME (DISK_BASE_SERVICE_22001)",
        )
    })?;
    let parts = params
        .get_ci("fileContent")
        .map(Value::entries)
        .unwrap_or_default();
    let encoded = parts
        .get(1)
        .and_then(|(_, v)| v.php_string())
        .ok_or_else(|| invalid("fileContent", 2))?;
    let content = base64(&encoded)
        .ok_or_else(|| ApiError::new(400, "ERROR_COULD_NOT_SAVE_FILE", "Could not save file"))?;
    let unique_name = params.get_ci("generateUniqueName").is_some_and(yes);
    Ok(Upload {
        name,
        content,
        unique_name,
    })
}

/// Standard base64 (padding optional, whitespace ignored), as PHP's `base64_decode` reads it
/// in strict mode; `None` on any other character.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0u8;
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = bits << 6 | u32::from(value);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&bits.to_be_bytes()[1..]);
            (bits, count) = (0, 0);
        }
    }
    match count {
        0 => {}
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&((bits >> 2) as u16).to_be_bytes()),
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_reads_padded_unpadded_and_refuses_junk() {
        assert_eq!(base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64("").as_deref(), Some(&b""[..]));
        assert_eq!(base64("aGVs bG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(base64("a"), None);
        assert_eq!(base64("a*b="), None);
    }
}
