//! Filling the built-in theme's views from queries.
//!
//! The built-in templates take plain values, so the dependencies of a
//! built-in render are exactly the queries these functions call.

use salsa::Database;

use crate::builtin::{
    FeedEntryView, FeedView, LinkView, ListView, PageSummaryView, PageView, PagerView, SiteView, SitemapEntryView,
    TaxonomyView, TermLinkView,
};
use crate::collections::{Scope, Selector, Term};
use crate::dates::PageDate;
use crate::diagnostic::Diagnostic;
use crate::front_matter::SortBy;
use crate::inputs::{SourceFile, TaxonomyId};
use crate::languages::language_root;
use crate::routes::{FeedSource, PagerPaths, term_path};
use crate::templates::anchor_links::{shown_content, shown_summary};
use crate::templates::objects::{neighbor_file, reading_time};
use crate::trace::reads::{
    config, file_exists, is_hidden, markdown, page_dates, page_language, page_location, page_meta, page_terms,
    page_title, pages_matching, route_table, section_tree, subsections, term_name,
};
use crate::words::capitalized;

/// Site-wide values: title, top-level sections for the navigation, feed link.
pub fn site_view(db: &dyn Database) -> SiteView {
    let config = &config(db).config;
    let tree = section_tree(db);
    let nav = tree
        .sections
        .get(&(camino::Utf8PathBuf::new(), None))
        .map(|home| subsections(db, home.file).iter().map(|&file| link(db, file)).collect())
        .unwrap_or_default();
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        lang: config.default_language.clone(),
        nav,
        feed_url: (config.feed && config.feed_filenames.iter().any(|name| name == "atom.xml"))
            .then(|| format!("{}/atom.xml", config.base_url)),
        stylesheet: file_exists(db, "static/style.css").then(|| format!("{}/style.css", config.base_url)),
    }
}

fn link(db: &dyn Database, file: SourceFile) -> LinkView {
    LinkView { title: page_title(db, file).clone(), url: page_location(db, file).permalink.clone() }
}

/// A page in full.
pub fn page_view(db: &dyn Database, file: SourceFile) -> Result<PageView, Diagnostic> {
    let meta = page_meta(db, file);
    let markdown = markdown(db, file);
    let base_url = &config(db).config.base_url;
    let lang = config(db).config.other_language(page_language(db, file));
    Ok(PageView {
        title: meta.title.clone(),
        date: meta.date.as_ref().map(|date| date.day()),
        updated: meta.updated.as_ref().map(|date| date.day()),
        authors: meta.authors.clone(),
        content_html: shown_content(db, file)?.to_string(),
        description: meta.description.clone(),
        taxonomies: page_terms(db, file)
            .iter()
            .map(|(taxonomy, terms)| {
                let links = terms
                    .iter()
                    .map(|term| LinkView {
                        title: term.clone(),
                        url: format!("{base_url}{}", term_path(&TaxonomyId::new(taxonomy, lang), &slug::slugify(term))),
                    })
                    .collect();
                (taxonomy.clone(), links)
            })
            .collect(),
        toc: markdown
            .headings
            .iter()
            .map(|heading| LinkView { title: heading.title.clone(), url: format!("#{}", heading.id) })
            .collect(),
        // The built-in theme never says a page takes no time to read.
        reading_minutes: reading_time(markdown.word_count).max(1),
        lower: neighbor_file(db, file, false).map(|file| link(db, file)),
        higher: neighbor_file(db, file, true).map(|file| link(db, file)),
    })
}

/// A page as a listing shows it: no body, only its summary if it has one.
fn summary_view(db: &dyn Database, file: SourceFile) -> Result<PageSummaryView, Diagnostic> {
    let meta = page_meta(db, file);
    Ok(PageSummaryView {
        title: page_title(db, file).clone(),
        permalink: page_location(db, file).permalink.clone(),
        date: page_dates(db, file).0.as_ref().map(|date| date.day()),
        description: meta.description.clone(),
        summary_html: if meta.description.is_some() {
            None
        } else {
            shown_summary(db, file)?.as_deref().map(str::to_owned)
        },
    })
}

/// How many of the newest pages the built-in home lists when it has no
/// pages of its own.
const RECENT_ON_HOME: usize = 10;

