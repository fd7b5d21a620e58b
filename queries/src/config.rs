//! `qsite.toml`, parsed once per edit of it.

use std::collections::BTreeMap;
use std::sync::Arc;

use salsa::Database;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::plain_words;
use crate::inputs::{Site, text_of};
use crate::lookup::file_at;
use crate::markdown_options::{AnchorPlacement, MarkdownOptions};
use crate::site_paths::{THEME_FILE, is_zola_config, theme_path};
use crate::stable_hash::StableHash;
use crate::toml_values::table_value;
use crate::zola_config;

/// The site configuration every render reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct Config {
    /// Site title, shown in the header and the feed.
    pub title: String,
    /// Absolute URL of the site root, without a trailing slash; empty when
    /// links are root-relative (`base_url = "/"`).
    pub base_url: String,
    /// `base_url` as the file (or `--base-url`) wrote it, which templates
    /// print as `config.base_url`, as Zola prints it.
    pub written_base_url: String,
    /// Site description, for the home page and the feed.
    pub description: String,
    /// Language code for `<html lang>`.
    pub default_language: String,
    /// Pages per listing page for sections and terms that do not set their own.
    pub paginate_by: Option<usize>,
    /// Taxonomies pages can be filed under (`tags` by default, none by
    /// default in a Zola configuration file).
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Whether the site's feeds are written.
    pub feed: bool,
    /// The feeds' file names (`atom.xml`, `rss.xml`), Zola's `feed_filenames`.
    pub feed_filenames: Vec<String>,
    /// How many entries the feed holds at most.
    pub feed_limit: Option<usize>,
    /// Whether `sitemap.xml` is written.
    pub sitemap: bool,
    /// Whether `robots.txt` is written.
    pub robots: bool,
    /// Whether a broken internal link fails the build or only warns.
    pub broken_links_are_errors: bool,
    /// Whether the site's own `sass/` stylesheets are compiled (Zola's
    /// `compile_sass`); a theme's are compiled whenever it has any.
    pub compile_sass: bool,
    /// `[extra]`, passed to templates as `config.extra`, over the theme's.
    pub extra: minijinja::Value,
    /// Whether the configuration file is Zola's, whose defaults then apply
    /// where qsite's starter differs: no feed and no taxonomy unless asked,
    /// sections in file order unless they set `sort_by`.
    pub zola: bool,
    /// The theme under `themes/` whose templates and static files stand
    /// below the site's own.
    pub theme: Option<String>,
    /// Every key of the file over Zola's defaults, for templates that read
    /// `config.markdown.render_emoji` or `config.author`.
    pub settings: minijinja::Value,
    /// The languages besides the default one, by code (`[languages.fr]`):
    /// what makes `a.fr.md` the French version of `a.md`.
    pub languages: BTreeMap<String, LanguageConfig>,
    /// `[translations]`: the default language's strings for `trans()`.
    pub translations: BTreeMap<String, String>,
    /// `build_search_index = true` with its `[search]` table: what the
    /// search index holds and how it is written; `None` when none is.
    pub search: Option<SearchSettings>,
    /// `[markdown]`: how bodies are rendered (see [`crate::markdown::markdown_options`]).
    pub markdown: MarkdownOptions,
    /// `[markdown] insert_anchor_links`: where headings' anchor links go in
    /// sections that do not say (Zola 0.21 and later).
    pub insert_anchor_links: AnchorPlacement,
}

impl Config {
    /// The taxonomies a language's pages are filed under: the top-level
    /// `taxonomies` for the default language (`None`), `[languages.fr]
    /// taxonomies` for French, as Zola keeps each language's apart.
    pub fn taxonomies_of(&self, lang: Option<&str>) -> &[TaxonomyConfig] {
        match lang {
            None => &self.taxonomies,
            Some(code) => self.languages.get(code).map_or(&[], |language| &language.taxonomies),
        }
    }

    /// The languages that get a search index, by code: the default one
    /// first, then each `[languages.xx]` with `build_search_index`, as Zola
    /// writes them only when the top level asks for one.
    pub fn search_languages(&self) -> Vec<&str> {
        if self.search.is_none() {
            return Vec::new();
        }
        let others = self.languages.iter().filter(|(_, language)| language.build_search_index);
        std::iter::once(self.default_language.as_str()).chain(others.map(|(code, _)| code.as_str())).collect()
    }

