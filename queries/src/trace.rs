//! Verifying traces: what a render read, named so that a later process can
//! read it again and tell whether the render would come out the same.
//!
//! Renders record a [`Read`] at the same places that make salsa's edges
//! (the accessors in `render::reads`, used by the lazy template objects, the
//! template loader, the template functions and the built-in views), each with
//! the hash of the value it got. A new process that computes the same hashes
//! for every read of an output's trace knows the output is unchanged without
//! rendering it. Values are hashed with paths in place of salsa ids, so the
//! hashes mean the same in every process of the same qsite binary.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use camino::Utf8PathBuf;
use salsa::Database;
use serde::{Deserialize, Serialize};

pub use crate::collections::{ListingKey, listing_key};
use crate::collections::{Scope, Selector, TermKey, pages_matching, taxonomy_index, term_name};
use crate::config::config;
use crate::data::data_value;
use crate::diagnostics::file_diagnostics;
use crate::front_matter::SortBy;
use crate::inputs::Site;
use crate::inputs::{PreparedSite, SourceFile, content_hash};
use crate::links::resolve;
use crate::lookup::file_at;
use crate::page::{
    PageLocation, PageMeta, page_dates, page_draft, page_location, page_meta, page_terms, page_title, section_listing,
};
use crate::routes::{Route, route_table};
use crate::sections::section_tree;

/// One value a render read. File keys are paths relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Read {
    /// The parsed configuration.
    Config,
    /// A site template's text, or its absence.
    Template(String),
    /// Whether a content file exists (`get_page`, `get_section`, `get_url`).
    ContentFile(String),
    /// Whether any site file exists, by its path from the root (the
    /// built-in theme links `static/style.css` when there is one).
    FileExists(String),
    /// A data file's parsed value, or its absence.
    Data(String),
    /// A content file's whole metadata.
    PageMeta(String),
    /// Its title.
    PageTitle(String),
    /// Its URL and aliases.
    PageLocation(String),
    /// Its dates.
    PageDates(String),
    /// Its terms.
    PageTerms(String),
    /// Whether it is a draft.
    PageDraft(String),
    /// A section's order, pagination and page template.
    SectionListing(String),
    /// A content file's Markdown body: a pure function of its text.
    Body(String),
    /// Any file's bytes, by its path from the root: what a copied file copies.
    Bytes(String),
    /// The problems of one text file that neither renders nor link checks
    /// find: its front matter, its encoding, the configuration's own.
    FileDiagnostics(String),
    /// Every file's path: which files exist.
    FileSet,
    /// URLs that two things claim, and other problems of the route table.
    RouteDiagnostics,
    /// What a link destination resolves to: file and URL.
    LinkTarget(String),
    /// The pages a listing selects.
    PagesMatching(ListingKey),
    /// Every taxonomy's terms and their pages.
    TaxonomyIndex,
    /// One term's name: taxonomy and slug.
    TermName(String, String),
    /// Sections, pages and assets.
    SectionTree,
    /// Every output path and what produces it.
    RouteTable,
}

/// What the value of a [`Read`] is a function of, besides the configuration,
/// the build options and the set of files (which paths exist).
///
/// A host that knows those three are unchanged, and which files' contents
/// changed, can tell that a read scoped to one unchanged file still has its
/// hash without computing it: the per-file reads are most of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footprint {
    /// Nothing more: the configuration, the options and the file set alone.
    Settings,
    /// One file's contents, by path relative to the site root.
    File(String),
    /// These parts of every page's metadata: computed to be verified when
    /// one of them changed.
    Site(Facets),
}

/// A part of a page's metadata that whole-site reads depend on: an edit
/// that changes only a page's title touches the reads that depend on
/// titles (link texts, listings sorted by title), not the route table or
/// the listings sorted by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// `title`.
    Title,
    /// `date`, `updated`.
    Dates,
    /// URL path, permalink, slug, aliases.
    Location,
    /// Terms by taxonomy.
    Terms,
    /// `draft`.
    Draft,
    /// `weight`.
    Weight,
    /// A section's order, pagination and page template.
    Listing,
}