/// One page of a listing: `pager` is (current, total, base URL, where its pages live).
pub fn list_view(
    db: &dyn Database,
    heading: String,
    section: Option<SourceFile>,
    pages: &[SourceFile],
    pager: Option<(usize, usize, String, PagerPaths)>,
) -> Result<ListView, Diagnostic> {
    let (content_html, subsections) = match section {
        Some(section) => {
            let subsections = subsections(db, section).iter().map(|&file| link(db, file)).collect();
            (shown_content(db, section)?.to_string(), subsections)
        }
        None => (String::new(), Vec::new()),
    };
    // A home with no pages of its own shows the newest pages of the site.
    let is_home = section.is_some_and(|section| page_meta(db, section).is_home());
    let (pages, pages_heading) = if is_home && pages.is_empty() && pager.is_none() {
        let recent = pages_matching(db, Selector::new(db, Scope::All, SortBy::Date, Some(RECENT_ON_HOME)));
        (&recent[..], Some("Recent posts".to_owned()))
    } else {
        (pages, None)
    };
    Ok(ListView {
        heading,
        content_html,
        pages: pages.iter().map(|&file| summary_view(db, file)).collect::<Result<_, _>>()?,
        pages_heading,
        subsections,
        pager: pager.filter(|(_, total, ..)| *total > 1).map(|(current, total, base_url, paths)| PagerView {
            current,
            total,
            previous: (current > 1).then(|| format!("{base_url}{}", paths.url(current - 1))),
            next: (current < total).then(|| format!("{base_url}{}", paths.url(current + 1))),
        }),
    })
}

/// The terms of a taxonomy with their page counts.
pub fn taxonomy_view(db: &dyn Database, taxonomy: &TaxonomyId, terms: &[Term]) -> TaxonomyView {
    let base_url = &config(db).config.base_url;
    TaxonomyView {
        name: capitalized(&taxonomy.name),
        terms: terms
            .iter()
            .map(|term| TermLinkView {
                name: term.name.clone(),
                url: format!("{base_url}{}", term_path(taxonomy, &term.slug)),
                count: term.pages.len(),
            })
            .collect(),
    }
}

/// A feed of `source`'s `pages`, newest first, which changed last at
/// `updated`; it lives at `feed_url`. Its title names the section or term
/// after the site, and it links to their page, as Zola's built-in feeds do.
pub fn feed_view(
    db: &dyn Database,
    source: &FeedSource,
    feed_url: String,
    pages: &[SourceFile],
    updated: Option<&PageDate>,
) -> Result<FeedView, Diagnostic> {
    let config = &config(db).config;
    let (title, alternate_url) = match source {
        FeedSource::Site => (config.title.clone(), format!("{}/", config.base_url)),
        FeedSource::Language(code) => {
            let title = config.languages.get(code).and_then(|language| language.title.clone());
            (title.unwrap_or_else(|| config.title.clone()), format!("{}{}", config.base_url, language_root(Some(code))))
        }
        FeedSource::Section(section) => {
            (format!("{} - {}", config.title, page_title(db, *section)), page_location(db, *section).permalink.clone())
        }
        FeedSource::Term { taxonomy, term } => {
            let name = term_name(db, taxonomy, term).unwrap_or_else(|| term.clone());
            (format!("{} - {name}", config.title), format!("{}{}", config.base_url, term_path(taxonomy, term)))
        }
    };
    let entries: Vec<FeedEntryView> = pages
        .iter()
        .map(|&file| {
            let meta = page_meta(db, file);
            let published = meta.date.as_ref().map(PageDate::rfc3339).unwrap_or_default();
            Ok(FeedEntryView {
                title: meta.title.clone(),
                permalink: meta.permalink.clone(),
                updated: meta.updated.as_ref().map_or_else(|| published.clone(), PageDate::rfc3339),
                published,
                published_rfc2822: meta.date.as_ref().map(PageDate::rfc2822).unwrap_or_default(),
                authors: meta.authors.clone(),
                summary_html: shown_summary(db, file)?.as_deref().map(str::to_owned),
                content_html: shown_content(db, file)?.to_string(),
            })
        })
        .collect::<Result<_, Diagnostic>>()?;
    let epoch = PageDate { timestamp: jiff::Timestamp::UNIX_EPOCH, text: String::new() };
    let updated = updated.unwrap_or(&epoch);
    Ok(FeedView {
        title,
        site_title: config.title.clone(),
        description: config.description.clone(),
        lang: config.default_language.clone(),
        alternate_url,
        feed_url,
        updated: updated.rfc3339(),
        updated_rfc2822: updated.rfc2822(),
        entries,
    })
}

/// Every HTML page of the site worth indexing: pages, sections, taxonomies
/// and terms, every pager of each.
pub fn sitemap_entries(db: &dyn Database) -> Vec<SitemapEntryView> {
    let base_url = &config(db).config.base_url;
    let mut entries = Vec::new();
    for (output, route) in &route_table(db).routes {
        use crate::routes::Route;
        let (permalink, lastmod) = match route {
            Route::Page(file) | Route::Section { section: file, .. } if is_hidden(db, *file) => continue,
            Route::Page(file) | Route::Section { section: file, pager: 1 } => {
                let (date, updated) = page_dates(db, *file);
                (
                    page_location(db, *file).permalink.clone(),
                    updated.as_ref().or(date.as_ref()).map(|date| date.text.clone()),
                )
            }
            // Later pagers too, as Zola lists them unless told otherwise.
            Route::Section { .. } | Route::TaxonomyList(_) | Route::Term { .. } => {
                (format!("{base_url}/{}", output.trim_end_matches("index.html")), None)
            }
            _ => continue,
        };
        entries.push(SitemapEntryView { permalink, lastmod });
    }
    entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    entries
}
