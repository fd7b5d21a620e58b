//! Every value a render may read, declared once (see `declare.rs`), and the
//! accessors render code reads them through.
//!
//! Render, link-check and site-check code imports these instead of the
//! queries themselves, so every value a render depends on reaches both salsa
//! (through the query call) and the persisted trace (through [`record`]);
//! the two cannot disagree as long as that code reads nothing but these.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8PathBuf;
use salsa::Database;
use serde::{Deserialize, Serialize};

use super::footprint::{Facet, Facets, Footprint};
use super::{content_at, record, selector};
use crate::body::Markdown;
use crate::collections::{Selector, TaxonomyIndex, TermKey};
use crate::config::ConfigResult;
use crate::data::{DataFormat, ShaType, data_value};
use crate::dates::{ClockFormat, PageDate, clock_text};
use crate::diagnostic::Diagnostic;
use crate::images::{ImageInfo, image_header};
use crate::inputs::{ListingKey, Site, SourceFile, TaxonomyId, bytes_of, content_hash, text_of};
use crate::links::{PageContent, Resolved, resolve};
use crate::lookup::file_at;
use crate::markdown_options::AnchorPlacement;
use crate::page::{ListingSettings, PageLocation, PageMeta};
use crate::routes::RouteTable;
use crate::search_entries::SearchEntry;
use crate::sections::SectionTree;
use crate::site_paths::{content_path, template_path, theme_template_name, theme_template_path};
use crate::stable_hash::stable_hash;

