//! `cargo xtask tidy`: the rules of the source tree that neither the
//! compiler nor clippy keeps, checked on every file and run by the test suite.
//!
//! - Every Rust file opens with a `//!` header saying what it is for.
//! - Inside `queries` and `qsite`, modules stand in order, floor by floor
//!   ([`QUERIES_FLOORS`], [`QSITE_FLOORS`]), and import only modules below
//!   them, so no two modules import each other, however far round: a type or
//!   constant two modules share belongs to the lower one. A module names what
//!   it imports by its module, not by the crate root's re-exports, which
//!   stand above every floor.
//! - Site paths are spelled in one module: outside `queries/src/site_paths.rs`
//!   no string literal of qsite's own code begins with `content/` or
//!   `templates/`.
//!
//! Test code (`#[cfg(test)]` items, the test modules) may reach any floor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The modules of `queries/src`, floor by floor, lowest first: a module may
/// import only the modules listed before it.
const QUERIES_FLOORS: &[&[&str]] = &[
    // Words and paths: no salsa.
    &["site_paths", "suggest", "words", "output_paths", "toml_values", "shortcodes"],
    // The inputs, the database, and the values every floor passes around.
    &["body", "host", "inputs", "stable_hash", "diagnostic", "dates", "lookup", "database", "change"],
    // Parsing one file.
    &["zola_config", "highlight", "markdown_options", "config", "languages", "front_matter", "markdown", "data", "images"],
    // The site: pages, sections, listings, routes, links.
    &["sections", "page", "collections", "routes", "route_names", "query_log", "links", "diagnostics", "search_entries"],
    // What renders read, recorded.
    &["trace"],
    // Rendering and checking, which read only through `trace`.
    &["builtin", "templates", "search_index", "render", "link_checking", "site_check"],
    // Everything at once.
    &["whole_site", "lib"],
];

/// The modules of `src`, floor by floor, lowest first.
const QSITE_FLOORS: &[&[&str]] = &[
    // Folders and files, one name at a time.
    &["folder", "progress"],
    // The site folder, its lock, the output folder and its manifest.
    &["site_folder", "site_lock", "output_folder", "manifest"],
    // The site held in a query database, loaded from the cache's facts.
    &["stored_facts", "workspace"],
    // What the workspace hands the cache, writing outputs, reusing the
    // cache, and what commands report.
    &["stored_values", "output", "processed_images", "reuse", "verify", "report", "explain", "summary"],
    // Commands.
    &["build", "clean", "init", "new_content", "serve", "folder_fuzzing"],
    // The command line.
    &["cli", "lib", "main"],
];

/// Modules compiled only for tests, which may reach any floor.
const TEST_MODULES: &[&str] = &["test_db", "tests"];

/// The one module that spells site paths.
const SITE_PATHS: &str = "queries/src/site_paths.rs";

/// Folders whose Rust files tidy reads, from the workspace root.
const SOURCE_FOLDERS: &[&str] = &["src", "queries", "snapshots", "xtask", "tests", "fuzz/fuzz_targets", "dialects", "stylesheets"];

/// One rule broken, at one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The file, from the workspace root.
    pub file: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.file, self.message)
    }
}

/// Every problem in the tree at `root`, sorted.
pub fn check(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut crates: BTreeMap<&str, Vec<(String, String, syn::File)>> = BTreeMap::new();
    for path in rust_files(root) {
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let problem = |message: String| Problem { file: relative.clone(), message };
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(problem("not readable as UTF-8 text".into()));
            continue;
        };
        if !text.trim_start().starts_with("//!") {
            problems.push(problem("opens without a `//!` header saying what the file is for".into()));
        }
        let Some((crate_name, module)) = module_of(&relative) else { continue };
        if TEST_MODULES.contains(&module.as_str()) {
            continue;
        }
        match syn::parse_file(&text) {
            Ok(file) => crates.entry(crate_name).or_default().push((relative.clone(), module, file)),
            Err(error) => problems.push(problem(format!("does not parse: {error}"))),
        }
    }
    for (crate_name, files) in &crates {
        let floors = if *crate_name == "queries" { QUERIES_FLOORS } else { QSITE_FLOORS };
        problems.extend(check_crate(floors, files));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// The crate and top-level module of a file of `queries/src` or `src`.
fn module_of(relative: &str) -> Option<(&'static str, String)> {
    let (crate_name, rest) = if let Some(rest) = relative.strip_prefix("queries/src/") {
        ("queries", rest)
    } else {
        ("qsite", relative.strip_prefix("src/")?)
    };
    let first = rest.split('/').next()?;
    Some((crate_name, first.strip_suffix(".rs").unwrap_or(first).to_owned()))
}

/// The imports that climb and the site path literals of one crate.
fn check_crate(floors: &[&[&str]], files: &[(String, String, syn::File)]) -> Vec<Problem> {
    let order: Vec<&str> = floors.iter().flat_map(|floor| floor.iter().copied()).collect();
    let rank = |module: &str| order.iter().position(|each| *each == module);
    let modules: BTreeSet<&str> = files.iter().map(|(_, module, _)| module.as_str()).collect();
    let mut problems = Vec::new();
    for (relative, module, file) in files {
        let problem = |message: String| Problem { file: relative.clone(), message };
        let Some(own) = rank(module) else {
            problems.push(problem(format!("the module `{module}` stands on no floor: add it to tidy's table")));
            continue;
        };
        let mut visitor = Reader::default();
        visitor.visit_file(file);
        for imported in visitor.crate_paths.iter().filter(|imported| *imported != module) {
            if !modules.contains(imported.as_str()) {
                problems.push(problem(format!(
                    "imports `crate::{imported}`, a re-export of the crate root: name the module it is defined in"
                )));
            } else if rank(imported).is_none_or(|other| other > own) {
                problems.push(problem(format!(
                    "imports `crate::{imported}`, which stands above `{module}`: move what both need down"
                )));
            }
        }
        if relative != SITE_PATHS {
            for literal in &visitor.literals {
                if literal.starts_with("content/") || literal.starts_with("templates/") {
                    problems.push(problem(format!(
                        "spells the site path {literal:?}: build it with `queries::site_paths`"
                    )));
                }
            }
        }
    }
    problems
}

/// What a file's code (not its tests) names: the first segment after each
/// `crate::`, and its string literals.
#[derive(Default)]
struct Reader {
    crate_paths: BTreeSet<String>,
    literals: Vec<String>,
}

impl Reader {
    fn crate_path<'a>(&mut self, mut segments: impl Iterator<Item = &'a syn::Ident>) {
        if segments.next().is_some_and(|first| first == "crate")
            && let Some(module) = segments.next()
        {
            self.crate_paths.insert(module.to_string());
        }
    }
}