impl Facet {
    /// Every facet, in the order [`facet_hashes`] hashes them.
    pub const ALL: [Facet; 7] =
        [Facet::Title, Facet::Dates, Facet::Location, Facet::Terms, Facet::Draft, Facet::Weight, Facet::Listing];

    fn letter(self) -> char {
        match self {
            Facet::Title => 'T',
            Facet::Dates => 'D',
            Facet::Location => 'L',
            Facet::Terms => 'G',
            Facet::Draft => 'X',
            Facet::Weight => 'W',
            Facet::Listing => 'S',
        }
    }
}

/// A set of [`Facet`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facets(u8);

impl Facets {
    /// Every facet: what a section's edit, or a page without recorded
    /// facets, may have changed.
    pub const ALL: Facets = Facets(0x7f);

    /// The set of `facets`.
    pub fn of(facets: &[Facet]) -> Facets {
        Facets(facets.iter().fold(0, |bits, facet| bits | Facets::bit(*facet)))
    }

    fn bit(facet: Facet) -> u8 {
        1 << Facet::ALL.iter().position(|each| *each == facet).unwrap_or(0)
    }

    /// This set and `other`.
    pub fn with(self, other: Facets) -> Facets {
        Facets(self.0 | other.0)
    }

    /// Whether the two sets share a facet.
    pub fn meets(self, other: Facets) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether `facet` is in the set.
    pub fn has(self, facet: Facet) -> bool {
        self.0 & Facets::bit(facet) != 0
    }

    /// The set as a stored scope: [`SITE_SCOPE`] and a letter per facet.
    fn scope(self) -> String {
        let letters: String = Facet::ALL.iter().filter(|facet| self.has(**facet)).map(|facet| facet.letter()).collect();
        format!("{SITE_SCOPE}{letters}")
    }

    /// The facets a stored scope names; `None` for a scope that is not a
    /// site scope.
    pub fn from_scope(scope: &str) -> Option<Facets> {
        let letters = scope.strip_prefix(SITE_SCOPE)?;
        let facets: Vec<Facet> = letters
            .chars()
            .map(|letter| Facet::ALL.iter().copied().find(|facet| facet.letter() == letter))
            .collect::<Option<_>>()?;
        Some(Facets::of(&facets))
    }
}

impl Footprint {
    /// The footprint as the cache stores it beside each read, so a host can
    /// load only the reads an edit may have changed: a file's path,
    /// [`SETTINGS_SCOPE`], or [`SITE_SCOPE`] followed by a letter per facet.
    pub fn scope(&self) -> String {
        match self {
            Footprint::Settings => SETTINGS_SCOPE.to_owned(),
            Footprint::File(path) => path.clone(),
            Footprint::Site(facets) => facets.scope(),
        }
    }
}

/// The stored scope of reads whose footprint is [`Footprint::Settings`]; no
/// file path is empty.
pub const SETTINGS_SCOPE: &str = "";

/// How the stored scope of reads whose footprint is [`Footprint::Site`]
/// begins; no file path begins with `*`, which the walk never lists.
pub const SITE_SCOPE: &str = "*";

