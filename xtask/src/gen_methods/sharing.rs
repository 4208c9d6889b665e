//! One record per shape: records documented again and again for the same object are generated
//! once and the per-method names kept as aliases.
//!
//! The rules, applied after every method's records are built and before they are written:
//! - a returned record of a method with the same fields as its folder's entity (see
//!   `entities`) is the entity (`crm.requisite.bankdetail.get`'s result is a `Bankdetail`);
//! - returned records of a folder's methods with the same fields as the folder's `get` result
//!   become one record of the folder, named after it (`disk.file.get`, `.rename`, `.copyTo`, …
//!   answer a `disk::file::File`);
//! - entities of folders with the same name and the same fields (`crm.deal.userfield`,
//!   `crm.contact.userfield`, …) are the first of them.
//!
//! "The same fields": the same keys, types and requiredness, nested records compared by their
//! own fields (their names differ per method), and the same documented name patterns; only in
//! the same scopes, so that a record is compiled wherever its aliases are.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::entities::Entities;
use super::naming::{TypeNames, pascal};
use super::records::StructDef;
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
        let Some(folder) = method.method.rsplit_once('.').map(|(folder, _)| folder) else {
            continue;
        };
        let Some(entity) = entities.of_folder(folder) else {
            continue;
        };
        if entity.scopes != method.scopes || entity.structs.is_empty() {
            continue;
        }
        let wanted = shape(&entity.structs[0], &entity.structs);
        if wanted.is_empty() {
            continue;
        }
        let path = entity.path.clone();
        for root in roots(&method.structs) {
            if shape(&method.structs[root], &method.structs) == wanted {
                method.alias(root, &path);
                break;
            }
        }
    }
    share_get_results(methods, names, &is_leaf, &mut folders);
    folders
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
        let key = (last, entity.scopes.clone(), shape(root, &entity.structs));
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
        let [root] = roots(&anchor.structs)[..] else {
            continue;
        };
        if anchor.structs[root].fields.len() < 2 || is_leaf(&anchor.folder) {
            continue;
        }
        let wanted = shape(&anchor.structs[root], &anchor.structs);
        // The members, by method and record, the `get` first.
        let members: Vec<(usize, usize)> = methods
            .iter()
            .enumerate()
            .filter(|(_, other)| {
                other.dotted_folder() == anchor.dotted_folder() && other.scopes == anchor.scopes
            })
            .filter_map(|(index, other)| {
                roots(&other.structs)
                    .into_iter()
                    .find(|&candidate| shape(&other.structs[candidate], &other.structs) == wanted)
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
                .map(|field| super::records::FieldDef {
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
fn shape(def: &StructDef, locals: &[StructDef]) -> String {
    if def.fields.is_empty() {
        return String::new();
    }
    let mut text = String::from("{");
    for field in &def.fields {
        write!(
            text,
            "{}:{}:{};",
            field.wire,
            ty_shape(&field.ty, locals),
            field.required
        )
        .ok();
    }
    write!(text, "|{}}}", def.patterns.join(",")).ok();
    text
}

fn ty_shape(ty: &Ty, locals: &[StructDef]) -> String {
    match ty {
        Ty::Struct(name) => match locals.iter().find(|def| &def.name == name) {
            Some(def) => shape(def, locals),
            None => name.clone(),
        },
        Ty::Vec(inner) => format!("[{}]", ty_shape(inner, locals)),
        other => other.rust(),
    }
}
