//! `route_table`: every file the build writes and what produces it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use salsa::Database;

use crate::collections::{Scope, Selector, pages_matching, taxonomy_index};
use crate::config::{config, feed_filenames_range, key_range};
use crate::diagnostic::Diagnostic;
use crate::front_matter::front_matter;
use crate::inputs::{Site, SourceFile, TaxonomyId, text_of};
use crate::languages::{language_root, languages};
use crate::output_paths::output_path;
use crate::page::{
    DEFAULT_PAGINATE_PATH, PageLocation, PageMeta, is_hidden, page_location, page_meta, section_listing,
};
use crate::sections::section_tree;
use crate::site_paths::{SASS, STATIC, stylesheet_output, under};
use crate::stable_hash::StableHash;

/// What produces one output file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub enum Route {
    /// A page.
    Page(SourceFile),
    /// Page `pager` (from 1) of a section's listing; the home is a section.
    Section { section: SourceFile, pager: usize },
    /// The list of terms of a taxonomy (`/tags/`, `/fr/tags/`).
    TaxonomyList(TaxonomyId),
    /// Page `pager` of one term's listing (`/tags/rust/`): taxonomy, term slug.
    Term { taxonomy: TaxonomyId, term: String, pager: usize },
    /// A redirect to `target`, for aliases and `/page/1/`.
    Alias { target: String },
    /// A feed named `filename` (`atom.xml`, `rss.xml`) of `source`'s pages,
    /// in the folder of its listing.
    Feed { source: FeedSource, filename: String },
    /// `sitemap.xml`.
    Sitemap,
    /// The search index of a language, by its code (`search_index.en.js`).
    SearchIndex { lang: String },
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// A highlighting theme's style sheet, by its file name at the output
    /// root (`giallo.css`): class style's colors.
    HighlightCss(String),
    /// A static file or colocated asset, copied byte for byte by the host.
    Copy(SourceFile),
    /// A Sass or SCSS stylesheet compiled to CSS (`sass/site.scss`, or a
    /// theme's `themes/hyde/sass/site.scss`).
    Stylesheet(SourceFile),
}

/// Whose pages a feed carries, which also decides where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub enum FeedSource {
    /// The default language's pages: the site's feeds at the root, when
    /// the config asks.
    Site,
    /// Another language's pages, by its code: its feeds at `/fr/`, when
    /// `[languages.fr]` asks.
    Language(String),
    /// A section's pages, when its `_index.md` sets `generate_feeds`.
    Section(SourceFile),
    /// A term's pages, when its taxonomy is configured with `feed = true`:
    /// taxonomy and term slug.
    Term { taxonomy: TaxonomyId, term: String },
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RouteStats {
    /// Pages rendered.
    pub pages: usize,
    /// Sections, the home included.
    pub sections: usize,
    /// Term pages (first pages only).
    pub terms: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
    /// Outputs rendered through templates: every output but copied files.
    pub text_outputs: usize,
}

/// `/tags/`, `/fr/tags/`: where a taxonomy's term list lives.
pub fn taxonomy_path(taxonomy: &TaxonomyId) -> String {
    format!("{}{}/", language_root(taxonomy.lang.as_deref()), slug::slugify(&taxonomy.name))
}

/// `/tags/rust/`: where a term's listing lives.
pub fn term_path(taxonomy: &TaxonomyId, term_slug: &str) -> String {
    format!("{}{term_slug}/", taxonomy_path(taxonomy))
}

/// Where the pages of a listing live: the first at `base` (`/blog/`), the
/// others in the folder `folder` below it (`/blog/page/2/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerPaths {
    /// The URL path of the first page.
    pub base: String,
    /// A section's `paginate_path`; `page` for terms.
    pub folder: String,
}

impl PagerPaths {
    /// A listing at `base` whose later pages are in the folder `folder`.
    pub fn new(base: &str, folder: &str) -> PagerPaths {
        PagerPaths { base: base.to_owned(), folder: folder.trim_matches('/').to_owned() }
    }

    /// The URL path of page `pager` (from 1): the first at the base.
    pub fn url(&self, pager: usize) -> String {
        if pager <= 1 { self.base.clone() } else { self.numbered(pager) }
    }