/// The hash of each [`Facet`] of a content file's metadata, in
/// [`Facet::ALL`]'s order, as one byte string to keep beside its facts. A
/// section's whole metadata counts in every facet: the route table reads it
/// all.
pub fn facet_hashes(db: &dyn Database, path: &str) -> Vec<u8> {
    let Some(file) = content_file(db, path) else { return Vec::new() };
    let meta = page_meta(db, file);
    let whole =
        (meta.kind == crate::page::PageKind::Section).then(|| current_hash(db, &Read::PageMeta(path.to_owned())));
    let mut bytes = Vec::with_capacity(Facet::ALL.len() * 32);
    for facet in Facet::ALL {
        let hash = match (whole, facet) {
            (Some(whole), _) => whole,
            (None, Facet::Title) => stable_hash(&meta.title),
            (None, Facet::Dates) => stable_hash(&(&meta.date, &meta.updated)),
            (None, Facet::Location) => stable_hash(&(&meta.url_path, &meta.permalink, &meta.slug, &meta.aliases)),
            (None, Facet::Terms) => stable_hash(&meta.taxonomies),
            (None, Facet::Draft) => stable_hash(&meta.draft),
            (None, Facet::Weight) => stable_hash(&meta.weight),
            (None, Facet::Listing) => stable_hash(&(meta.sort_by, meta.paginate_by, &meta.page_template)),
        };
        bytes.extend_from_slice(&hash);
    }
    bytes
}

/// The facets that differ between two [`facet_hashes`]: all of them when
/// either is not a whole record.
pub fn changed_facets(before: &[u8], after: &[u8]) -> Facets {
    let whole = Facet::ALL.len() * 32;
    if before.len() != whole || after.len() != whole {
        return Facets::ALL;
    }
    let changed: Vec<Facet> = Facet::ALL
        .iter()
        .zip(before.chunks(32).zip(after.chunks(32)))
        .filter(|(_, (old, new))| old != new)
        .map(|(facet, _)| *facet)
        .collect();
    Facets::of(&changed)
}

impl Read {
    /// What this read's value depends on; see [`Footprint`]. Each arm must
    /// name every input the queries behind [`value_hash`] reach for it.
    pub fn footprint(&self) -> Footprint {
        match self {
            // The parsed configuration text and the `--base-url` option.
            Read::Config => Footprint::Settings,
            // Whether a path exists; which sections hold which files.
            Read::ContentFile(_) | Read::FileExists(_) | Read::SectionTree | Read::FileSet => Footprint::Settings,
            // A template's text, or its absence.
            Read::Template(name) => Footprint::File(format!("templates/{name}")),
            // A data file's parsed value, or its absence.
            Read::Data(path) => Footprint::File(path.clone()),
            // `page_meta`: the file's front matter and path, the base URL
            // and its parent section from the section tree.
            Read::PageMeta(path)
            | Read::PageTitle(path)
            | Read::PageLocation(path)
            | Read::PageDates(path)
            | Read::PageTerms(path)
            | Read::PageDraft(path)
            | Read::SectionListing(path)
            | Read::Body(path)
            | Read::Bytes(path) => Footprint::File(path.clone()),
            // Front matter and encoding; the taxonomies and `--drafts`
            // from the settings.
            Read::FileDiagnostics(path) => Footprint::File(path.clone()),
            // Resolution goes through every page's URL; the target's title
            // and draft flag are reads of their own.
            Read::LinkTarget(_) => Footprint::Site(Facets::of(&[Facet::Location])),
            // Membership (drafts, and terms for a term's listing) and the
            // field it sorts by.
            Read::PagesMatching(key) => {
                let mut facets = vec![Facet::Draft];
                facets.extend(key.term.is_some().then_some(Facet::Terms));
                facets.extend(match key.sort_by.as_str() {
                    "Date" => Some(Facet::Dates),
                    "Title" => Some(Facet::Title),
                    "Weight" => Some(Facet::Weight),
                    _ => None,
                });
                Footprint::Site(Facets::of(&facets))
            }
            Read::TaxonomyIndex | Read::TermName(..) => Footprint::Site(Facets::of(&[Facet::Terms, Facet::Draft])),
            // URLs, aliases, term pages, and how many listing pages each
            // section and term has; sections' whole metadata.
            Read::RouteTable | Read::RouteDiagnostics => {
                Footprint::Site(Facets::of(&[Facet::Location, Facet::Terms, Facet::Draft, Facet::Listing]))
            }
        }
    }

