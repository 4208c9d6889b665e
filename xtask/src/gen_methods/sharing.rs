//! One record per shape: records documented again and again for the same object are generated
//! once and the per-method names kept as aliases.
//!
//! The rules, applied after every method's records are built and before they are written:
//! - a returned record of a method with the same fields as its folder's entity (see
//!   `entities`) is the entity; a `get` result holding the entity's fields and more (the IDs
//!   and times `add` does not take) extends the entity and is it
//!   (`crm.requisite.bankdetail.get` answers a `Bankdetail`);
//! - returned records of a folder's methods with the same fields as the folder's `get` result
//!   become one record of the folder, named after it (`disk.file.get`, `.rename`, `.copyTo`, …
//!   answer a `disk::file::File`);
//! - a returned record alike such a folder record elsewhere is that record
//!   (`disk.folder.uploadFile` answers a `disk::file::File`);
//! - entities of folders with the same name and the same fields (`crm.deal.userfield`,
//!   `crm.contact.userfield`, …) are the first of them.
//!
//! "The same fields": the same keys, types (for a folder's record, a string and a number are
//! alike and the shared record takes the number) and requiredness, nested records compared by their
//! own fields (their names differ per method), and the same documented name patterns; only in
//! the same scopes, so that a record is compiled wherever its aliases are.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::entities::Entities;
use super::naming::{TypeNames, pascal};
use super::records::{FieldDef, StructDef};
use super::types::Ty;

/// A generated method's records, open to sharing before they are written.
pub(super) struct MethodRecords {
    /// The method (`disk.file.rename`).
    pub(super) method: String,
    /// The module path of the method's folder (`["disk", "file"]`).
    pub(super) folder: Vec<String>,
    pub(super) scopes: Vec<String>,
    /// The method's records (its request excluded), nested ones before their parents.
    pub(super) structs: Vec<StructDef>,
    /// Records now shared: their former name and the shared record's path.
    pub(super) aliases: Vec<(String, String)>,
}

/// What sharing adds to a folder's module.
#[derive(Default)]
pub(super) struct FolderRecords {
    /// The scopes of the methods that use the records.
    pub(super) scopes: Vec<String>,
    /// Records shared by the folder's methods.
    pub(super) structs: Vec<StructDef>,
    /// The folder's entity now shared with another folder: its name and the target's path.
    pub(super) aliases: Vec<(String, String)>,
}

/// Shares the records of `methods` and `entities` (see the module's rules); `is_leaf` tells
/// whether a module path is a method's file (no place for a folder's records). Returns what
/// goes into the folders' modules, by module path.
pub(super) fn share(
    methods: &mut [MethodRecords],
    entities: &mut Entities,
    names: &mut TypeNames,
    is_leaf: impl Fn(&[String]) -> bool,
) -> BTreeMap<Vec<String>, FolderRecords> {
    let mut folders: BTreeMap<Vec<String>, FolderRecords> = BTreeMap::new();
    share_entities(entities, &mut folders);
    for method in methods.iter_mut() {
        let folder = method.dotted_folder().to_owned();
        let Some(entity) = entities.all_mut().find(|entity| entity.folder == folder) else {
            continue;
        };
        if entity.scopes != method.scopes || entity.structs.is_empty() {
            continue;
        }
        let wanted = shape(&entity.structs[0], &entity.structs, false);
        if wanted.is_empty() {
            continue;
        }
        let path = entity.path.clone();
        if let Some(record) = returned(&method.structs)
            .into_iter()
            .find(|&record| shape(&method.structs[record], &method.structs, false) == wanted)
        {
            method.alias(record, &path);
        } else if method.method.ends_with(".get")
            && let Some(record) = main_record(&method.structs)
            && extend_entity(&mut entity.structs, &method.structs, record)
        {
            method.alias(record, &path);
        }
    }
    share_get_results(methods, names, &is_leaf, &mut folders);
    share_across_folders(methods, &folders);
    folders
}

