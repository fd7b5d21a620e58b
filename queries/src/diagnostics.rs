//! The problems of one file that parsing finds (encoding, front matter,
//! terms, the configuration's own), and the order diagnostics are reported in.

use salsa::Database;

use crate::config::config;
use crate::diagnostic::Diagnostic;
use crate::front_matter::front_matter;
use crate::inputs::{FileText, Site, SourceFile};
use crate::languages::languages;
use crate::page::{is_hidden, page_taxonomies};
use crate::site_paths::is_content_markdown;

use crate::sections::{is_section_index, section_tree};

/// The problems of one text file that neither renders nor link checks find:
/// its encoding; for a page or section, its front matter and its terms; for
/// the configuration file, the configuration's.
///
/// Invalidated by an edit of the file, and by the taxonomies and drafts
/// settings; its value is almost always empty, so [`crate::site_check()`] does not
/// re-run on a body edit.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Database, file: SourceFile) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = text_problem(db, file).iter().cloned().collect();
    if file == *Site::get(db).config_file(db) {
        all.extend(config(db).diagnostics.iter().cloned());
    }
    if is_content_markdown(file.path(db).as_str()) {
        all.extend(language_problem(db, file));
    }
    if !is_page_or_section(db, file) {
        return all;
    }
    all.extend(front_matter(db, file).diagnostics.iter().cloned());
    if is_hidden(db, file) {
        return all;
    }
    // A French page is filed under the French taxonomies, as in Zola.
    let lang = languages(db).of(file.path(db).file_name().unwrap_or("")).code;
    let taxonomies = config(db).config.taxonomies_of(lang);
    let range = |name: &str| {
        let key = if name == "tags" { "tags" } else { "taxonomies" };
        front_matter(db, file).key_ranges.get(key).cloned().unwrap_or(0..0)
    };
    let front = front_matter(db, file);
    let zola = config(db).config.zola;
    if zola && !front.bare_tags.is_empty() {
        all.push(
            Diagnostic::warning(
                file.path(db).clone(),
                range("tags"),
                "qsite::taxonomies::bare_tags",
                "`tags` outside `[taxonomies]` files the page under no taxonomy in a Zola site".to_owned(),
            )
            .with_help("write it under `[taxonomies]`, as `tags = [...]` there"),
        );
    }
    // As written: `page_meta` has already left out the terms warned about here.
    for (name, terms) in page_taxonomies(front, zola).iter() {
        if !taxonomies.iter().any(|taxonomy| &taxonomy.name == name) {
            all.push(
                Diagnostic::warning(
                    file.path(db).clone(),
                    range(name),
                    "qsite::taxonomies::unknown",
                    match lang {
                        None => format!("the taxonomy `{name}` is not configured, so its terms get no pages"),
                        Some(code) => {
                            format!("the taxonomy `{name}` is not configured for `{code}`, so its terms get no pages")
                        }
                    },
                )
                .with_help(match lang {
                    None => format!("add \"{name}\" to `taxonomies` in qsite.toml"),
                    Some(code) => format!("add \"{name}\" to `taxonomies` under `[languages.{code}]`"),
                }),
            );
            continue;
        }
        // `page_meta` leaves these out: a term page at `/tags//` would be no page at all.
        for term in terms.iter().filter(|term| slug::slugify(term).is_empty()) {
            all.push(
                Diagnostic::warning(
                    file.path(db).clone(),
                    range(name),
                    "qsite::taxonomies::empty_term",
                    format!("the `{name}` term {term:?} has no letters or digits for a URL, so it is left out"),
                )
                .with_help("remove it or give it letters or digits"),
            );
        }
    }
    all
}

/// Whether the section tree lists `file` as a page or a section.
///
/// # Performance
/// O(log pages + sections): pages are sorted by path.
fn is_page_or_section(db: &dyn Database, file: SourceFile) -> bool {
    let tree = section_tree(db);
    let path = file.path(db);
    if tree.pages.binary_search_by(|page| page.path(db).cmp(path)).is_ok() {
        return true;
    }
    is_section_index(path) && tree.is_section(file)
}

/// A content file whose name carries a language the configuration does not
/// declare (`a.it.md` on a site of English and French), which Zola refuses:
/// a typo, or a language left out of `[languages]`.
fn language_problem(db: &dyn Database, file: SourceFile) -> Option<Diagnostic> {
    let languages = languages(db);
    let code = languages.of(file.path(db).file_name().unwrap_or("")).unknown?;
    Some(
        Diagnostic::error(
            file.path(db).clone(),
            0..0,
            "qsite::languages::unknown",
            format!("the file name says its language is `{code}`, which the configuration does not declare"),
        )
        .with_help(format!("add `[languages.{code}]` to the configuration, or rename the file")),
    )
}

/// What is wrong with a text file's bytes: not UTF-8 (an error at the first
/// bad byte) or a NUL byte (an error at the first one), which no text file
/// holds and which parsers would otherwise turn into U+FFFD or cut short
/// without a word. Content, templates, data and the configuration alike.
///
/// Invalidated by any edit of the file; its value is almost always `None`,
/// so [`crate::site_check()`] does not re-run on a body edit.
#[salsa::tracked(returns(ref))]
pub fn text_problem(db: &dyn Database, file: SourceFile) -> Option<Diagnostic> {
    let path = file.path(db).clone();
    match file.text(db) {
        FileText::NotUtf8 { valid_up_to, .. } => Some(
            Diagnostic::error(
                path,
                *valid_up_to..*valid_up_to + 1,
                "qsite::encoding",
                format!("this file is not valid UTF-8 (at byte {valid_up_to})"),
            )
            .with_help("save the file as UTF-8"),
        ),
        FileText::Text(text) => text.find('\0').map(|at| {
            Diagnostic::error(
                path,
                at..at + 1,
                "qsite::encoding::nul",
                format!("this file holds a NUL byte (at byte {at}), which is not text"),
            )
            .with_help("remove the NUL byte; binary files belong in `static/`")
        }),
        // The host leaves only files it has seen to be sound text unread.
        FileText::Opaque { .. } | FileText::Unread { .. } => None,
    }
}

/// The content files whose links are checked: every page and section this
/// build renders.
pub fn linked_files(db: &dyn Database) -> Vec<SourceFile> {
    let tree = section_tree(db);
    tree.pages
        .iter()
        .chain(tree.sections.values().map(|entry| &entry.file))
        .copied()
        .filter(|&file| !is_hidden(db, file))
        .collect()
}

/// Sorts diagnostics into the order they are reported in and drops repeats.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}
