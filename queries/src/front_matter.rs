//! Front matter: the `+++` TOML or `---` YAML block at the top of a content file.

use std::collections::BTreeMap;
use std::ops::Range;

use camino::Utf8PathBuf;
use salsa::Database;
use serde::{Deserialize, Serialize};

use crate::config::key_range;
use crate::dates::{DateError, PageDate, parse_date};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::plain_words;
use crate::inputs::{SourceFile, stored_front_matter, text_of};
use crate::markdown_options::AnchorPlacement;
use crate::stable_hash::StableHash;
use crate::suggest::did_you_mean;
use crate::toml_values::template_value;

/// How a section orders its pages: Zola's `sort_by` values. Pages that
/// lack what an order reads (a date, a title, a weight) come last, by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, StableHash)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Newest `date` first.
    #[default]
    Date,
    /// Newest of `date` and `updated` first.
    UpdateDate,
    /// By title in natural order: letters without case or accents, numbers
    /// by value (`Track-2` before `Track-13`).
    Title,
    /// By title, byte by byte.
    TitleBytes,
    /// Ascending `weight`.
    Weight,
    /// By slug in natural order.
    Slug,
    /// By permalink, byte by byte.
    Permalink,
    /// By path: the order of the files.
    None,
}

impl SortBy {
    /// Every order.
    pub const ALL: [SortBy; 8] = [
        SortBy::Date,
        SortBy::UpdateDate,
        SortBy::Title,
        SortBy::TitleBytes,
        SortBy::Weight,
        SortBy::Slug,
        SortBy::Permalink,
        SortBy::None,
    ];

    /// The order a `sort_by` value names (`update_date`), as front matter reads it.
    pub fn named(name: &str) -> Option<SortBy> {
        SortBy::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).ok()
    }
}

/// The fields of a content file's front matter, with defaults where it was
/// silent or wrong, and where its body starts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FrontMatter {
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `date`, parsed.
    pub date: Option<PageDate>,
    /// `updated`, parsed.
    pub updated: Option<PageDate>,
    /// `draft`: left out of the build unless `--drafts`.
    pub draft: bool,
    /// `slug`: replaces the file name in the URL.
    pub slug: Option<String>,
    /// `path`: the whole URL path, as in Zola.
    pub path: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
    /// `aliases`: old URLs that redirect here.
    pub aliases: Vec<String>,
    /// `weight`, for `sort_by = "weight"`.
    pub weight: Option<i64>,
    /// `[taxonomies]`, by taxonomy name.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// `tags` written outside `[taxonomies]`: qsite's shorthand for its
    /// `tags` taxonomy, which a Zola site does not have.
    pub bare_tags: Vec<String>,
    /// `template`: the template that renders this file.
    pub template: Option<String>,
    /// Sections only: `page_template`, the template for the pages in it.
    pub page_template: Option<String>,
    /// Sections only: `sort_by`.
    pub sort_by: Option<SortBy>,
    /// Sections only: `paginate_by`.
    pub paginate_by: Option<usize>,
    /// Sections only: `generate_feeds` (Zola before 0.19: `generate_feed`),
    /// whether the section has feeds of its own pages.
    pub generate_feeds: bool,
    /// `render = false`: no output of its own, still in listings and links.
    pub render: bool,
    /// `in_search_index = false`: left out of the search index (a section's
    /// direct pages with it).
    pub in_search_index: bool,
    /// Sections only: `redirect_to`, a URL its page sends visitors to instead.
    pub redirect_to: Option<String>,
    /// Sections only: `transparent = true`, its pages listed in its parent's too.
    pub transparent: bool,
    /// Sections only: `paginate_path`, the folder of listing pages after the first.
    pub paginate_path: Option<String>,
    /// Sections only: `paginate_reversed = true`, the paginator in reverse order.
    pub paginate_reversed: bool,
    /// Sections only: `insert_anchor_links`, where the anchor links of its
    /// own headings and its pages' go (else the configuration's).
    pub insert_anchor_links: Option<AnchorPlacement>,
    /// `[extra]`, for templates.
    #[serde(deserialize_with = "value_from_json")]
    pub extra: minijinja::Value,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
    /// Byte range of each key in the file, to point diagnostics at it.
    pub key_ranges: BTreeMap<String, Range<usize>>,
    /// What was wrong with the front matter; the encoding is `text_problem`'s to report.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    date: Option<toml::Value>,
    updated: Option<toml::Value>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    path: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    weight: Option<i64>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    taxonomies: BTreeMap<String, Vec<String>>,
    template: Option<String>,
    page_template: Option<String>,
    sort_by: Option<SortBy>,
    paginate_by: Option<usize>,
    generate_feeds: Option<bool>,
    generate_feed: Option<bool>,
    render: Option<bool>,
    in_search_index: Option<bool>,
    redirect_to: Option<String>,
    #[serde(default)]
    transparent: bool,
    paginate_path: Option<String>,
    #[serde(default)]
    paginate_reversed: bool,
    insert_anchor_links: Option<AnchorPlacement>,
    extra: Option<toml::Value>,
}