    /// The read as text, to store in a cache.
    pub fn to_key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A read stored with [`Read::to_key`]; `None` for text from another
    /// version of this type, which then never verifies.
    pub fn from_key(key: &str) -> Option<Read> {
        serde_json::from_str(key).ok()
    }
}

/// A read as `qsite explain` names it: the query and its key.
impl std::fmt::Display for Read {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Read::Config => write!(formatter, "config"),
            Read::Template(name) => write!(formatter, "template(templates/{name})"),
            Read::ContentFile(path) => write!(formatter, "content_file_exists({path})"),
            Read::FileExists(path) => write!(formatter, "file_exists({path})"),
            Read::Data(path) => write!(formatter, "load_data({path})"),
            Read::PageMeta(path) => write!(formatter, "page_meta({path})"),
            Read::PageTitle(path) => write!(formatter, "page_title({path})"),
            Read::PageLocation(path) => write!(formatter, "page_location({path})"),
            Read::PageDates(path) => write!(formatter, "page_dates({path})"),
            Read::PageTerms(path) => write!(formatter, "page_terms({path})"),
            Read::PageDraft(path) => write!(formatter, "page_draft({path})"),
            Read::SectionListing(path) => write!(formatter, "section_listing({path})"),
            Read::Body(path) => write!(formatter, "markdown({path})"),
            Read::Bytes(path) => write!(formatter, "bytes({path})"),
            Read::FileDiagnostics(path) => write!(formatter, "file_diagnostics({path})"),
            Read::FileSet => write!(formatter, "file_set"),
            Read::RouteDiagnostics => write!(formatter, "route_diagnostics"),
            Read::LinkTarget(destination) => write!(formatter, "link_target({destination})"),
            Read::PagesMatching(key) => {
                let scope = match (&key.section, &key.term) {
                    (Some(section), _) => format!("section {section}"),
                    (None, Some((taxonomy, term))) => format!("{taxonomy} = {term}"),
                    (None, None) => "every page".to_owned(),
                };
                let limit = key.limit.map(|limit| format!(", limit {limit}")).unwrap_or_default();
                write!(formatter, "pages_matching({scope}, by {}{limit})", key.sort_by.to_lowercase())
            }
            Read::TaxonomyIndex => write!(formatter, "taxonomy_index"),
            Read::TermName(taxonomy, slug) => write!(formatter, "term_name({taxonomy}, {slug})"),
            Read::SectionTree => write!(formatter, "section_tree"),
            Read::RouteTable => write!(formatter, "route_table"),
        }
    }
}

/// The value of a whole-site read that a later process may be handed back
/// ([`crate::Site::prepared_site`]), as text: a listing's pages or a term's
/// name; `None` for other reads.
pub fn site_value(db: &dyn Database, read: &Read) -> Option<String> {
    match read {
        Read::PagesMatching(key) => {
            let pages = paths(db, pages_matching(db, selector(db, key)?));
            serde_json::to_string(&pages).ok()
        }
        Read::TermName(taxonomy, slug) => {
            serde_json::to_string(term_name(db, TermKey::new(db, taxonomy.clone(), slug.clone()))).ok()
        }
        _ => None,
    }
}

/// Whole-site values made by [`site_value`], by read key, as the database
/// takes them back; values that do not decode are left out.
pub fn prepared_site<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> PreparedSite {
    let mut prepared = PreparedSite::default();
    for (key, value) in values {
        match Read::from_key(key) {
            Some(Read::PagesMatching(listing)) => {
                if let Ok(pages) = serde_json::from_str::<Vec<String>>(value) {
                    prepared.listings.insert(listing, pages.into());
                }
            }
            Some(Read::TermName(taxonomy, slug)) => {
                if let Ok(name) = serde_json::from_str::<Option<String>>(value) {
                    prepared.term_names.insert((taxonomy, slug), name);
                }
            }
            _ => {}
        }
    }
    prepared
}

