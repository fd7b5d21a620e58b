//! The size of the strings a template builds and prints, bounded.
//!
//! minijinja bounds a render by fuel: every step and every byte it makes
//! costs some, and an allocation of known size is refused when the fuel left
//! cannot pay for it. Fuel is one budget for the whole render (over a
//! gigabyte of bytes at [`TEMPLATE_FUEL`]), not a limit on one value, so a
//! `format` width, an `indent` width, a `join` separator or a `replace` could
//! still make a single string of a gigabyte before the fuel ran out. The
//! filters whose result grows with an argument are replaced here by ones that
//! compute the result's size first and refuse it past [`MAX_VALUE_BYTES`];
//! the formatter refuses to print a value past that limit and counts the
//! bytes a render prints against [`MAX_OUTPUT_BYTES`].
//!
//! minijinja gives no hook for its operators (`~`, `+`, `*`) or for `set`: a
//! string they build is bounded by fuel (and `*` by minijinja's own 100 MB
//! cap), and refused as soon as it is printed or handed to one of these
//! filters.

use std::borrow::Cow;
use std::fmt::Write;

use minijinja::value::{Kwargs, Rest, StringInput, Value, ValueOrKwargs};
use minijinja::{AutoEscape, Error, ErrorKind, State};

#[cfg(doc)]
use crate::render::environment::TEMPLATE_FUEL;

/// The largest string one template value may be: far more than any page
/// holds, and small enough that a few renders at once fit in memory.
pub const MAX_VALUE_BYTES: u64 = 64 << 20;

/// The most bytes one render may print.
pub const MAX_OUTPUT_BYTES: u64 = 256 << 20;

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

/// Refuses a value of `bytes` bytes made by `what`.
pub fn value_within_limit(what: &str, bytes: usize) -> Result<(), Error> {
    within(what, bytes as u64, MAX_VALUE_BYTES)
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
    value_within_limit("printing this value", text.len())?;
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

/// The least number of bytes the widths and precisions of a printf-style
/// format string ask for (`%1000d` asks for 1,000).
fn format_spec_bytes(format: &str) -> u64 {
    let bytes = format.as_bytes();
    let mut total: u64 = 0;
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] != b'%' {
            index += 1;
            continue;
        }
        index += 1;
        if bytes.get(index) == Some(&b'(') {
            index += bytes[index..].iter().position(|&byte| byte == b')').map_or(bytes.len(), |end| end + 1);
        }
        // Flags, width, `.`, precision: each run of digits is a width or a precision.
        while let Some(&byte) = bytes.get(index) {
            match byte {
                b'#' | b'-' | b' ' | b'+' | b'.' => index += 1,
                b'0'..=b'9' => {
                    let digits = bytes[index..].iter().take_while(|byte| byte.is_ascii_digit()).count();
                    let number = format[index..index + digits].parse::<u64>().unwrap_or(u64::MAX);
                    total = total.saturating_add(number);
                    index += digits;
                }
                _ => break,
            }
        }
        index += 1;
    }
    total
}

/// The length of `value` as a string, as the filters below print it.
fn printed_len(value: &Value) -> usize {
    value.as_str().map_or_else(|| value.to_string().len(), str::len)
}

/// `format`: minijinja's filter, refused before it runs when the format
/// string's widths and precisions and its arguments would pass the limit.
pub fn format(state: &mut State, format_str: &Value, args: Rest<ValueOrKwargs>) -> Result<Value, Error> {
    let text = format_str.as_str().unwrap_or_default();
    let arguments: u64 = args.iter().map(|argument| printed_len(argument) as u64).sum();
    let least = (text.len() as u64).saturating_add(format_spec_bytes(text)).saturating_add(arguments);
    within("this format", least, MAX_VALUE_BYTES)?;
    let result = minijinja::filters::format(state, format_str, args)?;
    value_within_limit("this format", printed_len(&result))?;
    Ok(result)
}

