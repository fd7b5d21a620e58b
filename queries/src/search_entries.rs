//! `search_entry`: what one page or section gives the search index besides
//! its text, so that the index re-renders only when one of these changes.

use salsa::Database;

use crate::config::config;
use crate::front_matter::front_matter;
use crate::inputs::SourceFile;
use crate::page::{PageKind, page_meta};
use crate::stable_hash::StableHash;

/// The fields of one page or section that the search index may hold, and
/// whether it is in the index at all.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct SearchEntry {
    /// `in_search_index`: false leaves it out, and a section's pages with it.
    pub in_search_index: bool,
    /// Whether it is a document of its own: a page that is rendered, a
    /// section that does not redirect, as Zola decides.
    pub listed: bool,
    /// A section's `transparent`: its pages are its parent's documents too.
    pub transparent: bool,
    /// The document's reference: its absolute URL.
    pub permalink: String,
    /// `title`, empty when it has none.
    pub title: String,
    /// `description`, empty when it has none.
    pub description: String,
    /// A page's date in RFC 3339 (UTC), if it has one.
    pub date: Option<String>,
    /// Its URL path (`/blog/a/`).
    pub path: String,
}

/// What a page or section gives the search index: the fields `[search]`
/// leaves out are empty.
///
/// Invalidated by front matter edits, moves and config (as
/// [`page_meta`]); a body edit leaves it equal, and it backdates when a
/// metadata edit touches none of the fields the index holds, so the index
/// does not re-render.
#[salsa::tracked(returns(ref))]
pub fn search_entry(db: &dyn Database, file: SourceFile) -> SearchEntry {
    let meta = page_meta(db, file);
    let is_page = meta.kind == PageKind::Page;
    let settings = config(db).config.search.clone().unwrap_or_default();
    let kept = |included: bool, value: &String| if included { value.clone() } else { String::new() };
    SearchEntry {
        in_search_index: front_matter(db, file).in_search_index,
        listed: if is_page { meta.render } else { meta.redirect_to.is_none() },
        transparent: meta.transparent,
        permalink: meta.permalink.clone(),
        title: kept(settings.include_title, &meta.title),
        description: kept(settings.include_description, meta.description.as_ref().unwrap_or(&String::new())),
        date: meta.date.as_ref().filter(|_| is_page && settings.include_date).map(|date| date.rfc3339()),
        path: kept(settings.include_path, &meta.url_path),
    }
}