/// A read and the hash of the value it got.
pub type TraceEntry = (Read, [u8; 32]);

thread_local! {
    static RECORDER: RefCell<Option<Vec<TraceEntry>>> = const { RefCell::new(None) };
}

/// Runs `render` while recording its reads; returns its result and its trace,
/// sorted and without repeats. Renders run on one thread, inside one query.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<TraceEntry>) {
    let outer = RECORDER.with(|recorder| recorder.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut trace = RECORDER.with(|recorder| std::mem::replace(&mut *recorder.borrow_mut(), outer)).unwrap_or_default();
    trace.sort();
    trace.dedup();
    // A render reads the configuration hundreds of times: what is kept is
    // the few distinct reads, not the room the repeats took.
    trace.shrink_to_fit();
    (result, trace)
}

/// Records `read` on the render in progress, if any.
pub fn record(db: &dyn Database, read: Read) {
    let recording = RECORDER.with(|recorder| recorder.borrow().is_some());
    if recording {
        let hash = current_hash(db, &read);
        RECORDER.with(|recorder| {
            if let Some(trace) = recorder.borrow_mut().as_mut() {
                trace.push((read, hash));
            }
        });
    }
}

/// A `Hasher` that feeds blake3, so value hashes are wide and stable.
struct StableHasher(blake3::Hasher);

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        let bytes = self.0.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default())
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn stable_hash(value: &impl Hash) -> [u8; 32] {
    let mut hasher = StableHasher(blake3::Hasher::new());
    value.hash(&mut hasher);
    *hasher.0.finalize().as_bytes()
}

/// The path a read names a content file by.
pub fn file_key(db: &dyn Database, file: SourceFile) -> String {
    file.path(db).to_string()
}

fn content_file(db: &dyn Database, key: &str) -> Option<SourceFile> {
    key.starts_with("content/").then(|| file_at(db, key)).flatten()
}

fn paths(db: &dyn Database, files: &[SourceFile]) -> Vec<String> {
    files.iter().map(|&file| file_key(db, file)).collect()
}

fn selector<'db>(db: &'db dyn Database, key: &ListingKey) -> Option<Selector<'db>> {
    let scope = match (&key.section, &key.term) {
        (Some(section), _) => Scope::Section(content_file(db, section)?),
        (None, Some((taxonomy, term))) => Scope::Term(taxonomy.clone(), term.clone()),
        (None, None) => Scope::All,
    };
    let sort_by = [SortBy::Date, SortBy::Title, SortBy::Weight, SortBy::None]
        .into_iter()
        .find(|sort| format!("{sort:?}") == key.sort_by)?;
    Some(Selector::new(db, scope, sort_by, key.limit))
}

/// A [`Route`] with paths in place of salsa ids, as traces store it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum RouteName {
    Page(String),
    Section { section: String, pager: usize },
    TaxonomyList(String),
    Term { taxonomy: String, term: String, pager: usize },
    Alias { target: String },
    Feed,
    Sitemap,
    Robots,
    NotFound,
    Copy(String),
}

/// A route with paths in place of salsa ids: if the route behind an output
/// path changes, the output is rendered again.
pub fn route_key(db: &dyn Database, route: &Route) -> String {
    let name = match route {
        Route::Page(file) => RouteName::Page(file_key(db, *file)),
        Route::Section { section, pager } => RouteName::Section { section: file_key(db, *section), pager: *pager },
        Route::TaxonomyList(taxonomy) => RouteName::TaxonomyList(taxonomy.clone()),
        Route::Term { taxonomy, term, pager } => {
            RouteName::Term { taxonomy: taxonomy.clone(), term: term.clone(), pager: *pager }
        }
        Route::Alias { target } => RouteName::Alias { target: target.clone() },
        Route::Feed => RouteName::Feed,
        Route::Sitemap => RouteName::Sitemap,
        Route::Robots => RouteName::Robots,
        Route::NotFound => RouteName::NotFound,
        Route::Copy(file) => RouteName::Copy(file_key(db, *file)),
    };
    serde_json::to_string(&name).unwrap_or_default()
}

