//! Filters and tests on text: slugs, Tera's text filters and tests
//! (`trim_start_matches`, `wordcount`, `linebreaksbr`, `truncate`,
//! `striptags`, `escape_xml`, `starting_with`, `matching`, …), Zola's
//! `base64_encode` and `base64_decode`, Tera's `title` in place of
//! minijinja's, and minijinja's `format`, `indent`, `replace` and `escape`
//! replaced by versions that refuse an oversized result before making it
//! (see [`crate::templates::limits`]).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use minijinja::value::{Kwargs, Rest, StringInput, Value, ValueOrKwargs};
use minijinja::{AutoEscape, Error, ErrorKind, State};
use regex::{Captures, Regex, RegexBuilder};
use unicode_segmentation::UnicodeSegmentation;

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

/// `default(value)`: the value, or `value` when it is undefined or none (as
/// Tera has it, so Zola's absent `page.summary` or `page.date` takes the
/// default), with Tera's `default(value=…)` beside minijinja's positional
/// form (and its second, `boolean`, argument).
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
    let value = if value.is_none() { &Value::UNDEFINED } else { value };
    let args: Vec<Value> = match (other, lax) {
        (other, Some(lax)) => vec![other.unwrap_or_else(|| Value::from("")), lax],
        (Some(other), None) => vec![other],
        (None, None) => Vec::new(),
    };
    minijinja::filters::default(state, value, Rest(args))
}

/// `truncate(length=255, end="…")`: the text cut after `length` graphemes
/// (what a reader counts as one character, so an accent or an emoji is never
/// split), with `end` added when something was cut, as Tera has it.
pub fn truncate(text: &str, length: Option<usize>, kwargs: Kwargs) -> Result<String, Error> {
    let length = match length {
        Some(length) => length,
        None => kwargs.get::<Option<usize>>("length")?.unwrap_or(255),
    };
    let end: Option<String> = kwargs.get("end")?;
    kwargs.assert_all_used()?;
    let Some((cut, _)) = text.grapheme_indices(true).nth(length) else { return Ok(text.to_owned()) };
    let end = end.as_deref().unwrap_or("…");
    value_within_limit("this truncate", (cut as u64).saturating_add(end.len() as u64))?;
    Ok(format!("{}{end}", &text[..cut]))
}

/// HTML comments on one line, and tags, as Tera's `striptags` finds them.
static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(<!--.*?-->|<[^>]*>)").expect("a valid pattern"));

/// `striptags`: the text without its HTML tags and comments, as Tera takes
/// them out (no entity is decoded, and the text is escaped again on print).
pub fn striptags(text: &str) -> String {
    TAGS.replace_all(text, "").into_owned()
}

/// Words as Tera's `title` finds them: letters, digits, `_` and `'`, so
/// "it's" is one word and "a.b" two.
static WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?P<first>[\w'])(?P<rest>[\w']*)\b").expect("a valid pattern"));

/// `title`: every word's first letter uppercased and the rest lowercased,
/// with Tera's idea of a word in place of minijinja's (which makes "it's"
/// "It'S" and leaves "a.b" one word).
pub fn title(text: &str) -> Result<String, Error> {
    let titled = WORDS.replace_all(text, |word: &Captures| {
        format!("{}{}", word["first"].to_uppercase(), word["rest"].to_lowercase())
    });
    value_within_limit("this title", titled.len() as u64)?;
    Ok(titled.into_owned())
}

/// `escape_xml`: the five characters XML gives a meaning escaped (`'` as
/// `&apos;`), as Tera writes them. The result is safe, as minijinja's
/// `escape` makes it: escaped text is not escaped again on print.
pub fn escape_xml(text: &str) -> Result<Value, Error> {
    let special = text.bytes().filter(|byte| b"&<>\"'".contains(byte)).count() as u64;
    value_within_limit("this escape_xml", (text.len() as u64).saturating_add(special.saturating_mul(5)))?;
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    Ok(Value::from_safe_string(escaped))
}

/// `base64_encode`: the text's UTF-8 bytes in standard, padded base64, as
/// Zola encodes them.
pub fn base64_encode(text: &str) -> Result<String, Error> {
    value_within_limit("this base64_encode", (text.len() as u64).div_ceil(3).saturating_mul(4))?;
    Ok(BASE64.encode(text))
}

