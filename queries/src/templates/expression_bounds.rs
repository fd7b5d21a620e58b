//! The size of one template expression, checked before minijinja sees it.
//!
//! minijinja parses `a + b + c`, `x | f | g` and `p.a.b` into a tree as deep
//! as the chain is long and compiles and drops it recursively, so a tag with
//! a hundred thousand operators overflows the stack and aborts the process.
//! Its parser limits nesting of brackets and blocks, not the length of such
//! chains. Counting operators per tag here keeps every tree shallow; a real
//! template has a handful per tag.

use std::ops::Range;

/// The most operators (`+`, `|`, `.`, `and`, …) one tag may hold.
pub const MAX_OPERATORS: usize = 300;

/// Why a template failed to load: one of its tags is too long, here.
#[derive(Debug)]
pub struct OversizedExpression {
    /// The template's name, as `include` and `extends` name it.
    pub template: String,
    /// The operator past the limit.
    pub range: Range<usize>,
}

impl std::fmt::Display for OversizedExpression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a tag in `{}` has more than {MAX_OPERATORS} operators", self.template)
    }
}

impl std::error::Error for OversizedExpression {}

/// Words that join expressions the way symbols do.
const OPERATOR_WORDS: &[&str] = &["and", "or", "not", "in", "is", "if", "else"];

/// The range of the first operator past [`MAX_OPERATORS`] in one tag of
/// `text`, if a tag has that many. Text between `{% raw %}` and
/// `{% endraw %}` and comments are not expressions and are skipped.
pub fn oversized_expression(text: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let open = at + found;
        let closer = match bytes.get(open + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let body_start = open + 2;
        if closer == "#}" {
            at = text[body_start..].find("#}").map_or(text.len(), |end| body_start + end + 2);
            continue;
        }
        let (body_end, excess) = scan_tag(text, body_start, closer);
        if excess.is_some() {
            return excess;
        }
        let is_raw =
            closer == "%}" && text[body_start..body_end].trim_matches(['-', '+', ' ', '\t', '\n', '\r']) == "raw";
        if is_raw {
            at = text[body_end..].find("endraw").map_or(text.len(), |end| body_end + end);
            continue;
        }
        at = (body_end + 2).min(text.len());
    }
    None
}

/// Scans one tag body from `start` to its `closer` outside strings: where the
/// body ends, and the first operator past the limit.
fn scan_tag(text: &str, start: usize, closer: &str) -> (usize, Option<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut operators = 0;
    let mut excess = None;
    let mut index = start;
    while index < bytes.len() {
        if bytes[index..].starts_with(closer.as_bytes()) {
            return (index, excess);
        }
        let byte = bytes[index];
        let token_len = match byte {
            b'"' | b'\'' => {
                index += dialects::string_len(&bytes[index..], bytes[index]);
                continue;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'~' | b'|' | b'.' | b'[' | b'<' | b'>' | b'=' | b'!' => 1,
            byte if byte.is_ascii_alphabetic() || byte == b'_' => {
                let len = bytes[index..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
                if !OPERATOR_WORDS.iter().any(|word| word.as_bytes() == &bytes[index..index + len]) {
                    index += len;
                    continue;
                }
                len
            }
            _ => {
                index += 1;
                continue;
            }
        };
        operators += 1;
        if operators > MAX_OPERATORS && excess.is_none() {
            excess = Some(index..index + token_len);
        }
        index += token_len;
    }
    (bytes.len(), excess)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_expressions_pass() {
        let template = "{% if page.title and page.date %}{{ page.title | upper ~ \" - \" ~ config.title }}{% endif %}";
        assert_eq!(oversized_expression(template), None);
    }

    #[test]
    fn a_long_chain_is_found_at_the_operator_past_the_limit() {
        let template = format!("<p>{{{{ 1{} }}}}</p>", " + 1".repeat(MAX_OPERATORS + 5));
        let range = oversized_expression(&template).expect("too long");
        assert_eq!(&template[range.clone()], "+");
        assert_eq!(range.start, "<p>{{ 1".len() + " + 1".len() * MAX_OPERATORS + 1);
    }

    #[test]
    fn strings_comments_and_raw_blocks_do_not_count() {
        let many = "+".repeat(MAX_OPERATORS * 2);
        let template = format!("{{{{ \"{many}\" }}}}{{# {many} #}}{{% raw %}}{{{{ {many} }}}}{{% endraw %}}");
        assert_eq!(oversized_expression(&template), None);
        let words = format!("{{% if {} true %}}", "true and ".repeat(MAX_OPERATORS + 1));
        assert!(oversized_expression(&words).is_some());
    }

    #[test]
    fn text_that_is_not_ascii_is_scanned_by_bytes() {
        assert_eq!(oversized_expression("{{ é + ü | ß }}{% ñ %}{{ 'ï\\"), None);
    }
}