    /// A language code as keys name it: `None` for the default language.
    pub fn other_language<'a>(&self, code: &'a str) -> Option<&'a str> {
        (code != self.default_language).then_some(code)
    }

    /// Whether a language's own feeds are written: `generate_feeds` at the
    /// top level for the default language (`None`), in `[languages.fr]` for
    /// French.
    pub fn feeds_of(&self, lang: Option<&str>) -> bool {
        match lang {
            None => self.feed,
            Some(code) => self.languages.get(code).is_some_and(|language| language.feed),
        }
    }
}

/// What `[languages.fr]` sets for the French version of the site: the
/// values that stand in for the top-level ones in its renders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct LanguageConfig {
    /// `title`, for `config.title` in its renders.
    pub title: Option<String>,
    /// `description`, for `config.description` in its renders.
    pub description: Option<String>,
    /// `generate_feeds`.
    pub feed: bool,
    /// `build_search_index`.
    pub build_search_index: bool,
    /// The taxonomies its pages can be filed under (`/fr/tags/`).
    pub taxonomies: Vec<TaxonomyConfig>,
    /// `[languages.fr.translations]`: its strings for `trans()`.
    pub translations: BTreeMap<String, String>,
}

/// Zola's `[search]` table: which fields of each page the search index
/// holds, and in which format it is written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash, Deserialize)]
#[serde(default)]
pub struct SearchSettings {
    /// `include_title`: the title field (on by default).
    pub include_title: bool,
    /// `include_content`: the page's text, HTML stripped (on by default).
    pub include_content: bool,
    /// `include_description`: the description field.
    pub include_description: bool,
    /// `include_date`: a page's date, RFC 3339 (elasticlunr formats only, as in Zola).
    pub include_date: bool,
    /// `include_path`: the URL path, split at `/` and `-`.
    pub include_path: bool,
    /// `truncate_content_length`: the text cut to this many characters.
    pub truncate_content_length: Option<usize>,
    /// `index_format`: which file is written.
    pub index_format: IndexFormat,
}

impl Default for SearchSettings {
    fn default() -> SearchSettings {
        SearchSettings {
            include_title: true,
            include_content: true,
            include_description: false,
            include_date: false,
            include_path: false,
            truncate_content_length: None,
            index_format: IndexFormat::ElasticlunrJavascript,
        }
    }
}

/// The search index's file format, by Zola's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, StableHash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexFormat {
    /// `search_index.en.js`: `window.searchIndex = ` an elasticlunr index.
    ElasticlunrJavascript,
    /// `search_index.en.json`: an elasticlunr index.
    ElasticlunrJson,
    /// `search_index.en.js`: `window.searchIndex = ` a Fuse.js list.
    FuseJavascript,
    /// `search_index.en.json`: a Fuse.js list.
    FuseJson,
}

impl IndexFormat {
    /// The index's file name for language `code`: `search_index.en.js`.
    pub fn filename(self, code: &str) -> String {
        let extension = match self {
            IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript => "js",
            IndexFormat::ElasticlunrJson | IndexFormat::FuseJson => "json",
        };
        format!("search_index.{code}.{extension}")
    }

    /// Whether the file is a script that sets `window.searchIndex`.
    pub fn is_javascript(self) -> bool {
        matches!(self, IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript)
    }

    /// Whether the index is elasticlunr's rather than Fuse's.
    pub fn is_elasticlunr(self) -> bool {
        matches!(self, IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson)
    }
}

/// One taxonomy, such as `tags` or `categories`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct TaxonomyConfig {
    /// Its name in front matter and in URLs (`/tags/`).
    pub name: String,
    /// Terms per listing page, if paginated.
    pub paginate_by: Option<usize>,
    /// Whether each term has its own feed.
    pub feed: bool,
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
    Table { name: String, paginate_by: Option<usize>, feed: Option<bool> },
}

