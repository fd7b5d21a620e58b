//! `page_meta`: the narrow summary of a page or section that listings read.

use std::collections::BTreeMap;

use camino::Utf8Path;
use salsa::Database;

use crate::config::config;
use crate::dates::{PageDate, parse_date};
use crate::front_matter::{FrontMatter, SortBy, front_matter};
use crate::inputs::{Site, SourceFile};
use crate::languages::{language_root, languages};
use crate::markdown_options::AnchorPlacement;
use crate::sections::{is_bundle_index, is_section_index, page_directory, section_tree};
use crate::stable_hash::StableHash;

/// Whether a content file is a page or a section's `_index.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, StableHash)]
pub enum PageKind {
    /// A page: `blog/a.md` or `blog/a/index.md`.
    Page,
    /// A section: `_index.md`.
    Section,
}

/// Title, date, tags, URL: what listings, feeds and links read.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct PageMeta {
    /// Page or section.
    pub kind: PageKind,
    /// `title`, or empty.
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `date`.
    pub date: Option<PageDate>,
    /// `updated`.
    pub updated: Option<PageDate>,
    /// The last segment of the URL.
    pub slug: String,
    /// The URL path, with leading and trailing `/` (`/blog/a/`).
    pub url_path: String,
    /// The absolute URL.
    pub permalink: String,
    /// Terms by taxonomy name, as written, less those with no letters or
    /// digits: they have no URL, so no listing or link may show them.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// `draft = true`.
    pub draft: bool,
    /// `weight`.
    pub weight: Option<i64>,
    /// `authors`.
    pub authors: Vec<String>,
    /// `aliases`, as URL paths.
    pub aliases: Vec<String>,
    /// `template`.
    pub template: Option<String>,
    /// Sections: the template for their pages.
    pub page_template: Option<String>,
    /// Sections: how they order pages.
    pub sort_by: SortBy,
    /// Sections: pages per listing page.
    pub paginate_by: Option<usize>,
    /// Sections: whether they have feeds of their own pages.
    pub generate_feeds: bool,
    /// Whether it has an output of its own (`render = false`: none).
    pub render: bool,
    /// Sections: the URL their page redirects to, absolute.
    pub redirect_to: Option<String>,
    /// Sections: whether their pages are listed in their parent's too.
    pub transparent: bool,
    /// Sections: the folder of listing pages after the first (`page`).
    pub paginate_path: String,
    /// Sections: whether the paginator lists pages in reverse order.
    pub paginate_reversed: bool,
    /// `[extra]`.
    pub extra: minijinja::Value,
    /// The section this page belongs to.
    pub parent: Option<SourceFile>,
    /// Path relative to `content/`.
    pub relative_path: String,
}

/// A page's terms by taxonomy: its `[taxonomies]`, and for qsite's own
/// sites the `tags` written outside it; Zola reads only `[taxonomies]`.
pub fn page_taxonomies(front: &FrontMatter, zola: bool) -> std::borrow::Cow<'_, BTreeMap<String, Vec<String>>> {
    if zola || front.bare_tags.is_empty() {
        return std::borrow::Cow::Borrowed(&front.taxonomies);
    }
    let mut merged = front.taxonomies.clone();
    merged.entry("tags".to_owned()).or_default().extend(front.bare_tags.iter().cloned());
    std::borrow::Cow::Owned(merged)
}

impl PageMeta {
    /// Whether this is the home of a language: the section of the content
    /// folder itself (`_index.md`, `_index.fr.md`), rendered with `index.html`.
    pub fn is_home(&self) -> bool {
        self.kind == PageKind::Section && !self.relative_path.contains('/')
    }
}

