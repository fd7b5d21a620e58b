//! The size of the strings a template builds and prints, bounded.
//!
//! minijinja bounds a render by fuel: every step and every byte it makes
//! costs some, and an allocation of known size is refused when the fuel left
//! cannot pay for it. Fuel is one budget for the whole render (over a
//! gigabyte of bytes at [`TEMPLATE_FUEL`]), not a limit on one value, so a
//! `format` width, an `indent` width, a `join` separator or a `replace` could
//! still make a single string of a gigabyte before the fuel ran out. The
//! filters whose result grows with an argument are replaced (in the `text`
//! and `collections` families) by ones that compute the result's size first
//! and refuse it past [`MAX_VALUE_BYTES`]; the formatter refuses to print a
//! value past that limit and counts the bytes a render prints against
//! [`MAX_OUTPUT_BYTES`].
//!
//! Lists are bounded the same way: `range` and `concat` refuse a list past
//! [`MAX_LIST_ITEMS`] before making it.
//!
//! minijinja gives no hook for its operators (`~`, `+`, `*`) or for `set`: a
//! string they build is bounded by fuel (and `*` by minijinja's own 100 MB
//! cap), and refused as soon as it is printed or handed to one of these
//! filters.

use std::fmt::Write;

use minijinja::value::Value;
use minijinja::{AutoEscape, Error, ErrorKind, State};

#[cfg(doc)]
use crate::templates::environment::TEMPLATE_FUEL;

/// The largest string one template value may be: far more than any page
/// holds, and small enough that a few renders at once fit in memory.
pub const MAX_VALUE_BYTES: u64 = 64 << 20;

/// The most bytes one render may print.
pub const MAX_OUTPUT_BYTES: u64 = 256 << 20;

/// The most items one list a filter or function builds may hold (`range`,
/// `concat`): far more than any site lists, and a list that doubles itself in
/// a loop stops long before it fills memory.
pub const MAX_LIST_ITEMS: u64 = 1_000_000;

/// Refuses a list of `items` items made by `what`, before it is made.
pub fn list_within_limit(what: &str, items: u64) -> Result<(), Error> {
    if items <= MAX_LIST_ITEMS {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("{what} would make a list of {items} items; one list holds at most {MAX_LIST_ITEMS}"),
    ))
}

/// Why a render stopped: a string over one of the limits, and what made it.
#[derive(Debug)]
pub struct OversizedString {
    /// What would have made the string (`format`, printing, the output).
    pub what: String,
    /// How large it would have been, at least.
    pub bytes: u64,
    /// The limit it passes.
    pub limit: u64,
}

impl std::fmt::Display for OversizedString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let holder = if self.limit == MAX_OUTPUT_BYTES { "one output" } else { "one template value" };
        write!(
            f,
            "{} would make {} bytes, more than the {} MiB {holder} may hold",
            self.what,
            self.bytes,
            self.limit >> 20
        )
    }
}

impl std::error::Error for OversizedString {}

/// Refuses `bytes` made by `what` if they pass `limit`.
fn within(what: &str, bytes: u64, limit: u64) -> Result<(), Error> {
    if bytes <= limit {
        return Ok(());
    }
    let problem = OversizedString { what: what.to_owned(), bytes, limit };
    Err(Error::new(ErrorKind::InvalidOperation, problem.to_string()).with_source(problem))
}

/// Refuses a value of `bytes` bytes (or at least that many) made by `what`.
pub fn value_within_limit(what: &str, bytes: u64) -> Result<(), Error> {
    within(what, bytes, MAX_VALUE_BYTES)
}

/// Refuses a rendered output of `bytes` bytes: the check after a render, for
/// text that no expression printed (a template's own text inside a loop).
pub fn output_within_limit(bytes: usize) -> Result<(), Error> {
    within("the output", bytes as u64, MAX_OUTPUT_BYTES)
}

/// The bytes a render has printed so far, kept on its state.
struct PrintedBytes(u64);

/// Counts `bytes` more printed by the render of `state`, refusing the print
/// that passes [`MAX_OUTPUT_BYTES`].
fn count_printed(state: &mut State, bytes: usize) -> Result<(), Error> {
    let printed = state.get_or_insert_extension(PrintedBytes(0));
    printed.0 = printed.0.saturating_add(bytes as u64);
    within("printing this", printed.0, MAX_OUTPUT_BYTES)
}

/// Prints `text` to `out` as `{{ }}` does, escaped as `escape` says (the
/// modes qsite does not write itself are left to minijinja), once it is
/// known to fit the limits.
pub fn print_bounded(out: &mut minijinja::Output, state: &mut State, value: &Value, text: &str) -> Result<(), Error> {
    value_within_limit("printing this value", text.len() as u64)?;
    let escape_html = matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe();
    let failed = |error: std::fmt::Error| Error::new(ErrorKind::WriteFailure, error.to_string());
    if escape_html {
        // Escaping grows text by a bounded factor; count what is written.
        let Ok(escaped) = askama::filters::escape(text, askama::filters::Html);
        let mut counting = CountingWriter { out, bytes: 0 };
        write!(counting, "{escaped}").map_err(failed)?;
        let bytes = counting.bytes;
        count_printed(state, bytes)
    } else if matches!(state.auto_escape(), AutoEscape::None | AutoEscape::Html) {
        out.write_str(text).map_err(failed)?;
        count_printed(state, text.len())
    } else {
        count_printed(state, text.len())?;
        minijinja::escape_formatter(out, state, value)
    }
}

/// Forwards writes and counts the bytes.
struct CountingWriter<'a, 'b> {
    out: &'a mut minijinja::Output<'b>,
    bytes: usize,
}

impl Write for CountingWriter<'_, '_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.bytes += text.len();
        self.out.write_str(text)
    }
}

/// The length of `value` as a string, as the bounded filters print it.
pub fn printed_len(value: &Value) -> usize {
    value.as_str().map_or_else(|| value.to_string().len(), str::len)
}
