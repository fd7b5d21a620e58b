//! `site_file`: finding a file by its path, as renders do.
//!
//! A render that looks a template, a data file or a page up by path must not
//! depend on the whole file set, or adding one page would re-render every
//! output. This query stands between them and backdates.

use crate::inputs::{Site, SourceFile};
use crate::site_paths::{SASS, THEMES};

/// A path relative to the site root (`templates/page.html`,
/// `content/blog/a.md`, `data/authors.toml`, the configuration file), as a
/// key of [`site_file`].
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct SitePath<'db> {
    /// The path.
    #[returns(ref)]
    pub path: String,
}

/// The file at a path, if the site has one.
///
/// Renders look files up through this query rather than reading the file
/// set: it re-runs when a file is added or removed but backdates when its
/// answer is the same, so adding a page does not re-render every output
/// that once looked up a template or a data file.
#[salsa::tracked(returns(copy))]
pub fn site_file<'db>(db: &'db dyn salsa::Database, path: SitePath<'db>) -> Option<SourceFile> {
    let files = Site::get(db).files(db);
    let path = camino::Utf8Path::new(path.path(db));
    let under = |dir: &str| path.strip_prefix(dir).ok();
    if let Some(rest) = under("content") {
        // A language's home that no host wrote is found by its path too, so
        // traces and route keys that name it find it in a later process.
        let made_home = || files.language_homes.values().copied().find(|home| home.path(db) == path);
        files.content.get(rest).copied().or_else(made_home)
    } else if let Some(rest) = under("templates") {
        files.templates.get(rest.as_str()).copied()
    } else if let Some(rest) = under("static") {
        files.static_files.get(rest).copied()
    } else if let Some(rest) = under(SASS) {
        files.sass.get(rest).copied()
    } else if let Some(rest) = under(THEMES) {
        files.themes.get(rest).copied()
    } else if path.starts_with("data") {
        files.data.get(path).copied()
    } else {
        let config = *Site::get(db).config_file(db);
        (config.path(db) == path).then_some(config)
    }
}

/// [`site_file`] for a path given as text.
pub fn file_at(db: &dyn salsa::Database, path: &str) -> Option<SourceFile> {
    site_file(db, SitePath::new(db, path.to_owned()))
}
