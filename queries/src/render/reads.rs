//! The queries renders read, each recording a [`Read`] on the render's trace.
//!
//! Render code imports these instead of the queries themselves, so every
//! value a render depends on reaches both salsa (through the query call) and
//! the persisted trace (through [`record`]); the two cannot disagree as long
//! as render code reads nothing but these.

use std::sync::Arc;

use camino::Utf8Path;
use salsa::Database;

use crate::collections::{Scope, Selector, TaxonomyIndex};
use crate::config::ConfigResult;
use crate::data::data_value;
use crate::dates::PageDate;
use crate::diagnostic::Diagnostic;
use crate::inputs::{SourceFile, text_of};
use crate::links::PageContent;
use crate::lookup::file_at;
use crate::markdown::Markdown;
use crate::page::{PageLocation, PageMeta};
use crate::routes::RouteTable;
use crate::sections::SectionTree;
use crate::trace::{Read, file_key, listing_key, record};

/// The configuration.
pub fn config(db: &dyn Database) -> &ConfigResult {
    record(db, Read::Config);
    crate::config::config(db)
}

/// A page's metadata.
pub fn page_meta(db: &dyn Database, file: SourceFile) -> &PageMeta {
    record(db, Read::PageMeta(file_key(db, file)));
    crate::page::page_meta(db, file)
}

/// A page's title.
pub fn page_title(db: &dyn Database, file: SourceFile) -> &String {
    record(db, Read::PageTitle(file_key(db, file)));
    crate::page::page_title(db, file)
}

/// A page's URL.
pub fn page_location(db: &dyn Database, file: SourceFile) -> &PageLocation {
    record(db, Read::PageLocation(file_key(db, file)));
    crate::page::page_location(db, file)
}

/// A page's dates.
pub fn page_dates(db: &dyn Database, file: SourceFile) -> &(Option<PageDate>, Option<PageDate>) {
    record(db, Read::PageDates(file_key(db, file)));
    crate::page::page_dates(db, file)
}

/// A page's terms.
pub fn page_terms(db: &dyn Database, file: SourceFile) -> &std::collections::BTreeMap<String, Vec<String>> {
    record(db, Read::PageTerms(file_key(db, file)));
    crate::page::page_terms(db, file)
}

/// Whether a page is marked `draft`.
pub fn page_draft(db: &dyn Database, file: SourceFile) -> bool {
    record(db, Read::PageDraft(file_key(db, file)));
    crate::page::page_draft(db, file)
}

/// Whether a page is left out of this build (the `--drafts` flag is part of
/// the build's options, which the cache compares as a whole).
pub fn is_hidden(db: &dyn Database, file: SourceFile) -> bool {
    record(db, Read::PageDraft(file_key(db, file)));
    crate::page::is_hidden(db, file)
}

/// A section's order, pagination and page template.
pub fn section_listing(
    db: &dyn Database,
    section: SourceFile,
) -> &(crate::front_matter::SortBy, Option<usize>, Option<String>) {
    record(db, Read::SectionListing(file_key(db, section)));
    crate::page::section_listing(db, section)
}

/// The selector of a section's listing.
pub fn section_selector<'db>(db: &'db dyn Database, section: SourceFile) -> Selector<'db> {
    Selector::new(db, Scope::Section(section), section_listing(db, section).0, None)
}

/// A body's headings, links and word count.
pub fn markdown(db: &dyn Database, file: SourceFile) -> &Arc<Markdown> {
    record(db, Read::Body(file_key(db, file)));
    crate::markdown::markdown(db, file)
}

/// A body with its links resolved: the body itself and each link's target.
pub fn page_content(db: &dyn Database, file: SourceFile) -> Arc<PageContent> {
    for link in &markdown(db, file).links {
        link_target(db, &link.destination);
    }
    crate::links::page_content(db, file)
}

/// What a link destination resolves to. Recorded as the resolution (which
/// page, at which URL) and that page's own title and draft flag, so that a
/// title edit reaches the pages linking to that page alone.
pub fn link_target(db: &dyn Database, destination: &str) -> crate::links::Resolved {
    record(db, Read::LinkTarget(destination.to_owned()));
    let resolved = crate::links::resolve(db, destination);
    if let Some(target) = resolved.file {
        record(db, Read::PageTitle(file_key(db, target)));
        record(db, Read::PageDraft(file_key(db, target)));
    }
    resolved
}

/// The pages a listing selects.
pub fn pages_matching<'db>(db: &'db dyn Database, selector: Selector<'db>) -> &'db Arc<[SourceFile]> {
    record(db, Read::PagesMatching(listing_key(db, selector)));
    crate::collections::pages_matching(db, selector)
}

/// Every taxonomy's terms.
pub fn taxonomy_index(db: &dyn Database) -> &Arc<TaxonomyIndex> {
    record(db, Read::TaxonomyIndex);
    crate::collections::taxonomy_index(db)
}

/// One term's name.
pub fn term_name(db: &dyn Database, taxonomy: &str, slug: &str) -> Option<String> {
    record(db, Read::TermName(taxonomy.to_owned(), slug.to_owned()));
    crate::collections::term_name(db, crate::collections::TermKey::new(db, taxonomy.to_owned(), slug.to_owned()))
        .clone()
}

/// Sections, pages and assets.
pub fn section_tree(db: &dyn Database) -> &Arc<SectionTree> {
    record(db, Read::SectionTree);
    crate::sections::section_tree(db)
}

/// Every output.
pub fn route_table(db: &dyn Database) -> &Arc<RouteTable> {
    record(db, Read::RouteTable);
    crate::routes::route_table(db)
}

/// A content file by its path under `content/`, if it exists.
pub fn content_file(db: &dyn Database, content_path: &str) -> Option<SourceFile> {
    let path = format!("content/{content_path}");
    record(db, Read::ContentFile(path.clone()));
    file_at(db, &path)
}

/// Whether the site has a file at `path` (from the root).
pub fn file_exists(db: &dyn Database, path: &str) -> bool {
    record(db, Read::FileExists(path.to_owned()));
    file_at(db, path).is_some()
}

/// A data file's value, by its path relative to the site root.
pub fn data<'db>(db: &'db dyn Database, path: &Utf8Path) -> Option<&'db Result<minijinja::Value, Diagnostic>> {
    record(db, Read::Data(path.to_string()));
    let file = file_at(db, path.as_str())?;
    Some(data_value(db, file))
}

/// A site template's text, if the site has one of that name.
pub fn template_text(db: &dyn Database, name: &str) -> Option<Arc<str>> {
    record(db, Read::Template(name.to_owned()));
    let file = file_at(db, &format!("templates/{name}"))?;
    Some(text_of(db, file))
}