/// A method's returned record alike a record of another folder (`disk.folder.uploadFile`
/// answers a `disk::file::File`) is that record, where the shared record reads every field
/// (the same type, or a number for a string).
fn share_across_folders(
    methods: &mut [MethodRecords],
    folders: &BTreeMap<Vec<String>, FolderRecords>,
) {
    let shared: Vec<(String, &FolderRecords, &StructDef)> = folders
        .iter()
        .flat_map(|(module, records)| {
            let roots = roots(&records.structs);
            roots.into_iter().map(move |root| {
                let def = &records.structs[root];
                (
                    format!("crate::{}::{}", module.join("::"), def.name),
                    records,
                    def,
                )
            })
        })
        .collect();
    for method in methods.iter_mut() {
        let found = returned(&method.structs).into_iter().find_map(|root| {
            let def = &method.structs[root];
            let wanted = shape(def, &method.structs, true);
            shared
                .iter()
                .find(|(_, records, record)| {
                    records.scopes == method.scopes
                        && shape(record, &records.structs, true) == wanted
                        && record
                            .fields
                            .iter()
                            .zip(&def.fields)
                            .all(|(shared, own)| reads(&shared.ty, &own.ty))
                })
                .map(|(path, _, _)| (root, path.clone()))
        });
        if let Some((root, path)) = found {
            method.alias(root, &path);
        }
    }
}

impl MethodRecords {
    /// No records (a placeholder while the records are shared).
    pub(super) fn empty() -> Self {
        MethodRecords {
            method: String::new(),
            folder: Vec::new(),
            scopes: Vec::new(),
            structs: Vec::new(),
            aliases: Vec::new(),
        }
    }

    /// Replaces the record `root` (and its nested records) with an alias of `target`.
    fn alias(&mut self, root: usize, target: &str) {
        let name = self.structs[root].name.clone();
        let gone = closure(root, &self.structs);
        let mut index = 0;
        self.structs.retain(|_| {
            index += 1;
            !gone.contains(&(index - 1))
        });
        self.aliases.push((name, target.to_owned()));
    }

    /// The dotted folder of the method (`disk.file`).
    fn dotted_folder(&self) -> &str {
        self.method
            .rsplit_once('.')
            .map_or(self.method.as_str(), |(folder, _)| folder)
    }
}

/// A `get` result holding every field of its folder's entity and more (the entity is the
/// union of what `add` and `update` take, `get` answers the IDs and times too): the entity takes
/// the result's fields, in its order, so that `get` can answer the entity. Only flat records
/// (no nested ones on either side); `false` when the result does not hold the entity.
fn extend_entity(entity: &mut [StructDef], structs: &[StructDef], root: usize) -> bool {
    let result = &structs[root];
    let [record] = entity else {
        return false;
    };
    let flat = |def: &StructDef| {
        def.fields
            .iter()
            .all(|field| !matches!(field.ty, Ty::Struct(_)) && !field.ty.is_list_of_records())
    };
    let holds_all = record.fields.iter().all(|field| {
        result
            .fields
            .iter()
            .any(|answered| answered.wire == field.wire && answered.ty == field.ty)
    });
    if record.fields.is_empty() || !holds_all || !flat(record) || !flat(result) {
        return false;
    }
    record.fields = result
        .fields
        .iter()
        .map(|field| FieldDef {
            ident: field.ident.clone(),
            wire: field.wire.clone(),
            ty: field.ty.clone(),
            required: false,
            doc_type: field.doc_type.clone(),
        })
        .collect();
    for pattern in &result.patterns {
        if !record.patterns.contains(pattern) {
            record.patterns.push(pattern.clone());
        }
    }
    true
}

