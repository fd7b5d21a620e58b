//! Zola's configuration keys as templates read them: every key Zola
//! documents reaches templates as `config.*`, with Zola's default where the
//! file is silent, and each setting that would change Zola's output but that
//! qsite does not act on yet is named in a warning rather than ignored.

use std::collections::BTreeMap;

/// Zola's documented keys and their defaults (Zola 0.22, with the names of
/// older releases beside the new ones): what `config.markdown.render_emoji`
/// reads on a site that never set it. Keys whose default is "nothing"
/// (`author`, `feed_limit`, `taxonomy_root`) are absent here and read as
/// none.
const ZOLA_DEFAULTS: &str = r#"
title = ""
description = ""
default_language = "en"
theme = ""
output_dir = "public"
preserve_dotfiles_in_output = false
compile_sass = false
minify_html = false
ignored_content = []
ignored_static = []
generate_feeds = false
generate_feed = false
exclude_paginated_pages_in_sitemap = "none"
feed_filenames = ["atom.xml"]
feed_filename = "atom.xml"
hard_link_static = false
taxonomies = []
build_search_index = false
generate_sitemap = true
generate_robots_txt = true
languages = {}
translations = {}
extra = {}

[markdown]
highlight_code = false
highlight_theme = "base16-ocean-dark"
highlight_themes_css = []
render_emoji = false
external_links_target_blank = false
external_links_no_follow = false
external_links_no_referrer = false
external_links_external = true
smart_punctuation = false
definition_list = false
lazy_async_image = false
bottom_footnotes = false
github_alerts = false
insert_anchor_links = "none"

[link_checker]
skip_prefixes = []
skip_anchor_prefixes = []
internal_level = "error"
external_level = "error"

[slugify]
paths = "on"
paths_keep_dates = false
taxonomies = "on"
anchors = "on"

[search]
include_title = true
include_description = false
include_date = false
include_path = false
include_content = true
index_format = "elasticlunr_javascript"
"#;

/// Settings that change what Zola writes and that qsite does not act on
/// yet, by their path in the file, with what qsite does instead. A key is
/// named only when its value differs from Zola's default.
const NOT_YET: &[(&str, &str)] = &[
    ("minify_html", "qsite writes HTML as the templates print it"),
    ("ignored_content", "qsite copies every content file"),
    ("ignored_static", "qsite copies every static file"),
    ("output_dir", "qsite writes to `public/`"),
    ("preserve_dotfiles_in_output", "qsite keeps only the files it did not write"),
    ("taxonomy_root", "taxonomies are under the site root"),
    ("exclude_paginated_pages_in_sitemap", "the sitemap lists every page"),
    ("slugify", "slugs are made the default way"),
];

/// The whole configuration as templates read it: the file's table laid over
/// Zola's defaults, tables merged key by key.
pub fn settings(file: &toml::Table) -> toml::Table {
    let mut merged: toml::Table = toml::from_str(ZOLA_DEFAULTS).unwrap_or_default();
    lay_over(&mut merged, file);
    merged
}

/// `top` laid over `base`: a table merges with the table it replaces,
/// anything else replaces what was there.
fn lay_over(base: &mut toml::Table, top: &toml::Table) {
    for (key, value) in top {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => lay_over(below, above),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The settings of `file` that would change Zola's output and that qsite
/// does not act on: each key's path and what qsite does instead.
pub fn unsupported(file: &toml::Table) -> Vec<(String, &'static str)> {
    let defaults: toml::Table = toml::from_str(ZOLA_DEFAULTS).unwrap_or_default();
    NOT_YET
        .iter()
        .filter(|(path, _)| {
            let set = lookup(file, path);
            set.is_some() && set != lookup(&defaults, path)
        })
        .map(|(path, instead)| ((*path).to_owned(), *instead))
        .collect()
}

/// The value at a dotted `path` of `table`.
fn lookup<'t>(table: &'t toml::Table, path: &str) -> Option<&'t toml::Value> {
    let (first, rest) = path.split_once('.').map_or((path, None), |(first, rest)| (first, Some(rest)));
    let value = table.get(first)?;
    match rest {
        None => Some(value),
        Some(rest) => lookup(value.as_table()?, rest),
    }
}

/// The keys Zola documents at the top level of its configuration file.
pub fn is_zola_key(key: &str) -> bool {
    const OPTIONAL: &[&str] = &["author", "feed_limit", "taxonomy_root", "mode"];
    thread_local! {
        static KEYS: BTreeMap<String, ()> =
            toml::from_str::<toml::Table>(ZOLA_DEFAULTS).unwrap_or_default().keys().map(|key| (key.clone(), ())).collect();
    }
    OPTIONAL.contains(&key) || KEYS.with(|keys| keys.contains_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_the_file_lays_over_them() {
        let file: toml::Table = toml::from_str("title = \"T\"\n[markdown]\nrender_emoji = true\n").unwrap();
        let merged = settings(&file);
        assert_eq!(merged["title"].as_str(), Some("T"));
        assert_eq!(merged["markdown"]["render_emoji"].as_bool(), Some(true));
        assert_eq!(merged["markdown"]["smart_punctuation"].as_bool(), Some(false));
        assert_eq!(merged["search"]["index_format"].as_str(), Some("elasticlunr_javascript"));
    }

    #[test]
    fn only_settings_that_change_the_output_are_named() {
        let file: toml::Table =
            toml::from_str("compile_sass = true\nminify_html = true\ntaxonomy_root = \"t\"\n[markdown]\nhighlight_code = true\n")
                .unwrap();
        let named: Vec<String> = unsupported(&file).into_iter().map(|(path, _)| path).collect();
        assert_eq!(named, ["minify_html", "taxonomy_root"]);
        assert!(is_zola_key("author") && is_zola_key("generate_feed") && !is_zola_key("genrate_feeds"));
    }
}
