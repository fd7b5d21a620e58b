//! `rendered_output`: the bytes of one output, from a site template when the
//! site has one of that name, else from the built-in theme.

mod stylesheet;
mod theme;

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::Value;
use salsa::Database;

use crate::builtin::{self, FeedFormat};
use crate::collections::{Scope, Selector};
use crate::config::feed_filenames_range;
use crate::diagnostic::Diagnostic;
use crate::front_matter::{SortBy, front_matter};
use crate::highlight;
use crate::inputs::{Site, SourceFile, TaxonomyId, text_of};
use crate::languages::language_root;
use crate::page::DEFAULT_PAGINATE_PATH;
use crate::page::PageMeta;
use crate::search_index::search_index;
use crate::routes::{
    FeedSource, PagerPaths, Route, RouteKey, pager_count, section_pager_paths, section_paginate_by, taxonomy_path,
    term_path,
};
use crate::templates::errors::missing_template_help;
use crate::templates::objects::{
    ConfigObject, PageObject, SectionObject, page_list, taxonomy_value, term_fields, term_value,
};
use crate::templates::printing::ContextDump;
use crate::templates::{errors, has_template, render_template};
use crate::trace::reads::{
    config, page_dates, page_language, page_location, page_meta, pages_matching, section_listing, section_selector,
    taxonomy_index, term_name,
};
use crate::trace::{TraceEntry, recording};

/// One rendered output.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedOutput {
    /// The file's text; empty for copied files, which the host copies itself.
    pub text: Arc<str>,
    /// What went wrong while rendering it.
    pub diagnostics: Vec<Diagnostic>,
    /// What the render read, with the hashes of the values it got: a later
    /// process that computes the same hashes need not render it again.
    pub trace: Vec<TraceEntry>,
}

/// The output of one route, memoized: what `serve` asks for again after
/// every edit.
///
/// Invalidated by exactly the values its render read: through the lazy
/// template context, the template loader and the built-in views' queries.
#[salsa::tracked(returns(ref))]
pub fn rendered_output<'db>(db: &'db dyn Database, key: RouteKey<'db>) -> RenderedOutput {
    render_output(db, key.route(db))
}

/// The output of one route, not memoized: a build renders each output once
/// and writes it, so a memo would only hold every page's text and trace
/// until the process ends. The queries it calls are memoized as ever.
pub fn render_output(db: &dyn Database, route: &Route) -> RenderedOutput {
    // Template objects fetch through the attached database, as in a query.
    let (result, trace) = salsa::attach(db, || recording(|| render_route(db, route)));
    match result {
        Ok(text) => RenderedOutput { text: text.into(), diagnostics: Vec::new(), trace },
        Err(diagnostic) => RenderedOutput { text: "".into(), diagnostics: vec![diagnostic], trace },
    }
}

fn render_route(db: &dyn Database, route: &Route) -> Result<String, Diagnostic> {
    match route {
        Route::Page(file) => render_page(db, *file),
        Route::Section { section, pager } => render_section(db, *section, *pager),
        Route::TaxonomyList(taxonomy) => render_taxonomy_list(db, taxonomy),
        Route::Term { taxonomy, term, pager } => render_term(db, taxonomy, term, *pager),
        Route::Alias { target } => Ok(builtin::alias_html(target)),
        Route::Feed { source, filename } => render_feed(db, source, filename),
        Route::Sitemap => render_sitemap(db),
        Route::SearchIndex { lang } => search_index(db, lang),
        Route::Robots => render_site_or_builtin(db, "robots.txt", BTreeMap::new(), None, |db| {
            Ok(builtin::robots_txt(&format!("{}/sitemap.xml", config(db).config.base_url)))
        }),
        Route::NotFound => {
            render_site_or_builtin(db, "404.html", BTreeMap::new(), None, |db| match config(db).config.zola {
                true => Ok(builtin::PLAIN_NOT_FOUND_HTML.to_owned()),
                false => Ok(builtin::not_found_html(&theme::site_view(db))),
            })
        }
        Route::HighlightCss(filename) => Ok(highlight_css(db, filename)),
        Route::Copy(_) => Ok(String::new()),
        Route::Stylesheet(file) => stylesheet::render_stylesheet(db, *file),
    }
}

/// The style sheet `filename` of the configured highlighting: its theme's
/// classes, as giallo writes them.
fn highlight_css(db: &dyn Database, filename: &str) -> String {
    let highlighting = config(db).config.markdown.highlighting.as_ref();
    let css = highlighting.into_iter().flat_map(|highlighting| &highlighting.css_files);
    css.filter(|css| css.filename == filename).map(|css| highlight::theme_css(&css.theme)).collect()
}