/// Keys qsite reads, plus Zola keys it accepts without a warning.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "path",
    "authors",
    "aliases",
    "weight",
    "tags",
    "taxonomies",
    "template",
    "page_template",
    "sort_by",
    "paginate_by",
    "extra",
    "in_search_index",
    "render",
    "insert_anchor_links",
    "paginate_path",
    "paginate_reversed",
    "transparent",
    "generate_feeds",
    "generate_feed",
    "lang",
    "redirect_to",
];

/// Which syntax a front matter block uses.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Toml,
    Yaml,
}

/// The front matter of a content file: what an earlier process stored for
/// these very bytes, when it decodes, else parsed from the text.
///
/// Invalidated by any edit of the file; its result is small, and the queries
/// that read it ([`crate::page_meta`]) cut off body edits.
#[salsa::tracked(returns(ref))]
pub fn front_matter(db: &dyn Database, file: SourceFile) -> FrontMatter {
    if let Some(front) = stored_front_matter(db, file).and_then(|encoded| decode(&encoded)) {
        return front;
    }
    let path = file.path(db).clone();
    let mut front = FrontMatter { extra: empty_map(), render: true, in_search_index: true, ..FrontMatter::default() };
    // The encoding itself is diagnosed by `crate::diagnostics::text_problem`, for every text file alike.
    let text = text_of(db, file);
    let text: &str = &text;
    // Editors on Windows may save a byte order mark before the fence; it is not text.
    let bom = if text.starts_with(BYTE_ORDER_MARK) { BYTE_ORDER_MARK.len_utf8() } else { 0 };
    front.body_offset = bom;
    let Some((format, block, body_offset)) = split(text, bom, &path, &mut front.diagnostics) else {
        return front;
    };
    front.body_offset = body_offset;
    let block_text = &text[block.clone()];
    let raw = match format {
        Format::Toml => parse_toml(block_text, block.start, &path, &mut front),
        Format::Yaml => parse_yaml(block_text, block.start, &path, &mut front),
    };
    let Some(raw) = raw else { return front };
    let range_of =
        |front: &FrontMatter, key: &str| front.key_ranges.get(key).cloned().unwrap_or(block.start..block.start);
    front.date = raw
        .date
        .and_then(|value| date_field(&value, "date", format, range_of(&front, "date"), &path, &mut front.diagnostics));
    front.updated = raw.updated.and_then(|value| {
        date_field(&value, "updated", format, range_of(&front, "updated"), &path, &mut front.diagnostics)
    });
    front.title = raw.title;
    front.description = raw.description;
    front.draft = raw.draft;
    front.slug = raw.slug.filter(|slug| {
        url_value_is_usable(
            !slug::slugify(slug).is_empty(),
            "slug",
            slug,
            range_of(&front, "slug"),
            &path,
            &mut front.diagnostics,
        )
    });
    front.path = raw.path.filter(|url| {
        url_value_is_usable(
            !url.trim().is_empty(),
            "path",
            url,
            range_of(&front, "path"),
            &path,
            &mut front.diagnostics,
        )
    });
    front.authors = raw.authors;
    front.aliases = raw.aliases;
    front.weight = raw.weight;
    front.taxonomies = raw.taxonomies;
    front.bare_tags = raw.tags;
    front.template = raw.template;
    front.page_template = raw.page_template;
    front.sort_by = raw.sort_by;
    front.paginate_by = raw.paginate_by.filter(|&n| n > 0);
    front.generate_feeds = raw.generate_feeds.or(raw.generate_feed).unwrap_or(false);
    front.render = raw.render.unwrap_or(true);
    front.in_search_index = raw.in_search_index.unwrap_or(true);
    front.redirect_to = raw.redirect_to;
    front.transparent = raw.transparent;
    front.paginate_path = raw.paginate_path;
    front.paginate_reversed = raw.paginate_reversed;
    front.insert_anchor_links = raw.insert_anchor_links;
    if let Some(extra) = raw.extra {
        front.extra = template_value(&extra);
    }
    front
}

