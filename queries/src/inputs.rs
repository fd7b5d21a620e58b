//! The salsa inputs: the only values the outside world hands to queries.
//!
//! Everything else in this crate is derived from these. They are set only by
//! [`crate::Change::apply`], which compares before it sets so that an
//! unchanged save starts no new revision.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8PathBuf;

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
    /// The Markdown of this text, when the host found it in its
    /// content-addressed store; [`crate::markdown()`] uses it only if it was
    /// made from exactly this text.
    #[default]
    #[returns(ref)]
    pub prepared_markdown: Option<PreparedMarkdown>,
}

/// A Markdown rendering computed by an earlier process, with the hash of the
/// text it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedMarkdown {
    /// [`markdown_text_hash`] of the text it was made from.
    pub text_hash: [u8; 32],
    /// The rendering.
    pub markdown: Arc<Markdown>,
}

/// The hash a prepared rendering is checked against: the rendering step's
/// version and the text. The host adds its build id to make the store's key.
pub fn markdown_text_hash(text: &str) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(crate::markdown::MARKDOWN_STEP.as_bytes());
    hasher.update(text.as_bytes());
    *hasher.finalize().as_bytes()
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
}

impl FileText {
    /// The text to parse; for bad UTF-8 the readable part, so parsing can still
    /// report the file's other problems.
    pub fn as_str(&self) -> &str {
        match self {
            FileText::Text(text) => text,
            FileText::NotUtf8 { lossy, .. } => lossy,
            FileText::Opaque { .. } => "",
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