#[derive(Deserialize)]
struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
    generate_feeds: Option<bool>,
    generate_feed: Option<bool>,
    build_search_index: Option<bool>,
    search: Option<toml::Table>,
    taxonomies: Option<Vec<TaxonomyEntry>>,
    translations: Option<BTreeMap<String, String>>,
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
    generate_feed: Option<bool>,
    feed_filenames: Option<Vec<String>>,
    feed_filename: Option<String>,
    feed_limit: Option<usize>,
    sitemap: Option<bool>,
    generate_sitemap: Option<bool>,
    generate_robots_txt: Option<bool>,
    compile_sass: Option<bool>,
    links: Option<LinksConfig>,
    link_checker: Option<toml::Table>,
    extra: Option<toml::Table>,
    theme: Option<String>,
    languages: Option<BTreeMap<String, RawLanguage>>,
    translations: Option<BTreeMap<String, String>>,
    build_search_index: Option<bool>,
    search: Option<SearchSettings>,
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
    let zola = is_zola_config(&path);
    let mut config = Config {
        title: String::new(),
        base_url: String::from("http://127.0.0.1:1111"),
        written_base_url: String::new(),
        description: String::new(),
        default_language: String::from("en"),
        paginate_by: None,
        // qsite's starter default; a Zola site has the taxonomies it lists.
        taxonomies: if zola {
            Vec::new()
        } else {
            vec![TaxonomyConfig { name: String::from("tags"), paginate_by: None, feed: false }]
        },
        // qsite's starter writes a feed; Zola writes one when asked.
        feed: !zola,
        feed_filenames: vec![String::from("atom.xml")],
        feed_limit: None,
        sitemap: true,
        robots: true,
        compile_sass: false,
        zola,
        theme: None,
        broken_links_are_errors: true,
        extra: minijinja::Value::from(BTreeMap::<String, minijinja::Value>::new()),
        settings: table_value(&zola_config::settings(&toml::Table::new())),
        languages: BTreeMap::new(),
        translations: BTreeMap::new(),
        search: None,
        markdown: zola_config::settings(&toml::Table::new())
            .get("markdown")
            .and_then(toml::Value::as_table)
            .map(|markdown| MarkdownOptions::from_config(&toml::Table::new(), markdown).0)
            .unwrap_or_default(),
        insert_anchor_links: AnchorPlacement::None,
    };
    // The same text as a table, for what templates read: it parses when
    // `raw` did.
    let table: Option<toml::Table> = raw.as_ref().and_then(|_| toml::from_str(text).ok());
    if let (Some(table), Some(raw)) = (&table, raw) {
        for (key, instead) in zola_config::unsupported(table) {
            let last = key.rsplit('.').next().unwrap_or(&key);
            diagnostics.push(
                Diagnostic::warning(
                    path.clone(),
                    key_range(text, last),
                    "qsite::config::unsupported",
                    format!("qsite ignores `{key}` for now: {instead}"),
                )
                .with_help("the site builds as if the setting were not there"),
            );
        }
        let settings = zola_config::settings(table);
        let no_markdown = toml::Table::new();
        let markdown = settings.get("markdown").and_then(toml::Value::as_table).unwrap_or(&no_markdown);
        let (options, problems) = MarkdownOptions::from_config(table, markdown);
        config.markdown = options;
        for problem in problems {
            let range = key_range(text, problem.key);
            let code = "qsite::config::markdown";
            diagnostics.push(match problem.is_error {
                true => Diagnostic::error(path.clone(), range, code, problem.message),
                false => Diagnostic::warning(path.clone(), range, code, problem.message),
            });
        }
        let anchors = markdown.get("insert_anchor_links").and_then(toml::Value::as_str);
        match anchors.map(|name| (name, AnchorPlacement::named(name))) {
            Some((_, Some(placement))) => config.insert_anchor_links = placement,
            Some((name, None)) => diagnostics.push(Diagnostic::error(
                path.clone(),
                key_range(text, "insert_anchor_links"),
                "qsite::config::insert_anchor_links",
                format!("`insert_anchor_links = \"{name}\"` is not one of \"none\", \"left\", \"right\", \"heading\""),
            )),
            None => {}
        }
        config.settings = table_value(&settings);
        for key in raw.unknown.keys().filter(|key| !zola_config::is_zola_key(key)) {
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
            config.taxonomies = taxonomy_configs(taxonomies);
        }
        config.translations = raw.translations.unwrap_or_default();
        for (code, language) in raw.languages.unwrap_or_default() {
            if language.search.is_some() {
                let written = format!("languages.{code}.search");
                let range = text.find(&written).map_or(0..0, |start| start..start + written.len());
                diagnostics.push(
                    Diagnostic::warning(
                        path.clone(),
                        range,
                        "qsite::config::unsupported",
                        format!("qsite ignores `languages.{code}.search` for now: every index holds what `[search]` says"),
                    )
                    .with_help("move the settings to the top-level `[search]` table"),
                );
            }
            let language = LanguageConfig {
                title: language.title,
                description: language.description,
                feed: language.generate_feeds.or(language.generate_feed).unwrap_or(false),
                build_search_index: language.build_search_index.unwrap_or(false),
                taxonomies: language.taxonomies.map(taxonomy_configs).unwrap_or_default(),
                translations: language.translations.unwrap_or_default(),
            };
            config.languages.insert(code, language);
        }
        // `[languages.en]` for the default language adds to the top-level
        // values, as Zola merges the two; the top level wins where both are set.
        let mut search_index = raw.build_search_index == Some(true);
        if let Some(own) = config.languages.remove(&config.default_language) {
            search_index |= own.build_search_index;
            for (key, text) in own.translations {
                config.translations.entry(key).or_insert(text);
            }
            if config.taxonomies.is_empty() {
                config.taxonomies = own.taxonomies;
            }
            if config.title.is_empty() {
                config.title = own.title.unwrap_or_default();
            }
            if config.description.is_empty() {
                config.description = own.description.unwrap_or_default();
            }
        }
        // Zola's names: `generate_feeds` and `feed_filenames` since 0.19,
        // `generate_feed` and `feed_filename` before.
        config.feed = raw.feed.or(raw.generate_feeds).or(raw.generate_feed).unwrap_or(config.feed);
        if let Some(names) = raw.feed_filenames.or(raw.feed_filename.map(|name| vec![name])) {
            config.feed_filenames = names;
        }
        config.feed_limit = raw.feed_limit;
        if search_index {
            config.search = Some(raw.search.unwrap_or_default());
        }
        config.sitemap = raw.sitemap.or(raw.generate_sitemap).unwrap_or(true);
        config.robots = raw.generate_robots_txt.unwrap_or(true);
        config.compile_sass = raw.compile_sass.unwrap_or(false);
        // qsite's `[links] broken`, or Zola's `[link_checker] internal_level`.
        let zola_level =
            raw.link_checker.as_ref().and_then(|table| table.get("internal_level")?.as_str().map(str::to_owned));
        config.broken_links_are_errors = raw.links.and_then(|links| links.broken) != Some(BrokenLinks::Warn)
            && zola_level.as_deref() != Some("warn");
        config.theme = raw.theme.filter(|theme| !theme.is_empty());
        let mut extra = raw.extra.unwrap_or_default();
        if let Some(theme) = &config.theme {
            match theme_extra(db, theme) {
                Ok(defaults) => {
                    for (key, value) in defaults {
                        extra.entry(key).or_insert(value);
                    }
                }
                Err(problem) => diagnostics.push(Diagnostic::error(
                    path.clone(),
                    key_range(text, "theme"),
                    "qsite::config::theme",
                    format!("theme `{theme}`: {problem}"),
                )),
            }
        }
        config.extra = table_value(&extra);
    }
    if let Some(base_url) = &site.options(db).base_url {
        config.base_url = base_url.clone();
    }
    let trimmed = config.base_url.trim_end_matches('/').to_owned();
    // qsite's own sites print the URL without its trailing slash, as they
    // always have; Zola's print it as written.
    config.written_base_url = if config.zola { std::mem::take(&mut config.base_url) } else { trimmed.clone() };
    config.base_url = trimmed;
    ConfigResult { config: Arc::new(config), diagnostics }
}

