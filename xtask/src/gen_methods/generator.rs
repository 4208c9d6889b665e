//! The passes over the catalog: module paths and type names for every method, then one file
//! per method, the folders' `mod.rs`, and the catalog's index.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::emit::{self, MethodAttr, RoundtripArm};
use super::entities::Entities;
use super::evidence::Evidence;
use super::files::{self, Refinement};
use super::layout::{self, Leaf, Tree, cfg_of, feature_of, file_of};
use super::model::{Catalog, Entry, example_result};
use super::naming::{TypeNames, is_read_only, method_type_name, scope_code};
use super::paging::{self, ListKind};
use super::records::{Mapper, StructDef};
use super::shapes::ArrayBesideFields;
use super::sharing::{self, FolderRecords, MethodRecords};
use super::types::{Ty, scalar};
use super::{MARKER, Result, inference, references, responses};
use crate::scope_table;

/// Counts for the summary line.
#[derive(Default)]
pub(super) struct Stats {
    /// Rows whose documented type the documentation's own example contradicts.
    pub(super) reconciled: usize,
    pub(super) generated: usize,
    pub(super) refined: usize,
}

/// What the generator writes.
pub(super) struct Output {
    /// Generated files by path relative to the crate (`src/crm/deal/add.rs`), not formatted.
    pub(super) files: BTreeMap<PathBuf, String>,
    /// The module declarations of `lib.rs`'s generated block.
    pub(super) lib_block: String,
    /// One feature per scope.
    pub(super) features: BTreeSet<String>,
    /// The file of each method, by name.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) method_files: BTreeMap<String, PathBuf>,
    pub(super) stats: Stats,
}

/// A method's response, before a classic one is shared with its entity's `get`.
enum Response {
    Classic { ty: Ty, list: Option<ListKind> },
    V3 { rust: String, items: bool },
}

/// A generated method's items, written once its records are shared (see `sharing`).
struct Pending {
    /// The file's text before the items (header, module declarations).
    head: String,
    request: StructDef,
    attrs: String,
    cfg: Option<String>,
    /// The method's records, then the records shared with others.
    records: MethodRecords,
    /// Text after the items (the former name of an entity record).
    tail: String,
}

/// A method's file: written (a refinement's re-export), or its items pending.
enum MethodFile {
    Written(String),
    Pending(Box<Pending>),
}

/// The generator's state over one run.
pub(super) struct Generator<'c> {
    catalog: &'c Catalog,
    refined_dir: PathBuf,
    refined: BTreeMap<String, Refinement>,
    names: TypeNames,
    leaves: Vec<Leaf>,
    features: BTreeSet<String>,
    shapes: ArrayBesideFields,
    /// `*.get` methods answering one generated record: method → the record's full path.
    records: HashMap<String, String>,
    /// The leaves (by index) generated as classic list methods.
    lists: BTreeSet<usize>,
    /// The folders' shared entity records.
    entities: Entities,
    /// What the catalog's examples show field names holding.
    evidence: Evidence,
    stats: Stats,
}

impl<'c> Generator<'c> {
    /// A generator over `catalog`, with the refinements (and their type names) in
    /// `refined_dir`.
    pub(super) fn new(catalog: &'c Catalog, refined_dir: &Path) -> Result<Self> {
        let mut names = TypeNames::default();
        for file in files::rust_files(refined_dir)? {
            let text = std::fs::read_to_string(&file).map_err(|error| error.to_string())?;
            names.reserve_declared(&text);
        }
        Ok(Generator {
            catalog,
            refined_dir: refined_dir.to_path_buf(),
            refined: files::scan_refined(refined_dir)?,
            names,
            leaves: Vec::new(),
            features: BTreeSet::new(),
            shapes: ArrayBesideFields::default(),
            records: HashMap::new(),
            lists: BTreeSet::new(),
            entities: Entities::default(),
            evidence: Evidence::default(),
            stats: Stats::default(),
        })
    }

