//! The shape of `content/`: which files are sections, which are pages, and
//! which section each page belongs to.
//!
//! Derived from the file set and the site's languages alone, so only adding
//! or removing a file, or declaring a language, can change it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use salsa::Database;

use crate::inputs::{Site, SourceFile};
use crate::languages::{Languages, languages};
use crate::site_paths::{CONTENT, HOME_SECTION, name_and_code, under};
use crate::stable_hash::StableHash;

/// Where a section stands: its folder relative to `content/` (`""` is the
/// home) and its language (`None` for the default one); a folder has one
/// section per language (`_index.md`, `_index.fr.md`).
pub type SectionKey = (Utf8PathBuf, Option<String>);

/// Every section, page and colocated asset of the site.
#[derive(Debug, Clone, PartialEq, Eq, Default, StableHash)]
pub struct SectionTree {
    /// Sections by folder and language.
    pub sections: BTreeMap<SectionKey, SectionEntry>,
    /// Every page, sorted by path.
    pub pages: Vec<SourceFile>,
    /// The section each page belongs to, if its directory has an `_index.md`.
    pub parent: HashMap<SourceFile, SourceFile>,
    /// Files next to a page bundle's `index.md` or in a section directory that
    /// are not Markdown: copied next to the page (`content/blog/a/cat.png` →
    /// `blog/a/cat.png`).
    pub assets: Vec<(Utf8PathBuf, SourceFile)>,
    /// The versions of each page and section in every language, by the
    /// path they share less the language (`blog/a` for `blog/a.md` and
    /// `blog/a.fr.md`); empty on a site of one language.
    pub translations: BTreeMap<Utf8PathBuf, Vec<SourceFile>>,
}