/// The summary of a content file that listings read.
///
/// **Firewall**: a body edit leaves it equal, so nothing that reads only
/// metadata re-runs. Invalidated by front matter edits, moves, and config.
#[salsa::tracked(returns(ref))]
pub fn page_meta(db: &dyn Database, file: SourceFile) -> PageMeta {
    let front = front_matter(db, file);
    let path = file.path(db);
    let relative = path.strip_prefix("content").unwrap_or(path);
    let is_section = is_section_index(relative);
    let language = languages(db).of(relative.file_name().unwrap_or(""));
    let name = slug_source(relative, is_section, language.name);
    // Zola reads a page's date from its file name (`2024-01-31-first.md`)
    // when the front matter has none, and leaves the date out of the slug.
    let dated = if is_section { None } else { dated_name(name) };
    let slug = slug::slugify(front.slug.as_deref().or(dated.as_ref().and_then(|dated| dated.rest)).unwrap_or(name));
    // A translation lives under its language (`/fr/blog/a/`), unless its
    // `path` says where, as in Zola.
    let language_root = language_root(language.code);
    let url_path = match &front.path {
        Some(path) => folder_url_path(path),
        None if is_section => directory_url(&language_root, relative.parent().unwrap_or(Utf8Path::new(""))),
        None => {
            let directory = directory_url(&language_root, page_directory(relative));
            format!("{directory}{slug}/")
        }
    };
    let base_url = &config(db).config.base_url;
    let parent = if is_section { None } else { section_tree(db).parent.get(&file).copied() };
    // qsite's starter lists newest first; Zola leaves a section unsorted.
    let default_order = if config(db).config.zola { SortBy::None } else { SortBy::Date };
    let sort_by = front.sort_by.unwrap_or(default_order);
    let paginate_by = front.paginate_by;
    PageMeta {
        kind: if is_section { PageKind::Section } else { PageKind::Page },
        title: front.title.clone().unwrap_or_default(),
        description: front.description.clone(),
        date: front.date.clone().or_else(|| dated.map(|dated| dated.date)),
        updated: front.updated.clone(),
        permalink: format!("{base_url}{url_path}"),
        slug,
        url_path,
        taxonomies: terms_with_urls(&page_taxonomies(front, config(db).config.zola)),
        draft: front.draft,
        weight: front.weight,
        authors: front.authors.clone(),
        aliases: front.aliases.iter().map(|alias| alias_url_path(alias)).collect(),
        template: front.template.clone(),
        page_template: front.page_template.clone(),
        sort_by,
        paginate_by,
        generate_feeds: front.generate_feeds,
        render: front.render,
        redirect_to: front.redirect_to.as_deref().map(|target| redirect_url(base_url, target)),
        transparent: front.transparent,
        paginate_path: front.paginate_path.clone().unwrap_or_else(|| DEFAULT_PAGINATE_PATH.to_owned()),
        paginate_reversed: front.paginate_reversed,
        extra: front.extra.clone(),
        parent,
        relative_path: relative.to_string(),
    }
}

/// The terms that can have a page: `tags = ["", "!!!"]` would link to
/// `/tags//`. `file_diagnostics` warns about the ones left out.
fn terms_with_urls(taxonomies: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    let with_url = |terms: &Vec<String>| terms.iter().filter(|term| !slug::slugify(term).is_empty()).cloned().collect();
    taxonomies.iter().map(|(name, terms)| (name.clone(), with_url(terms))).collect()
}

/// Whether a page is left out of this build: a draft without `--drafts`.
pub fn is_hidden(db: &dyn Database, file: SourceFile) -> bool {
    page_draft(db, file) && !Site::get(db).options(db).drafts
}

/// The name the slug comes from when the front matter gives none: the file
/// name less `.md` and its language (`name`), or the folder's name for
/// `_index.md` and a bundle's `index.md`.
fn slug_source<'p>(relative: &'p Utf8Path, is_section: bool, name: &'p str) -> &'p str {
    if is_section || is_bundle_index(relative) {
        relative.parent().and_then(Utf8Path::file_name).unwrap_or("")
    } else {
        name
    }
}

