//! Where each kind of site file lives, relative to the site root: the one
//! place that spells `content/` and `templates/`, so a later layer (a theme's
//! folders under the site's) changes paths in one module.

use camino::Utf8Path;

/// The folder of Markdown pages, sections and their assets.
pub const CONTENT: &str = "content";

/// The folder of site templates.
pub const TEMPLATES: &str = "templates";

/// The folder of files copied as they are.
pub const STATIC: &str = "static";

/// The folder of data files that templates load.
pub const DATA: &str = "data";

/// The home section's file, under `content/`.
pub const HOME_SECTION: &str = "_index.md";

/// How the path from the site root of every file under `content/` begins.
pub const CONTENT_PREFIX: &str = "content/";

/// The path from the site root of a content file, given its path under
/// `content/` (`blog/a.md`).
pub fn content_path(relative: &str) -> String {
    format!("{CONTENT}/{relative}")
}

/// The path from the site root of a template, given its name
/// (`page.html`, `partials/nav.html`).
pub fn template_path(name: &str) -> String {
    format!("{TEMPLATES}/{name}")
}

/// Whether a path from the site root is under `content/`.
pub fn is_content(path: &str) -> bool {
    path.len() > CONTENT_PREFIX.len() && path.starts_with(CONTENT_PREFIX)
}

/// Whether a path from the site root names a Markdown page or section.
pub fn is_content_markdown(path: &str) -> bool {
    is_content(path) && path.ends_with(".md")
}

/// A path from the site root with `folder` taken off its front, if it is
/// below it.
pub fn under<'a>(path: &'a Utf8Path, folder: &str) -> Option<&'a Utf8Path> {
    path.strip_prefix(folder).ok().filter(|rest| !rest.as_str().is_empty())
}

/// Whether a configuration file is Zola's (`config.toml`, `zola.toml`),
/// whose defaults are Zola's: no taxonomy unless the file lists one.
pub fn is_zola_config(path: &Utf8Path) -> bool {
    matches!(path.file_name(), Some("config.toml" | "zola.toml"))
}