traced_reads! {
    files {
        /// A content file's whole metadata.
        PageMeta => fn page_meta -> &PageMeta = crate::page::page_meta, in content_at;
        /// A page's title.
        PageTitle => fn page_title -> &String = crate::page::page_title, in content_at;
        /// A page's URL and aliases.
        PageLocation => fn page_location -> &PageLocation = crate::page::page_location, in content_at;
        /// A page's dates.
        PageDates => fn page_dates -> &(Option<PageDate>, Option<PageDate>) = crate::page::page_dates, in content_at;
        /// A page's terms.
        PageTerms => fn page_terms -> &BTreeMap<String, Vec<String>> = crate::page::page_terms, in content_at;
        /// Whether a page is marked `draft`.
        PageDraft => fn page_draft -> bool = crate::page::page_draft, in content_at;
        /// A section's order, pagination and page template.
        SectionListing
            => fn section_listing -> &ListingSettings = crate::page::section_listing,
            in content_at;
        /// What a page or section gives the search index besides its text.
        SearchEntry
            => fn search_entry -> &SearchEntry = crate::search_entries::search_entry, in content_at;
        /// A section's own `insert_anchor_links`, for its headings and its pages'.
        SectionAnchorLinks
            => fn section_anchor_links -> Option<AnchorPlacement> = crate::page::section_anchor_links,
            in content_at;
        /// A content file's language code.
        PageLanguage => fn page_language -> &String = crate::languages::page_language, in content_at;
        /// The problems of one text file that neither renders nor link checks
        /// find: its front matter, its encoding, the configuration's own.
        FileDiagnostics
            => fn file_diagnostics -> &Vec<Diagnostic> = crate::diagnostics::file_diagnostics, in file_at;
    }
    others {
        /// The parsed configuration and its problems.
        Config {
            name: "config",
            footprint: Footprint::Settings,
            value(db): crate::config::config(db),
        }
        /// A site template's text, or its absence.
        Template(name: String) {
            name: format_args!("template({})", template_path(name)),
            footprint: Footprint::File(template_path(name)),
            value(db): file_at(db, &template_path(name)).map(|file| content_hash(db, file)),
        }
        /// Whether a content file exists (`get_page`, `get_section`, `get_url`).
        ContentFile(path: String) {
            name: format_args!("content_file_exists({path})"),
            footprint: Footprint::Settings,
            value(db): content_at(db, path).is_some(),
        }
        /// Whether any site file exists, by its path from the root (the
        /// built-in theme links `static/style.css` when there is one).
        FileExists(path: String) {
            name: format_args!("file_exists({path})"),
            footprint: Footprint::Settings,
            value(db): file_at(db, path).is_some(),
        }
        /// A site file's value as `load_data` reads it in one format, or its
        /// problem, or its absence.
        Data(path: String, format: DataFormat) {
            name: format_args!("load_data({path}, {format:?})"),
            footprint: Footprint::File(path.clone()),
            value(db): file_at(db, path).map(|file| data_value(db, file, *format)),
        }
        /// A content file's Markdown body: a pure function of its text and
        /// the `[markdown]` settings, so those stand for it.
        Body(path: String) {
            name: format_args!("markdown({path})"),
            footprint: Footprint::File(path.clone()),
            value(db): content_at(db, path)
                .map(|file| (content_hash(db, file), crate::markdown::markdown_options(db))),
        }
        /// How the configuration asks bodies to be rendered.
        MarkdownOptions {
            name: "markdown_options",
            footprint: Footprint::Settings,
            value(db): crate::markdown::markdown_options(db),
        }
        /// What a template printed of the build clock (`now()`), spelled as
        /// [`crate::dates::ClockFormat`] spells it.
        Clock(spelling: String) {
            name: format_args!("now({spelling})"),
            footprint: Footprint::Clock,
            value(db): clock_text(db, ClockFormat::new(db, spelling.clone())),
        }
        /// Any file's bytes, by its path from the root: what a copied file copies.
        Bytes(path: String) {
            name: format_args!("bytes({path})"),
            footprint: Footprint::File(path.clone()),
            value(db): file_at(db, path).map(|file| content_hash(db, file)),
        }
        /// A file a stylesheet read, or looked for and did not find (an
        /// import may be in several places; adding a file at one it looked
        /// at changes what it compiles to).
        Sass(path: String) {
            name: format_args!("sass({path})"),
            footprint: Footprint::File(path.clone()),
            value(db): file_at(db, path).map(|file| content_hash(db, file)),
        }
        /// An image's size and format, or why they cannot be read, or its
        /// absence (`get_image_metadata`, `resize_image`).
        ImageHeader(path: String) {
            name: format_args!("image_header({path})"),
            footprint: Footprint::File(path.clone()),
            value(db): file_at(db, path).map(|file| image_header(db, file)),
        }
        /// A resized image a render asked for: the source's path, the name
        /// of the result under `processed_images/` and the resize as
        /// [`imaging::Resize`] spells it. Its value is the source's header,
        /// which is all the render printed; the trace's read is how the host
        /// learns which images to encode.
        ResizedImage(source: String, file_name: String, resize: String) {
            name: format_args!("resized_image({source}, {resize}) = {file_name}"),
            footprint: Footprint::File(source.clone()),
            value(db): file_at(db, source).map(|file| image_header(db, file)),
        }
        /// Every file's path: which files exist.
        FileSet {
            name: "file_set",
            footprint: Footprint::Settings,
            value(db): file_paths(db),
        }
        /// URLs that two things claim, and other problems of the route table.
        RouteDiagnostics {
            name: "route_diagnostics",
            footprint: route_footprint(),
            value(db): &crate::routes::route_table(db).diagnostics,
        }
        /// What a link destination resolves to: file and URL. The target's
        /// title and draft flag are reads of their own.
        LinkTarget(destination: String) {
            name: format_args!("link_target({destination})"),
            footprint: Footprint::Site(Facets::of(&[Facet::Location])),
            value(db): resolve(db, destination)
                .file
                .map(|file| (file, &crate::page::page_location(db, file).permalink)),
        }
        /// The pages a listing selects.
        PagesMatching(key: ListingKey) {
            name: ListingName(key),
            footprint: listing_footprint(key),
            value(db): selector(db, key).map(|selector| crate::collections::pages_matching(db, selector)),
        }
        /// Every taxonomy's terms and their pages.
        TaxonomyIndex {
            name: "taxonomy_index",
            footprint: Footprint::Site(Facets::of(&[Facet::Terms, Facet::Draft])),
            value(db): crate::collections::taxonomy_index(db),
        }
        /// One term's name: taxonomy and slug.
        TermName(taxonomy: TaxonomyId, slug: String) {
            name: format_args!("term_name({taxonomy}, {slug})"),
            footprint: Footprint::Site(Facets::of(&[Facet::Terms, Facet::Draft])),
            value(db): crate::collections::term_name(db, TermKey::new(db, taxonomy.clone(), slug.clone())),
        }
        /// A section's subsections, in order.
        Subsections(path: String) {
            name: format_args!("subsections({path})"),
            footprint: Footprint::Site(Facets::of(&[Facet::Weight])),
            value(db): content_at(db, path).map(|file| crate::collections::subsections(db, file)),
        }
        /// The sections above a page or section, the home first.
        Ancestors(path: String) {
            name: format_args!("ancestors({path})"),
            footprint: Footprint::Settings,
            value(db): content_at(db, path).map(|file| crate::sections::ancestors(db, file)),
        }
        /// A page bundle's or a section's colocated assets.
        Assets(path: String) {
            name: format_args!("assets({path})"),
            footprint: Footprint::Settings,
            value(db): content_at(db, path).map(|file| crate::sections::assets(db, file)),
        }
        /// The versions of a content file in every language: which files
        /// exist, and the languages.
        Translations(path: String) {
            name: format_args!("translations({path})"),
            footprint: Footprint::Settings,
            value(db): content_at(db, path).map(|file| crate::sections::translations(db, file)),
        }
        /// Sections, pages and assets: which sections hold which files.
        SectionTree {
            name: "section_tree",
            footprint: Footprint::Settings,
            value(db): crate::sections::section_tree(db),
        }
        /// Every output path and what produces it.
        RouteTable {
            name: "route_table",
            footprint: route_footprint(),
            value(db): &crate::routes::route_table(db).routes,
        }
    }
}