/// A page name that begins with a date, as Zola reads one.
struct DatedName<'a> {
    /// The date.
    date: PageDate,
    /// What follows the date and a `_` or `-` (a space before it allowed),
    /// if anything does: the slug's source.
    rest: Option<&'a str>,
}

/// `2024-01-31-first` (or `_first`, ` - first`, or a date with a time in
/// RFC 3339, `2024-01-31T09:00:00Z-first`) as its date and the rest; `None`
/// when the name does not begin with a valid date.
fn dated_name(name: &str) -> Option<DatedName<'_>> {
    let is_day = name.get(..10).is_some_and(|day| {
        day.bytes().enumerate().all(|(at, byte)| if at == 4 || at == 7 { byte == b'-' } else { byte.is_ascii_digit() })
    });
    if !is_day {
        return None;
    }
    let end = 10 + name[10..].strip_prefix('T').map_or(0, |time| 1 + time_length(time));
    let date = parse_date(&name[..end]).ok()?;
    let after = &name[end..];
    let after = after.strip_prefix(char::is_whitespace).unwrap_or(after);
    let rest = after.strip_prefix(['_', '-']).filter(|rest| !rest.is_empty());
    Some(DatedName { date, rest })
}

/// The length of an RFC 3339 time with its offset at the start of `text`
/// (`09:00:00Z`, `09:00:00.5+02:00`), or 0 when it does not start with one.
fn time_length(text: &str) -> usize {
    let digits =
        |at: usize, count: usize| text.get(at..at + count).is_some_and(|run| run.bytes().all(|b| b.is_ascii_digit()));
    let clock =
        digits(0, 2) && text.get(2..3) == Some(":") && digits(3, 2) && text.get(5..6) == Some(":") && digits(6, 2);
    if !clock {
        return 0;
    }
    let mut end = 8;
    if text.get(end..end + 1) == Some(".") {
        let fraction = text[end + 1..].bytes().take_while(u8::is_ascii_digit).count();
        if fraction > 0 {
            end += 1 + fraction;
        }
    }
    match text.get(end..end + 1) {
        Some("Z") => end + 1,
        Some("+" | "-") if digits(end + 1, 2) && text.get(end + 3..end + 4) == Some(":") && digits(end + 4, 2) => {
            end + 6
        }
        _ => 0,
    }
}

/// `/a/b/` for the directory `a/b` under `root` (`/`, or a language's
/// `/fr/`); `root` itself for the content folder.
fn directory_url(root: &str, directory: &Utf8Path) -> String {
    let mut url = String::from(root);
    for segment in directory.iter() {
        url.push_str(segment);
        url.push('/');
    }
    url
}

/// A `path` as written (`blog/old`, `/2025/06/26/Rust-1.88.0`) as a URL
/// path with a leading and a trailing `/`: as in Zola, a page's `path`
/// always names a folder with an `index.html`, dots and all.
pub fn folder_url_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() { "/".to_owned() } else { format!("/{trimmed}/") }
}

/// An alias as written (`/blog/old/`, `old.html`) as a URL path: a folder as
/// [`folder_url_path`] makes it, unless its last segment ends with `.html`,
/// which names that file, as Zola writes aliases.
pub fn alias_url_path(alias: &str) -> String {
    let trimmed = alias.trim().trim_matches('/');
    match trimmed.rsplit('/').next() {
        Some(last) if last.ends_with(".html") => format!("/{trimmed}"),
        _ => folder_url_path(trimmed),
    }
}

/// A section's `redirect_to` as an absolute URL: a URL with a scheme as it
/// is, a path under the site's `base_url` otherwise (`blog/first` →
/// `https://example.com/blog/first/`), a fragment or query kept after the
/// path's trailing `/`.
fn redirect_url(base_url: &str, target: &str) -> String {
    if target.contains("://") {
        return target.to_owned();
    }
    let split = target.find(['#', '?']).unwrap_or(target.len());
    let (path, rest) = target.split_at(split);
    let path = if path.trim().trim_matches('/').is_empty() { "/".to_owned() } else { folder_url_path(path) };
    format!("{base_url}{path}{rest}")
}

