//! qsite's query graph: every salsa input and derived query. Pure and
//! deterministic: no file system, environment or clock (see `clippy.toml`).
//!
//! # Codemap
//!
//! ```text
//! inputs    SourceFile { path, text, prepared_* }    Site (singleton) { files, config_file, options, host }
//!           text may be Unread (hash only): text_of and stored_front_matter ask Site::host (FileHost)
//!           for it in the same pass; every answer is keyed by the file's content hash
//!              │                            │
//! change.rs  Change::apply: the only place inputs are set; compares before it sets
//!            (a site without content/_index.md gets an empty one no host wrote, as in Zola)
//!
//! config()                   qsite.toml → Config + diagnostics
//! languages()                config → the default and declared language codes (a.fr.md is French)
//! section_tree()             files → sections by folder and language, pages, parents, assets, translations
//!                            (file set and languages only)
//! translations(file)         a file's versions in every language; page_language(file): its code
//! front_matter(file)         TOML/YAML block → fields + diagnostics (or stored for these very bytes)
//! page_meta(file)            FIREWALL: title, date, URL, terms… a body edit leaves it equal
//!   page_title / page_location / page_dates / page_terms / page_draft / section_listing
//!                            the same, value by value: each backdates on its own
//! markdown_options()         config's `[markdown]` → MarkdownOptions (backdates on unrelated settings)
//! markdown(file)             body → HTML with link and heading markers, headings, links, code highlighted
//!                            (highlight.rs, giallo)  (own text and markdown_options only; stored under both)
//!   shortcodes/              scan: `{{ sc() }}` and `{% sc() %}…{% end %}` → placeholders + calls (own text)
//! page_content(file)         link markers filled with targets' URLs / titles (not memoized: a plain function)
//! link_check(file)           broken links and anchors, with its trace (check_links: the same, not memoized)
//! pages_matching(selector)   the ordered set a listing shows; changes only with membership/order
//!                            (Site::prepared_site's, when the host knows the metadata it reads unchanged)
//! subsections(section)       a section's subsections by weight, as Zola orders them
//! taxonomy_index(), term_name(taxonomy, slug)   taxonomies by TaxonomyId: name and language
//!                            (a French page's terms under the French `tags`, `/fr/tags/`)
//! ancestors(file), assets(file)  a page's or section's sections above it and colocated files (file set only)
//! file_digests(file)         SHA-2 digests of a file's bytes, asked of the host by hash (`get_hash(path=)`)
//! search_entry(file)         what the search index holds of a page or section (fields `[search]` leaves
//!                            out are empty): backdates on metadata edits the index does not show
//! search_text(file)          a body made plain for the search index, as Zola strips it
//! image_header(file)         an image's size and format, from its bytes' header (`resize_image`,
//!                            `get_image_metadata`); the host encodes resized images, never a query
//! route_table()              every output path → Route
//! rendered_output(route)     bytes + trace: site template (minijinja, lazy objects) or built-in (askama)
//!                            (render_output: the same, not memoized, for a build that writes each once)
//!   templates/anchor_links   heading markers filled with the anchor links the body's section asks for
//!                            (section's insert_anchor_links, anchor-link.html: traced reads)
//!   templates/               the minijinja environment: loader (Tera text → minijinja text through the
//!                            `dialects` crate, errors mapped back to the user's line), one registry table
//!                            of filters, tests and functions (callables by family), errors as diagnostics;
//!                            templates/shortcodes.rs fills a body's shortcode placeholders where `content`
//!                            is read (a `.md` call: the body rendered again there), on the render's trace
//!   render/stylesheet.rs     Sass → CSS through the `stylesheets` crate (grass); every file the compiler
//!                            reads or looks for, found or not, is a traced read (`sass(path)`)
//!   search_index.rs          a language's search index (elasticlunr or Fuse.js), from search_entry and
//!                            search_text through the traced reads
//! file_diagnostics(file)     one file's front matter, encoding and config problems
//! site_check()               every problem that neither renders nor link checks find, with its trace
//! trace/reads.rs             every value a render may read, declared once (traced_reads!): the Read kind,
//!                            its footprint, its name, its value, and the accessor render code calls
//! read_hash(read)            the StableHash of one value a render read, for verifying stored traces
//!   Read::footprint()        a file, the settings, or the site's metadata facets: what may change it
//!   facet_hashes(path)       per-facet hashes of a file's metadata, kept by the host beside its facts
//!   site_value(read)         a listing's pages or a term's name, handed back as Site::prepared_site
//! ```
//!
//! # Invariants
//! - A query never panics on user input; bad input is a value with
//!   [`Diagnostic`]s whose ranges are relative to the whole file.
//! - Listings read [`page_meta`] and [`pages_matching`], never a body, unless
//!   the template prints `content` or `summary`.
//! - Template objects fetch every field through a query on the attached
//!   database and never cache, so salsa records each render's real inputs.
//! - Every collection that reaches output is sorted by a stable key.
//! - Queries reach the host only through `text_of`, `bytes_of` and
//!   `stored_front_matter`, by a file's content hash: the host answers with what those bytes hold
//!   or fails the build, so nothing memoized depends on when it was asked.
//! - Render and link-check code reads queries only through `trace::reads`,
//!   which records each read on the trace: what salsa tracks in memory and
//!   what the cache persists are the same reads.
//! - Value hashes come from [`stable_hash::StableHash`], never from
//!   `std::hash::Hash`: a file hashes as its path, a salsa key not at all.
//! - Modules import only modules below them (`cargo xtask tidy` keeps the
//!   order): inputs → parsing → the site → traces → templates → rendering.

