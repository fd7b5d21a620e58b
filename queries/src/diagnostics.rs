//! `diagnostics`: every problem in the site, gathered from the queries that found them.

use std::sync::Arc;

use salsa::Database;

use crate::config::config;
use crate::diagnostic::Diagnostic;
use crate::front_matter::front_matter;
use crate::inputs::{FileText, Site, SourceFile};
use crate::page::{is_hidden, page_meta};
use crate::routes::route_table;
use crate::sections::section_tree;

/// Every diagnostic of the site that neither rendering nor link checks find:
/// configuration, front matter, URLs, encodings. Render errors come with each
/// [`crate::RenderedOutput`] and broken links with each
/// [`crate::links::link_check`] (of the files [`linked_files`] lists); the
/// host merges them all with [`sort_diagnostics`].
///
/// # Performance
/// O(content files) front matter reads; no body is read.
#[salsa::tracked(returns(ref))]
pub fn site_diagnostics(db: &dyn Database) -> Arc<[Diagnostic]> {
    let mut all: Vec<Diagnostic> = config(db).diagnostics.clone();
    let tree = section_tree(db);
    let taxonomies = &config(db).config.taxonomies;
    for &file in tree.pages.iter().chain(tree.sections.values().map(|entry| &entry.file)) {
        all.extend(front_matter(db, file).diagnostics.iter().cloned());
        if is_hidden(db, file) {
            continue;
        }
        let range = |name: &str| {
            let key = if name == "tags" { "tags" } else { "taxonomies" };
            front_matter(db, file).key_ranges.get(key).cloned().unwrap_or(0..0)
        };
        for (name, terms) in &page_meta(db, file).taxonomies {
            if !taxonomies.iter().any(|taxonomy| &taxonomy.name == name) {
                all.push(
                    Diagnostic::warning(
                        file.path(db).clone(),
                        range(name),
                        "qsite::taxonomies::unknown",
                        format!("the taxonomy `{name}` is not configured, so its terms get no pages"),
                    )
                    .with_help(format!("add \"{name}\" to `taxonomies` in qsite.toml")),
                );
                continue;
            }
            // `taxonomy_index` leaves these out: a term page at `/tags//` would be no page at all.
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
    }
    for &file in Site::get(db).files(db).templates.values() {
        if let FileText::NotUtf8 { valid_up_to, .. } = file.text(db) {
            all.push(Diagnostic::error(
                file.path(db).clone(),
                *valid_up_to..*valid_up_to + 1,
                "qsite::encoding",
                "this template is not valid UTF-8",
            ));
        }
    }
    all.extend(route_table(db).diagnostics.iter().cloned());
    sort_diagnostics(&mut all);
    all.into()
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
