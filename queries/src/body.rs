//! What a content file's Markdown body renders to, before its internal
//! links are filled in: a value the inputs can hold (the host hands over
//! renderings from its store) and every later floor reads.

use std::ops::Range;
use std::sync::Arc;

use crate::shortcodes::Shortcodes;

/// A rendered body, before its internal links are resolved. Serializable,
/// so the host can keep it in its content-addressed store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Markdown {
    /// HTML with link markers (see [`crate::markdown::link_marker`]); shared with the
    /// filled-in content of a body without internal links.
    pub html: Arc<str>,
    /// Length of the summary in `html`: the part before `<!-- more -->`.
    pub summary_len: Option<usize>,
    /// Headings, in order, for tables of contents and anchor checks.
    pub headings: Vec<Heading>,
    /// Internal links, by marker number.
    pub links: Vec<InternalLink>,
    /// Words in the body text.
    pub word_count: usize,
    /// Code blocks in languages the highlighter lacks, shown as plain text.
    pub missing_languages: Vec<MissingLanguage>,
    /// The shortcodes the body calls, standing in `html` as placeholders
    /// (see [`crate::shortcodes::placeholder`]) until a render fills them.
    pub shortcodes: Shortcodes,
    /// The key of the Markdown options it was rendered with
    /// (`crate::markdown::options_key`): a rendering handed over from the
    /// store is used only under those options.
    pub options_key: [u8; 32],
}

/// A code block whose language has no grammar: shown as plain text, and
/// named in a warning (an error where the site sets
/// `error_on_missing_language`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MissingLanguage {
    /// The language as the fence names it.
    pub language: String,
    /// The fence's opening line in the file.
    pub range: Range<usize>,
    /// Whether the site asked for an error.
    pub is_error: bool,
}

/// One heading of a body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 1 for `#`, 6 for `######`.
    pub level: u8,
    /// Its `id`, unique in the page.
    pub id: String,
    /// Its text.
    pub title: String,
}

/// A link to another part of the site: `@/blog/a.md#x` or `/blog/a/#x`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InternalLink {
    /// The destination as written.
    pub destination: String,
    /// Byte range of the link in the file, for diagnostics.
    pub range: Range<usize>,
    /// Whether the link has no text and so takes the target's title.
    pub takes_title: bool,
}