/// The route a [`route_key`] names, in this database: `None` when a file it
/// names is gone, or for text from another version of this type.
pub fn route_from_key(db: &dyn Database, key: &str) -> Option<Route> {
    let content = |path: &str| content_file(db, path);
    Some(match serde_json::from_str(key).ok()? {
        RouteName::Page(path) => Route::Page(content(&path)?),
        RouteName::Section { section, pager } => Route::Section { section: content(&section)?, pager },
        RouteName::TaxonomyList(taxonomy) => Route::TaxonomyList(taxonomy),
        RouteName::Term { taxonomy, term, pager } => Route::Term { taxonomy, term, pager },
        RouteName::Alias { target } => Route::Alias { target },
        RouteName::Feed => Route::Feed,
        RouteName::Sitemap => Route::Sitemap,
        RouteName::Robots => Route::Robots,
        RouteName::NotFound => Route::NotFound,
        RouteName::Copy(path) => Route::Copy(file_at(db, &path)?),
    })
}

/// Whether a [`route_key`] names a copied file: serde_json writes the
/// variant's name first, so the prefix tells without parsing.
pub fn names_copy(route_key: &str) -> bool {
    route_key.starts_with("{\"Copy\":")
}

/// Whether an output's route is the page of `path`: its own body is part of
/// it, not a body it shows of another page.
pub fn is_page_route(route_key: &str, path: &str) -> bool {
    serde_json::from_str::<RouteName>(route_key).is_ok_and(|name| name == RouteName::Page(path.to_owned()))
}

/// The key of [`read_hash`].
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct ReadKey<'db> {
    /// The read.
    #[returns(ref)]
    pub read: Read,
}

/// The hash of the value `read` names, computed now. A read whose key no
/// longer resolves (a deleted file) hashes as absent, so it never verifies
/// against a trace that saw it present.
pub fn current_hash(db: &dyn Database, read: &Read) -> [u8; 32] {
    read_hash(db, ReadKey::new(db, read.clone()))
}

/// [`current_hash`], memoized: a read that many renders share (the
/// configuration, a listing) is hashed once per revision, not once a render.
///
/// Invalidated by the queries the read names.
#[salsa::tracked(returns(copy))]
pub fn read_hash<'db>(db: &'db dyn Database, key: ReadKey<'db>) -> [u8; 32] {
    value_hash(db, key.read(db))
}

