//! The lazy template context: minijinja objects that hold only salsa ids and
//! fetch each field through a query when a template reads it.
//!
//! Because the query runs on the database attached to the render in progress,
//! salsa records that the render depends on exactly the fields it printed: a
//! listing that prints `p.title` depends on that page's metadata, one that
//! prints `p.content` on its body too. Objects never cache what they fetch: a
//! cached read would record no dependency.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8Path;

use minijinja::context;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use salsa::Database;

use crate::body::Heading;
use crate::collections::{Scope, Selector};
use crate::config::{Config, LanguageConfig, TaxonomyConfig};
use crate::dates::PageDate;
use crate::front_matter::SortBy;
use crate::inputs::{SourceFile, TaxonomyId};
use crate::page::PageKind;
use crate::routes::{taxonomy_path, term_path};
use crate::site_paths::{CONTENT, under};
use crate::templates::anchor_links::{shown_content, shown_summary};
use crate::templates::shortcodes::failed_content;
use crate::trace::reads::{
    ancestors, assets, config, is_hidden, markdown, page_dates, page_draft, page_language, page_location, page_meta,
    page_terms, page_title, pages_matching, section_selector, subsections, translations,
};

/// Runs `op` on the database attached to the running render.
///
/// Objects and template functions exist only inside renders, which run in a
/// tracked query, so the database is always attached there; outside one this
/// yields `None`, which the caller turns into an error or an undefined value.
pub fn with_db<R>(op: impl FnOnce(&dyn Database) -> R) -> Option<R> {
    salsa::with_attached_database(op)
}

/// `page` (and each entry of a listing): a page, by its file.
#[derive(Debug)]
pub struct PageObject(pub SourceFile);

/// `section`: a section, by its `_index.md`.
#[derive(Debug)]
pub struct SectionObject(pub SourceFile);

/// `config`: the site configuration as renders in one language see it
/// (`None`: the default one), whose `title`, `description`, `taxonomies`
/// and feed settings are that language's, as Zola hands them over.
#[derive(Debug)]
pub struct ConfigObject(pub Option<String>);

/// What `{{ page }}`, `{{ section }}` and `{{ config }}` print, as in Tera:
/// their fields point at each other, so printing them whole would never end
/// (`json_encode` prints a bounded form, see [`crate::templates::printing`]).
const OBJECT_TEXT: &str = "[object]";

/// Fields both pages and sections have.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "permalink",
    "path",
    "slug",
    "content",
    "summary",
    "toc",
    "word_count",
    "reading_time",
    "extra",
    "relative_path",
    "colocated_path",
    "components",
    "ancestors",
    "assets",
    "date",
    "year",
    "month",
    "day",
    "updated",
    "draft",
    "weight",
    "authors",
    "aliases",
    "taxonomies",
    "tags",
    "lower",
    "higher",
    "pages",
    "subsections",
    "lang",
    "translations",
];

/// The page objects of a list of files, for templates.
pub fn page_list(files: &[SourceFile]) -> Value {
    Value::from(files.iter().map(|&file| Value::from_object(PageObject(file))).collect::<Vec<_>>())
}

fn optional_string(value: &Option<String>) -> Value {
    value.as_deref().map_or(Value::from(()), Value::from)
}

fn optional_date(value: &Option<PageDate>) -> Value {
    value.as_ref().map_or(Value::from(()), |date| Value::from(date.text.as_str()))
}

