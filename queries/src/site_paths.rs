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

/// The folder of Sass and SCSS stylesheets compiled to CSS (`sass/site.scss`
/// is `/site.css`), the site's and each theme's.
pub const SASS: &str = "sass";

/// The folder of themes, one folder each (`themes/hyde/`), with the same
/// `templates/` and `static/` folders as the site.
pub const THEMES: &str = "themes";

/// A theme's own file, `themes/NAME/theme.toml`, whose `[extra]` gives the
/// site's defaults.
pub const THEME_FILE: &str = "theme.toml";

/// The home section's file, under `content/`.
pub const HOME_SECTION: &str = "_index.md";

/// A content file's name less `.md`, split where Zola looks for a language:
/// `a.fr.md` is `a` and `fr`, `a.md` is `a` and nothing. Only the first dot
/// counts, so `a.b.fr.md` is `a` and `b.fr`.
pub fn name_and_code(file_name: &str) -> (&str, Option<&str>) {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    match stem.split_once('.') {
        Some((name, code)) => (name, Some(code)),
        None => (stem, None),
    }
}

/// The file name of a section's `_index.md` in a language other than the
/// default one (`_index.fr.md`), or the default language's.
pub fn section_file_name(code: Option<&str>) -> String {
    match code {
        Some(code) => format!("_index.{code}.md"),
        None => HOME_SECTION.to_owned(),
    }
}

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

/// The path from the site root of a file of the theme `theme`, given its
/// path in the theme's folder (`templates/page.html`).
pub fn theme_path(theme: &str, relative: &str) -> String {
    format!("{THEMES}/{theme}/{relative}")
}

/// The path from the site root of the theme `theme`'s copy of a template:
/// what `{% extends "hyde/templates/page.html" %}` names as
/// `hyde/templates/page.html`, and what the site's `page.html` falls back to.
pub fn theme_template_path(theme: &str, name: &str) -> String {
    theme_path(theme, &template_path(name))
}

/// The name of a template a theme's templates are known by, when `name`
/// spells it in full (`hyde/templates/page.html` is `page.html` of `hyde`).
pub fn theme_template_name<'n>(theme: &str, name: &'n str) -> Option<&'n str> {
    name.strip_prefix(theme)?.strip_prefix('/')?.strip_prefix(TEMPLATES)?.strip_prefix('/')
}

/// Whether a path from the site root is a file of a theme that queries read
/// as text: its templates, its stylesheets and its `theme.toml`.
pub fn is_theme_text(path: &Utf8Path) -> bool {
    let mut parts = path.components().map(|part| part.as_str());
    parts.next() == Some(THEMES)
        && parts.next().is_some()
        && match parts.next() {
            Some(TEMPLATES) => parts.next().is_some(),
            Some(THEME_FILE) => parts.next().is_none(),
            Some(SASS) => parts.next().is_some(),
            _ => false,
        }
}

/// The output path of a stylesheet, given its path under a `sass/` folder
/// (`css/site.scss` is `css/site.css`): `None` for a file that is not
/// compiled on its own, as Zola leaves them: partials (any name in the path
/// beginning with `_`) and files that are neither `.scss` nor `.sass`.
pub fn stylesheet_output(relative: &Utf8Path) -> Option<String> {
    let compiled = matches!(relative.extension(), Some("scss" | "sass"))
        && !relative.components().any(|part| part.as_str().starts_with('_'));
    compiled.then(|| relative.with_extension("css").into_string())
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