/// Entities of folders with the same last name, scopes and fields: the first (by folder) is
/// kept, the others become its aliases.
fn share_entities(entities: &mut Entities, folders: &mut BTreeMap<Vec<String>, FolderRecords>) {
    let mut firsts: BTreeMap<(String, Vec<String>, String), String> = BTreeMap::new();
    for entity in entities.all_mut() {
        let Some(root) = entity
            .structs
            .first()
            .filter(|root| !root.fields.is_empty())
        else {
            continue;
        };
        let last = entity
            .folder
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_owned();
        let key = (
            last,
            entity.scopes.clone(),
            shape(root, &entity.structs, false),
        );
        match firsts.get(&key) {
            None => {
                firsts.insert(key, entity.path.clone());
            }
            Some(target) => {
                let (module, name) = entity
                    .path
                    .trim_start_matches("crate::")
                    .rsplit_once("::")
                    .unwrap_or_default();
                let module: Vec<String> = module.split("::").map(str::to_owned).collect();
                let records = folders.entry(module).or_default();
                records.scopes = entity.scopes.clone();
                records.aliases.push((name.to_owned(), target.clone()));
                entity.structs.clear();
            }
        }
    }
}

/// A folder's methods answering what its `get` answers share one record of the folder.
fn share_get_results(
    methods: &mut [MethodRecords],
    names: &mut TypeNames,
    is_leaf: &impl Fn(&[String]) -> bool,
    folders: &mut BTreeMap<Vec<String>, FolderRecords>,
) {
    let gets: Vec<usize> = (0..methods.len())
        .filter(|&index| methods[index].method.ends_with(".get"))
        .collect();
    for get in gets {
        let anchor = &methods[get];
        let Some(root) = main_record(&anchor.structs) else {
            continue;
        };
        if anchor.structs[root].fields.len() < 2 || is_leaf(&anchor.folder) {
            continue;
        }
        let wanted = shape(&anchor.structs[root], &anchor.structs, true);
        // The members, by method and record, the `get` first.
        let members: Vec<(usize, usize)> = methods
            .iter()
            .enumerate()
            .filter(|(_, other)| {
                other.dotted_folder() == anchor.dotted_folder() && other.scopes == anchor.scopes
            })
            .filter_map(|(index, other)| {
                returned(&other.structs)
                    .into_iter()
                    .find(|&candidate| {
                        shape(&other.structs[candidate], &other.structs, true) == wanted
                    })
                    .map(|candidate| (index, candidate))
            })
            .collect();
        if members.len() < 2 {
            continue;
        }
        let answered: Vec<String> = members
            .iter()
            .map(|&(index, _)| format!("`{}`", methods[index].method))
            .collect();
        let doc = format!(
            "A `{}` record, answered by {}.",
            anchor.dotted_folder(),
            answered.join(", ")
        );
        let folder = anchor.folder.clone();
        let scopes = anchor.scopes.clone();
        let Some((name, shared)) = folder_record(anchor, root, doc, names) else {
            continue;
        };
        let mut shared = shared;
        let shared_root = shared.len() - 1;
        for &(index, record) in &members {
            let fields = &methods[index].structs[record].fields;
            for (field, other) in shared[shared_root].fields.iter_mut().zip(fields) {
                field.ty = wider(&field.ty, &other.ty);
            }
        }
        let path = format!("crate::{}::{name}", folder.join("::"));
        for (index, record) in members {
            methods[index].alias(record, &path);
        }
        let records = folders.entry(folder).or_default();
        records.scopes = scopes;
        records.structs.extend(shared);
    }
}

