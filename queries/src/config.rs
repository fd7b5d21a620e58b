//! `qsite.toml`, parsed once per edit of it.

use std::collections::BTreeMap;
use std::sync::Arc;

use salsa::Database;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::plain_words;
use crate::inputs::{Site, text_of};
use crate::site_paths::is_zola_config;
use crate::stable_hash::StableHash;

/// The site configuration every render reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct Config {
    /// Site title, shown in the header and the feed.
    pub title: String,
    /// Absolute URL of the site root, without a trailing slash; empty when
    /// links are root-relative (`base_url = "/"`).
    pub base_url: String,
    /// Site description, for the home page and the feed.
    pub description: String,
    /// Language code for `<html lang>`.
    pub default_language: String,
    /// Pages per listing page for sections and terms that do not set their own.
    pub paginate_by: Option<usize>,
    /// Taxonomies pages can be filed under (`tags` by default, none by
    /// default in a Zola configuration file).
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Whether `atom.xml` is written.
    pub feed: bool,
    /// How many entries the feed holds at most.
    pub feed_limit: Option<usize>,
    /// Whether `sitemap.xml` is written.
    pub sitemap: bool,
    /// Whether a broken internal link fails the build or only warns.
    pub broken_links_are_errors: bool,
    /// `[extra]`, passed to templates as `config.extra`.
    pub extra: minijinja::Value,
}

/// One taxonomy, such as `tags` or `categories`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct TaxonomyConfig {
    /// Its name in front matter and in URLs (`/tags/`).
    pub name: String,
    /// Terms per listing page, if paginated.
    pub paginate_by: Option<usize>,
}

/// The configuration, and what was wrong with its file.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct ConfigResult {
    /// The values, with defaults where the file was silent or wrong.
    pub config: Arc<Config>,
    /// Problems in the file.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TaxonomyEntry {
    Name(String),
    Table { name: String, paginate_by: Option<usize> },
}