fn value_hash(db: &dyn Database, read: &Read) -> [u8; 32] {
    let absent = || stable_hash(&"absent");
    let with_file = |key: &str, hash: &dyn Fn(SourceFile) -> [u8; 32]| content_file(db, key).map_or_else(absent, hash);
    match read {
        Read::Config => stable_hash(&(&*config(db).config, &config(db).diagnostics.len())),
        Read::Template(name) => {
            stable_hash(&file_at(db, &format!("templates/{name}")).map(|file| content_hash(db, file)))
        }
        Read::ContentFile(key) => stable_hash(&content_file(db, key).is_some()),
        Read::FileExists(key) => stable_hash(&file_at(db, key).is_some()),
        Read::Data(key) => stable_hash(
            &file_at(db, key)
                .map(|file| data_value(db, file).as_ref().map_err(|diagnostic| diagnostic.message.clone()).cloned()),
        ),
        Read::PageMeta(key) => with_file(key, &|file| {
            // Destructured, so that a field added to `PageMeta` cannot be
            // left out of its hash.
            let PageMeta {
                kind,
                title,
                description,
                date,
                updated,
                slug,
                url_path,
                permalink,
                taxonomies,
                draft,
                weight,
                authors,
                aliases,
                template,
                page_template,
                sort_by,
                paginate_by,
                extra,
                parent,
                relative_path,
            } = page_meta(db, file);
            let parent = parent.map(|parent| file_key(db, parent));
            stable_hash(&(
                (kind, title, description, date, updated),
                (slug, url_path, permalink, taxonomies, draft, weight),
                (authors, aliases, template, page_template, sort_by),
                (paginate_by, extra, parent, relative_path),
            ))
        }),
        Read::PageTitle(key) => with_file(key, &|file| stable_hash(page_title(db, file))),
        Read::PageLocation(key) => with_file(key, &|file| {
            let PageLocation { url_path, permalink, slug, aliases } = page_location(db, file);
            stable_hash(&(url_path, permalink, slug, aliases))
        }),
        Read::PageDates(key) => with_file(key, &|file| stable_hash(page_dates(db, file))),
        Read::PageTerms(key) => with_file(key, &|file| stable_hash(page_terms(db, file))),
        Read::PageDraft(key) => with_file(key, &|file| stable_hash(&page_draft(db, file))),
        Read::SectionListing(key) => with_file(key, &|file| {
            let (sort_by, paginate_by, page_template) = section_listing(db, file);
            stable_hash(&(format!("{sort_by:?}"), paginate_by, page_template))
        }),
        Read::Body(key) => with_file(key, &|file| content_hash(db, file)),
        Read::Bytes(key) => file_at(db, key).map_or_else(absent, |file| content_hash(db, file)),
        Read::FileDiagnostics(key) => {
            file_at(db, key).map_or_else(absent, |file| stable_hash(file_diagnostics(db, file)))
        }
        Read::FileSet => {
            let files = Site::get(db).files(db);
            let paths: Vec<&Utf8PathBuf> = (files.content.values())
                .chain(files.templates.values())
                .chain(files.data.values())
                .chain(files.static_files.values())
                .map(|file| file.path(db))
                .collect();
            stable_hash(&paths)
        }
        Read::RouteDiagnostics => stable_hash(&route_table(db).diagnostics),
        Read::LinkTarget(destination) => {
            let resolved = resolve(db, destination);
            stable_hash(&resolved.file.map(|file| (file_key(db, file), page_location(db, file).permalink.clone())))
        }
        Read::PagesMatching(key) => {
            selector(db, key).map_or_else(absent, |selector| stable_hash(&paths(db, pages_matching(db, selector))))
        }
        Read::TermName(taxonomy, slug) => stable_hash(term_name(db, TermKey::new(db, taxonomy.clone(), slug.clone()))),
        Read::TaxonomyIndex => {
            let index = taxonomy_index(db);
            let none = String::new();
            let mut by_paths = Vec::new();
            for (taxonomy, terms) in index.iter() {
                // The taxonomy itself, so one without terms still counts.
                by_paths.push((taxonomy, &none, &none, Vec::new()));
                for term in terms.values() {
                    by_paths.push((taxonomy, &term.slug, &term.name, paths(db, &term.pages)));
                }
            }
            stable_hash(&by_paths)
        }
        Read::SectionTree => {
            let tree = section_tree(db);
            let sections: Vec<(String, String, Vec<String>, Vec<String>)> = tree
                .sections
                .iter()
                .map(|(dir, entry)| {
                    (dir.to_string(), file_key(db, entry.file), paths(db, &entry.pages), paths(db, &entry.subsections))
                })
                .collect();
            let assets: Vec<(String, String)> =
                tree.assets.iter().map(|(path, file)| (path.to_string(), file_key(db, *file))).collect();
            stable_hash(&(sections, paths(db, &tree.pages), assets))
        }
        Read::RouteTable => {
            let table = route_table(db);
            let routes: Vec<(&String, String)> =
                table.routes.iter().map(|(output, route)| (output, route_key(db, route))).collect();
            stable_hash(&routes)
        }
    }
}
