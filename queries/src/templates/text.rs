//! Filters on text: slugs, and minijinja's `format`, `indent`, `replace` and
//! `escape` replaced by versions that refuse an oversized result before
//! making it (see [`crate::templates::limits`]).

use std::borrow::Cow;

use minijinja::value::{Kwargs, Rest, StringInput, Value, ValueOrKwargs};
use minijinja::{AutoEscape, Error, State};

use crate::templates::limits::{printed_len, value_within_limit};

/// `slugify`: text as a URL slug, as Zola makes them.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
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

/// `format`: minijinja's filter, refused before it runs when the format
/// string's widths and precisions and its arguments would pass the limit.
pub fn format(state: &mut State, format_str: &Value, args: Rest<ValueOrKwargs>) -> Result<Value, Error> {
    let text = format_str.as_str().unwrap_or_default();
    let arguments: u64 = args.iter().map(|argument| printed_len(argument) as u64).sum();
    let least = (text.len() as u64).saturating_add(format_spec_bytes(text)).saturating_add(arguments);
    value_within_limit("this format", least)?;
    let result = minijinja::filters::format(state, format_str, args)?;
    value_within_limit("this format", printed_len(&result) as u64)?;
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
    value_within_limit("this indent", least)?;
    minijinja::filters::indent(value, Some(width), first, blank, kwargs)
}

/// `escape` (and `e`): minijinja's filter, refused before it runs when
/// escaping (up to six bytes for one) would pass the limit.
pub fn escape(state: &mut State, value: &Value) -> Result<Value, Error> {
    if let Some(text) = value.as_str().filter(|_| !value.is_safe()) {
        let special = text.bytes().filter(|byte| b"&<>\"'/".contains(byte)).count() as u64;
        value_within_limit("this escape", (text.len() as u64).saturating_add(special.saturating_mul(5)))?;
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
        value_within_limit("this replace", (text.len() as u64).saturating_add(matches.saturating_mul(growth)))?;
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