/// Taxonomies as the configuration lists them, by name or as tables.
fn taxonomy_configs(entries: Vec<TaxonomyEntry>) -> Vec<TaxonomyConfig> {
    entries
        .into_iter()
        .map(|entry| match entry {
            TaxonomyEntry::Name(name) => TaxonomyConfig { name, paginate_by: None, feed: false },
            TaxonomyEntry::Table { name, paginate_by, feed } => {
                TaxonomyConfig { name, paginate_by: paginate_by.filter(|&n| n > 0), feed: feed.unwrap_or(false) }
            }
        })
        .collect()
}

/// The `[extra]` table of a theme's `theme.toml`, whose keys are defaults
/// for the site's; an error says why the theme cannot be used. The theme's
/// `config.toml`, when it has one, configures its demo site: Zola reads
/// nothing from it.
fn theme_extra(db: &dyn Database, theme: &str) -> Result<toml::Table, String> {
    let Some(file) = file_at(db, &theme_path(theme, THEME_FILE)) else {
        let exists = Site::get(db).files(db).themes.keys().any(|path| path.starts_with(theme));
        return match exists {
            true => Ok(toml::Table::new()),
            false => Err(format!("there is no folder `{}` with its files", theme_path(theme, ""))),
        };
    };
    let table: toml::Table = toml::from_str(&text_of(db, file))
        .map_err(|error| format!("its `{THEME_FILE}` is not valid TOML: {}", plain_words(error.message())))?;
    Ok(table.get("extra").and_then(toml::Value::as_table).cloned().unwrap_or_default())
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

/// Where the configuration names its feeds: `feed_filenames`, or the older
/// `feed_filename`; the start of the file when it names none.
pub(crate) fn feed_filenames_range(text: &str) -> std::ops::Range<usize> {
    let range = key_range(text, "feed_filenames");
    if range.is_empty() { key_range(text, "feed_filename") } else { range }
}