/// The folder of a listing's pages after the first (`/blog/page/2/`) when
/// a section's `paginate_path` does not name another, as in Zola.
pub const DEFAULT_PAGINATE_PATH: &str = "page";

/// Where a page is: URL path, absolute URL, slug and aliases, and whether
/// it has an output there.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct PageLocation {
    /// `/blog/a/`.
    pub url_path: String,
    /// `https://example.com/blog/a/`.
    pub permalink: String,
    /// `a`.
    pub slug: String,
    /// Old URL paths that redirect here.
    pub aliases: Vec<String>,
    /// Whether it is rendered (`render = false`: not).
    pub render: bool,
}

// The narrow queries below split `page_meta` value by value: each re-runs on
// any metadata edit but is cheap, and backdates when its own value is equal,
// so a render that printed only a page's title does not re-run when its date
// changes, and a sitemap does not re-run when a title does.

/// A page's title.
#[salsa::tracked(returns(ref))]
pub fn page_title(db: &dyn Database, file: SourceFile) -> String {
    page_meta(db, file).title.clone()
}

/// A page's URL and aliases: what the route table and links read.
#[salsa::tracked(returns(ref))]
pub fn page_location(db: &dyn Database, file: SourceFile) -> PageLocation {
    let meta = page_meta(db, file);
    PageLocation {
        url_path: meta.url_path.clone(),
        permalink: meta.permalink.clone(),
        slug: meta.slug.clone(),
        aliases: meta.aliases.clone(),
        render: meta.render,
    }
}

/// A page's `date` and `updated`.
#[salsa::tracked(returns(ref))]
pub fn page_dates(db: &dyn Database, file: SourceFile) -> (Option<PageDate>, Option<PageDate>) {
    let meta = page_meta(db, file);
    (meta.date.clone(), meta.updated.clone())
}

/// A page's terms, by taxonomy.
#[salsa::tracked(returns(ref))]
pub fn page_terms(db: &dyn Database, file: SourceFile) -> BTreeMap<String, Vec<String>> {
    page_meta(db, file).taxonomies.clone()
}

/// Whether a page is marked `draft`.
#[salsa::tracked(returns(copy))]
pub fn page_draft(db: &dyn Database, file: SourceFile) -> bool {
    page_meta(db, file).draft
}

/// How a section lists its pages (see [`section_listing`]).
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct ListingSettings {
    /// The order.
    pub sort_by: SortBy,
    /// Pages per listing page.
    pub paginate_by: Option<usize>,
    /// The template of its pages.
    pub page_template: Option<String>,
    /// The folder of listing pages after the first.
    pub paginate_path: String,
    /// Whether the paginator lists pages in reverse order.
    pub paginate_reversed: bool,
    /// Whether its pages are listed in its parent's too.
    pub transparent: bool,
}

/// How a section lists its pages: order, pagination, the template for its
/// pages, and whether its parent lists them too. Kept apart so a section's
/// title edit does not touch every listing of its pages.
#[salsa::tracked(returns(ref))]
pub fn section_listing(db: &dyn Database, section: SourceFile) -> ListingSettings {
    let meta = page_meta(db, section);
    ListingSettings {
        sort_by: meta.sort_by,
        paginate_by: meta.paginate_by,
        page_template: meta.page_template.clone(),
        paginate_path: meta.paginate_path.clone(),
        paginate_reversed: meta.paginate_reversed,
        transparent: meta.transparent,
    }
}

/// A section's own `insert_anchor_links`: where the anchor links of its
/// headings and of its pages' headings go, when it says.
///
/// Invalidated by an edit of the section; backdates unless that setting changed.
#[salsa::tracked(returns(copy))]
pub fn section_anchor_links(db: &dyn Database, section: SourceFile) -> Option<AnchorPlacement> {
    front_matter(db, section).insert_anchor_links
}
