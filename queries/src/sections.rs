//! The shape of `content/`: which files are sections, which are pages, and
//! which section each page belongs to.
//!
//! Derived from the file set alone, so only adding or removing a file can
//! change it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use salsa::Database;

use crate::inputs::{Site, SourceFile};
use crate::site_paths::{CONTENT, HOME_SECTION, under};
use crate::stable_hash::StableHash;

/// Every section, page and colocated asset of the site.
#[derive(Debug, Clone, PartialEq, Eq, Default, StableHash)]
pub struct SectionTree {
    /// Sections by directory relative to `content/` (`""` is the home).
    pub sections: BTreeMap<Utf8PathBuf, SectionEntry>,
    /// Every page, sorted by path.
    pub pages: Vec<SourceFile>,
    /// The section each page belongs to, if its directory has an `_index.md`.
    pub parent: HashMap<SourceFile, SourceFile>,
    /// Files next to a page bundle's `index.md` or in a section directory that
    /// are not Markdown: copied next to the page (`content/blog/a/cat.png` →
    /// `blog/a/cat.png`).
    pub assets: Vec<(Utf8PathBuf, SourceFile)>,
}

/// One section: its `_index.md`, its direct pages and its direct subsections.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct SectionEntry {
    /// The `_index.md` file.
    pub file: SourceFile,
    /// Direct pages, by path.
    pub pages: Vec<SourceFile>,
    /// `_index.md` files of direct subsections, by path.
    pub subsections: Vec<SourceFile>,
}

/// Whether a content path is Markdown.
pub fn is_markdown(path: &Utf8Path) -> bool {
    path.extension() == Some("md")
}

/// The directory a page lives in, seen as a section: for a bundle
/// `blog/a/index.md` that is `blog`, for `blog/a.md` it is `blog`.
pub fn page_directory(path: &Utf8Path) -> &Utf8Path {
    let parent = path.parent().unwrap_or(Utf8Path::new(""));
    if path.file_name() == Some("index.md") { parent.parent().unwrap_or(Utf8Path::new("")) } else { parent }
}

/// The sections, pages and assets of the site.
///
/// Invalidated only when a file is added or removed.
///
/// # Performance
/// O(content files).
#[salsa::tracked(returns(ref))]
pub fn section_tree(db: &dyn Database) -> Arc<SectionTree> {
    let files = &Site::get(db).files(db).content;
    let mut tree = SectionTree::default();
    for (path, file) in files {
        if path.file_name() == Some("_index.md") {
            let directory = path.parent().unwrap_or(Utf8Path::new("")).to_path_buf();
            tree.sections.insert(directory, SectionEntry { file: *file, pages: Vec::new(), subsections: Vec::new() });
        }
    }
    let section_dirs: Vec<Utf8PathBuf> = tree.sections.keys().cloned().collect();
    for directory in section_dirs {
        if directory.as_str().is_empty() {
            continue;
        }
        let parent = directory.parent().unwrap_or(Utf8Path::new("")).to_path_buf();
        let file = tree.sections[&directory].file;
        if let Some(entry) = tree.sections.get_mut(&parent) {
            entry.subsections.push(file);
        }
    }
    let bundles: BTreeSet<&Utf8Path> =
        files.keys().filter(|path| path.file_name() == Some("index.md")).filter_map(|path| path.parent()).collect();
    for (path, file) in files {
        if path.file_name() == Some("_index.md") {
            continue;
        }
        if is_markdown(path) {
            tree.pages.push(*file);
            if let Some(entry) = tree.sections.get_mut(page_directory(path)) {
                entry.pages.push(*file);
                tree.parent.insert(*file, entry.file);
            }
        } else {
            // A page bundle's assets are every file below its folder, as in
            // Zola (`img/a.png` beside `index.md` included); a section's, the
            // files in its own folder.
            let directory = path.parent().unwrap_or(Utf8Path::new(""));
            let in_bundle = directory.ancestors().any(|folder| !folder.as_str().is_empty() && bundles.contains(folder));
            if in_bundle || tree.sections.contains_key(directory) {
                tree.assets.push((path.clone(), *file));
            }
        }
    }
    Arc::new(tree)
}

/// The sections above a page or section, the home first and its own
/// section last, as Zola lists them in `ancestors`: for `blog/2024/a.md`,
/// `_index.md`, `blog/_index.md` and `blog/2024/_index.md`, less any folder
/// without an `_index.md`. The home has none.
///
/// Invalidated when a file is added or removed; its value changes only when
/// a section above the file comes or goes.
#[salsa::tracked(returns(ref))]
pub fn ancestors(db: &dyn Database, file: SourceFile) -> Arc<[SourceFile]> {
    let tree = section_tree(db);
    let relative = under(file.path(db), CONTENT).unwrap_or(file.path(db));
    let own_folder = if relative.file_name() == Some(HOME_SECTION) {
        // A section's ancestors start above its own folder; the home has no folder above.
        match relative.parent().and_then(Utf8Path::parent) {
            Some(parent) => parent,
            None => return Arc::new([]),
        }
    } else {
        page_directory(relative)
    };
    let mut folders: Vec<&Utf8Path> = own_folder.ancestors().collect();
    // `ancestors` ends with `""`, the home's folder: reversed, the home comes first.
    folders.reverse();
    folders.iter().filter_map(|folder| tree.sections.get(*folder).map(|entry| entry.file)).collect()
}

/// The colocated assets of a page bundle (every non-Markdown file below the
/// folder of its `index.md`) or of a section (the files in its own folder),
/// as Zola's `assets` names them: paths under `content/` with a leading `/`,
/// which are their URLs too, since assets are copied where they are. A page
/// that is not a bundle has none.
///
/// Invalidated when a file is added or removed; its value changes only when
/// one of the file's own assets comes or goes.
#[salsa::tracked(returns(ref))]
pub fn assets(db: &dyn Database, file: SourceFile) -> Arc<[String]> {
    let tree = section_tree(db);
    let relative = under(file.path(db), CONTENT).unwrap_or(file.path(db));
    let folder = relative.parent().unwrap_or(Utf8Path::new(""));
    let is_section = relative.file_name() == Some(HOME_SECTION);
    if !is_section && relative.file_name() != Some("index.md") {
        return Arc::new([]);
    }
    tree.assets
        .iter()
        .filter(|(path, _)| {
            let asset_folder = path.parent().unwrap_or(Utf8Path::new(""));
            if is_section { asset_folder == folder } else { path.starts_with(folder) }
        })
        .map(|(path, _)| format!("/{path}"))
        .collect()
}