/// Front matter as bytes a later process of this qsite binary hands back as
/// a [`crate::Prepared`] value: `None` when decoding them would not give
/// exactly `front` back (a value in `[extra]` whose type JSON does not keep),
/// so that such a file is parsed again rather than read back different.
///
/// # Performance
/// One encode and one decode, O(front matter): done once per changed file.
pub fn encode(front: &FrontMatter) -> Option<Vec<u8>> {
    let bytes = serde_json::to_vec(front).ok()?;
    let back = decode(&bytes)?;
    let same = back == *front && serde_json::to_vec(&back).ok()? == bytes;
    same.then_some(bytes)
}

/// The front matter [`encode`] made; `None` for bytes from anything else.
pub fn decode(bytes: &[u8]) -> Option<FrontMatter> {
    serde_json::from_slice(bytes).ok()
}

/// `[extra]` read back from JSON.
fn value_from_json<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<minijinja::Value, D::Error> {
    let json = serde_json::Value::deserialize(deserializer)?;
    Ok(minijinja::Value::from(minijinja::value::Serde(&json)))
}

fn empty_map() -> minijinja::Value {
    minijinja::Value::from(BTreeMap::<String, minijinja::Value>::new())
}

/// U+FEFF, which some editors write at the start of a UTF-8 file.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// Whether a `slug` or `path` can make a URL; one that cannot (`slug = "!!!"`
/// slugifies to nothing, `path = ""` names nothing) is a warning, and the
/// file name gives the URL instead, so no page lands at `/blog//`.
fn url_value_is_usable(
    usable: bool,
    key: &str,
    value: &str,
    range: Range<usize>,
    path: &Utf8PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    if !usable {
        diagnostics.push(
            Diagnostic::warning(
                path.clone(),
                range,
                "qsite::front_matter::empty_url",
                format!("`{key} = {value:?}` leaves nothing for the URL, so the file name is used instead"),
            )
            .with_help(format!("give `{key}` letters or digits, or remove it")),
        );
    }
    usable
}

/// Finds the front matter block after `bom` bytes and any blank lines: its
/// format, its byte range, and where the body starts.
fn split(
    text: &str,
    bom: usize,
    path: &Utf8PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Format, Range<usize>, usize)> {
    // Zola lets blank lines come before the opening fence.
    let bom = bom + (text[bom..].len() - text[bom..].trim_start().len());
    let first_line_end = text[bom..].find('\n').map_or(text.len(), |i| bom + i + 1);
    let first = text[bom..first_line_end].trim_end();
    let (format, fence) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => return None,
    };
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((format, first_line_end..offset, offset + line.len()));
        }
        offset += line.len();
    }
    diagnostics.push(
        Diagnostic::error(
            path.clone(),
            bom..bom + fence.len(),
            "qsite::front_matter::unclosed",
            format!("the front matter opened here never closes with `{fence}`"),
        )
        .with_help(format!("add a line with `{fence}` after the last front matter field")),
    );
    None
}

fn parse_toml(block: &str, start: usize, path: &Utf8PathBuf, front: &mut FrontMatter) -> Option<RawFrontMatter> {
    let shift = |range: Range<usize>| range.start + start..range.end + start;
    match toml::from_str::<toml::Table>(block) {
        Ok(table) => {
            for key in table.keys() {
                front.key_ranges.insert(key.clone(), shift(key_range(block, key)));
            }
        }
        Err(error) => {
            front.diagnostics.push(Diagnostic::error(
                path.clone(),
                shift(error.span().unwrap_or(0..0)),
                "qsite::front_matter::toml",
                format!("invalid TOML front matter: {}", plain_words(error.message())),
            ));
            return None;
        }
    }
    warn_unknown_keys(path, front);
    match toml::from_str::<RawFrontMatter>(block) {
        Ok(raw) => Some(raw),
        Err(error) => {
            front.diagnostics.push(Diagnostic::error(
                path.clone(),
                shift(error.span().unwrap_or(0..0)),
                "qsite::front_matter::toml",
                format!("invalid front matter: {}", plain_words(error.message())),
            ));
            None
        }
    }
}

