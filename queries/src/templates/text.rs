//! Filters and tests on text: slugs, Tera's text filters and tests
//! (`trim_start_matches`, `wordcount`, `linebreaksbr`, `starting_with`, …),
//! and minijinja's `format`, `indent`, `replace` and `escape` replaced by
//! versions that refuse an oversized result before making it (see
//! [`crate::templates::limits`]).

use std::borrow::Cow;
use std::sync::Arc;

use minijinja::value::{Kwargs, Rest, StringInput, Value, ValueOrKwargs};
use minijinja::{AutoEscape, Error, State};

use crate::templates::limits::{printed_len, value_within_limit};

/// `slugify`: text as a URL slug, as Zola makes them.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// `trim_start_matches(pat=)`: the text with every leading `pat` taken off,
/// as Tera has it.
pub fn trim_start_matches(text: &str, kwargs: Kwargs) -> Result<String, Error> {
    let pattern: &str = kwargs.get("pat")?;
    kwargs.assert_all_used()?;
    Ok(text.trim_start_matches(pattern).to_owned())
}

/// `trim_end_matches(pat=)`: the text with every trailing `pat` taken off.
pub fn trim_end_matches(text: &str, kwargs: Kwargs) -> Result<String, Error> {
    let pattern: &str = kwargs.get("pat")?;
    kwargs.assert_all_used()?;
    Ok(text.trim_end_matches(pattern).to_owned())
}

/// `wordcount`: how many words the text has, counted as Tera counts them
/// (runs of characters between whitespace).
pub fn wordcount(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `linebreaksbr`: every line break (`\n` or `\r\n`) as `<br>`, as Tera
/// writes it; the result is as safe as the text was.
pub fn linebreaksbr(value: StringInput<'_>) -> Result<Value, Error> {
    let text = value.as_str();
    let breaks = text.bytes().filter(|&byte| byte == b'\n').count() as u64;
    value_within_limit("this linebreaksbr", (text.len() as u64).saturating_add(breaks.saturating_mul(3)))?;
    let replaced = text.replace("\r\n", "<br>").replace('\n', "<br>");
    Ok(if value.is_safe() { Value::from_safe_string(replaced) } else { Value::from(replaced) })
}

/// `as_str`: any value as the text it prints as.
pub fn as_str(value: &Value) -> String {
    value.to_string()
}

/// `split(pat)`: the text's parts between `pat` (between runs of whitespace
/// without one), with Tera's `split(pat=…)` beside minijinja's positional
/// form.
pub fn split(value: &Value, pattern: Option<String>, maxsplits: Option<i64>, kwargs: Kwargs) -> Result<Value, Error> {
    let pattern = match pattern {
        Some(pattern) => Some(pattern),
        None => kwargs.get::<Option<String>>("pat")?,
    };
    kwargs.assert_all_used()?;
    minijinja::filters::split(value, pattern.map(Arc::from), maxsplits)
}

/// `default(value)`: the value, or `value` when it is undefined, with Tera's
/// `default(value=…)` beside minijinja's positional form (and its second,
/// `boolean`, argument).
pub fn default(
    state: &State,
    value: &Value,
    other: Option<Value>,
    lax: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let other = match other {
        Some(other) => Some(other),
        None => kwargs.get::<Option<Value>>("value")?,
    };
    kwargs.assert_all_used()?;
    let args: Vec<Value> = match (other, lax) {
        (other, Some(lax)) => vec![other.unwrap_or_else(|| Value::from("")), lax],
        (Some(other), None) => vec![other],
        (None, None) => Vec::new(),
    };
    minijinja::filters::default(state, value, Rest(args))
}

/// `is starting_with(pat)`: whether the text begins with `pat`.
pub fn starting_with(text: &str, pattern: &str) -> bool {
    text.starts_with(pattern)
}

/// `is ending_with(pat)`: whether the text ends with `pat`.
pub fn ending_with(text: &str, pattern: &str) -> bool {
    text.ends_with(pattern)
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
    let (from, to, count, kwargs): (Option<StringInput<'_>>, Option<StringInput<'_>>, Option<i64>, Kwargs) =
        minijinja::value::from_args(&values)?;
    // Tera names them: `replace(from="a", to="b")`.
    let (from_named, to_named): (Option<Value>, Option<Value>) = (kwargs.get("from")?, kwargs.get("to")?);
    let missing = || Error::new(minijinja::ErrorKind::MissingArgument, "replace needs what to replace and with what");
    let from = match (from, &from_named) {
        (Some(from), _) => from,
        (None, Some(named)) => StringInput::new(state, named)?,
        (None, None) => return Err(missing()),
    };
    let to = match (to, &to_named) {
        (Some(to), _) => to,
        (None, Some(named)) => StringInput::new(state, named)?,
        (None, None) => return Err(missing()),
    };
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
    fn tera_text_filters_do_what_tera_does() {
        let env = {
            let mut env = minijinja::Environment::new();
            env.add_filter("trim_start_matches", trim_start_matches);
            env.add_filter("trim_end_matches", trim_end_matches);
            env.add_filter("wordcount", wordcount);
            env.add_filter("linebreaksbr", linebreaksbr);
            env.add_filter("as_str", as_str);
            env.add_filter("split", split);
            env.add_filter("default", default);
            env.add_filter("replace", replace);
            env.add_test("starting_with", starting_with);
            env.add_test("ending_with", ending_with);
            env
        };
        let render = |template: &str| env.render_str(template, ()).expect("renders");
        assert_eq!(render(r#"{{ "--a--" | trim_start_matches(pat="-") }}"#), "a--");
        assert_eq!(render(r#"{{ "--a--" | trim_end_matches(pat="-") }}"#), "--a");
        assert_eq!(render(r#"{{ " one  two\nthree " | wordcount }}"#), "3");
        assert_eq!(render("{{ 'a\nb\r\nc' | linebreaksbr }}"), "a<br>b<br>c");
        assert_eq!(render("{{ (1 | as_str) ~ 2 }}"), "12");
        assert_eq!(render(r#"{{ "a,b" | split(pat=",") | length }} {{ "a b" | split | length }}"#), "2 2");
        assert_eq!(render(r#"{{ nothing | default(value="d") }} {{ nothing | default("p") }}"#), "d p");
        assert_eq!(render(r#"{{ "abc" | replace(from="b", to="x") }} {{ "abc" | replace("c", "y") }}"#), "axc aby");
        let tests = r#"{{ "abc" is starting_with("ab") }} {{ "abc" is ending_with("b") }}"#;
        assert_eq!(render(tests), "True False", "a bare environment prints booleans as minijinja does");
    }

    #[test]
    fn format_widths_and_precisions_are_summed() {
        assert_eq!(format_spec_bytes("%d and %s"), 0);
        assert_eq!(format_spec_bytes("%1000000000d"), 1_000_000_000);
        assert_eq!(format_spec_bytes("%-10.5f|%(name)08s|%%5"), 10 + 5 + 8);
    }
}