impl SectionTree {
    /// Whether `file` is one of the sections.
    ///
    /// # Performance
    /// O(sections).
    pub fn is_section(&self, file: SourceFile) -> bool {
        self.sections.values().any(|entry| entry.file == file)
    }
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

/// Whether a content file is a bundle's `index.md` (in any language:
/// `index.fr.md`), whose folder is the page's.
pub fn is_bundle_index(path: &Utf8Path) -> bool {
    name_and_code(path.file_name().unwrap_or("")).0 == "index"
}

/// Whether a content file is a section's `_index.md` (in any language:
/// `_index.fr.md`), as Zola tells sections by their name.
pub fn is_section_index(path: &Utf8Path) -> bool {
    name_and_code(path.file_name().unwrap_or("")).0 == "_index"
}

/// The directory a page lives in, seen as a section: for a bundle
/// `blog/a/index.md` that is `blog`, for `blog/a.md` it is `blog`.
pub fn page_directory(path: &Utf8Path) -> &Utf8Path {
    let parent = path.parent().unwrap_or(Utf8Path::new(""));
    if is_bundle_index(path) { parent.parent().unwrap_or(Utf8Path::new("")) } else { parent }
}

/// Where a content file stands among its translations: its folder and its
/// name less the language.
fn translation_key(languages: &Languages, relative: &Utf8Path) -> Utf8PathBuf {
    let folder = relative.parent().unwrap_or(Utf8Path::new(""));
    folder.join(languages.of(relative.file_name().unwrap_or("")).name)
}

/// The language of a content file, `None` for the default one.
fn language_of(languages: &Languages, relative: &Utf8Path) -> Option<String> {
    languages.of(relative.file_name().unwrap_or("")).code.map(str::to_owned)
}

/// The sections, pages and assets of the site.
///
/// Invalidated only when a file is added or removed.
///
/// # Performance
/// O(content files).
#[salsa::tracked(returns(ref))]
pub fn section_tree(db: &dyn Database) -> Arc<SectionTree> {
    let site_files = Site::get(db).files(db);
    let files = &site_files.content;
    let languages = languages(db);
    let mut tree = SectionTree::default();
    for (path, file) in files {
        if is_section_index(path) {
            let directory = path.parent().unwrap_or(Utf8Path::new("")).to_path_buf();
            let entry = SectionEntry { file: *file, pages: Vec::new(), subsections: Vec::new() };
            // Two default-language sections in one folder (`_index.md` and
            // `_index.xx.md` of an undeclared `xx`): the first keeps the
            // folder; the other's language is reported as an error.
            tree.sections.entry((directory, language_of(languages, path))).or_insert(entry);
        }
    }
    // A language without `_index.fr.md` has a home all the same, as in Zola.
    for code in &languages.others {
        let key = (Utf8PathBuf::new(), Some(code.clone()));
        if let (false, Some(&home)) = (tree.sections.contains_key(&key), site_files.language_homes.get(code)) {
            tree.sections.insert(key, SectionEntry { file: home, pages: Vec::new(), subsections: Vec::new() });
        }
    }
    let keys: Vec<SectionKey> = tree.sections.keys().cloned().collect();
    for (directory, language) in keys {
        if directory.as_str().is_empty() {
            continue;
        }
        let parent = (directory.parent().unwrap_or(Utf8Path::new("")).to_path_buf(), language.clone());
        let file = tree.sections[&(directory, language)].file;
        if let Some(entry) = tree.sections.get_mut(&parent) {
            entry.subsections.push(file);
        }
    }
    let bundles: BTreeSet<&Utf8Path> =
        files.keys().filter(|path| is_bundle_index(path)).filter_map(|path| path.parent()).collect();
    for (path, file) in files {
        if is_section_index(path) {
            continue;
        }
        if is_markdown(path) {
            tree.pages.push(*file);
            let key = (page_directory(path).to_path_buf(), language_of(languages, path));
            if let Some(entry) = tree.sections.get_mut(&key) {
                entry.pages.push(*file);
                tree.parent.insert(*file, entry.file);
            }
        } else {
            // A page bundle's assets are every file below its folder, as in
            // Zola (`img/a.png` beside `index.md` included); a section's, the
            // files in its own folder.
            let directory = path.parent().unwrap_or(Utf8Path::new(""));
            let in_bundle = directory.ancestors().any(|folder| !folder.as_str().is_empty() && bundles.contains(folder));
            if in_bundle || tree.sections.contains_key(&(directory.to_path_buf(), None)) {
                tree.assets.push((path.clone(), *file));
            }
        }
    }
    if languages.is_multilingual() {
        let sections = tree.sections.values().map(|entry| entry.file);
        for file in tree.pages.iter().copied().chain(sections) {
            let relative = under(file.path(db), CONTENT).unwrap_or(file.path(db));
            tree.translations.entry(translation_key(languages, relative)).or_default().push(file);
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
    // A translation's ancestors are the sections of its own language.
    let language = languages(db).of(relative.file_name().unwrap_or(""));
    let own_folder = if is_section_index(relative) {
        // A section's ancestors start above its own folder; the home has no folder above.
        match relative.parent().and_then(Utf8Path::parent) {
            Some(parent) => parent,
            None => return Arc::new([]),
        }
    } else {
        page_directory(relative)
    };
    let code = language.code.map(str::to_owned);
    let mut folders: Vec<&Utf8Path> = own_folder.ancestors().collect();
    // `ancestors` ends with `""`, the home's folder: reversed, the home comes first.
    folders.reverse();
    folders
        .iter()
        .filter_map(|folder| tree.sections.get(&(folder.to_path_buf(), code.clone())).map(|entry| entry.file))
        .collect()
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

/// Every version of the same content as `file`, itself included, default
/// language first, then by code; empty on a site of one language, as Zola
/// has `translations`.
///
/// Invalidated when a file is added or removed or the languages change;
/// its value changes only when this file's versions do.
#[salsa::tracked(returns(ref))]
pub fn translations(db: &dyn Database, file: SourceFile) -> Arc<[SourceFile]> {
    let languages = languages(db);
    let Some(relative) = under(file.path(db), CONTENT) else { return Arc::from([]) };
    let tree = section_tree(db);
    let mut versions = tree.translations.get(&translation_key(languages, relative)).cloned().unwrap_or_default();
    versions.sort_by_cached_key(|&version| language_of(languages, version.path(db)));
    versions.into()
}