type Context = BTreeMap<&'static str, Value>;

/// Renders the site template `name` with `context` (plus `config` and the
/// `__tera_context` dump of the rest), or the
/// built-in output when the site has no such template (an error when there
/// is no built-in of that name either). `named_by` is the
/// content file and front matter key that asked for `name`: then a missing
/// template is an error there, not a fallback.
fn render_site_or_builtin(
    db: &dyn Database,
    name: &str,
    context: Context,
    named_by: Option<(SourceFile, &'static str)>,
    builtin: impl FnOnce(&dyn Database) -> Result<String, Diagnostic>,
) -> Result<String, Diagnostic> {
    if has_template(db, name) {
        let mut context = context;
        // Zola gives every template the language it renders in.
        context.entry("lang").or_insert_with(|| Value::from(config(db).config.default_language.as_str()));
        context.insert("__tera_context", Value::from_object(ContextDump(Value::from(context.clone()))));
        return render_template(name, Value::from(context)).map_err(|error| errors::diagnostic(db, name, &error));
    }
    if let Some((file, key)) = named_by {
        return Err(Diagnostic::error(
            file.path(db).clone(),
            front_matter(db, file).key_ranges.get(key).cloned().unwrap_or(0..0),
            "qsite::templates::missing",
            format!("the template `{name}` does not exist"),
        )
        .with_help(missing_template_help(db, name)));
    }
    builtin(db)
}

/// The language an output renders in, by its code: `lang`, and `config` as
/// that language's renders see it, as Zola gives both to pages, sections,
/// taxonomies and feeds.
fn language_context(db: &dyn Database, context: &mut Context, code: &str) {
    context.insert("lang", Value::from(code));
    if let Some(code) = config(db).config.other_language(code) {
        context.insert("config", Value::from_object(ConfigObject(Some(code.to_owned()))));
    }
}

/// The code of a taxonomy's language, the default one's included.
fn taxonomy_language<'a>(db: &'a dyn Database, taxonomy: &'a TaxonomyId) -> &'a str {
    taxonomy.lang.as_deref().unwrap_or(&config(db).config.default_language)
}

fn url_context(context: &mut Context, meta: &PageMeta, url_path: &str) {
    context.insert("current_path", Value::from(url_path));
    context.insert(
        "current_url",
        Value::from(format!("{}{}", meta.permalink.strip_suffix(&meta.url_path).unwrap_or(&meta.permalink), url_path)),
    );
}

fn render_page(db: &dyn Database, file: SourceFile) -> Result<String, Diagnostic> {
    let meta = page_meta(db, file);
    let parent_template =
        meta.parent.and_then(|parent| section_listing(db, parent).page_template.clone().map(|name| (name, parent)));
    let (name, named_by) = match (&meta.template, parent_template) {
        (Some(name), _) => (name.clone(), Some((file, "template"))),
        (None, Some((name, parent))) => (name, Some((parent, "page_template"))),
        (None, None) => ("page.html".to_owned(), None),
    };
    let mut context = Context::new();
    context.insert("page", Value::from_object(PageObject(file)));
    language_context(db, &mut context, page_language(db, file));
    url_context(&mut context, meta, &meta.url_path);
    render_site_or_builtin(db, &name, context, named_by, |db| {
        Ok(builtin::page_html(&theme::site_view(db), &theme::page_view(db, file)?))
    })
}

/// The `paginator` object of page `pager` of a listing of `pages`.
fn paginator(
    pages: &[SourceFile],
    per: usize,
    pager: usize,
    base_url: &str,
    paths: &PagerPaths,
) -> (Value, std::ops::Range<usize>) {
    let total = pager_count(pages.len(), Some(per));
    let start = ((pager - 1) * per).min(pages.len());
    let range = start..(start + per).min(pages.len());
    let link = |n: usize| Value::from(format!("{base_url}{}", paths.url(n)));
    let mut map = BTreeMap::new();
    map.insert("pages", page_list(&pages[range.clone()]));
    map.insert("current_index", Value::from(pager));
    map.insert("number_pagers", Value::from(total));
    map.insert("paginate_by", Value::from(per));
    map.insert("total_pages", Value::from(pages.len()));
    map.insert("first", link(1));
    map.insert("last", link(total));
    map.insert("previous", if pager > 1 { link(pager - 1) } else { Value::from(()) });
    map.insert("next", if pager < total { link(pager + 1) } else { Value::from(()) });
    (Value::from(map), range)
}

fn render_section(db: &dyn Database, section: SourceFile, pager: usize) -> Result<String, Diagnostic> {
    let meta = page_meta(db, section);
    let is_home = meta.is_home();
    let (name, named_by) = match &meta.template {
        Some(name) => (name.clone(), Some((section, "template"))),
        None => ((if is_home { "index.html" } else { "section.html" }).to_owned(), None),
    };
    let listed = pages_matching(db, section_selector(db, section));
    let per = section_paginate_by(db, meta);
    // Zola reverses the paginator's pages, never `section.pages`.
    let reversed: Vec<SourceFile>;
    let pages: &[SourceFile] = if per.is_some() && section_listing(db, section).paginate_reversed {
        reversed = listed.iter().rev().copied().collect();
        &reversed
    } else {
        listed
    };
    let paths = section_pager_paths(db, section, meta);
    let base_url = &config(db).config.base_url;
    let mut context = Context::new();
    context.insert("section", Value::from_object(SectionObject(section)));
    language_context(db, &mut context, page_language(db, section));
    let range = match per {
        Some(per) => {
            let (value, range) = paginator(pages, per, pager, base_url, &paths);
            context.insert("paginator", value);
            range
        }
        None => {
            context.insert("paginator", Value::from(()));
            0..pages.len()
        }
    };
    url_context(&mut context, meta, &paths.url(pager));
    render_site_or_builtin(db, &name, context, named_by, |db| {
        let list = theme::list_view(
            db,
            meta.title.clone(),
            Some(section),
            &pages[range],
            per.map(|per| (pager, pager_count(pages.len(), Some(per)), base_url.clone(), paths.clone())),
        )?;
        Ok(builtin::list_html(&theme::site_view(db), &list))
    })
}

/// The template of a taxonomy's `list` or `single` pages: the taxonomy's own
/// (`tags/list.html`) when the site has it, as Zola picks it, else the one
/// all taxonomies share (`taxonomy_list.html`).
fn taxonomy_template(db: &dyn Database, taxonomy: &TaxonomyId, kind: &str) -> String {
    let own = format!("{}/{kind}.html", taxonomy.name);
    if has_template(db, &own) { own } else { format!("taxonomy_{kind}.html") }
}

fn render_taxonomy_list(db: &dyn Database, taxonomy: &TaxonomyId) -> Result<String, Diagnostic> {
    let index = taxonomy_index(db);
    let terms = index.get(taxonomy).map(|terms| terms.values().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let mut context = Context::new();
    language_context(db, &mut context, taxonomy_language(db, taxonomy));
    context.insert("taxonomy", taxonomy_value(db, taxonomy));
    context.insert(
        "terms",
        Value::from(terms.iter().map(|term| term_value(db, taxonomy, &term.slug, &term.name).0).collect::<Vec<_>>()),
    );
    let path = taxonomy_path(taxonomy);
    context.insert("current_path", Value::from(path.as_str()));
    context.insert("current_url", Value::from(format!("{}{path}", config(db).config.base_url)));
    render_site_or_builtin(db, &taxonomy_template(db, taxonomy, "list"), context, None, |db| {
        Ok(builtin::taxonomy_html(&theme::site_view(db), &theme::taxonomy_view(db, taxonomy, &terms)))
    })
}

fn render_term(db: &dyn Database, taxonomy: &TaxonomyId, slug: &str, pager: usize) -> Result<String, Diagnostic> {
    let name = term_name(db, taxonomy, slug).unwrap_or_else(|| slug.to_owned());
    let config_values = &config(db).config;
    let per = config_values
        .taxonomies_of(taxonomy.lang.as_deref())
        .iter()
        .find(|t| t.name == taxonomy.name)
        .and_then(|t| t.paginate_by)
        .or(config_values.paginate_by);
    let (term, pages) = term_value(db, taxonomy, slug, &name);
    let paths = PagerPaths::new(&term_path(taxonomy, slug), DEFAULT_PAGINATE_PATH);
    let base_url = &config_values.base_url;
    let mut context = Context::new();
    language_context(db, &mut context, taxonomy_language(db, taxonomy));
    context.insert("taxonomy", taxonomy_value(db, taxonomy));
    context.insert("term", term);
    let range = match per {
        Some(per) => {
            let (value, range) = paginator(&pages, per, pager, base_url, &paths);
            context.insert("paginator", value);
            range
        }
        None => {
            context.insert("paginator", Value::from(()));
            0..pages.len()
        }
    };
    let path = paths.url(pager);
    context.insert("current_path", Value::from(path.as_str()));
    context.insert("current_url", Value::from(format!("{base_url}{path}")));
    render_site_or_builtin(db, &taxonomy_template(db, taxonomy, "single"), context, None, |db| {
        let list = theme::list_view(
            db,
            builtin::term_heading(&taxonomy.name, &name),
            None,
            &pages[range],
            per.map(|per| (pager, pager_count(pages.len(), Some(per)), base_url.clone(), paths.clone())),
        )?;
        Ok(builtin::list_html(&theme::site_view(db), &list))
    })
}

/// A feed of `source`'s pages named `filename`, from the site's template of
/// that name (with Zola's feed context: `pages`, `feed_url`, `last_updated`,
/// `lang`, and `section` or `taxonomy` and `term`), else the built-in format
/// of that name. Only dated pages, newest first and up to `feed_limit`, as
/// in Zola.
fn render_feed(db: &dyn Database, source: &FeedSource, filename: &str) -> Result<String, Diagnostic> {
    let config_values = &config(db).config;
    let mut context = Context::new();
    let (scope, folder) = match source {
        FeedSource::Site => {
            language_context(db, &mut context, &config_values.default_language);
            (Scope::Language(config_values.default_language.clone()), "/".to_owned())
        }
        FeedSource::Language(code) => {
            language_context(db, &mut context, code);
            (Scope::Language(code.clone()), language_root(Some(code)))
        }
        FeedSource::Section(section) => {
            language_context(db, &mut context, page_language(db, *section));
            context.insert("section", Value::from_object(SectionObject(*section)));
            (Scope::Section(*section), page_location(db, *section).url_path.clone())
        }
        FeedSource::Term { taxonomy, term } => {
            language_context(db, &mut context, taxonomy_language(db, taxonomy));
            let name = term_name(db, taxonomy, term).unwrap_or_else(|| term.clone());
            context.insert("taxonomy", taxonomy_value(db, taxonomy));
            context.insert("term", Value::from(term_fields(db, taxonomy, term, &name)));
            (Scope::Term(taxonomy.clone(), term.clone()), term_path(taxonomy, term))
        }
    };
    let selector = Selector::new(db, scope, SortBy::Date, config_values.feed_limit);
    // Undated pages sort last, so the dated ones are a prefix of the listing.
    let pages: Vec<SourceFile> =
        pages_matching(db, selector).iter().copied().take_while(|&file| page_dates(db, file).0.is_some()).collect();
    // Zola's `last_updated`: the newest page's date, or a later `updated`.
    let updated = pages
        .iter()
        .filter_map(|&file| page_dates(db, file).1.as_ref())
        .chain(pages.first().and_then(|&file| page_dates(db, file).0.as_ref()))
        .max()
        .cloned();
    let feed_url = format!("{}{folder}{filename}", config_values.base_url);
    context.insert("pages", page_list(&pages));
    context.insert("feed_url", Value::from(feed_url.as_str()));
    context.insert("last_updated", updated.as_ref().map_or(Value::from(()), |date| Value::from(date.text.as_str())));
    render_site_or_builtin(db, filename, context, None, |db| {
        let format = FeedFormat::named(filename).ok_or_else(|| missing_feed_template(db, filename))?;
        Ok(builtin::feed_xml(format, &theme::feed_view(db, source, feed_url, &pages, updated.as_ref())?))
    })
}

/// A feed name with neither a site template nor a built-in format is an
/// error where the configuration names it, as Zola fails to find its template.
fn missing_feed_template(db: &dyn Database, filename: &str) -> Diagnostic {
    let file = *Site::get(db).config_file(db);
    Diagnostic::error(
        file.path(db).clone(),
        feed_filenames_range(&text_of(db, file)),
        "qsite::templates::missing",
        format!("the feed `{filename}` has no template: qsite has built-in ones for `atom.xml` and `rss.xml` only"),
    )
    .with_help(missing_template_help(db, filename))
}

fn render_sitemap(db: &dyn Database) -> Result<String, Diagnostic> {
    let entries = theme::sitemap_entries(db);
    let mut context = Context::new();
    context.insert(
        "entries",
        Value::from(
            entries
                .iter()
                .map(|entry| {
                    let mut map = BTreeMap::new();
                    map.insert("permalink", Value::from(entry.permalink.as_str()));
                    map.insert("updated", entry.lastmod.as_deref().map_or(Value::from(()), Value::from));
                    Value::from(map)
                })
                .collect::<Vec<_>>(),
        ),
    );
    render_site_or_builtin(db, "sitemap.xml", context, None, |_| Ok(builtin::sitemap_xml(&entries)))
}