#[derive(Deserialize)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    description: Option<String>,
    default_language: Option<String>,
    paginate_by: Option<usize>,
    taxonomies: Option<Vec<TaxonomyEntry>>,
    feed: Option<bool>,
    generate_feeds: Option<bool>,
    feed_limit: Option<usize>,
    sitemap: Option<bool>,
    links: Option<LinksConfig>,
    extra: Option<toml::Table>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksConfig {
    broken: Option<BrokenLinks>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum BrokenLinks {
    Error,
    Warn,
}

/// Zola keys that qsite reads no meaning from but accepts silently, so a Zola
/// site's configuration builds unchanged.
const ZOLA_KEYS: &[&str] = &[
    "compile_sass",
    "build_search_index",
    "minify_html",
    "generate_robots_txt",
    "markdown",
    "languages",
    "theme",
    "ignored_content",
    "author",
    "slugify",
    "search",
    "output_dir",
    "preserve_dotfiles_in_output",
    "feed_filenames",
    "hard_link_static",
    "translations",
    "generate_sitemap",
    "link_checker",
    "mode",
    "ignored_static",
    "exclude_paginated_pages_in_sitemap",
];

/// The parsed configuration.
///
/// Invalidated by an edit of the configuration file or of `--base-url`.
#[salsa::tracked(returns(ref))]
pub fn config(db: &dyn Database) -> ConfigResult {
    let site = Site::get(db);
    let file = site.config_file(db);
    let path = file.path(db).clone();
    let text = text_of(db, *file);
    let text: &str = &text;
    let mut diagnostics = Vec::new();
    let raw: Option<RawConfig> = match toml::from_str(text) {
        Ok(raw) => Some(raw),
        Err(error) => {
            let range = error.span().unwrap_or(0..0);
            diagnostics.push(Diagnostic::error(
                path.clone(),
                range,
                "qsite::config::toml",
                format!("invalid configuration: {}", plain_words(error.message())),
            ));
            None
        }
    };
    let mut config = Config {
        title: String::new(),
        base_url: String::from("http://127.0.0.1:1111"),
        description: String::new(),
        default_language: String::from("en"),
        paginate_by: None,
        // qsite's starter default; a Zola site has the taxonomies it lists.
        taxonomies: if is_zola_config(&path) {
            Vec::new()
        } else {
            vec![TaxonomyConfig { name: String::from("tags"), paginate_by: None }]
        },
        feed: true,
        feed_limit: None,
        sitemap: true,
        broken_links_are_errors: true,
        extra: minijinja::Value::from(BTreeMap::<String, minijinja::Value>::new()),
    };
    if let Some(raw) = raw {
        for key in raw.unknown.keys().filter(|key| !ZOLA_KEYS.contains(&key.as_str())) {
            let range = key_range(text, key);
            diagnostics.push(Diagnostic::warning(
                path.clone(),
                range,
                "qsite::config::unknown_key",
                format!("unknown configuration key `{key}`"),
            ));
        }
        config.title = raw.title.unwrap_or_default();
        if let Some(base_url) = raw.base_url {
            match base_url_problem(&base_url) {
                None => config.base_url = base_url,
                Some(problem) => diagnostics.push(
                    Diagnostic::error(
                        path.clone(),
                        key_range(text, "base_url"),
                        "qsite::config::base_url",
                        format!("`base_url = \"{base_url}\"` is not a URL: {problem}"),
                    )
                    .with_help(
                        "write an absolute URL such as \"https://example.com\", or \"/\" for root-relative links",
                    ),
                ),
            }
        }
        config.description = raw.description.unwrap_or_default();
        if let Some(language) = raw.default_language {
            config.default_language = language;
        }
        config.paginate_by = raw.paginate_by.filter(|&n| n > 0);
        if let Some(taxonomies) = raw.taxonomies {
            config.taxonomies = taxonomies
                .into_iter()
                .map(|entry| match entry {
                    TaxonomyEntry::Name(name) => TaxonomyConfig { name, paginate_by: None },
                    TaxonomyEntry::Table { name, paginate_by } => {
                        TaxonomyConfig { name, paginate_by: paginate_by.filter(|&n| n > 0) }
                    }
                })
                .collect();
        }
        config.feed = raw.feed.or(raw.generate_feeds).unwrap_or(true);
        config.feed_limit = raw.feed_limit;
        config.sitemap = raw.sitemap.unwrap_or(true);
        config.broken_links_are_errors = raw.links.and_then(|links| links.broken) != Some(BrokenLinks::Warn);
        if let Some(extra) = raw.extra {
            config.extra = minijinja::Value::from(minijinja::value::Serde(&extra));
        }
    }
    if let Some(base_url) = &site.options(db).base_url {
        config.base_url = base_url.clone();
    }
    config.base_url = config.base_url.trim_end_matches('/').to_owned();
    ConfigResult { config: Arc::new(config), diagnostics }
}

/// Why `base_url` cannot stand before every URL path of the site, or `None`
/// when it can: an absolute URL with a host, or a path from the server's root
/// (`/`, as Zola's `--base-url /` allows), which makes every link relative to
/// wherever the site is served.
fn base_url_problem(base_url: &str) -> Option<String> {
    if base_url.starts_with('/') && !base_url.starts_with("//") {
        return None;
    }
    if base_url.trim().is_empty() {
        return Some(String::from("it is empty"));
    }
    match url::Url::parse(base_url) {
        Err(url::ParseError::RelativeUrlWithoutBase) => Some(String::from("it has no scheme such as https://")),
        Err(error) => Some(error.to_string()),
        // `example.com:8080` parses with the scheme `example.com`; only
        // `file:` URLs, for a site browsed from disk, need no host.
        Ok(url) if !url.has_host() && url.scheme() != "file" => {
            Some(String::from("it has no host; start it with a scheme such as https://"))
        }
        Ok(_) => None,
    }
}

/// Where `key` is defined in a TOML text, for pointing at an unknown key.
pub(crate) fn key_range(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with(['=', ':'])
        {
            let start = offset + (line.len() - trimmed.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}