/// The records of `root` in `method`, renamed after the method's folder (`File`,
/// `FileNested`), nested ones first, the root documented by `doc`; with the root's name.
/// `None` when a name is taken.
fn folder_record(
    method: &MethodRecords,
    root: usize,
    doc: String,
    names: &mut TypeNames,
) -> Option<(String, Vec<StructDef>)> {
    let old = method.structs[root].name.clone();
    let new = pascal(method.folder.last()?);
    let renamed = |name: &str| name.strip_prefix(&old).map(|rest| format!("{new}{rest}"));
    let indices = closure(root, &method.structs);
    let new_names: Vec<String> = indices
        .iter()
        .map(|&index| renamed(&method.structs[index].name))
        .collect::<Option<_>>()?;
    if !new_names.iter().all(|name| names.is_free(name)) {
        return None;
    }
    let mut structs = Vec::new();
    for (&index, name) in indices.iter().zip(new_names) {
        let def = &method.structs[index];
        names.unique(name.clone());
        structs.push(StructDef {
            doc: if index == root {
                doc.clone()
            } else {
                def.doc.clone()
            },
            name,
            fields: def
                .fields
                .iter()
                .map(|field| FieldDef {
                    ident: field.ident.clone(),
                    wire: field.wire.clone(),
                    ty: rename_ty(&field.ty, &|name| renamed(name)),
                    required: field.required,
                    doc_type: field.doc_type.clone(),
                })
                .collect(),
            patterns: def.patterns.clone(),
            request: def.request,
        });
    }
    Some((new, structs))
}

fn rename_ty(ty: &Ty, renamed: &impl Fn(&str) -> Option<String>) -> Ty {
    match ty {
        Ty::Struct(name) => Ty::Struct(renamed(name).unwrap_or_else(|| name.clone())),
        Ty::Vec(inner) => rename_ty(inner, renamed).list_of(),
        other => other.clone(),
    }
}

/// The returned records of `structs`, outer ones first: any of them may be a shared record
/// (`{"template": {…}}` holds the record `get` answers).
fn returned(structs: &[StructDef]) -> Vec<usize> {
    (0..structs.len())
        .rev()
        .filter(|&index| !structs[index].request)
        .collect()
}

/// The record a method answers: its only returned root, or the record that root only wraps
/// (`{"template": {…}}`, `{"items": [{…}]}`).
fn main_record(structs: &[StructDef]) -> Option<usize> {
    let [mut record] = roots(structs)[..] else {
        return None;
    };
    while let [only] = &structs[record].fields[..]
        && let Some(name) = record_name(&only.ty)
    {
        record = structs.iter().position(|def| def.name == name)?;
    }
    Some(record)
}

/// The record a field holds, one or a list of them.
fn record_name(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Struct(name) => Some(name),
        Ty::Vec(inner) => record_name(inner),
        _ => None,
    }
}

/// The returned records of `structs` that no other of them holds.
fn roots(structs: &[StructDef]) -> Vec<usize> {
    (0..structs.len())
        .filter(|&index| !structs[index].request)
        .filter(|&index| {
            let name = &structs[index].name;
            !structs
                .iter()
                .any(|other| other.fields.iter().any(|field| mentions(&field.ty, name)))
        })
        .collect()
}

/// `root` and the records it holds, at any depth, in the order of `structs`.
fn closure(root: usize, structs: &[StructDef]) -> Vec<usize> {
    let mut found = vec![root];
    let mut pending = vec![root];
    while let Some(index) = pending.pop() {
        for (other, def) in structs.iter().enumerate() {
            if !found.contains(&other)
                && structs[index]
                    .fields
                    .iter()
                    .any(|field| mentions(&field.ty, &def.name))
            {
                found.push(other);
                pending.push(other);
            }
        }
    }
    found.sort_unstable();
    found
}

fn mentions(ty: &Ty, name: &str) -> bool {
    match ty {
        Ty::Struct(own) => own == name,
        Ty::Vec(inner) => mentions(inner, name),
        _ => false,
    }
}

/// The fields of `def` as compared: keys, types (records of `locals` by their own fields),
/// requiredness, and the name patterns; empty for a record without fields (never shared).
/// `loose`: a string and a number are alike in `def`'s own fields (one example shows
/// `DELETED_TYPE` as a string, another as a number; the shared record takes a number, which
/// reads both).
fn shape(def: &StructDef, locals: &[StructDef], loose: bool) -> String {
    if def.fields.is_empty() {
        return String::new();
    }
    let mut text = String::from("{");
    for field in &def.fields {
        write!(
            text,
            "{}:{}:{};",
            field.wire,
            ty_shape(&field.ty, locals, loose),
            field.required
        )
        .ok();
    }
    write!(text, "|{}}}", def.patterns.join(",")).ok();
    text
}

