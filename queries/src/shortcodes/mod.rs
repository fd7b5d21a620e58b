//! Zola's shortcodes as a content file writes them: `{{ name(arg=1) }}` and
//! `{% name(…) %}body{% end %}`, found in a body's own text.
//!
//! Scanning depends on the text alone, so the Markdown step that calls it
//! stays a pure function of the file and keeps its place in the host's
//! content-addressed store. Each call is left in the text as a placeholder;
//! which template a call names, and what it prints, are found where a page's
//! content is produced for a render, with that render's traced reads.

mod scan;

use std::ops::Range;

pub use scan::scan;

/// The character that opens a placeholder: a private-use one, which
/// Markdown passes through as plain text and HTML escaping leaves alone.
const PLACEHOLDER_OPEN: char = '\u{E000}';
/// The character that closes a placeholder.
const PLACEHOLDER_CLOSE: char = '\u{E001}';

/// What follows a placeholder that stands alone in its paragraph: there the
/// call's output is a block of its own, and ends its line whether or not
/// it ends with a line break, as Zola writes it.
const STANDING_ALONE: &str = "\u{E002}\n";

/// The text standing for call `index` until the call is rendered.
pub fn placeholder(index: usize) -> String {
    format!("{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}")
}

/// The HTML standing for a call alone in its paragraph, whose placeholder
/// is `placeholder` (see [`STANDING_ALONE`]).
pub fn standing_alone(placeholder: &str) -> String {
    format!("{placeholder}{STANDING_ALONE}")
}

/// Whether `text` is one placeholder and nothing else.
pub fn is_placeholder(text: &str) -> bool {
    matches!(placeholders(text).as_slice(), [(_, range)] if *range == (0..text.len()))
}

/// Every placeholder in `text`, in order: the call's index and the
/// placeholder's byte range in `text` (with the mark of one standing alone).
pub fn placeholders(text: &str) -> Vec<(usize, Range<usize>)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find(PLACEHOLDER_OPEN).map(|at| at + rest) {
        let digits = open + PLACEHOLDER_OPEN.len_utf8();
        let Some(close) = text[digits..].find(PLACEHOLDER_CLOSE).map(|at| at + digits) else { break };
        let mut end = close + PLACEHOLDER_CLOSE.len_utf8();
        if text[end..].starts_with(STANDING_ALONE) {
            end += STANDING_ALONE.len();
        }
        if let Ok(index) = text[digits..close].parse() {
            found.push((index, open..end));
        }
        rest = end;
    }
    found
}

/// `text` with each placeholder replaced by what `replacement` gives for
/// its call's index (and a line break after one standing alone whose
/// output does not end with one).
pub fn replace_placeholders(text: &str, mut replacement: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (index, range) in placeholders(text) {
        out.push_str(&text[copied..range.start]);
        let output = replacement(index);
        out.push_str(&output);
        if text[..range.end].ends_with(STANDING_ALONE) && !output.ends_with('\n') {
            out.push('\n');
        }
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The shortcodes of one body: every call, and the first problem that
/// stops the body from being read as Zola reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shortcodes {
    /// Every call, by placeholder index: calls in the body and calls in
    /// other calls' bodies alike.
    pub calls: Vec<ShortcodeCall>,
    /// A `{% end %}` with no call open, or a call whose `{% end %}` is
    /// missing: Zola refuses such a page, and so does qsite.
    pub problem: Option<ShortcodeProblem>,
}

/// What is wrong with a body's shortcodes, and where.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortcodeProblem {
    /// Byte range in the file.
    pub range: Range<usize>,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// One call of a shortcode.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortcodeCall {
    /// The shortcode's name: `templates/shortcodes/{name}.html` or `.md`.
    pub name: String,
    /// The arguments, in the order written.
    pub arguments: Vec<(String, Literal)>,
    /// The body of `{% name() %}…{% end %}`, trimmed, with the calls in it
    /// as placeholders; `None` for an inline call.
    pub body: Option<String>,
    /// Which call of this name it is in the body, from 1: the template's `nth`.
    pub nth: usize,
    /// Byte range of the whole call in the file, for diagnostics.
    pub range: Range<usize>,
    /// The call as written: what a code block shows in its place.
    pub source: String,
}

/// A shortcode argument's value: the literals Zola's grammar accepts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// An integer, `-3` or `42`.
    Int(i64),
    /// A decimal number as written (`1.5`), kept as text so values compare exactly.
    Float(String),
    /// A string in `"…"`, `'…'` or `` `…` ``, without its quotes.
    Str(String),
    /// `[literal, …]`.
    Array(Vec<Literal>),
}

impl Literal {
    /// The value a template sees.
    pub fn to_value(&self) -> minijinja::Value {
        match self {
            Literal::Bool(value) => minijinja::Value::from(*value),
            Literal::Int(value) => minijinja::Value::from(*value),
            Literal::Float(text) => minijinja::Value::from(text.parse::<f64>().unwrap_or_default()),
            Literal::Str(text) => minijinja::Value::from(text.as_str()),
            Literal::Array(items) => minijinja::Value::from(items.iter().map(Literal::to_value).collect::<Vec<_>>()),
        }
    }
}