/// A field of a page or section; `None` for a name neither has.
fn content_field(db: &dyn Database, file: SourceFile, key: &str) -> Option<Value> {
    let meta = || page_meta(db, file);
    Some(match key {
        "title" => Value::from(page_title(db, file).as_str()),
        "description" => optional_string(&meta().description),
        "permalink" => Value::from(page_location(db, file).permalink.as_str()),
        "path" => Value::from(page_location(db, file).url_path.as_str()),
        "slug" => Value::from(page_location(db, file).slug.as_str()),
        "relative_path" => Value::from(meta().relative_path.as_str()),
        // A page bundle's folder under `content/`, ending with `/`: a
        // function of the file's path alone, which is its identity.
        "colocated_path" => colocated_path(file.path(db)).map_or(Value::from(()), Value::from),
        "components" => Value::from(
            page_location(db, file)
                .url_path
                .split('/')
                .filter(|part| !part.is_empty())
                .map(Value::from)
                .collect::<Vec<_>>(),
        ),
        "ancestors" => {
            Value::from(ancestors(db, file).iter().map(|&section| content_relative(db, section)).collect::<Vec<_>>())
        }
        "assets" => Value::from(assets(db, file).to_vec()),
        "date" => optional_date(&page_dates(db, file).0),
        "updated" => optional_date(&page_dates(db, file).1),
        "year" | "month" | "day" => page_dates(db, file).0.as_ref().map_or(Value::from(()), |date| {
            let written = date.written_date();
            Value::from(match key {
                "year" => i32::from(written.year()),
                "month" => i32::from(written.month()),
                _ => i32::from(written.day()),
            })
        }),
        "draft" => Value::from(page_draft(db, file)),
        "weight" => meta().weight.map_or(Value::from(()), Value::from),
        "authors" => Value::from(meta().authors.clone()),
        "aliases" => Value::from(page_location(db, file).aliases.clone()),
        "extra" => meta().extra.clone(),
        "taxonomies" => Value::from(page_terms(db, file).clone()),
        "tags" => Value::from(page_terms(db, file).get("tags").cloned().unwrap_or_default()),
        "content" => match shown_content(db, file) {
            Ok(content) => Value::from_safe_string(content.to_string()),
            Err(diagnostic) => failed_content(diagnostic),
        },
        "summary" => match shown_summary(db, file) {
            Ok(summary) => summary.map_or(Value::from(()), |summary| Value::from_safe_string(summary.to_string())),
            Err(diagnostic) => failed_content(diagnostic),
        },
        "word_count" => Value::from(markdown(db, file).word_count),
        "reading_time" => Value::from(reading_time(markdown(db, file).word_count)),
        "toc" => table_of_contents(&markdown(db, file).headings, &page_location(db, file).permalink),
        "lower" | "higher" => neighbor(db, file, key == "higher"),
        "pages" => match meta().kind {
            PageKind::Section => page_list(pages_matching(db, section_selector(db, file))),
            PageKind::Page => Value::from(Vec::<Value>::new()),
        },
        "subsections" => {
            Value::from(subsections(db, file).iter().map(|&section| content_relative(db, section)).collect::<Vec<_>>())
        }
        "lang" => Value::from(page_language(db, file).as_str()),
        "translations" => translated_content(db, file),
        _ => return None,
    })
}

/// A section's path under `content/`, as Zola lists sections in
/// `subsections` and `ancestors`, for `get_section(path=…)`.
fn content_relative(db: &dyn Database, section: SourceFile) -> Value {
    Value::from(under(section.path(db), CONTENT).map_or("", |path| path.as_str()))
}

/// `colocated_path`: for a bundle's `index.md` (`content/blog/a/index.md`),
/// its folder under `content/` with a trailing `/` (`blog/a/`); none for
/// any other file, as Zola has it.
fn colocated_path(path: &Utf8Path) -> Option<String> {
    let relative = under(path, CONTENT)?;
    if relative.file_name() != Some("index.md") {
        return None;
    }
    relative.parent().filter(|folder| !folder.as_str().is_empty()).map(|folder| format!("{folder}/"))
}

/// `toc`: headings nested as Zola nests them: a heading goes under the last
/// heading before it of a lower level, if that one is still open (the last
/// at its depth); otherwise it starts a new entry at the top.
fn table_of_contents(headings: &[Heading], permalink: &str) -> Value {
    /// A heading and the ones below it, before they become values.
    struct Entry<'a> {
        heading: &'a Heading,
        children: Vec<Entry<'a>>,
    }
    /// Puts `heading` below `parent`, as deep as it goes; `false` when it
    /// does not belong below `parent` at all.
    fn insert<'a>(parent: &mut Entry<'a>, heading: &'a Heading) -> bool {
        if heading.level <= parent.heading.level {
            return false;
        }
        let placed_deeper = parent.children.last_mut().is_some_and(|last| insert(last, heading));
        if !placed_deeper {
            parent.children.push(Entry { heading, children: Vec::new() });
        }
        true
    }
    fn value(entry: &Entry<'_>, permalink: &str) -> Value {
        let heading = entry.heading;
        context! {
            level => heading.level,
            id => heading.id.as_str(),
            title => heading.title.as_str(),
            permalink => format!("{permalink}#{}", heading.id),
            children => entry.children.iter().map(|child| value(child, permalink)).collect::<Vec<_>>(),
        }
    }
    let mut top: Vec<Entry<'_>> = Vec::new();
    for heading in headings {
        let placed = top.last_mut().is_some_and(|last| insert(last, heading));
        if !placed {
            top.push(Entry { heading, children: Vec::new() });
        }
    }
    Value::from(top.iter().map(|entry| value(entry, permalink)).collect::<Vec<_>>())
}

