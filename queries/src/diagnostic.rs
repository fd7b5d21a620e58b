//! Site problems as values.
//!
//! Queries never fail and never panic on user input: they return what they
//! could make of it plus [`Diagnostic`]s, which the host renders with miette.

use std::ops::Range;

use crate::stable_hash::StableHash;
use camino::Utf8PathBuf;

/// One problem in the site, located in one file. Serializable, so the cache
/// can keep the diagnostics of checks it reuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, StableHash)]
pub struct Diagnostic {
    /// The file, relative to the site root (`content/blog/a.md`).
    pub file: Utf8PathBuf,
    /// Byte range relative to the whole file (front matter offsets included).
    pub range: Range<usize>,
    /// Whether the build fails because of it.
    pub severity: Severity,
    /// A stable code users can search for (`qsite::front_matter::toml`).
    pub code: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when qsite can tell.
    pub help: Option<String>,
}

/// Errors fail the build (exit 1); warnings are reported and the build goes on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, StableHash,
)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, but the output is written.
    Warning,
}

impl Diagnostic {
    /// An error at `range` of `file`.
    pub fn error(
        file: impl Into<Utf8PathBuf>,
        range: Range<usize>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            range,
            severity: Severity::Error,
            code: code.to_owned(),
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `range` of `file`.
    pub fn warning(
        file: impl Into<Utf8PathBuf>,
        range: Range<usize>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, range, code, message) }
    }

    /// The same diagnostic with a hint on how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The order diagnostics are reported in: by file, then position.
    pub fn sort_key(&self) -> (&camino::Utf8Path, usize, usize, &str) {
        (&self.file, self.range.start, self.range.end, &self.message)
    }

    /// Whether it fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A parser's type error in words a site author knows: `expected i64`
/// becomes `expected a whole number`, `a sequence` a list, `a map` a table.
pub fn plain_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid type: ", ""),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("a sequence", "a list"),
        ("a map", "a table"),
    ];
    WORDS.iter().fold(message.to_owned(), |text, (from, to)| text.replace(from, to))
}