    /// Generates every file.
    pub(super) fn generate(mut self) -> Result<Output> {
        let entries = &self.catalog.entries;
        for entry in entries {
            let example = self.catalog.examples.response(&entry.method);
            let request = self.catalog.examples.request(&entry.method);
            for known in example.iter().chain(request.iter()) {
                self.evidence.learn(known);
            }
            self.shapes.learn(
                &entry.method,
                &entry.response_rows(),
                example_result(example.as_ref()),
            );
        }
        // Pass 1: module paths and request type names for every method.
        let paths = layout::module_paths(entries.iter().map(|entry| entry.method.as_str()));
        for (entry, path) in entries.iter().zip(paths) {
            let scopes: Vec<String> = entry.scopes.iter().map(|s| scope_code(s)).collect();
            let refinement = self.refined.get(&entry.method);
            let type_name = match refinement {
                Some(refinement) => refinement.type_name.clone(),
                None => self.names.unique(method_type_name(&entry.method)),
            };
            for scope in &scopes {
                if scope != "basic" {
                    self.features.insert(feature_of(scope));
                }
            }
            self.leaves.push(Leaf {
                method: entry.method.clone(),
                scopes,
                path,
                type_name,
                refined: refinement.is_some(),
            });
        }
        let tree = Tree::new(&self.leaves);
        self.entities = self.collect_entities(&tree);
        let mut files = BTreeMap::new();
        let mut method_files = BTreeMap::new();

        // Pass 2: method files; list methods last, so they can reuse their `get`'s record.
        let mut order: Vec<usize> = (0..self.leaves.len()).collect();
        order.sort_by_key(|&index| paging::is_list_name(&self.leaves[index].method));
        let mut pending = Vec::new();
        for index in order {
            let path = self.leaves[index].path.clone();
            let is_folder = tree.is_folder(&path);
            let file = file_of(&path, is_folder);
            method_files.insert(entries[index].method.clone(), file.clone());
            match self.method_file(index, &entries[index], is_folder, &tree) {
                MethodFile::Written(body) => {
                    files.insert(file, body);
                }
                MethodFile::Pending(items) => pending.push((file, items)),
            }
        }
        // Records of the same shape shared, then the generated methods written.
        let mut records: Vec<MethodRecords> = pending
            .iter_mut()
            .map(|(_, items)| std::mem::replace(&mut items.records, MethodRecords::empty()))
            .collect();
        let shared = sharing::share(&mut records, &mut self.entities, &mut self.names, |path| {
            tree.is_leaf(path)
        });
        for ((file, mut items), records) in pending.into_iter().zip(records) {
            items.records = records;
            files.insert(file, (*items).render());
        }
        // Pass 3: folders that are not methods.
        for folder in tree.folders.keys() {
            if folder.is_empty() || tree.is_leaf(folder) {
                continue;
            }
            let text = self.folder_file(folder, &tree, shared.get(folder));
            files.insert(file_of(folder, true), text);
        }
        files.insert(PathBuf::from("src/generated.rs"), emit::excluded_rs(&[]));
        files.insert(PathBuf::from("src/roundtrip.rs"), self.roundtrip_rs());
        Ok(Output {
            files,
            lib_block: tree.module_decls(&[], &self.leaves),
            features: self.features,
            method_files,
            stats: self.stats,
        })
    }

