//! `route_table`: every file the build writes and what produces it.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8Path;
use salsa::Database;

use crate::collections::{Scope, Selector, pages_matching, taxonomy_index};
use crate::config::config;
use crate::diagnostic::Diagnostic;
use crate::front_matter::front_matter;
use crate::inputs::{Site, SourceFile};
use crate::output_paths::output_path;
use crate::page::{PageLocation, PageMeta, is_hidden, page_location, page_meta, section_listing};
use crate::sections::section_tree;

/// What produces one output file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    /// A page.
    Page(SourceFile),
    /// Page `pager` (from 1) of a section's listing; the home is a section.
    Section { section: SourceFile, pager: usize },
    /// The list of terms of a taxonomy (`/tags/`).
    TaxonomyList(String),
    /// Page `pager` of one term's listing (`/tags/rust/`): taxonomy, term slug.
    Term { taxonomy: String, term: String, pager: usize },
    /// A redirect to `target`, for aliases and `/page/1/`.
    Alias { target: String },
    /// `atom.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// A static file or colocated asset, copied byte for byte by the host.
    Copy(SourceFile),
}

/// The key of [`crate::rendered_output`].
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct RouteKey<'db> {
    /// The route.
    #[returns(ref)]
    pub route: Route,
}

/// Every output of the build, by path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteTable {
    /// `blog/a/index.html` → what produces it; sorted, so builds are deterministic.
    pub routes: BTreeMap<String, Route>,
    /// Two things claiming one URL.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts for the build summary.
    pub stats: RouteStats,
}

/// What the build summary line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RouteStats {
    /// Pages rendered.
    pub pages: usize,
    /// Sections, the home included.
    pub sections: usize,
    /// Term pages (first pages only).
    pub terms: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
}

/// `/tags/`: where a taxonomy's term list lives.
pub fn taxonomy_path(taxonomy: &str) -> String {
    format!("/{}/", slug::slugify(taxonomy))
}

/// `/tags/rust/`: where a term's listing lives.
pub fn term_path(taxonomy: &str, term_slug: &str) -> String {
    format!("{}{term_slug}/", taxonomy_path(taxonomy))
}

/// The URL path of page `pager` of a listing at `base` (`/blog/` → `/blog/page/2/`).
pub fn pager_url(base: &str, pager: usize) -> String {
    if pager <= 1 { base.to_owned() } else { format!("{base}page/{pager}/") }
}

/// The selector a section's listing uses.
pub fn section_selector<'db>(db: &'db dyn Database, section: SourceFile) -> Selector<'db> {
    Selector::new(db, Scope::Section(section), section_listing(db, section).0, None)
}

/// Pages per listing page for a section, from its front matter or the config.
pub fn section_paginate_by(db: &dyn Database, meta: &PageMeta) -> Option<usize> {
    meta.paginate_by.or(config(db).config.paginate_by)
}

/// Number of listing pages for `count` entries.
pub fn pager_count(count: usize, paginate_by: Option<usize>) -> usize {
    paginate_by.map_or(1, |per| count.div_ceil(per).max(1))
}

