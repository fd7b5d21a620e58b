//! The salsa inputs: the only values the outside world hands to queries.
//!
//! Everything else in this crate is derived from these. They are set only by
//! [`crate::Change::apply`], which compares before it sets so that an
//! unchanged save starts no new revision.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8PathBuf;
use salsa::Database;

use crate::body::Markdown;
use crate::host::HostHandle;

/// One file of the site, by its path relative to the site root
/// (`content/blog/a.md`, `templates/page.html`, `static/style.css`).
///
/// Its handle stays the same while the file exists, so a body edit changes
/// only `text` and queries keyed by the file keep their identity.
#[salsa::input(debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    #[returns(ref)]
    pub path: Utf8PathBuf,
    /// What the host read from disk.
    #[returns(ref)]
    pub text: FileText,
    /// The Markdown of this file, when the host found it in its
    /// content-addressed store; [`crate::markdown()`] uses it only if it was
    /// made from exactly these bytes.
    #[default]
    #[returns(ref)]
    pub prepared_markdown: Option<Prepared<Arc<Markdown>>>,
    /// The front matter of this file as an earlier process encoded it
    /// ([`crate::front_matter::encode`]); [`crate::front_matter()`] decodes
    /// it instead of parsing the text only if it was made from exactly these
    /// bytes.
    #[default]
    #[returns(ref)]
    pub prepared_front_matter: Option<Prepared<Arc<[u8]>>>,
}

/// A value an earlier process of the same qsite binary computed from a
/// file, with the [`content_hash`] of the bytes it was computed from: a
/// hint, used only while the file still has those bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared<T> {
    /// [`content_hash`] of the file it was made from.
    pub content_hash: [u8; 32],
    /// The value.
    pub value: T,
}

/// The blake3 of a file's bytes: what the host's stat cache records, and
/// what [`Prepared`] values are checked against. Known without the text for
/// files the host has not read.
///
/// Invalidated by an edit of the file; backdates when a file the host had
/// not read is read, since its bytes are the ones hashed.
#[salsa::tracked(returns(copy))]
pub fn content_hash(db: &dyn Database, file: SourceFile) -> [u8; 32] {
    match file.text(db) {
        FileText::Text(text) => *blake3::hash(text.as_bytes()).as_bytes(),
        FileText::NotUtf8 { lossy, .. } => *blake3::hash(lossy.as_bytes()).as_bytes(),
        FileText::Opaque { hash, .. } | FileText::Unread { hash } => *hash,
    }
}

/// The text of a file for a query that parses it: as the host handed it
/// over, or, for a file the host left unread, as the host reads it now
/// ([`crate::FileHost::text`]; empty when the file no longer has the bytes
/// it had, which fails the build); empty for a file whose bytes queries
/// never read.
pub fn text_of(db: &dyn Database, file: SourceFile) -> Arc<str> {
    match file.text(db) {
        FileText::Text(text) | FileText::NotUtf8 { lossy: text, .. } => text.clone(),
        FileText::Opaque { .. } => Arc::default(),
        FileText::Unread { hash } => {
            let host = Site::try_get(db).map(|site| site.host(db));
            host.and_then(|host| host.text(file.path(db), *hash)).unwrap_or_default()
        }
    }
}

/// The bytes of a file, for a query that digests them: a text's own, or,
/// for a file the host handed over only as a hash, as the host reads them
/// now ([`crate::FileHost::bytes`]). `None` for text that was not UTF-8
/// (queries hold only its readable part) and when the host cannot give the
/// bytes the hash was taken of, which fails the build.
pub fn bytes_of(db: &dyn Database, file: SourceFile) -> Option<Arc<[u8]>> {
    match file.text(db) {
        FileText::Text(text) => Some(Arc::from(text.as_bytes())),
        FileText::NotUtf8 { .. } => None,
        FileText::Opaque { hash, .. } | FileText::Unread { hash } => {
            Site::try_get(db)?.host(db).bytes(file.path(db), *hash)
        }
    }
}

/// The front matter an earlier process encoded from exactly this file's
/// bytes, if there is any: handed over with the file
/// ([`SourceFile::prepared_front_matter`]) or, for a file the host left
/// unread, asked of the host ([`crate::FileHost::stored_front_matter`]).
pub fn stored_front_matter(db: &dyn Database, file: SourceFile) -> Option<Arc<[u8]>> {
    if let Some(prepared) = file.prepared_front_matter(db)
        && prepared.content_hash == content_hash(db, file)
    {
        return Some(prepared.value.clone());
    }
    let FileText::Unread { hash } = file.text(db) else { return None };
    Site::try_get(db)?.host(db).stored_front_matter(file.path(db), *hash)
}

/// The contents of a file as queries see them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileText {
    /// Valid UTF-8 text.
    Text(Arc<str>),
    /// Bytes that are not valid UTF-8: `valid_up_to` locates the first bad byte
    /// so the diagnostic can point at it; `lossy` keeps the readable part.
    NotUtf8 { lossy: Arc<str>, valid_up_to: usize },
    /// A file whose bytes queries never read (static files, colocated assets):
    /// only its hash, so an edit still changes the input.
    Opaque { hash: [u8; 32], len: u64 },
    /// A text file the host did not read because it is unchanged since a
    /// build that stored its front matter: only the hash of its bytes. A
    /// query reads its front matter through `stored_front_matter` and, if
    /// it needs the text after all, the text through `text_of`; both ask
    /// the host.
    Unread { hash: [u8; 32] },
}