fn parse_yaml(block: &str, start: usize, path: &Utf8PathBuf, front: &mut FrontMatter) -> Option<RawFrontMatter> {
    let error_range = |error: &serde_norway::Error| {
        let at = error.location().map_or(0, |location| location.index());
        start + at..start + (at + 1).min(block.len())
    };
    if block.trim().is_empty() {
        return Some(RawFrontMatter::empty());
    }
    match serde_norway::from_str::<BTreeMap<String, serde_norway::Value>>(block) {
        Ok(map) => {
            for key in map.keys() {
                let range = key_range(block, key);
                front.key_ranges.insert(key.clone(), range.start + start..range.end + start);
            }
        }
        Err(error) => {
            front.diagnostics.push(Diagnostic::error(
                path.clone(),
                error_range(&error),
                "qsite::front_matter::yaml",
                format!("invalid YAML front matter: {}", plain_words(&without_location(&error))),
            ));
            return None;
        }
    }
    warn_unknown_keys(path, front);
    match serde_norway::from_str::<RawFrontMatter>(block) {
        Ok(raw) => Some(raw),
        Err(error) => {
            front.diagnostics.push(Diagnostic::error(
                path.clone(),
                error_range(&error),
                "qsite::front_matter::yaml",
                format!("invalid front matter: {}", plain_words(&without_location(&error))),
            ));
            None
        }
    }
}

/// serde_norway appends "at line X column Y"; miette shows the place itself.
fn without_location(error: &serde_norway::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

fn warn_unknown_keys(path: &Utf8PathBuf, front: &mut FrontMatter) {
    for (key, range) in &front.key_ranges {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            front.diagnostics.push(
                Diagnostic::warning(
                    path.clone(),
                    range.clone(),
                    "qsite::front_matter::unknown_key",
                    format!("unknown front matter key `{key}`"),
                )
                .with_help(match did_you_mean(key, KNOWN_KEYS.iter().copied()) {
                    Some(suggestion) => format!("{suggestion} Custom values go under `[extra]`"),
                    None => "put custom values under `[extra]`".to_owned(),
                }),
            );
        }
    }
}

impl RawFrontMatter {
    fn empty() -> Self {
        RawFrontMatter {
            title: None,
            description: None,
            date: None,
            updated: None,
            draft: false,
            slug: None,
            path: None,
            authors: Vec::new(),
            aliases: Vec::new(),
            weight: None,
            tags: Vec::new(),
            taxonomies: BTreeMap::new(),
            template: None,
            page_template: None,
            sort_by: None,
            paginate_by: None,
            generate_feeds: None,
            generate_feed: None,
            render: None,
            in_search_index: None,
            redirect_to: None,
            transparent: false,
            paginate_path: None,
            paginate_reversed: false,
            insert_anchor_links: None,
            extra: None,
        }
    }
}

/// A `date` or `updated` value: a TOML date, or a string that holds one.
/// A quoted date in TOML is accepted, as Zola does, with a warning, so it is
/// never silently sorted as text.
fn date_field(
    value: &toml::Value,
    key: &str,
    format: Format,
    range: Range<usize>,
    path: &Utf8PathBuf,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PageDate> {
    let text = match value {
        toml::Value::Datetime(datetime) => datetime.to_string(),
        toml::Value::String(text) => text.clone(),
        other => {
            diagnostics.push(Diagnostic::error(
                path.clone(),
                range,
                "qsite::front_matter::date",
                format!("`{key}` must be a date like 2024-01-31, not a {}", other.type_str()),
            ));
            return None;
        }
    };
    match parse_date(&text) {
        Ok(date) => {
            if format == Format::Toml && matches!(value, toml::Value::String(_)) {
                diagnostics.push(
                    Diagnostic::warning(
                        path.clone(),
                        range,
                        "qsite::front_matter::quoted_date",
                        format!("`{key}` is a quoted string; read as the date {}", date.text),
                    )
                    .with_help(format!("write it without quotes: {key} = {text}")),
                );
            }
            Some(date)
        }
        Err(DateError::Invalid(reason)) => {
            diagnostics.push(
                Diagnostic::error(
                    path.clone(),
                    range,
                    "qsite::front_matter::date",
                    format!("`{key}` is not a date: `{text}` ({reason})"),
                )
                .with_help("use 2024-01-31, 2024-01-31T09:30:00 or 2024-01-31T09:30:00+02:00"),
            );
            None
        }
        Err(DateError::OutOfRange) => {
            diagnostics.push(Diagnostic::error(
                path.clone(),
                range,
                "qsite::front_matter::date_range",
                format!("`{key}` is out of range: `{text}`; {}", DateError::OutOfRange),
            ));
            None
        }
    }
}