/// What the route table reads of every page: URLs, aliases, term pages, and
/// how many listing pages each section and term has.
fn route_footprint() -> Footprint {
    Footprint::Site(Facets::of(&[Facet::Location, Facet::Terms, Facet::Draft, Facet::Listing]))
}

/// What a listing depends on: membership (drafts, and terms for a term's
/// listing) and the field it sorts by.
fn listing_footprint(key: &ListingKey) -> Footprint {
    let mut facets = vec![Facet::Draft];
    facets.extend(key.term.is_some().then_some(Facet::Terms));
    facets.extend(match key.sort_by.as_str() {
        "Date" | "UpdateDate" => Some(Facet::Dates),
        "Title" | "TitleBytes" => Some(Facet::Title),
        "Weight" => Some(Facet::Weight),
        "Slug" | "Permalink" => Some(Facet::Location),
        _ => None,
    });
    Footprint::Site(Facets::of(&facets))
}

/// A listing as `explain` names it: `pages_matching(section content/blog/_index.md, by date)`.
struct ListingName<'a>(&'a ListingKey);

impl std::fmt::Display for ListingName<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = self.0;
        let scope = match (&key.section, &key.term, &key.lang) {
            (Some(section), _, _) => format!("section {section}"),
            (None, Some((taxonomy, term)), None) => format!("{taxonomy} = {term}"),
            (None, Some((taxonomy, term)), Some(lang)) => format!("{taxonomy} ({lang}) = {term}"),
            (None, None, None) => "every page".to_owned(),
            (None, None, Some(lang)) => format!("every page in {lang}"),
        };
        let limit = key.limit.map(|limit| format!(", limit {limit}")).unwrap_or_default();
        write!(formatter, "pages_matching({scope}, by {}{limit})", key.sort_by.to_lowercase())
    }
}

/// Every file's path, content, templates, data and static files in turn.
fn file_paths(db: &dyn Database) -> Vec<&Utf8PathBuf> {
    let files = Site::get(db).files(db);
    (files.content.values())
        .chain(files.templates.values())
        .chain(files.data.values())
        .chain(files.static_files.values())
        .chain(files.sass.values())
        .map(|file| file.path(db))
        .collect()
}

/// The configuration.
pub fn config(db: &dyn Database) -> &ConfigResult {
    record(db, Read::Config);
    crate::config::config(db)
}

/// Whether a page is left out of this build (the `--drafts` flag is part of
/// the build's options, which the cache compares as a whole).
pub fn is_hidden(db: &dyn Database, file: SourceFile) -> bool {
    record(db, Read::PageDraft(file.path(db).to_string()));
    crate::page::is_hidden(db, file)
}

/// The selector of a section's listing.
pub fn section_selector<'db>(db: &'db dyn Database, section: SourceFile) -> Selector<'db> {
    Selector::new(db, crate::collections::Scope::Section(section), section_listing(db, section).sort_by, None)
}

/// A body's headings, links and word count.
pub fn markdown(db: &dyn Database, file: SourceFile) -> &Arc<Markdown> {
    record(db, Read::Body(file.path(db).to_string()));
    record(db, Read::MarkdownOptions);
    crate::markdown::markdown(db, file)
}

/// How the configuration asks Markdown to be rendered.
pub fn markdown_options(db: &dyn Database) -> &crate::markdown_options::MarkdownOptions {
    record(db, Read::MarkdownOptions);
    crate::markdown::markdown_options(db)
}

