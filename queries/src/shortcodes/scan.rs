//! Finding shortcode calls in a body, by Zola's grammar: what is a call, an
//! argument, a body, a `{{/* … */}}` written literally, and what is text.
//!
//! Text that only looks like a call (`{{ name(x) }}`, whose argument is no
//! literal) stays text, as Zola leaves it; a `{% end %}` with nothing open,
//! or a call with a body and no `{% end %}`, is a problem, as Zola refuses it.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Literal, ShortcodeCall, ShortcodeProblem, Shortcodes, placeholder};

/// A body with its calls replaced by placeholders.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The text Markdown renders: calls as placeholders, literal
    /// `{{/* … */}}` written without their comment marks.
    pub text: String,
    /// The calls and the first problem.
    pub shortcodes: Shortcodes,
    /// Where the text changed: (byte in `text`, byte in the body) after
    /// each replacement, in order.
    shifts: Vec<(usize, usize)>,
}

impl Scanned {
    /// The byte of the body that byte `at` of [`Scanned::text`] came from.
    pub fn body_position(&self, at: usize) -> usize {
        let index = self.shifts.partition_point(|&(text_at, _)| text_at <= at);
        match index.checked_sub(1).map(|index| self.shifts[index]) {
            Some((text_at, body_at)) => body_at + (at - text_at),
            None => at,
        }
    }
}

/// Scans `body`, whose first byte is at `offset` in its file. A body with
/// no `{{` or `{%` comes back as it is.
pub fn scan(body: &str, offset: usize) -> Scanned {
    if !body.contains("{{") && !body.contains("{%") {
        return Scanned { text: body.to_owned(), ..Scanned::default() };
    }
    let mut scanner =
        Scanner { input: body, at: 0, offset, code: None, calls: Vec::new(), nth: HashMap::new(), shifts: Vec::new() };
    let mut text = String::with_capacity(body.len());
    let problem = scanner.content(&mut text, false).err();
    Scanned { text, shortcodes: Shortcodes { calls: scanner.calls, problem }, shifts: scanner.shifts }
}

/// The byte ranges of `body`'s code blocks and inline code, where a call
/// is text: a page that shows how to call a shortcode shows the call.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut ranges = Vec::new();
    let mut depth = 0;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                if depth == 0 {
                    ranges.push(range);
                }
                depth += 1;
            }
            Event::End(TagEnd::CodeBlock) => depth -= 1,
            Event::Code(_) if depth == 0 => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

struct Scanner<'a> {
    input: &'a str,
    at: usize,
    offset: usize,
    /// Code, in order (see [`code_ranges`]), once a call needs it.
    code: Option<Vec<Range<usize>>>,
    calls: Vec<ShortcodeCall>,
    nth: HashMap<String, usize>,
    shifts: Vec<(usize, usize)>,
}

/// A call's name and arguments.
type Call = (String, Vec<(String, Literal)>);