    /// The `mod.rs` of a folder that is not a method: its modules, and the re-export of the
    /// shared types of `src/refined/<folder>/mod.rs` if there are any.
    fn folder_file(
        &self,
        folder: &[String],
        tree: &Tree,
        shared: Option<&FolderRecords>,
    ) -> String {
        let mut text = String::new();
        let original = self
            .leaves
            .iter()
            .find(|leaf| leaf.path.starts_with(folder))
            .map(|leaf| {
                leaf.method
                    .split('.')
                    .take(folder.len())
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .unwrap_or_else(|| folder.join("."));
        writeln!(text, "//! `{original}.*` methods.").ok();
        writeln!(text, "{MARKER}").ok();
        text.push('\n');
        if files::refined_folder_has_mod(&self.refined_dir, folder) {
            let cfg = self
                .leaves
                .iter()
                .find(|leaf| leaf.refined && leaf.path.starts_with(folder))
                .and_then(|leaf| cfg_of(&leaf.scopes));
            let module = format!("refined::{}", folder.join("::"));
            text.push_str(&emit::reexport(&module, cfg.as_deref()));
            text.push('\n');
        }
        text.push_str(&tree.module_decls(folder, &self.leaves));
        if let Some(entity) = self
            .entities
            .of_folder(&original)
            .filter(|entity| !entity.structs.is_empty())
        {
            text.push('\n');
            text.push_str(&emit::records(
                &entity.structs,
                cfg_of(&entity.scopes).as_deref(),
            ));
        }
        if let Some(shared) = shared {
            let cfg = cfg_of(&shared.scopes);
            if !shared.structs.is_empty() {
                text.push('\n');
                text.push_str(&emit::records(&shared.structs, cfg.as_deref()));
            }
            for (name, target) in &shared.aliases {
                text.push('\n');
                text.push_str(&emit::alias(name, target, cfg.as_deref()));
            }
        }
        text
    }

    /// The folders' entities (`entities`), for folders that are not methods themselves.
    fn collect_entities(&mut self, tree: &Tree) -> Entities {
        let leaves = &self.leaves;
        let module_of = |folder: &str| {
            let depth = folder.split('.').count();
            let leaf = leaves.iter().find(|leaf| {
                leaf.method.starts_with(folder)
                    && leaf.method[folder.len()..].starts_with('.')
                    && leaf.path.len() > depth
            })?;
            let path = &leaf.path[..depth];
            // A folder with a refined method of its own keeps its hand-written record; a
            // refined method deeper down (`crm.deal.productrows.get`) says nothing of it.
            let refined_here = self
                .refined
                .keys()
                .any(|method| method.rsplit_once('.').is_some_and(|(of, _)| of == folder));
            (!tree.is_leaf(path) && !refined_here).then(|| path.join("::"))
        };
        let examples = &self.catalog.examples;
        Entities::collect(
            &self.catalog.entries,
            |method| examples.response(method),
            |method| examples.request(method),
            module_of,
            &mut self.names,
            &self.evidence,
        )
    }

    /// The file of one method: header, module declarations if it is also a folder, then its
    /// items (or the re-export of its refinement); a generated method's items are pending
    /// until its records are shared.
    fn method_file(
        &mut self,
        index: usize,
        entry: &Entry,
        is_folder: bool,
        tree: &Tree,
    ) -> MethodFile {
        let leaf = &self.leaves[index];
        let mut text = emit::method_header(
            &leaf.method,
            &leaf.scopes,
            entry.deprecated,
            &entry.docs_path,
            &entry.error_codes,
        );
        // A method that is also a folder: its items are gated one by one (the folder's `mod`
        // line is not, for the methods under it).
        let item_cfg = if is_folder {
            text.push_str(&tree.module_decls(&leaf.path, &self.leaves));
            text.push('\n');
            cfg_of(&leaf.scopes)
        } else {
            None
        };
        if let Some(refinement) = self.refined.get(&leaf.method) {
            self.stats.refined += 1;
            if refinement.list {
                self.lists.insert(index);
            }
            let module = format!("refined::{}", refinement.module.replace('/', "::"));
            text.push_str(&emit::reexport(&module, item_cfg.as_deref()));
            return MethodFile::Written(text);
        }
        self.stats.generated += 1;
        let mut items = self.method_items(index, entry, item_cfg);
        items.head = text;
        MethodFile::Pending(Box::new(items))
    }

    /// The generated items of a method: the request with its attribute, and every record of
    /// its parameters and response.
    fn method_items(&mut self, index: usize, entry: &Entry, cfg: Option<String>) -> Pending {
        let method = entry.method.as_str();
        let type_name = self.leaves[index].type_name.clone();
        let request_example = self.catalog.examples.request(method);
        let response_example = self.catalog.examples.response(method);
        let params = entry.param_rows();
        let entity = self.entities.use_of(method, &self.leaves[index].scopes);
        let mut mapper = Mapper::new(&mut self.names);
        mapper.evidence = &self.evidence;
        mapper.entity = entity.filter(|_| !entry.is_v3());
        let request = mapper.build_struct(
            type_name.clone(),
            format!("Calls `{method}`."),
            &params,
            true,
            request_example.as_ref(),
        );
        let response = if entry.is_v3() {
            let (rust, items) = responses::v3(
                &mut mapper,
                entry.response_rows(),
                &type_name,
                response_example.as_ref(),
            );
            Response::V3 { rust, items }
        } else {
            let (ty, list) = responses::classic(
                &mut mapper,
                &self.shapes,
                entry,
                &params,
                &type_name,
                response_example.as_ref(),
            );
            Response::Classic { ty, list }
        };
        let Mapper {
            mut structs,
            reconciled,
            ..
        } = mapper;
        self.stats.reconciled += reconciled;
        let (response, list, item, v3_items) = match response {
            Response::V3 { rust, items } => (rust, None, None, items),
            Response::Classic { ty, list } => {
                let ty = self.follow_reference(index, entry, ty, list.as_ref(), &mut structs);
                let ty = self.shared_record(index, ty, list.as_ref());
                let item = list
                    .as_ref()
                    .and_then(|list| responses::keyed_item(list, &ty, &structs));
                (ty.rust(), list, item, false)
            }
        };
        if list.is_some() {
            self.lists.insert(index);
        }
        let leaf = &self.leaves[index];
        let scope = leaf
            .scopes
            .iter()
            .find(|scope| scope_table::is_known(scope))
            .map_or("basic", String::as_str);
        let cursor = list.as_ref().and_then(|list| paging::cursor(&params, list));
        let attrs = MethodAttr {
            method,
            scope,
            v3: entry.is_v3(),
            response: &response,
            read_only: is_read_only(method),
            v3_items,
            list: list.as_ref(),
            item: item.as_deref(),
            cursor: cursor.as_deref(),
            deprecated: entry.deprecated,
        }
        .render();
        // A `get` answering the entity itself keeps its former result name as an alias.
        let mut tail = String::new();
        if let Some(path) = response.strip_prefix("crate::") {
            let former = format!("{type_name}Result");
            if self.names.unique(former.clone()) == former {
                tail = emit::alias(&former, &format!("crate::{path}"), cfg.as_deref());
            }
        }
        let leaf = &self.leaves[index];
        Pending {
            head: String::new(),
            request,
            attrs,
            records: MethodRecords {
                method: method.to_owned(),
                folder: leaf.path[..leaf.path.len() - 1].to_vec(),
                scopes: leaf.scopes.clone(),
                structs,
                aliases: Vec::new(),
            },
            cfg,
            tail,
        }
    }

    /// The record an untyped answer refers to (see `references`): a `get` answering a bare
    /// object is its folder's entity; a list's untyped items are the entity, else the record of
    /// the `get` beside it, else a record of the folder's `fields` table or of the documented
    /// list example's first item.
    fn follow_reference(
        &mut self,
        index: usize,
        entry: &Entry,
        response: Ty,
        list: Option<&ListKind>,
        structs: &mut Vec<StructDef>,
    ) -> Ty {
        let leaf = &self.leaves[index];
        let method = leaf.method.clone();
        let entity = self.entities.use_of(&method, &leaf.scopes);
        let Some(folder) = method.rsplit_once('.').map(|(folder, _)| folder) else {
            return response;
        };
        let Some(list) = list else {
            let example = self.catalog.examples.response(&method);
            let refers = references::refers(entry, example_result(example.as_ref()));
            return match entity {
                Some(entity) if refers && response == Ty::Value => Ty::Struct(entity.path),
                _ => response,
            };
        };
        let type_name = leaf.type_name.clone();
        let names = &mut self.names;
        let response = references::place_keyed_items(response, list, structs, || {
            names.unique(format!("{type_name}Page"))
        });
        let leaf = &self.leaves[index];
        if !references::untyped_items(&response, list, structs) {
            return response;
        }
        let get = format!("{folder}.get");
        let get_record = self
            .records
            .get(&get)
            .filter(|_| {
                self.leaves
                    .iter()
                    .any(|other| other.method == get && other.scopes == leaf.scopes)
            })
            .cloned();
        // Items the documented example shows as scalars (`bizproc.activity.list`'s codes) are
        // those scalars, whatever record the folder has.
        let example = self.catalog.examples.response(&method);
        let key = match list {
            ListKind::Key(key, _) => Some(key.as_str()),
            ListKind::Root(_) => None,
        };
        let shown_scalar = example_result(example.as_ref())
            .and_then(|result| inference::scalar_items(result, key))
            .and_then(scalar);
        let record = match (shown_scalar, entity, get_record) {
            (Some(scalar), ..) => scalar,
            (None, Some(entity), _) => Ty::Struct(entity.path),
            (None, None, Some(record)) => Ty::Struct(record),
            (None, None, None) => {
                match self.inferred_item(&method, folder, example.as_ref(), key, &type_name) {
                    Some((record, mut defs)) => {
                        structs.append(&mut defs);
                        record
                    }
                    None => return response,
                }
            }
        };
        let names = &mut self.names;
        references::follow_list(response, list, structs, &record, || {
            names.unique(format!("{type_name}Result"))
        })
    }

    /// The item type of a list with no entity: a record of the rows of its folder's `fields`
    /// table, or of those its documented example's first item shows, with the records to add
    /// (nested ones after it).
    fn inferred_item(
        &mut self,
        method: &str,
        folder: &str,
        example: Option<&Value>,
        key: Option<&str>,
        type_name: &str,
    ) -> Option<(Ty, Vec<StructDef>)> {
        let examples = &self.catalog.examples;
        let item = example_result(example)
            .and_then(|result| inference::first_item(result, key))
            .map(|item| Value::Object(item.clone()));
        let mut rows = references::fields_rows(&self.catalog.entries, folder, |method| {
            examples.response(method)
        });
        if rows.is_empty() {
            let Some(Value::Object(item)) = &item else {
                // A list of scalars (`task.planner.getlist`'s task IDs).
                return None;
            };
            rows = inference::rows_of(item);
        }
        let name = self.names.unique(format!("{type_name}Item"));
        let mut mapper = Mapper::new(&mut self.names);
        let def = mapper.build_struct(
            name,
            format!("An item of `{method}`."),
            &rows,
            false,
            item.as_ref(),
        );
        let record = Ty::Struct(def.name.clone());
        let mut defs = vec![def];
        defs.append(&mut mapper.structs);
        Some((record, defs))
    }

    /// Shares one record between an entity's `get` and `list`: a `get` answering a generated
    /// record is remembered; a list at the root whose items the documentation leaves untyped
    /// (`deal[]`) lists the records of the `get` beside it, in the same scopes.
    fn shared_record(&mut self, index: usize, response: Ty, list: Option<&ListKind>) -> Ty {
        let leaf = &self.leaves[index];
        let method = leaf.method.as_str();
        let Some((entity, last)) = method.rsplit_once('.') else {
            return response;
        };
        match (&response, list) {
            (Ty::Struct(name), None) if last == "get" => {
                let record = if name.starts_with("crate::") {
                    name.clone()
                } else {
                    format!("crate::{}::{name}", leaf.path.join("::"))
                };
                self.records.insert(method.to_owned(), record);
                response
            }
            (Ty::Vec(inner), Some(ListKind::Root(_))) if matches!(**inner, Ty::Value) => {
                let get = format!("{entity}.get");
                let same_scopes = self
                    .leaves
                    .iter()
                    .any(|other| other.method == get && other.scopes == leaf.scopes);
                match self.records.get(&get) {
                    Some(record) if same_scopes => Ty::Struct(record.clone()).list_of(),
                    _ => response,
                }
            }
            _ => response,
        }
    }

    /// `roundtrip.rs`: every method's request type, gated by its scopes, and which of them are
    /// list methods.
    fn roundtrip_rs(&self) -> String {
        let arms: Vec<RoundtripArm> = self
            .leaves
            .iter()
            .enumerate()
            .map(|(index, leaf)| RoundtripArm {
                method: leaf.method.clone(),
                request: format!("crate::{}::{}", leaf.path.join("::"), leaf.type_name),
                cfg: cfg_of(&leaf.scopes),
                list: self.lists.contains(&index),
            })
            .collect();
        emit::roundtrip_rs(&arms)
    }
}

impl Pending {
    /// The method's file.
    fn render(self) -> String {
        let cfg = self.cfg.as_deref();
        let mut text = self.head;
        text.push_str(&emit::method_items(
            &self.request,
            &self.attrs,
            &self.records.structs,
            cfg,
        ));
        for (name, target) in &self.records.aliases {
            text.push_str(&emit::alias(name, target, cfg));
        }
        text.push_str(&self.tail);
        text
    }
}