/// A body with its links resolved: the body itself and each link's target.
/// Its headings still carry their markers: renders show it through
/// `crate::templates::anchor_links`, which fills them.
pub fn page_content(db: &dyn Database, file: SourceFile) -> Arc<PageContent> {
    filled_links(db, markdown(db, file))
}

/// A body's text as the search index holds it: a function of the body with
/// its links resolved (and the configuration), so recorded as those: the
/// body itself and each link's target.
pub fn search_text(db: &dyn Database, file: SourceFile) -> &Arc<str> {
    for link in &markdown(db, file).links {
        link_target(db, &link.destination);
    }
    crate::search_entries::search_text(db, file)
}

/// A rendering made during this render (a body rendered again after its
/// Markdown shortcodes printed) with its links resolved: each link's target.
pub fn filled_links(db: &dyn Database, markdown: &Markdown) -> Arc<PageContent> {
    for link in &markdown.links {
        link_target(db, &link.destination);
    }
    crate::links::filled_links(db, markdown)
}

/// A content file's text and where its body starts: what its Markdown is
/// made of, recorded as the body it makes.
pub fn body_source(db: &dyn Database, file: SourceFile) -> (Arc<str>, usize) {
    record(db, Read::Body(file.path(db).to_string()));
    let text = text_of(db, file);
    let offset = crate::front_matter::front_matter(db, file).body_offset.min(text.len());
    (text, offset)
}

/// What a link destination resolves to. Recorded as the resolution (which
/// page, at which URL) and that page's own title and draft flag, so that a
/// title edit reaches the pages linking to that page alone.
pub fn link_target(db: &dyn Database, destination: &str) -> Resolved {
    record(db, Read::LinkTarget(destination.to_owned()));
    let resolved = resolve(db, destination);
    if let Some(target) = resolved.file {
        record(db, Read::PageTitle(target.path(db).to_string()));
        record(db, Read::PageDraft(target.path(db).to_string()));
    }
    resolved
}

/// The pages a listing selects.
pub fn pages_matching<'db>(db: &'db dyn Database, selector: Selector<'db>) -> &'db Arc<[SourceFile]> {
    record(db, Read::PagesMatching(crate::collections::listing_key(db, selector)));
    crate::collections::pages_matching(db, selector)
}

/// Every taxonomy's terms.
pub fn taxonomy_index(db: &dyn Database) -> &Arc<TaxonomyIndex> {
    record(db, Read::TaxonomyIndex);
    crate::collections::taxonomy_index(db)
}

/// One term's name.
pub fn term_name(db: &dyn Database, taxonomy: &TaxonomyId, slug: &str) -> Option<String> {
    record(db, Read::TermName(taxonomy.clone(), slug.to_owned()));
    crate::collections::term_name(db, TermKey::new(db, taxonomy.clone(), slug.to_owned())).clone()
}

/// A section's subsections, in order.
pub fn subsections(db: &dyn Database, section: SourceFile) -> &Arc<[SourceFile]> {
    record(db, Read::Subsections(section.path(db).to_string()));
    crate::collections::subsections(db, section)
}

/// The sections above a page or section, the home first.
pub fn ancestors(db: &dyn Database, file: SourceFile) -> &Arc<[SourceFile]> {
    record(db, Read::Ancestors(file.path(db).to_string()));
    crate::sections::ancestors(db, file)
}

/// A page bundle's or a section's colocated assets, as URL paths.
pub fn assets(db: &dyn Database, file: SourceFile) -> &Arc<[String]> {
    record(db, Read::Assets(file.path(db).to_string()));
    crate::sections::assets(db, file)
}

/// The versions of a content file in every language, itself included.
pub fn translations(db: &dyn Database, file: SourceFile) -> &Arc<[SourceFile]> {
    record(db, Read::Translations(file.path(db).to_string()));
    crate::sections::translations(db, file)
}

/// Sections, pages and assets.
pub fn section_tree(db: &dyn Database) -> &Arc<SectionTree> {
    record(db, Read::SectionTree);
    crate::sections::section_tree(db)
}

/// Every output.
pub fn route_table(db: &dyn Database) -> &Arc<RouteTable> {
    record(db, Read::RouteTable);
    crate::routes::route_table(db)
}

/// The problems of the route table.
pub fn route_diagnostics(db: &dyn Database) -> &[Diagnostic] {
    record(db, Read::RouteDiagnostics);
    &crate::routes::route_table(db).diagnostics
}

/// Which files the site has.
pub fn site_files(db: &dyn Database) -> &crate::inputs::SiteFiles {
    record(db, Read::FileSet);
    Site::get(db).files(db)
}

