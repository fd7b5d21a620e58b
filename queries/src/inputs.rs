//! The salsa inputs: the only values the outside world hands to queries.
//!
//! Everything else in this crate is derived from these. They are set only by
//! [`crate::Change::apply`], which compares before it sets so that an
//! unchanged save starts no new revision.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use camino::Utf8PathBuf;
use salsa::Database;

use crate::markdown::Markdown;

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

/// Files whose text a query needed but the host had not read, since the
/// host last took them. Process-wide: a query cannot do IO, so it notes the
/// path here and computes with an empty text; the host reads the files,
/// sets their text (which invalidates what was computed without it) and
/// asks again, before anything reaches the output.
static WANTED: Mutex<BTreeSet<Utf8PathBuf>> = Mutex::new(BTreeSet::new());

/// The text of a file for a query that parses it, noting in [`take_wanted`]
/// a file the host has not read.
pub fn text_of(db: &dyn Database, file: SourceFile) -> &str {
    let text = file.text(db);
    if let FileText::Unread { .. } = text {
        WANTED.lock().unwrap_or_else(|poison| poison.into_inner()).insert(file.path(db).clone());
    }
    text.as_str()
}

/// Takes the files queries needed unread (see [`text_of`]); empty when
/// every result so far was computed from real text.
pub fn take_wanted() -> BTreeSet<Utf8PathBuf> {
    std::mem::take(&mut *WANTED.lock().unwrap_or_else(|poison| poison.into_inner()))
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
    /// A text file the host did not read because it unchanged since a build
    /// whose [`Prepared`] values for it the host handed over: only the hash
    /// of its bytes. A query that needs the text after all reads it through
    /// [`text_of`], which asks the host for it.
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
}

/// See [`Site::prepared_site`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedSite {
    /// [`crate::pages_matching`] by listing key: paths from the site root.
    pub listings: std::collections::HashMap<crate::collections::ListingKey, Arc<[String]>>,
    /// [`crate::collections::term_name`] by taxonomy and term slug.
    pub term_names: std::collections::HashMap<(String, String), Option<String>>,
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
}

/// Build options that do not live in the site's files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildOptions {
    /// `--drafts`: render pages marked `draft = true`.
    pub drafts: bool,
    /// `--base-url`: replaces `base_url` from the configuration.
    pub base_url: Option<String>,
}