impl Scanner<'_> {
    /// Copies text and calls to `out` until the end of the input or, in a
    /// body, its `{% end %}`; returns where that `{% end %}` starts.
    fn content(&mut self, out: &mut String, in_body: bool) -> Result<Option<usize>, ShortcodeProblem> {
        while self.at < self.input.len() {
            let start = self.at;
            let rest = &self.input[start..];
            if rest.starts_with("{{/*") {
                if let Some(end) = self.delimited(start, "{{/*", "*/}}") {
                    self.literal(out, start, end, "{{/*", "*/}}");
                    continue;
                }
            } else if rest.starts_with("{%/*") {
                if self.end_tag(start, "{%/*", "*/%}").is_some() {
                    return Err(self.problem(start..start + 4, "this `{%/* end */%}` closes no shortcode"));
                }
                if let Some(open_end) = self.delimited(start, "{%/*", "*/%}") {
                    let tags: Vec<usize> =
                        self.input[open_end..].match_indices("{%/*").map(|(at, _)| open_end + at).collect();
                    let close = tags.into_iter().find_map(|at| self.end_tag(at, "{%/*", "*/%}").map(|end| (at, end)));
                    let Some((close_start, close_end)) = close else {
                        return Err(
                            self.problem(start..open_end, "this shortcode, written literally, has no `{%/* end */%}`")
                        );
                    };
                    self.literal(out, start, open_end, "{%/*", "*/%}");
                    self.copy(out, open_end, close_start);
                    self.literal(out, close_start, close_end, "{%/*", "*/%}");
                    continue;
                }
            } else if rest.starts_with("{{") {
                self.at = start + 2;
                // Calls in code are text; only literal ones lose their marks.
                if let Some(call) = self.call_definition()
                    && self.token("}}")
                    && !self.in_code(start)
                {
                    let index = self.push_call(call, None, start);
                    self.replaced(out, &placeholder(index));
                    continue;
                }
                self.at = start;
            } else if rest.starts_with("{%") {
                if let Some(end) = self.end_tag(start, "{%", "%}")
                    && !self.in_code(start)
                {
                    if in_body {
                        self.at = end;
                        return Ok(Some(start));
                    }
                    return Err(self.problem(start..end, "this `{% end %}` closes no shortcode"));
                }
                self.at = start + 2;
                if let Some(call) = self.call_definition()
                    && self.token("%}")
                    && !self.in_code(start)
                {
                    let index = self.push_call(call, Some(String::new()), start);
                    let mut body = String::new();
                    let open_end = self.at;
                    let Some(_) = self.content(&mut body, true)? else {
                        return Err(self.problem(start..open_end, "this shortcode has no `{% end %}`"));
                    };
                    let call = &mut self.calls[index];
                    call.body = Some(body.trim().to_owned());
                    call.range.end = self.at + self.offset;
                    call.source = self.input[start..self.at].to_owned();
                    self.replaced(out, &placeholder(index));
                    continue;
                }
                self.at = start;
            }
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let next = rest[first..].find('{').map_or(self.input.len(), |at| start + first + at);
            self.copy(out, start, next);
        }
        Ok(None)
    }

    /// Whether `at` is in code; the body is parsed for its code the first
    /// time a call is found, so most bodies are never parsed twice.
    fn in_code(&mut self, at: usize) -> bool {
        let code = self.code.get_or_insert_with(|| code_ranges(self.input));
        let index = code.partition_point(|range| range.end <= at);
        code.get(index).is_some_and(|range| range.contains(&at))
    }

    /// Copies `start..end` of the input as it is.
    fn copy(&mut self, out: &mut String, start: usize, end: usize) {
        out.push_str(&self.input[start..end]);
        self.at = end;
    }

    /// Writes `start..end` (a literal call or tag, now consumed) without
    /// the comment marks of its delimiters.
    fn literal(&mut self, out: &mut String, start: usize, end: usize, open: &str, close: &str) {
        let written = &self.input[start..end];
        let inner = &written[open.len()..written.len() - close.len()];
        let text = format!("{}{inner}{}", &open[..2], &close[close.len() - 2..]);
        self.at = end;
        self.replaced(out, &text);
    }

    /// Writes `text` for input consumed up to `self.at`, and notes the shift.
    fn replaced(&mut self, out: &mut String, text: &str) {
        out.push_str(text);
        self.shifts.push((out.len(), self.at));
    }

    /// Records a call that started at `start` and ends at `self.at`.
    fn push_call(&mut self, (name, arguments): Call, body: Option<String>, start: usize) -> usize {
        let nth = self.nth.entry(name.clone()).or_insert(0);
        *nth += 1;
        self.calls.push(ShortcodeCall {
            nth: *nth,
            name,
            arguments,
            body,
            range: start + self.offset..self.at + self.offset,
            source: self.input[start..self.at].to_owned(),
        });
        self.calls.len() - 1
    }

    fn problem(&self, range: Range<usize>, message: &str) -> ShortcodeProblem {
        ShortcodeProblem { range: range.start + self.offset..range.end + self.offset, message: message.to_owned() }
    }

    /// Where `open name(…) close` starting at `start` ends, if it is one.
    fn delimited(&mut self, start: usize, open: &str, close: &str) -> Option<usize> {
        self.at = start + open.len();
        let end = (self.call_definition().is_some() && self.token(close)).then_some(self.at);
        self.at = start;
        end
    }

    /// Where `open end close` starting at `start` ends, if it is one.
    fn end_tag(&mut self, start: usize, open: &str, close: &str) -> Option<usize> {
        let saved = self.at;
        self.at = start;
        let end = (self.token(open) && self.token("end") && self.token(close)).then_some(self.at);
        self.at = saved;
        end
    }

    fn skip_whitespace(&mut self) {
        let rest = &self.input[self.at..];
        self.at += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Consumes `token` after optional whitespace.
    fn token(&mut self, token: &str) -> bool {
        self.skip_whitespace();
        let found = self.input[self.at..].starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn identifier(&mut self) -> Option<String> {
        self.skip_whitespace();
        let rest = &self.input[self.at..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        self.at += len;
        Some(rest[..len].to_owned())
    }

    /// `name(key=literal, …)`; on failure the position is left anywhere.
    fn call_definition(&mut self) -> Option<Call> {
        let name = self.identifier()?;
        if !self.token("(") {
            return None;
        }
        let mut arguments = Vec::new();
        loop {
            if self.token(")") {
                return Some((name, arguments));
            }
            if !arguments.is_empty() {
                self.token(",");
            }
            let key = self.identifier()?;
            if !self.token("=") {
                return None;
            }
            arguments.push((key, self.literal_value()?));
        }
    }

    fn literal_value(&mut self) -> Option<Literal> {
        self.skip_whitespace();
        let rest = &self.input[self.at..];
        for (word, value) in [("true", true), ("false", false)] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Some(Literal::Bool(value));
            }
        }
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
            let len = rest[1..].find(quote)?;
            self.at += len + 2;
            return Some(Literal::Str(rest[1..1 + len].to_owned()));
        }
        if rest.starts_with('[') {
            self.at += 1;
            let mut items = Vec::new();
            loop {
                if self.token("]") {
                    return Some(Literal::Array(items));
                }
                items.push(self.literal_value()?);
                if !self.token(",") {
                    return self.token("]").then_some(Literal::Array(items));
                }
            }
        }
        self.number()
    }

    /// `-?(0|[1-9][0-9]*)`, then `.` and digits for a float.
    fn number(&mut self) -> Option<Literal> {
        let rest = &self.input[self.at..];
        let sign = usize::from(rest.starts_with('-'));
        let digits = rest[sign..].find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len() - sign);
        if digits == 0 {
            return None;
        }
        let integer = if rest[sign..].starts_with('0') { 1 } else { digits };
        let after = &rest[sign + integer..];
        let fraction = after
            .strip_prefix('.')
            .map(|tail| tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len()))
            .filter(|&len| len > 0);
        let len = sign + integer + fraction.map_or(0, |len| len + 1);
        self.at += len;
        match fraction {
            Some(_) => Some(Literal::Float(rest[..len].to_owned())),
            None => rest[..len].parse().ok().map(Literal::Int),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(body: &str) -> Vec<ShortcodeCall> {
        let scanned = scan(body, 0);
        assert_eq!(scanned.shortcodes.problem, None);
        scanned.shortcodes.calls
    }

    #[test]
    fn inline_calls_take_every_kind_of_literal() {
        let body = "a {{ sc(s=\"x\", t='y', u=`z`, i=-3, f=1.5, b=true, list=[1, \"two\",]) }} b";
        let scanned = scan(body, 0);
        assert_eq!(scanned.text, format!("a {} b", placeholder(0)));
        let call = &scanned.shortcodes.calls[0];
        assert_eq!(call.name, "sc");
        assert_eq!(call.source, &body[2..body.len() - 2]);
        let values: Vec<_> = call.arguments.iter().map(|(_, value)| value.clone()).collect();
        assert_eq!(
            values,
            [
                Literal::Str("x".into()),
                Literal::Str("y".into()),
                Literal::Str("z".into()),
                Literal::Int(-3),
                Literal::Float("1.5".into()),
                Literal::Bool(true),
                Literal::Array(vec![Literal::Int(1), Literal::Str("two".into())]),
            ]
        );
        assert_eq!(scanned.body_position(scanned.text.len() - 1), body.len() - 1);
    }

    #[test]
    fn what_is_not_a_call_stays_text() {
        for body in ["{{ page.title }}", "{{ f(x) }}", "{{ f(a=1,) }}", "{% if x %}", "{{ f(a=01) }}"] {
            let scanned = scan(body, 0);
            assert_eq!(scanned.text, body);
            assert!(scanned.shortcodes.calls.is_empty() && scanned.shortcodes.problem.is_none(), "{body}");
        }
    }

    #[test]
    fn bodies_nest_and_count_per_name() {
        let body = "{% quote(by=\"A\") %}\n  Hi {{ em() }} {% quote() %}in{% end %}\n{% end %} {{ em() }}";
        let found = calls(body);
        let summary: Vec<_> = found.iter().map(|call| (call.name.as_str(), call.nth)).collect();
        assert_eq!(summary, [("quote", 1), ("em", 1), ("quote", 2), ("em", 2)]);
        assert_eq!(found[0].body.as_deref(), Some(format!("Hi {} {}", placeholder(1), placeholder(2)).as_str()));
        assert_eq!(found[2].body.as_deref(), Some("in"));
    }

    #[test]
    fn literal_calls_lose_their_comment_marks() {
        let scanned = scan("{{/* sc(a=1) */}} and {%/* b() */%}raw {{ x }}{%/* end */%}", 0);
        assert_eq!(scanned.text, "{{ sc(a=1) }} and {% b() %}raw {{ x }}{% end %}");
        assert!(scanned.shortcodes.calls.is_empty());
    }

    #[test]
    fn calls_in_code_stay_as_written() {
        let body = "`{{ sc() }}`\n\n```\n{{ sc() }}\n{% end %}\n{{/* sc() */}}\n```\n\n{{ sc() }}\n";
        let scanned = scan(body, 0);
        assert_eq!(scanned.shortcodes.problem, None);
        assert_eq!(scanned.shortcodes.calls.len(), 1);
        assert_eq!(
            scanned.text,
            format!(
                "`{{{{ sc() }}}}`\n\n```\n{{{{ sc() }}}}\n{{% end %}}\n{{{{ sc() }}}}\n```\n\n{}\n",
                placeholder(0)
            )
        );
    }

    #[test]
    fn unbalanced_bodies_are_problems_at_the_tag() {
        let stray = scan("text {% end %}", 10).shortcodes.problem.unwrap();
        assert_eq!(stray.range, 15..24);
        let open = scan("{% box() %} never closed", 0).shortcodes.problem.unwrap();
        assert_eq!(open.range, 0..11);
        assert!(open.message.contains("no `{% end %}`"));
    }
}