/// A content file by its path under `content/`, if it exists.
pub fn content_file(db: &dyn Database, content_relative: &str) -> Option<SourceFile> {
    let path = content_path(content_relative);
    record(db, Read::ContentFile(path.clone()));
    file_at(db, &path)
}

/// Whether the site has a file at `path` (from the root).
pub fn file_exists(db: &dyn Database, path: &str) -> bool {
    record(db, Read::FileExists(path.to_owned()));
    file_at(db, path).is_some()
}

/// The hash of the bytes of the file at `path` (from the root), if the site
/// has one: what `get_url(cachebust=true)` stamps on a URL.
pub fn file_hash(db: &dyn Database, path: &str) -> Option<[u8; 32]> {
    record(db, Read::Bytes(path.to_owned()));
    file_at(db, path).map(|file| content_hash(db, file))
}

/// One SHA-2 digest of the bytes of the file at `path` (from the root), if
/// the site has the file and its bytes can be had: what `get_hash(path=…)`
/// prints. Recorded as the file's bytes, of which it is a pure function.
pub fn file_digest(db: &dyn Database, path: &str, sha: ShaType) -> Option<Option<Vec<u8>>> {
    record(db, Read::Bytes(path.to_owned()));
    let file = file_at(db, path)?;
    Some(crate::data::file_digest(db, file, sha).map(<[u8]>::to_vec))
}

/// The text of the file at `path` (from the root) for the Sass compiler, or
/// `None` when the site has no such file. Any file a stylesheet names may be
/// imported, a copied one too, so it is read by its bytes.
pub fn sass_source(db: &dyn Database, path: &str) -> Option<String> {
    record(db, Read::Sass(path.to_owned()));
    let file = file_at(db, path)?;
    Some(match bytes_of(db, file) {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // Text that was not UTF-8: its readable part, as its encoding
        // problem is reported with the file's own.
        None => text_of(db, file).to_string(),
    })
}

/// The build clock as `spelling` ([`crate::dates::ClockFormat`]) spells it.
pub fn clock(db: &dyn Database, spelling: &str) -> Result<String, String> {
    record(db, Read::Clock(spelling.to_owned()));
    clock_text(db, ClockFormat::new(db, spelling.to_owned())).clone()
}

/// A site file's value as `load_data` reads it in `format`, by its path
/// relative to the site root.
pub fn data<'db>(
    db: &'db dyn Database,
    path: &str,
    format: DataFormat,
) -> Option<&'db Result<minijinja::Value, Diagnostic>> {
    record(db, Read::Data(path.to_owned(), format));
    let file = file_at(db, path)?;
    Some(data_value(db, file, format))
}

/// The file of the template `name`: the site's own, else the configured
/// theme's copy (which `hyde/templates/page.html` names in full). Records
/// the site's absence as well as the theme's file, so adding the site's own
/// copy later re-renders what used the theme's.
pub fn template_file(db: &dyn Database, name: &str) -> Option<SourceFile> {
    record(db, Read::Template(name.to_owned()));
    if let Some(file) = file_at(db, &template_path(name)) {
        return Some(file);
    }
    let theme = config(db).config.theme.as_deref()?;
    let path = theme_template_path(theme, theme_template_name(theme, name).unwrap_or(name));
    file_hash(db, &path)?;
    file_at(db, &path)
}

/// A site template's text, if the site or its theme has one of that name.
pub fn template_text(db: &dyn Database, name: &str) -> Option<Arc<str>> {
    template_file(db, name).map(|file| text_of(db, file))
}

/// The size and format of the image at `path` (from the root), if the site
/// has that file: what `get_image_metadata` returns.
pub fn image_info<'db>(db: &'db dyn Database, path: &str) -> Option<&'db Result<ImageInfo, String>> {
    record(db, Read::ImageHeader(path.to_owned()));
    file_at(db, path).map(|file| image_header(db, file))
}

/// The header of the image at `source` (from the root), recorded as the
/// render's request for `resize` of it, written as `file_name` under
/// `processed_images/`: the host encodes every image the renders asked for.
pub fn resized_image<'db>(
    db: &'db dyn Database,
    source: &str,
    file_name: &str,
    resize: &imaging::Resize,
) -> Option<&'db Result<ImageInfo, String>> {
    record(db, Read::ResizedImage(source.to_owned(), file_name.to_owned(), resize.to_string()));
    file_at(db, source).map(|file| image_header(db, file))
}