impl Reader {
    fn macro_literals(&mut self, tokens: proc_macro2::TokenStream) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Literal(literal) => {
                    if let syn::Lit::Str(text) = syn::Lit::new(literal) {
                        self.literals.push(text.value());
                    }
                }
                proc_macro2::TokenTree::Group(group) => self.macro_literals(group.stream()),
                _ => {}
            }
        }
    }
}

/// Whether an item is compiled only for tests.
fn is_test_only(attributes: &[syn::Attribute]) -> bool {
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("cfg")
            && attribute.parse_args::<syn::Meta>().is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Reader {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attributes = match item {
            syn::Item::Mod(item) => &item.attrs,
            syn::Item::Fn(item) => &item.attrs,
            syn::Item::Use(item) => &item.attrs,
            syn::Item::Impl(item) => &item.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_test_only(attributes) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if let syn::UseTree::Path(path) = &item.tree
            && path.ident == "crate"
        {
            let mut firsts = Vec::new();
            match &*path.tree {
                syn::UseTree::Path(next) => firsts.push(&next.ident),
                syn::UseTree::Name(next) => firsts.push(&next.ident),
                syn::UseTree::Rename(next) => firsts.push(&next.ident),
                syn::UseTree::Group(group) => firsts.extend(group.items.iter().filter_map(|tree| match tree {
                    syn::UseTree::Path(next) => Some(&next.ident),
                    syn::UseTree::Name(next) => Some(&next.ident),
                    syn::UseTree::Rename(next) => Some(&next.ident),
                    _ => None,
                })),
                syn::UseTree::Glob(_) => {}
            }
            for first in firsts {
                self.crate_path([&path.ident, first].into_iter());
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.crate_path(path.segments.iter().map(|segment| &segment.ident));
        syn::visit::visit_path(self, path);
    }

    fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
        self.literals.push(literal.value());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `format!("content/{x}")`, `vec![…]`: macro bodies are tokens, not
        // parsed code, so their string literals are found token by token.
        self.macro_literals(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// The Rust files under [`SOURCE_FOLDERS`], without build output.
fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in SOURCE_FOLDERS {
        let walk = ignore::WalkBuilder::new(root.join(folder)).hidden(false).build();
        for entry in walk.flatten() {
            let path = entry.into_path();
            let built = path.components().any(|part| part.as_os_str() == "target");
            if path.extension().is_some_and(|extension| extension == "rs") && !built {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_tidy() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let problems = check(root);
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "cargo xtask tidy finds:\n{}", listed.join("\n"));
    }

    #[test]
    fn a_climbing_import_a_root_reexport_and_a_site_path_are_named() {
        let file = |text: &str| syn::parse_file(text).expect("parses");
        let files = vec![
            ("queries/src/inputs.rs".to_owned(), "inputs".to_owned(), file("use crate::trace::Read;")),
            ("queries/src/page.rs".to_owned(), "page".to_owned(), file("fn f() { crate::page_meta(); }")),
            ("queries/src/links.rs".to_owned(), "links".to_owned(), file("fn f() { format!(\"content/{x}\"); }")),
            ("queries/src/trace.rs".to_owned(), "trace".to_owned(), file("#[cfg(test)] use crate::whole_site::x;")),
            ("queries/src/whole_site.rs".to_owned(), "whole_site".to_owned(), file("")),
        ];
        let messages: Vec<String> = check_crate(QUERIES_FLOORS, &files).iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[0].contains("inputs.rs: imports `crate::trace`, which stands above"));
        assert!(messages[1].contains("page.rs: imports `crate::page_meta`, a re-export"));
        assert!(messages[2].contains("links.rs: spells the site path \"content/{x}\""));
    }
}