/// `reading_time`: minutes to read `words` at 200 words a minute, rounded
/// up, as Zola counts them (no words, no minutes).
pub fn reading_time(words: usize) -> u32 {
    u32::try_from(words.div_ceil(200)).unwrap_or(u32::MAX)
}

/// `translations`: every version of a file in the site's languages, itself
/// included, each with its `lang`, `title`, `permalink` and `path` (under
/// `content/`, for `get_page`), as Zola lists them; drafts this build leaves
/// out are left out.
fn translated_content(db: &dyn Database, file: SourceFile) -> Value {
    let versions = translations(db, file).iter().filter(|&&version| !is_hidden(db, version));
    Value::from(
        versions
            .map(|&version| {
                let title = page_title(db, version);
                context! {
                    lang => page_language(db, version).as_str(),
                    title => (!title.is_empty()).then_some(title.as_str()),
                    permalink => page_location(db, version).permalink.as_str(),
                    path => under(version.path(db), CONTENT).map_or("", |path| path.as_str()),
                }
            })
            .collect::<Vec<_>>(),
    )
}

/// The page before (`lower`) or after (`higher`) a page in its section's order.
fn neighbor(db: &dyn Database, file: SourceFile, higher: bool) -> Value {
    neighbor_file(db, file, higher).map_or(Value::from(()), |file| Value::from_object(PageObject(file)))
}

/// The page before (`lower`) or after (`higher`) a page in its section's
/// listing, as Zola pairs them: by date, `lower` is the newer page; in a
/// section that sorts by `none`, pages have neither.
pub fn neighbor_file(db: &dyn Database, file: SourceFile, higher: bool) -> Option<SourceFile> {
    let parent = page_meta(db, file).parent?;
    let selector = section_selector(db, parent);
    if *selector.sort_by(db) == SortBy::None {
        return None;
    }
    let pages = pages_matching(db, selector);
    let at = pages.iter().position(|&page| page == file)?;
    if higher { pages.get(at + 1).copied() } else { at.checked_sub(1).map(|i| pages[i]) }
}

impl Object for PageObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        with_db(|db| content_field(db, self.0, key)).flatten()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(COMMON_FIELDS)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(OBJECT_TEXT)
    }
}

impl Object for SectionObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        with_db(|db| content_field(db, self.0, key)).flatten()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(COMMON_FIELDS)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(OBJECT_TEXT)
    }
}

/// Fields of `config` that qsite computes; every other key of the
/// configuration file (and of Zola's defaults) is there as written.
pub const CONFIG_FIELDS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "default_language",
    "extra",
    "taxonomies",
    "paginate_by",
    "feed",
    "generate_feeds",
    "generate_feed",
    "feed_filename",
    "feed_filenames",
    "feed_limit",
    "sitemap",
    "generate_sitemap",
    "generate_robots_txt",
    "author",
    "languages",
    "markdown",
    "build_search_index",
    "compile_sass",
];

/// `config.languages`: every language but the one rendering, each with its
/// own settings, as Zola lists them (the default language's from the top
/// level of the file).
fn other_languages(config: &Config, rendering: &str) -> Value {
    let default = LanguageConfig {
        title: Some(config.title.clone()),
        description: Some(config.description.clone()),
        feed: config.feed,
        build_search_index: config.settings.get_attr("build_search_index").is_ok_and(|value| value.is_true()),
        taxonomies: config.taxonomies.clone(),
        translations: config.translations.clone(),
    };
    let all = std::iter::once((&config.default_language, &default)).chain(&config.languages);
    let entries = all.filter(|(code, _)| code.as_str() != rendering).map(|(code, language)| {
        let options = context! {
            title => language.title.as_deref(),
            description => language.description.as_deref(),
            generate_feeds => language.feed,
            feed_filenames => config.feed_filenames.clone(),
            build_search_index => language.build_search_index,
            taxonomies => language.taxonomies.iter().map(|taxonomy| taxonomy_config(taxonomy, code)).collect::<Vec<_>>(),
            translations => language.translations.clone(),
        };
        (code.clone(), options)
    });
    Value::from(entries.collect::<BTreeMap<_, _>>())
}

/// A configured taxonomy as Zola hands it to templates.
fn taxonomy_config(taxonomy: &TaxonomyConfig, language: &str) -> Value {
    context! {
        name => taxonomy.name.as_str(),
        slug => taxonomy.name.as_str(),
        paginate_by => taxonomy.paginate_by,
        paginate_path => "page",
        feed => taxonomy.feed,
        render => true,
        lang => language,
    }
}