fn ty_shape(ty: &Ty, locals: &[StructDef], loose: bool) -> String {
    match ty {
        Ty::Struct(name) => match locals.iter().find(|def| &def.name == name) {
            // Nested records are not widened: alike only when equal.
            Some(def) => shape(def, locals, false),
            None => name.clone(),
        },
        Ty::Vec(inner) => format!("[{}]", ty_shape(inner, locals, loose)),
        Ty::Str if loose => Ty::Numeric.rust(),
        other => other.rust(),
    }
}

/// Whether a field typed `shared` reads what one typed `own` reads (see [`wider`]); records
/// are compared by [`shape`] beforehand.
fn reads(shared: &Ty, own: &Ty) -> bool {
    match (shared, own) {
        (Ty::Numeric, Ty::Str) | (Ty::Struct(_), Ty::Struct(_)) => true,
        (Ty::Vec(shared), Ty::Vec(own)) => reads(shared, own),
        _ => shared == own,
    }
}

/// The type reading both `a` and `b`, of two records alike (see [`shape`]): a number where
/// one is a string and the other a number.
fn wider(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Str, Ty::Numeric) | (Ty::Numeric, Ty::Str) => Ty::Numeric,
        (Ty::Vec(a), Ty::Vec(b)) => wider(a, b).list_of(),
        _ => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gen_methods::model::Entry;

    fn field(wire: &str, ty: Ty) -> FieldDef {
        FieldDef {
            ident: wire.to_ascii_lowercase(),
            wire: wire.to_owned(),
            ty,
            required: false,
            doc_type: String::new(),
        }
    }

    fn record(name: &str, fields: Vec<FieldDef>) -> StructDef {
        StructDef {
            name: name.to_owned(),
            doc: String::new(),
            fields,
            patterns: Vec::new(),
            request: false,
        }
    }

    fn method(name: &str, scope: &str, structs: Vec<StructDef>) -> MethodRecords {
        let mut folder: Vec<String> = name.split('.').map(str::to_owned).collect();
        folder.pop();
        MethodRecords {
            method: name.to_owned(),
            folder,
            scopes: vec![scope.to_owned()],
            structs,
            aliases: Vec::new(),
        }
    }

    /// A disk file as `disk.file.*` answer it, under `name`, with `TYPE` typed `type_`.
    fn file(name: &str, type_: Ty) -> Vec<StructDef> {
        vec![
            record(
                &format!("{name}Owner"),
                vec![field("ID", Ty::Id), field("NAME", Ty::Str)],
            ),
            record(
                name,
                vec![
                    field("ID", Ty::Id),
                    field("TYPE", type_),
                    field("OWNER", Ty::Struct(format!("{name}Owner"))),
                ],
            ),
        ]
    }

    fn aliases(method: &MethodRecords) -> Vec<(&str, &str)> {
        method
            .aliases
            .iter()
            .map(|(name, target)| (name.as_str(), target.as_str()))
            .collect()
    }

    /// Shares `methods` without entities, with fresh names, in folders that are no methods.
    fn share_without_entities(
        methods: &mut [MethodRecords],
    ) -> (BTreeMap<Vec<String>, FolderRecords>, TypeNames) {
        let mut names = TypeNames::default();
        let folders = share(methods, &mut Entities::default(), &mut names, |_| false);
        (folders, names)
    }

    fn names_of(structs: &[StructDef]) -> Vec<&str> {
        structs.iter().map(|def| def.name.as_str()).collect()
    }

    #[test]
    fn a_folders_methods_answering_its_get_record_share_one_record_named_after_it() {
        let mut methods = vec![
            method("disk.file.get", "disk", file("DiskFileGetResult", Ty::Str)),
            method(
                "disk.file.rename",
                "disk",
                file("DiskFileRenameResult", Ty::Numeric),
            ),
            method(
                "disk.file.delete",
                "disk",
                vec![record("Other", vec![field("ID", Ty::Id)])],
            ),
            method(
                "disk.folder.uploadFile",
                "disk",
                file("DiskFolderUploadFileResult", Ty::Str),
            ),
            method(
                "disk.storage.uploadFile",
                "other",
                file("DiskStorageUploadFileResult", Ty::Str),
            ),
        ];
        let (folders, names) = share_without_entities(&mut methods);
        let shared = &folders[&vec![String::from("disk"), String::from("file")]];
        // Nested records come along, renamed after the folder's record.
        assert_eq!(names_of(&shared.structs), ["FileOwner", "File"]);
        assert_eq!(
            shared.structs[1].fields[2].ty,
            Ty::Struct(String::from("FileOwner"))
        );
        // A string in one example and a number in another: a number, which reads both.
        assert_eq!(shared.structs[1].fields[1].ty, Ty::Numeric);
        assert_eq!(
            shared.structs[1].doc,
            "A `disk.file` record, answered by `disk.file.get`, `disk.file.rename`."
        );
        assert!(!names.is_free("File") && !names.is_free("FileOwner"));
        for (index, former) in [(0, "DiskFileGetResult"), (1, "DiskFileRenameResult")] {
            assert!(methods[index].structs.is_empty(), "{former}");
            assert_eq!(
                aliases(&methods[index]),
                [(former, "crate::disk::file::File")]
            );
        }
        // Another record stays; the same record in another folder is the folder's record;
        // in other scopes it is not (it would be compiled where the record is not).
        assert_eq!(methods[2].structs.len(), 1);
        assert_eq!(
            aliases(&methods[3]),
            [("DiskFolderUploadFileResult", "crate::disk::file::File")]
        );
        assert_eq!(methods[4].structs.len(), 2);
        assert!(methods[4].aliases.is_empty());
    }

    #[test]
    fn a_record_wrapped_in_one_field_is_shared_and_its_wrappers_kept() {
        // `{"template": {…}}` from `get` and `add`: the inner records are the folder's record.
        let wrapped = |name: &str| {
            let mut structs = file(&format!("{name}Template"), Ty::Str);
            let inner = Ty::Struct(format!("{name}Template"));
            structs.push(record(name, vec![field("template", inner)]));
            structs
        };
        let mut methods = vec![
            method("doc.template.get", "doc", wrapped("DocTemplateGetResult")),
            method("doc.template.add", "doc", wrapped("DocTemplateAddResult")),
        ];
        let (folders, _) = share_without_entities(&mut methods);
        let shared = &folders[&vec![String::from("doc"), String::from("template")]];
        assert_eq!(names_of(&shared.structs), ["TemplateOwner", "Template"]);
        for (method, former) in methods
            .iter()
            .zip(["DocTemplateGetResult", "DocTemplateAddResult"])
        {
            // The wrapper stays, naming the inner record by its former name, now an alias.
            assert_eq!(names_of(&method.structs), [former]);
            let inner = format!("{former}Template");
            assert_eq!(
                aliases(method),
                [(inner.as_str(), "crate::doc::template::Template")]
            );
        }
    }

    #[test]
    fn a_get_alone_a_folder_that_is_a_method_or_a_taken_name_share_nothing() {
        let get = || method("disk.file.get", "disk", file("DiskFileGetResult", Ty::Str));
        let rename = || {
            method(
                "disk.file.rename",
                "disk",
                file("DiskFileRenameResult", Ty::Str),
            )
        };
        let mut taken = TypeNames::default();
        taken.unique(String::from("FileOwner"));
        // (methods, names, whether the folder is a method's file)
        let cases = [
            (vec![get()], TypeNames::default(), false),
            (vec![get(), rename()], TypeNames::default(), true),
            (vec![get(), rename()], taken, false),
        ];
        for (case, (mut methods, mut names, leaf)) in cases.into_iter().enumerate() {
            let folders = share(&mut methods, &mut Entities::default(), &mut names, |_| leaf);
            assert!(folders.is_empty(), "case {case}");
            assert!(
                methods
                    .iter()
                    .all(|method| method.aliases.is_empty() && method.structs.len() == 2),
                "case {case}"
            );
        }
    }

    fn entities(entries: Value) -> (Entities, TypeNames) {
        let entries: Vec<Entry> = serde_json::from_value(entries).expect("entries");
        Entities::of_entries(&entries)
    }

    fn userfield(folder: &str, extra: &str) -> Value {
        let fields = json!([{"name": "fields", "type": "object", "children": [
            {"name": "FIELD_NAME", "type": "string"}, {"name": extra, "type": "string"}]}]);
        json!([
            {"method": format!("{folder}.add"), "scopes": ["crm"], "params": fields},
            {"method": format!("{folder}.update"), "scopes": ["crm"], "params": fields},
        ])
    }

    use serde_json::Value;

    #[test]
    fn identical_entities_of_same_named_folders_are_the_first() {
        let mut all = Vec::new();
        for (folder, extra) in [
            ("crm.deal.userfield", "LABEL"),
            ("crm.contact.userfield", "LABEL"),
            ("crm.lead.userfield", "OTHER"),
        ] {
            all.extend(userfield(folder, extra).as_array().unwrap().clone());
        }
        let (mut entities, mut names) = entities(Value::Array(all));
        let folders = share(&mut [], &mut entities, &mut names, |_| false);
        let deal = entities.of_folder("crm.deal.userfield").unwrap();
        let contact = entities.of_folder("crm.contact.userfield").unwrap();
        // `crm.contact.userfield` comes first; the deal's is an alias of it.
        assert!(deal.structs.is_empty());
        assert!(!contact.structs.is_empty());
        let module: Vec<String> = ["crm", "deal", "userfield"].map(String::from).to_vec();
        let alias = &folders[&module].aliases;
        assert_eq!(alias.len(), 1);
        assert_eq!(alias[0].1, contact.path);
        assert!(
            !entities
                .of_folder("crm.lead.userfield")
                .unwrap()
                .structs
                .is_empty()
        );
    }

    #[test]
    fn a_get_result_holding_the_entity_and_more_extends_it_and_answers_it() {
        let (mut entities, mut names) = entities(json!([
            {"method": "crm.bank.add", "scopes": ["crm"], "params": [{"name": "fields",
                "type": "object", "children": [{"name": "NAME", "type": "string"}]}]},
            {"method": "crm.bank.update", "scopes": ["crm"], "params": [{"name": "fields",
                "type": "object", "children": [{"name": "NAME", "type": "string"}]}]},
        ]));
        let result = record(
            "CrmBankGetResult",
            vec![field("ID", Ty::Id), field("NAME", Ty::Str)],
        );
        let other = record(
            "CrmBankListResult",
            vec![field("ID", Ty::Id), field("TITLE", Ty::Str)],
        );
        let mut methods = vec![
            method("crm.bank.get", "crm", vec![result]),
            method("crm.bank.list", "crm", vec![other]),
        ];
        share(&mut methods, &mut entities, &mut names, |_| false);
        let bank = entities.of_folder("crm.bank").unwrap();
        let wires: Vec<&str> = bank.structs[0]
            .fields
            .iter()
            .map(|f| f.wire.as_str())
            .collect();
        assert_eq!(wires, ["ID", "NAME"]);
        assert!(bank.structs[0].request, "the entity keeps its setters");
        assert_eq!(
            aliases(&methods[0]),
            [("CrmBankGetResult", bank.path.as_str())]
        );
        // A record with other fields is not the entity.
        assert!(methods[1].aliases.is_empty());
    }
}