/// `base64_decode`: the text that standard base64 encodes, which must be
/// UTF-8.
pub fn base64_decode(text: &str) -> Result<String, Error> {
    let failed = |why: String| Error::new(ErrorKind::InvalidOperation, format!("base64_decode: {why}"));
    let bytes = BASE64.decode(text).map_err(|error| failed(error.to_string()))?;
    String::from_utf8(bytes).map_err(|_| failed("the decoded bytes are not UTF-8 text".to_owned()))
}

/// The longest regular expression `matching` compiles: a template's pattern
/// is short, and a long one would be compiled again on every page.
const MAX_PATTERN_BYTES: usize = 4096;

/// The most memory a compiled `matching` pattern may take, so that an
/// explosive one (`a{1000}{1000}`) is refused rather than stalling a render.
const MAX_COMPILED_PATTERN_BYTES: usize = 1 << 20;

/// `is matching(regex)`: whether the text matches the regular expression
/// (the `regex` crate's syntax, as in Tera), anywhere unless anchored.
pub fn matching(text: &str, pattern: &str) -> Result<bool, Error> {
    if pattern.len() > MAX_PATTERN_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`matching` takes a pattern of at most {MAX_PATTERN_BYTES} bytes, not {}", pattern.len()),
        ));
    }
    let regex = RegexBuilder::new(pattern)
        .size_limit(MAX_COMPILED_PATTERN_BYTES)
        .dfa_size_limit(MAX_COMPILED_PATTERN_BYTES)
        .build()
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("bad `matching` pattern: {error}")))?;
    Ok(regex.is_match(text))
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
        let env = crate::templates::registry::test_environment();
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
    fn teras_truncate_striptags_title_escape_xml_and_matching() {
        let env = crate::templates::registry::test_environment();
        let render = |template: &str| env.render_str(template, ()).expect("renders");
        assert_eq!(render(r#"{{ "Hello, world" | truncate(length=5) }}"#), "Hello…");
        assert_eq!(
            render(r#"{{ "Hello" | truncate(length=5) }}|{{ "Hello" | truncate(length=2, end="") }}"#),
            "Hello|He"
        );
        assert_eq!(
            render("{{ 'e\u{301}te' | truncate(length=1, end='.') }}"),
            "e\u{301}.",
            "an accent stays on its letter"
        );
        assert_eq!(render(r#"{{ "<p>a <b>b</b><!-- c --> d</p>" | striptags }}"#), "a b d");
        assert_eq!(render(r#"{{ "it's a_b c.d ÉCOLE" | title }}"#), "It's A_b C.D École");
        assert_eq!(render(r#"{{ "<a b='x'>&\"" | escape_xml }}"#), "&lt;a b=&apos;x&apos;&gt;&amp;&quot;");
        assert_eq!(render(r#"{{ "héllo" | base64_encode }} {{ "aMOpbGxv" | base64_decode }}"#), "aMOpbGxv héllo");
        assert!(env.render_str(r#"{{ "%%" | base64_decode }}"#, ()).is_err());
        let tests = r#"{{ "Queen Anne" is matching("^[Qq]ueen") }} {{ "King" is matching("^[Qq]ueen") }}"#;
        assert_eq!(render(tests), "True False");
        let error = env.render_str(r#"{{ "a" is matching("(") }}"#, ()).expect_err("a bad pattern fails");
        assert!(error.to_string().contains("bad `matching` pattern"), "{error}");
        let long = format!("{{{{ 'a' is matching('{}') }}}}", "a".repeat(MAX_PATTERN_BYTES + 1));
        assert!(env.render_str(&long, ()).is_err());
        assert!(env.render_str("{{ 'a' is matching('a{1000}{1000}') }}", ()).is_err());
    }

    #[test]
    fn format_widths_and_precisions_are_summed() {
        assert_eq!(format_spec_bytes("%d and %s"), 0);
        assert_eq!(format_spec_bytes("%1000000000d"), 1_000_000_000);
        assert_eq!(format_spec_bytes("%-10.5f|%(name)08s|%%5"), 10 + 5 + 8);
    }
}