    /// The URL path of page `pager` in the folder, the first one's too
    /// (`/blog/page/1/`, which redirects); an empty `folder` puts the pages
    /// right below the base (`/blog/2/`).
    pub fn numbered(&self, pager: usize) -> String {
        match self.folder.as_str() {
            "" => format!("{}{pager}/", self.base),
            folder => format!("{}{folder}/{pager}/", self.base),
        }
    }
}

/// The paths of a section's listing pages, by its `paginate_path`.
pub fn section_pager_paths(db: &dyn Database, section: SourceFile, meta: &PageMeta) -> PagerPaths {
    PagerPaths::new(&meta.url_path, &section_listing(db, section).paginate_path)
}

/// The selector a section's listing uses.
pub fn section_selector<'db>(db: &'db dyn Database, section: SourceFile) -> Selector<'db> {
    Selector::new(db, Scope::Section(section), section_listing(db, section).sort_by, None)
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
/// Built-in outputs claim their URLs first, then sections and pages, then
/// aliases and copied files: a page never loses its URL to a redirect, and a
/// clash is reported on the file that asked for the URL already taken.
///
/// # Performance
/// O(pages + terms).
#[salsa::tracked(returns(ref))]
pub fn route_table(db: &dyn Database) -> Arc<RouteTable> {
    let mut table = Builder::default();
    let tree = section_tree(db);
    let config = &config(db).config;
    let config_file = *Site::get(db).config_file(db);
    let config_owner = Some(Owner { file: config_file, claim: Claim::Taxonomies });
    let languages = languages(db);
    for lang in languages.all().filter(|&lang| config.feeds_of(lang)) {
        let owner = Some(Owner { file: config_file, claim: Claim::FeedFilenames });
        let source = lang.map_or(FeedSource::Site, |code| FeedSource::Language(code.to_owned()));
        add_feeds(db, &mut table, &language_root(lang), &source, owner);
    }
    if config.sitemap {
        table.add(db, "/sitemap.xml", Route::Sitemap, None);
    }
    for code in config.search_languages() {
        let Some(search) = &config.search else { break };
        let route = Route::SearchIndex { lang: code.to_owned() };
        table.add(db, &format!("/{}", search.index_format.filename(code)), route, None);
    }
    let files = Site::get(db).files(db);
    // A static `robots.txt` replaces the rendered one, as Zola copies
    // `static/` after rendering; a site template of that name then goes unused.
    match (files.static_files.get(Utf8Path::new("robots.txt")), files.templates.get("robots.txt")) {
        (None, _) if !config.robots => {}
        (None, _) => {
            table.add(db, "/robots.txt", Route::Robots, None);
        }
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
    // A static file of the same name stands for the generated one, as Zola
    // writes a theme's style sheet into `static/` only where none is.
    let style_sheets = config.markdown.highlighting.iter().flat_map(|highlighting| &highlighting.css_files);
    for css in style_sheets.filter(|css| !files.static_files.contains_key(Utf8Path::new(&css.filename))) {
        table.add(db, &format!("/{}", css.filename), Route::HighlightCss(css.filename.clone()), None);
    }
    let index = taxonomy_index(db);
    let taxonomies =
        languages.all().flat_map(|lang| config.taxonomies_of(lang).iter().map(move |taxonomy| (lang, taxonomy)));
    for (lang, taxonomy) in taxonomies {
        let id = TaxonomyId::new(&taxonomy.name, lang);
        let base = taxonomy_path(&id);
        // A taxonomy whose name has no URL has no term pages either: one diagnostic is enough.
        if !table.add(db, &base, Route::TaxonomyList(id.clone()), config_owner) {
            continue;
        }
        for (slug, term) in index.get(&id).into_iter().flatten() {
            table.stats.terms += 1;
            let term_base = term_path(&id, slug);
            let paginate_by = taxonomy.paginate_by.or(config.paginate_by);
            let pagers = pager_count(term.pages.len(), paginate_by);
            // A term no file system can name is the fault of the first page
            // that gives it, not of the configuration.
            let owner = match (output_path(&term_base), term.pages.first()) {
                (Err(_), Some(&file)) => Some(Owner { file, claim: Claim::Term }),
                _ => config_owner,
            };
            let paths = PagerPaths::new(&term_base, DEFAULT_PAGINATE_PATH);
            for pager in 1..=pagers {
                table.add(
                    db,
                    &paths.url(pager),
                    Route::Term { taxonomy: id.clone(), term: slug.clone(), pager },
                    owner,
                );
            }
            if paginate_by.is_some() {
                // `/tags/rust/page/1/` is the term's first page under another name, as in Zola.
                let target = format!("{}{term_base}", config.base_url);
                table.add(db, &paths.numbered(1), Route::Alias { target }, owner);
            }
            if taxonomy.feed {
                let source = FeedSource::Term { taxonomy: id.clone(), term: slug.clone() };
                add_feeds(db, &mut table, &term_base, &source, owner);
            }
        }
    }
    let mut aliases: Vec<(&PageLocation, SourceFile)> = Vec::new();
    for ((_, lang), entry) in &tree.sections {
        let meta = page_meta(db, entry.file);
        let owner = Some(Owner { file: entry.file, claim: Claim::Url });
        table.stats.sections += 1;
        aliases.push((page_location(db, entry.file), entry.file));
        if !meta.render {
            continue;
        }
        if let Some(target) = &meta.redirect_to {
            // Zola writes a redirect in place of the section's page and its pagers.
            table.add(db, &meta.url_path, Route::Alias { target: target.clone() }, owner);
            continue;
        }
        let count = pages_matching(db, section_selector(db, entry.file)).len();
        let paginate_by = section_paginate_by(db, meta);
        let pagers = pager_count(count, paginate_by);
        let paths = section_pager_paths(db, entry.file, meta);
        for pager in 1..=pagers {
            table.add(db, &paths.url(pager), Route::Section { section: entry.file, pager }, owner);
        }
        if paginate_by.is_some() {
            // `/blog/page/1/` is the first page under another name, as in
            // Zola, for a paginated section even of one page.
            table.add(db, &paths.numbered(1), Route::Alias { target: meta.permalink.clone() }, owner);
        }
        // A language's home's feeds would have that language's names: Zola
        // writes the language's over them.
        let lang = lang.as_deref();
        if meta.generate_feeds && !(config.feeds_of(lang) && meta.url_path == language_root(lang)) {
            add_feeds(db, &mut table, &meta.url_path, &FeedSource::Section(entry.file), owner);
        }
    }
    for &file in &tree.pages {
        if is_hidden(db, file) {
            table.stats.drafts_skipped += 1;
            continue;
        }
        let location = page_location(db, file);
        table.stats.pages += 1;
        if location.render {
            table.add(db, &location.url_path, Route::Page(file), Some(Owner { file, claim: Claim::Url }));
        }
        aliases.push((location, file));
    }
    for (location, file) in aliases {
        for alias in &location.aliases {
            let route = Route::Alias { target: location.permalink.clone() };
            table.add(db, alias, route, Some(Owner { file, claim: Claim::Alias }));
        }
    }
    add_stylesheets(db, &mut table, config);
    for (path, &file) in &files.static_files {
        table.add(db, &format!("/{path}"), Route::Copy(file), Some(Owner { file, claim: Claim::Copy }));
    }
    // The theme's static files stand below the site's own.
    if let Some(theme) = &config.theme {
        let theme_static = Utf8PathBuf::from(theme).join(STATIC);
        for (path, &file) in &files.themes {
            let Some(path) = under(path, theme_static.as_str()) else { continue };
            if !files.static_files.contains_key(path) {
                table.add(db, &format!("/{path}"), Route::Copy(file), Some(Owner { file, claim: Claim::Copy }));
            }
        }
    }
    for (path, file) in &tree.assets {
        let url = asset_url(db, &files.content, path);
        table.add(db, &url, Route::Copy(*file), Some(Owner { file: *file, claim: Claim::Copy }));
    }
    let text_outputs = table.routes.values().filter(|route| !matches!(route, Route::Copy(_))).count();
    let stats = RouteStats { text_outputs, ..table.stats };
    Arc::new(RouteTable { routes: table.routes, diagnostics: table.diagnostics, stats })
}

/// Adds the compiled stylesheets, as Zola compiles them: the theme's
/// whenever it has a `sass/` folder, the site's own when `compile_sass` is
/// set, which win over the theme's at the same output path. Two sheets of
/// one folder that compile to one file (`a.scss`, `a.sass`) are a
/// diagnostic, as Zola refuses them; a stylesheet claims its URL before
/// static files do, so a static file of the same name is one too rather
/// than a silent overwrite.
fn add_stylesheets(db: &dyn Database, table: &mut Builder, config: &crate::config::Config) {
    let files = Site::get(db).files(db);
    let own = config.compile_sass.then_some(&files.sass).into_iter().flatten();
    let mut own_outputs = std::collections::BTreeSet::new();
    for (path, &file) in own {
        let Some(output) = stylesheet_output(path) else { continue };
        table.add(db, &format!("/{output}"), Route::Stylesheet(file), Some(Owner { file, claim: Claim::Copy }));
        own_outputs.insert(output);
    }
    let Some(theme) = &config.theme else { return };
    let theme_sass = Utf8PathBuf::from(theme).join(SASS);
    for (path, &file) in &files.themes {
        let Some(output) = under(path, theme_sass.as_str()).and_then(stylesheet_output) else { continue };
        if !own_outputs.contains(&output) {
            table.add(db, &format!("/{output}"), Route::Stylesheet(file), Some(Owner { file, claim: Claim::Copy }));
        }
    }
}

/// Adds a feed of `source` under the folder `base` (`/blog/`) for each of
/// the configured feed names.
fn add_feeds(db: &dyn Database, table: &mut Builder, base: &str, source: &FeedSource, owner: Option<Owner>) {
    for filename in &config(db).config.feed_filenames {
        let route = Route::Feed { source: source.clone(), filename: filename.clone() };
        table.add(db, &format!("{base}{filename}"), route, owner);
    }
}

/// Where a colocated asset is copied: next to its page bundle's output, as
/// Zola copies it (`content/themes/Dark/shot.png` beside the page at
/// `/themes/dark/` is `/themes/dark/shot.png`); a section's asset, or a file
/// beside no bundle, keeps its path.
fn asset_url(db: &dyn Database, content: &BTreeMap<Utf8PathBuf, SourceFile>, path: &Utf8Path) -> String {
    let bundle = path.ancestors().skip(1).find_map(|folder| {
        let index = content.get(&folder.join("index.md"))?;
        Some((folder, *index))
    });
    match bundle {
        Some((folder, index)) if !folder.as_str().is_empty() => {
            let below = path.strip_prefix(folder).unwrap_or(path);
            format!("{}{below}", page_location(db, index).url_path)
        }
        _ => format!("/{path}"),
    }
}

/// Which value of a file asked for a URL, so a diagnostic about that URL
/// points at it.
#[derive(Clone, Copy, PartialEq)]
enum Claim {
    /// The file's own URL: `path`, else `slug`, else its file name.
    Url,
    /// One of its `aliases`.
    Alias,
    /// The configuration's `taxonomies`.
    Taxonomies,
    /// The configuration's `feed_filenames` (or `feed_filename`).
    FeedFilenames,
    /// A term in the page's `tags` (or `[taxonomies]`) whose page cannot be
    /// an output file.
    Term,
    /// The file's own path: a static file or a page's asset, copied as is,
    /// or a stylesheet, compiled beside where it stands.
    Copy,
}

/// The file behind a URL and the value in it that asked for the URL; built-in
/// outputs have none.
#[derive(Clone, Copy, PartialEq)]
struct Owner {
    file: SourceFile,
    claim: Claim,
}

impl Owner {
    /// The byte range of the key that made the URL; the start of the file
    /// when the URL comes from the file's name. Read only when there is a
    /// diagnostic to make, so a sound route table reads no key positions.
    fn range(self, db: &dyn Database) -> Range<usize> {
        let key = |key: &str| front_matter(db, self.file).key_ranges.get(key).cloned();
        match self.claim {
            Claim::Url => key("path").or_else(|| key("slug")).unwrap_or(0..0),
            Claim::Alias => key("aliases").unwrap_or(0..0),
            Claim::Taxonomies => key_range(&text_of(db, self.file), "taxonomies"),
            Claim::FeedFilenames => feed_filenames_range(&text_of(db, self.file)),
            Claim::Term => key("tags").or_else(|| key("taxonomies")).unwrap_or(0..0),
            Claim::Copy => 0..0,
        }
    }

    /// How a diagnostic names this claim: `` `content/a.md` ``, `` an alias in
    /// `content/a.md` ``, or for the configuration's taxonomies the output itself.
    fn describe(self, db: &dyn Database, route: &Route) -> String {
        match self.claim {
            Claim::Url | Claim::Copy | Claim::Term => format!("`{}`", self.file.path(db)),
            Claim::Alias => format!("an alias in `{}`", self.file.path(db)),
            Claim::Taxonomies | Claim::FeedFilenames => describe_generated(route),
        }
    }
}

/// How a diagnostic names an output that no front matter asked for: the
/// built-ins, and the taxonomy pages the configuration makes.
fn describe_generated(route: &Route) -> String {
    match route {
        Route::Feed { source: FeedSource::Site, filename } => format!("the site's feed `{filename}`"),
        Route::Feed { source: FeedSource::Language(code), filename } => format!("the `{code}` feed `{filename}`"),
        Route::Feed { source: FeedSource::Section(_), filename } => format!("a section's feed `{filename}`"),
        Route::Feed { source: FeedSource::Term { taxonomy, term }, filename } => {
            format!("the `{}` term feed `{filename}` of `{term}`", taxonomy.name)
        }
        Route::Sitemap => "the sitemap".to_owned(),
        Route::Robots => "`robots.txt`".to_owned(),
        Route::SearchIndex { lang } => format!("the `{lang}` search index"),
        Route::NotFound => "the 404 page".to_owned(),
        Route::HighlightCss(filename) => format!("the highlighting style sheet `{filename}`"),
        Route::TaxonomyList(taxonomy) => format!("the list of `{}` terms", taxonomy.name),
        Route::Term { taxonomy, term, .. } => format!("the `{}` term page of `{term}`", taxonomy.name),
        Route::Page(_) | Route::Section { .. } | Route::Alias { .. } | Route::Copy(_) | Route::Stylesheet(_) => {
            "another output".to_owned()
        }
    }
}

#[derive(Default)]
struct Builder {
    routes: BTreeMap<String, Route>,
    owners: BTreeMap<String, Option<Owner>>,
    diagnostics: Vec<Diagnostic>,
    stats: RouteStats,
}

impl Builder {
    /// Adds a route at a URL path and says whether it was added. A URL that
    /// cannot be an output file, or one already taken, is a diagnostic on the
    /// value that asked for it; a clash names both claimants.
    fn add(&mut self, db: &dyn Database, url_path: &str, route: Route, owner: Option<Owner>) -> bool {
        let output = match output_path(url_path) {
            Ok(output) => output,
            Err(problem) => {
                // Built-in URLs are fixed strings, always safe.
                if let Some(owner) = owner {
                    self.diagnostics.push(
                        Diagnostic::error(
                            owner.file.path(db).clone(),
                            owner.range(db),
                            "qsite::routes::unsafe_path",
                            format!("the URL `{url_path}` cannot be an output file: {problem}"),
                        )
                        .with_help("write `path`, `slug` and `aliases` as plain URL paths such as `/blog/my-post/`"),
                    );
                }
                return false;
            }
        };
        if let Some(first_route) = self.routes.get(&output) {
            let first = self.owners.get(&output).copied().flatten();
            let describe = |claim: Option<Owner>, route: &Route| match claim {
                Some(claim) => claim.describe(db, route),
                None => describe_generated(route),
            };
            let (first_claimant, claimant) = (describe(first, first_route), describe(owner, &route));
            let claimants = if first_claimant == claimant {
                format!("{claimant} claims it twice")
            } else {
                format!("{first_claimant} and {claimant}")
            };
            if let Some(blamed) = owner.or(first) {
                self.diagnostics.push(
                    Diagnostic::error(
                        blamed.file.path(db).clone(),
                        blamed.range(db),
                        "qsite::routes::duplicate",
                        format!("two outputs claim the URL `{url_path}`: {claimants}"),
                    )
                    .with_help("change `slug`, `path` or `aliases` so each URL is produced once"),
                );
            }
            return false;
        }
        self.routes.insert(output.clone(), route);
        self.owners.insert(output, owner);
        true
    }
}