/// Every output and what produces it.
///
/// Invalidated by metadata edits and file additions or removals; its value
/// changes only when the set of URLs does.
///
/// # Performance
/// O(pages + terms).
#[salsa::tracked(returns(ref))]
pub fn route_table(db: &dyn Database) -> Arc<RouteTable> {
    let mut table = Builder::default();
    let tree = section_tree(db);
    let config = &config(db).config;
    for entry in tree.sections.values() {
        let meta = page_meta(db, entry.file);
        table.stats.sections += 1;
        let count = pages_matching(db, section_selector(db, entry.file)).len();
        let pagers = pager_count(count, section_paginate_by(db, meta));
        for pager in 1..=pagers {
            table.add(
                db,
                &pager_url(&meta.url_path, pager),
                Route::Section { section: entry.file, pager },
                Some(entry.file),
            );
        }
        if pagers > 1 {
            // `/blog/page/1/` is the first page under another name, as in Zola.
            table.add(
                db,
                &format!("{}page/1/", meta.url_path),
                Route::Alias { target: meta.permalink.clone() },
                Some(entry.file),
            );
        }
        add_aliases(db, &mut table, page_location(db, entry.file), entry.file);
    }
    for &file in &tree.pages {
        if is_hidden(db, file) {
            table.stats.drafts_skipped += 1;
            continue;
        }
        let location = page_location(db, file);
        table.stats.pages += 1;
        table.add(db, &location.url_path, Route::Page(file), Some(file));
        add_aliases(db, &mut table, location, file);
    }
    let index = taxonomy_index(db);
    for taxonomy in &config.taxonomies {
        let base = taxonomy_path(&taxonomy.name);
        table.add(db, &base, Route::TaxonomyList(taxonomy.name.clone()), None);
        for (slug, term) in index.get(&taxonomy.name).into_iter().flatten() {
            table.stats.terms += 1;
            let term_base = term_path(&taxonomy.name, slug);
            let pagers = pager_count(term.pages.len(), taxonomy.paginate_by.or(config.paginate_by));
            for pager in 1..=pagers {
                table.add(
                    db,
                    &pager_url(&term_base, pager),
                    Route::Term { taxonomy: taxonomy.name.clone(), term: slug.clone(), pager },
                    None,
                );
            }
        }
    }
    if config.feed {
        table.add(db, "/atom.xml", Route::Feed, None);
    }
    if config.sitemap {
        table.add(db, "/sitemap.xml", Route::Sitemap, None);
    }
    let files = Site::get(db).files(db);
    // A static `robots.txt` replaces the rendered one, as Zola copies
    // `static/` after rendering; a site template of that name then goes unused.
    match (files.static_files.get(Utf8Path::new("robots.txt")), files.templates.get("robots.txt")) {
        (None, _) => table.add(db, "/robots.txt", Route::Robots, None),
        (Some(_), None) => {}
        (Some(&copied), Some(&template)) => table.diagnostics.push(
            Diagnostic::warning(
                template.path(db).clone(),
                0..0,
                "qsite::routes::robots_twice",
                format!(
                    "`{}` is not rendered: `{}` is copied to `/robots.txt` instead",
                    template.path(db),
                    copied.path(db)
                ),
            )
            .with_help("delete one of the two; Zola too copies the static file over the rendered one"),
        ),
    }
    table.add(db, "/404.html", Route::NotFound, None);
    for (path, &file) in &files.static_files {
        table.add(db, &format!("/{path}"), Route::Copy(file), Some(file));
    }
    for (path, file) in &tree.assets {
        // A colocated asset keeps its path, so it lands next to its page.
        table.add(db, &format!("/{path}"), Route::Copy(*file), Some(*file));
    }
    Arc::new(RouteTable { routes: table.routes, diagnostics: table.diagnostics, stats: table.stats })
}

fn add_aliases(db: &dyn Database, table: &mut Builder, location: &PageLocation, file: SourceFile) {
    for alias in &location.aliases {
        table.add(db, alias, Route::Alias { target: location.permalink.clone() }, Some(file));
    }
}

#[derive(Default)]
struct Builder {
    routes: BTreeMap<String, Route>,
    owners: BTreeMap<String, Option<SourceFile>>,
    diagnostics: Vec<Diagnostic>,
    stats: RouteStats,
}

impl Builder {
    /// Adds a route at a URL path; a URL already taken is a diagnostic on the
    /// file that claims it second, naming the first.
    fn add(&mut self, db: &dyn Database, url_path: &str, route: Route, owner: Option<SourceFile>) {
        let output = match output_path(url_path) {
            Ok(output) => output,
            Err(problem) => {
                if let Some(file) = owner {
                    self.diagnostics.push(
                        Diagnostic::error(
                            file.path(db).clone(),
                            url_key_range(db, file),
                            "qsite::routes::unsafe_path",
                            format!("the URL `{url_path}` cannot be an output file: {problem}"),
                        )
                        .with_help("write `path`, `slug` and `aliases` as plain URL paths such as `/blog/my-post/`"),
                    );
                }
                return;
            }
        };
        if self.routes.contains_key(&output) {
            let first = self.owners.get(&output).copied().flatten();
            let file = owner.or(first);
            if let Some(file) = file {
                let other = first
                    .filter(|&first| Some(first) != owner)
                    .map(|first| format!(" (already taken by `{}`)", first.path(db)));
                self.diagnostics.push(
                    Diagnostic::error(
                        file.path(db).clone(),
                        url_key_range(db, file),
                        "qsite::routes::duplicate",
                        format!("two outputs claim the URL `{url_path}`{}", other.unwrap_or_default()),
                    )
                    .with_help("change `slug`, `path` or `aliases` so each URL is produced once"),
                );
            }
            return;
        }
        self.routes.insert(output.clone(), route);
        self.owners.insert(output, owner);
    }
}

/// Where a file's front matter chose its URL (`path`, `slug` or `aliases`),
/// for diagnostics about that URL; the start of the file otherwise.
fn url_key_range(db: &dyn Database, file: SourceFile) -> std::ops::Range<usize> {
    let keys = &front_matter(db, file).key_ranges;
    ["path", "slug", "aliases"].iter().find_map(|key| keys.get(*key)).cloned().unwrap_or(0..0)
}