/// `indent(width, first, blank)`: minijinja's filter, refused before it runs
/// when indenting every line would pass the limit.
pub fn indent(
    value: StringInput<'_>,
    width: Option<usize>,
    first: Option<bool>,
    blank: Option<bool>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let width = match width {
        Some(width) => width,
        None => kwargs.get::<Option<usize>>("width")?.unwrap_or(4),
    };
    let lines = value.as_str().bytes().filter(|&byte| byte == b'\n').count() as u64 + 1;
    let least = (value.as_str().len() as u64).saturating_add((width as u64).saturating_mul(lines));
    within("this indent", least, MAX_VALUE_BYTES)?;
    minijinja::filters::indent(value, Some(width), first, blank, kwargs)
}

/// `join(separator, attribute=)`: minijinja's filter, refused before it runs
/// when the items and a separator between each two would pass the limit.
pub fn join(
    state: &mut State,
    value: &Value,
    joiner: Option<StringInput<'_>>,
    attribute: Option<&str>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let separator = match &joiner {
        Some(joiner) => joiner.as_str().len(),
        None => kwargs.get::<Option<&str>>("d")?.map_or(0, str::len),
    };
    let path = attribute.map(str::to_owned).or(kwargs.get::<Option<&str>>("attribute")?.map(str::to_owned));
    if let Ok(items) = value.try_iter() {
        let mut least: u64 = 0;
        for (index, item) in items.enumerate() {
            let item = match &path {
                Some(path) => path.split('.').try_fold(item, |item, key| item.get_attr(key)).unwrap_or_default(),
                None => item,
            };
            let between = if index > 0 { separator } else { 0 };
            least = least.saturating_add((between + printed_len(&item)) as u64);
            within("this join", least, MAX_VALUE_BYTES)?;
        }
    }
    let result = minijinja::filters::join(state, value, joiner, attribute, kwargs)?;
    value_within_limit("this join", printed_len(&result))?;
    Ok(result)
}

/// `escape` (and `e`): minijinja's filter, refused before it runs when
/// escaping (up to six bytes for one) would pass the limit.
pub fn escape(state: &mut State, value: &Value) -> Result<Value, Error> {
    if let Some(text) = value.as_str().filter(|_| !value.is_safe()) {
        let special = text.bytes().filter(|byte| b"&<>\"'/".contains(byte)).count() as u64;
        within("this escape", (text.len() as u64).saturating_add(special.saturating_mul(5)), MAX_VALUE_BYTES)?;
    }
    minijinja::filters::escape(state, value)
}

/// `replace(from, to, count)`: every `from` (or the first `count`) replaced
/// by `to`, refused before it runs when the result would pass the limit.
/// Written here rather than wrapped because minijinja's `count` form is not
/// public; as in minijinja, a safe string stays safe and escapes what is put
/// into it.
pub fn replace(state: &mut State, value: StringInput<'_>, args: Rest<ValueOrKwargs>) -> Result<Value, Error> {
    let values = args.into_values();
    let (from, to, count, kwargs): (StringInput<'_>, StringInput<'_>, Option<i64>, Kwargs) =
        minijinja::value::from_args(&values)?;
    let count = match count {
        Some(count) => Some(count),
        None => kwargs.get::<Option<i64>>("count")?,
    };
    kwargs.assert_all_used()?;
    let count = count.and_then(|count| usize::try_from(count).ok()).unwrap_or(usize::MAX);
    let safe = !matches!(state.auto_escape(), AutoEscape::None) && (value.is_safe() || from.is_safe() || to.is_safe());
    let (text, to) = match safe {
        true => (value.format(state)?, to.format(state)?),
        false => (Cow::Borrowed(value.as_str()), Cow::Borrowed(to.as_str())),
    };
    if to.len() > from.as_str().len() {
        let matches = text.matches(from.as_str()).take(count).count() as u64;
        let growth = (to.len() - from.as_str().len()) as u64;
        within("this replace", (text.len() as u64).saturating_add(matches.saturating_mul(growth)), MAX_VALUE_BYTES)?;
    }
    let replaced = text.replacen(from.as_str(), &to, count);
    Ok(if safe { Value::from_safe_string(replaced) } else { Value::from(replaced) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_widths_and_precisions_are_summed() {
        assert_eq!(format_spec_bytes("%d and %s"), 0);
        assert_eq!(format_spec_bytes("%1000000000d"), 1_000_000_000);
        assert_eq!(format_spec_bytes("%-10.5f|%(name)08s|%%5"), 10 + 5 + 8);
    }
}