impl FileText {
    /// The text to parse; for bad UTF-8 the readable part, so parsing can still
    /// report the file's other problems.
    pub fn as_str(&self) -> &str {
        match self {
            FileText::Text(text) => text,
            FileText::NotUtf8 { lossy, .. } => lossy,
            FileText::Opaque { .. } | FileText::Unread { .. } => "",
        }
    }
}

/// The site as a whole: which files exist, the configuration text, and the
/// options of this build. A singleton, so lazy template objects and the
/// template loader can reach it from the attached database alone.
#[salsa::input(singleton, debug)]
pub struct Site {
    /// The set of files, by kind. Changes only when a file is added or removed.
    #[returns(ref)]
    pub files: SiteFiles,
    /// The text of `qsite.toml` (or the file named by `--config`).
    #[returns(ref)]
    pub config_file: SourceFile,
    /// Options that come from the command line and the clock, not from files.
    #[returns(ref)]
    pub options: BuildOptions,
    /// Values of whole-site queries an earlier build of this binary
    /// computed, handed over by a host that knows the configuration, the
    /// options, the file set and every page's metadata unchanged since:
    /// then they are what computing them again would give.
    #[default]
    #[returns(ref)]
    pub prepared_site: Option<Arc<PreparedSite>>,
    /// When this build started, for templates that print `now()`: set by
    /// the host at every build, read only through [`crate::dates::clock_text`],
    /// which backdates, so a page printing the year re-renders once a year.
    #[default]
    pub clock: BuildClock,
    /// What queries ask for the files the host left unread: set with the
    /// site, for as long as the database lives.
    #[returns(ref)]
    pub host: HostHandle,
}

/// The time a build started, as the host's clock and time zone give it:
/// queries never read a clock, they read [`Site::clock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BuildClock {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// The local time zone's offset from UTC at that moment, in seconds.
    pub offset_seconds: i32,
}

/// See [`Site::prepared_site`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedSite {
    /// [`crate::pages_matching`] by listing key: paths from the site root.
    pub listings: std::collections::HashMap<ListingKey, Arc<[String]>>,
    /// [`crate::collections::term_name`] by taxonomy and term slug.
    pub term_names: std::collections::HashMap<(TaxonomyId, String), Option<String>>,
}

/// A listing ([`crate::collections::Selector`]) with paths in place of salsa
/// ids, as traces and [`PreparedSite`] name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct ListingKey {
    /// `None`: every page; a section's `_index.md` path; or `taxonomy/term`.
    pub section: Option<String>,
    /// Taxonomy name and term slug.
    pub term: Option<(String, String)>,
    /// The language of the term's taxonomy (`None`: the default one), or
    /// with no section and no term, the one language whose every page the
    /// listing takes (`None`: every page of every language). Left out of
    /// keys where it is `None`, so they read as they did before languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The order.
    pub sort_by: String,
    /// At most this many.
    pub limit: Option<usize>,
}

/// A taxonomy of one language's pages. Zola files a French page's terms
/// under the French taxonomies (`/fr/tags/`), apart from the default
/// language's (`/tags/`) even when both have the same name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct TaxonomyId {
    /// Its name in front matter and in URLs.
    pub name: String,
    /// Its language's code; `None` for the default language, which keys
    /// stored before languages had taxonomies leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// As `explain` names it: `tags`, or `tags (fr)` for another language's.
impl std::fmt::Display for TaxonomyId {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.lang {
            None => formatter.write_str(&self.name),
            Some(lang) => write!(formatter, "{} ({lang})", self.name),
        }
    }
}

impl TaxonomyId {
    /// The taxonomy `name` of the language `lang` (`None`: the default one).
    pub fn new(name: &str, lang: Option<&str>) -> TaxonomyId {
        TaxonomyId { name: name.to_owned(), lang: lang.map(str::to_owned) }
    }
}

/// The files of a site, sorted by path within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFiles {
    /// Under `content/`, Markdown and colocated assets, keyed by the path
    /// relative to `content/` (`blog/a.md`).
    pub content: BTreeMap<Utf8PathBuf, SourceFile>,
    /// Under `templates/`, keyed by template name (`page.html`, `partials/nav.html`).
    pub templates: BTreeMap<String, SourceFile>,
    /// Under `data/`, keyed by the path relative to the site root (`data/authors.toml`).
    pub data: BTreeMap<Utf8PathBuf, SourceFile>,
    /// Under `static/`, keyed by the path relative to `static/` (`style.css`).
    pub static_files: BTreeMap<Utf8PathBuf, SourceFile>,
    /// Under `sass/`, stylesheets and their partials, keyed by the path
    /// relative to `sass/` (`css/site.scss`).
    pub sass: BTreeMap<Utf8PathBuf, SourceFile>,
    /// Under `themes/`, keyed by the path relative to `themes/`
    /// (`hyde/templates/page.html`): every theme's files, of which the
    /// configured theme's are used.
    pub themes: BTreeMap<Utf8PathBuf, SourceFile>,
    /// An empty home (`content/_index.fr.md`) that no host wrote, for each
    /// language code a content file's name carries (`a.fr.md`) or the
    /// configuration names: the home a declared language has when the site
    /// gives it none, as in Zola, even with no content of that language.
    pub language_homes: BTreeMap<String, SourceFile>,
}

/// Build options that do not live in the site's files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildOptions {
    /// `--drafts`: render pages marked `draft = true`.
    pub drafts: bool,
    /// `--base-url`: replaces `base_url` from the configuration.
    pub base_url: Option<String>,
}