impl Object for ConfigObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        with_db(|db| {
            let config = &config(db).config;
            let language = self.0.as_deref().and_then(|code| Some((code, config.languages.get(code)?)));
            let code = language.map_or(config.default_language.as_str(), |(code, _)| code);
            let taxonomies = language.map_or(&config.taxonomies, |(_, language)| &language.taxonomies);
            let taxonomies =
                || Value::from(taxonomies.iter().map(|taxonomy| taxonomy_config(taxonomy, code)).collect::<Vec<_>>());
            Some(match (key, language) {
                ("title", Some((_, language))) => optional_string(&language.title),
                ("description", Some((_, language))) => optional_string(&language.description),
                ("feed" | "generate_feeds" | "generate_feed", Some((_, language))) => Value::from(language.feed),
                ("build_search_index", Some((_, language))) => Value::from(language.build_search_index),
                ("taxonomies", _) => taxonomies(),
                ("languages", _) => other_languages(config, code),
                ("title", None) => Value::from(config.title.as_str()),
                ("base_url", _) => Value::from(config.written_base_url.as_str()),
                ("description", None) => Value::from(config.description.as_str()),
                ("default_language", _) => Value::from(config.default_language.as_str()),
                ("extra", _) => config.extra.clone(),
                ("paginate_by", _) => config.paginate_by.map_or(Value::from(()), Value::from),
                // Zola's names for it: `generate_feeds` (0.19+), `generate_feed` before.
                ("feed" | "generate_feeds" | "generate_feed", _) => Value::from(config.feed),
                ("feed_filename", _) => Value::from(config.feed_filenames.first().map_or("", String::as_str)),
                ("feed_filenames", _) => Value::from(config.feed_filenames.clone()),
                ("feed_limit", _) => config.feed_limit.map_or(Value::from(()), Value::from),
                ("sitemap" | "generate_sitemap", _) => Value::from(config.sitemap),
                ("generate_robots_txt", _) => Value::from(config.robots),
                // Anything else as the file (or Zola's default) has it; a key
                // Zola leaves empty by default (`author`) is none.
                _ => match config.settings.get_attr(key) {
                    Ok(value) if !value.is_undefined() => value,
                    _ if key == "author" => Value::from(()),
                    _ => return None,
                },
            })
        })
        .flatten()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(CONFIG_FIELDS)
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(OBJECT_TEXT)
    }
}

/// The `term` object: name, slug, permalink and its pages, newest first.
pub fn term_value(db: &dyn Database, taxonomy: &TaxonomyId, slug: &str, name: &str) -> (Value, Arc<[SourceFile]>) {
    let (fields, pages) = term_listing(db, taxonomy, slug, name);
    (Value::from(fields), pages)
}

/// The fields of [`term_value`], for a caller that changes one: those of
/// [`term_fields`], its pages newest first and how many there are.
pub fn term_listing(
    db: &dyn Database,
    taxonomy: &TaxonomyId,
    slug: &str,
    name: &str,
) -> (BTreeMap<&'static str, Value>, Arc<[SourceFile]>) {
    let pages =
        pages_matching(db, Selector::new(db, Scope::Term(taxonomy.clone(), slug.to_owned()), SortBy::Date, None))
            .clone();
    let mut map = term_fields(db, taxonomy, slug, name);
    map.insert("pages", page_list(&pages));
    map.insert("page_count", Value::from(pages.len()));
    (map, pages)
}

/// The `term` object without its pages, as a term's feed gets it (the feed
/// has its own `pages`): name, slug, path and permalink.
pub fn term_fields(db: &dyn Database, taxonomy: &TaxonomyId, slug: &str, name: &str) -> BTreeMap<&'static str, Value> {
    let mut map = BTreeMap::new();
    map.insert("name", Value::from(name));
    map.insert("slug", Value::from(slug));
    let path = term_path(taxonomy, slug);
    map.insert("path", Value::from(path.as_str()));
    map.insert("permalink", Value::from(format!("{}{path}", config(db).config.base_url)));
    map
}

/// The `taxonomy` object: its name, its language and the URL of its term list.
pub fn taxonomy_value(db: &dyn Database, taxonomy: &TaxonomyId) -> Value {
    let mut map = BTreeMap::new();
    map.insert("name", Value::from(taxonomy.name.as_str()));
    let lang = taxonomy.lang.as_deref().unwrap_or(&config(db).config.default_language);
    map.insert("lang", Value::from(lang));
    map.insert("permalink", Value::from(format!("{}{}", config(db).config.base_url, taxonomy_path(taxonomy))));
    Value::from(map)
}

/// The pages a selector picks, as page objects.
pub fn selected_pages(db: &dyn Database, selector: Selector<'_>) -> Value {
    page_list(pages_matching(db, selector))
}