// The derive macros name `::queries::…`, which must resolve inside this crate too.
extern crate self as queries;

mod body;
pub mod builtin;
mod change;
mod collections;
pub mod config;
mod data;
mod database;
mod dates;
mod diagnostic;
pub mod diagnostics;
pub mod front_matter;
pub mod highlight;
mod host;
mod images;
mod inputs;
mod languages;
mod link_checking;
mod links;
mod lookup;
pub mod markdown;
pub mod markdown_options;
pub mod output_paths;
mod page;
mod query_log;
mod render;
pub mod route_names;
mod routes;
mod search_entries;
mod search_index;
mod sections;
pub mod shortcodes;
pub mod site_check;
pub mod site_paths;
pub mod stable_hash;
mod suggest;
mod templates;
#[cfg(test)]
mod test_db;
#[cfg(test)]
mod tests;
mod toml_values;
pub mod trace;
pub mod whole_site;
pub mod words;
mod zola_config;

pub use body::{Heading, InternalLink, Markdown, MissingLanguage};
pub use change::{Change, Inputs};
pub use collections::{Scope, Selector, Term, pages_matching, taxonomy_index};
pub use config::Config;
pub use database::{ExecutionLog, QueryDb};
pub use dates::{DateError, PageDate, parse_date};
pub use diagnostic::{Diagnostic, Severity};
pub use front_matter::{FrontMatter, SortBy};
pub use host::{FileHost, HostHandle, MemoryHost};
pub use inputs::{
    BuildClock, BuildOptions, FileText, Prepared, PreparedSite, Site, SiteFiles, SourceFile, bytes_of, content_hash,
};
pub use link_checking::{LinkCheck, check_links, link_check};
pub use links::{PageContent, page_content};
pub use lookup::file_at;
pub use output_paths::{UnsafePath, check_relative_path, output_path};
pub use page::{
    PageKind, PageLocation, PageMeta, page_dates, page_draft, page_location, page_meta, page_terms, page_title,
    section_listing,
};
pub use render::{RenderedOutput, render_output, rendered_output};
pub use routes::{Route, RouteKey, RouteStats, RouteTable, route_table};
/// What a query raises when a new revision cancels it; long-lived readers
/// (the development server) catch it and read again.
pub use salsa::Cancelled;
pub use sections::{SectionTree, section_tree};
