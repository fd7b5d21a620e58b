//! The tags of a template as minijinja's lexer finds them, cut into the few
//! kinds of token a rewrite looks at.
//!
//! Rewrites must touch only what minijinja reads as an expression or a
//! statement: never template text, a comment, the inside of
//! `{% raw %}…{% endraw %}` or a string literal. So this scan follows
//! minijinja's own rules for where tags start and end (whitespace-control
//! markers, a closing `}}` or `%}` that counts only outside brackets) rather
//! than searching for patterns in the raw text. It works on bytes and cuts
//! only at ASCII bytes, so every range it returns lies on character
//! boundaries.

use std::ops::Range;

/// What a token is, as far as a rewrite cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A name: `[A-Za-z_][A-Za-z0-9_]*`.
    Name,
    /// `::`, Tera's namespace separator, which minijinja has no use for.
    Namespace,
    /// `(`.
    OpenParen,
    /// Anything else: strings, numbers, other operators, stray characters.
    Other,
}

/// One token of a tag, with its range in the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub range: Range<usize>,
}

/// Whether a tag prints (`{{ }}`) or runs a statement (`{% %}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `{{ … }}`.
    Print,
    /// `{% … %}`.
    Statement,
}

/// One tag: its kind, the tokens between its delimiters and markers, and
/// where its closing delimiter stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Print or statement.
    pub kind: TagKind,
    /// The tokens, in order.
    pub tokens: Vec<Token>,
    /// The closing delimiter with its whitespace-control marker (`-%}`),
    /// empty at the end of the text for a tag left open: a rewrite that
    /// ends the tag early and opens another one inserts there, so the
    /// user's marker applies to the tag that now stands last.
    pub closer: Range<usize>,
}

impl Tag {
    /// Whether this is the statement `keyword` (its first token).
    pub fn is_statement(&self, text: &str, keyword: &str) -> bool {
        self.kind == TagKind::Statement && self.tokens.first().is_some_and(|token| token.is(text, keyword))
    }
}

impl Token {
    /// Whether this token is exactly `spelling` (a name, or an operator).
    pub fn is(&self, text: &str, spelling: &str) -> bool {
        &text[self.range.clone()] == spelling
    }
}

/// Every tag of `text`, in order, skipping comments and raw blocks. A tag
/// the text leaves open runs to the end of the text.
pub fn tags(text: &str) -> Vec<Tag> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = find(bytes, at, b"{") {
        let open = found;
        let (kind, closer) = match bytes.get(open + 1) {
            Some(b'{') => (TagKind::Print, b"}}"),
            Some(b'%') => (TagKind::Statement, b"%}"),
            Some(b'#') => {
                at = find(bytes, open + 2, b"#}").map_or(bytes.len(), |end| end + 2);
                continue;
            }
            _ => {
                at = open + 1;
                continue;
            }
        };
        let mut body = open + 2;
        if matches!(bytes.get(body), Some(b'-' | b'+')) {
            body += 1;
        }
        if kind == TagKind::Statement
            && let Some(len) = basic_tag(&bytes[body..], b"raw")
        {
            at = raw_end(bytes, body + len);
            continue;
        }
        let (tokens, closer) = tokens(bytes, body, closer);
        at = closer.end;
        tags.push(Tag { kind, tokens, closer });
    }
    tags
}

/// The first index at or after `from` where `needle` starts.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(needle.len()).position(|window| window == needle).map(|index| from + index)
}

/// The length of `name %}` (or `name -%}`, with any whitespace) at the start
/// of `bytes`, the rest of a tag that holds only `name`; minijinja finds
/// `raw` and `endraw` this way, before it reads any expression.
fn basic_tag(bytes: &[u8], name: &[u8]) -> Option<usize> {
    let mut at = bytes.iter().position(|byte| !byte.is_ascii_whitespace())?;
    if !bytes[at..].starts_with(name) {
        return None;
    }
    at += name.len();
    at += bytes[at..].iter().take_while(|byte| byte.is_ascii_whitespace()).count();
    if matches!(bytes.get(at), Some(b'-' | b'+')) {
        at += 1;
    }
    bytes[at..].starts_with(b"%}").then_some(at + 2)
}

/// Where the raw block whose body starts at `from` ends: just past its
/// `{% endraw %}`, or the end of the text.
fn raw_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(open) = find(bytes, at, b"{%") {
        let mut name = open + 2;
        if matches!(bytes.get(name), Some(b'-' | b'+')) {
            name += 1;
        }
        if let Some(len) = basic_tag(&bytes[name..], b"endraw") {
            return name + len;
        }
        at = open + 2;
    }
    bytes.len()
}

/// The tokens of the tag whose body starts at `start`, up to its `closer`
/// outside brackets, and the range of the closer with its marker.
fn tokens(bytes: &[u8], start: usize, closer: &[u8; 2]) -> (Vec<Token>, Range<usize>) {
    let mut tokens = Vec::new();
    let mut depth: isize = 0;
    let mut at = start;
    loop {
        at += bytes[at..].iter().take_while(|byte| byte.is_ascii_whitespace()).count();
        let rest = &bytes[at..];
        if rest.is_empty() {
            return (tokens, at..at);
        }
        if depth == 0 {
            if rest.starts_with(closer) {
                return (tokens, at..at + 2);
            }
            if matches!(rest[0], b'-' | b'+') && rest[1..].starts_with(closer) {
                return (tokens, at..at + 3);
            }
        }
        let (kind, len) = match rest[0] {
            b':' if rest.get(1) == Some(&b':') => (TokenKind::Namespace, 2),
            b'(' => {
                depth += 1;
                (TokenKind::OpenParen, 1)
            }
            b'[' | b'{' => {
                depth += 1;
                (TokenKind::Other, 1)
            }
            b')' | b']' | b'}' => {
                depth -= 1;
                (TokenKind::Other, 1)
            }
            // Tera 1 also quotes with backticks; minijinja rejects them, and
            // nothing inside one is rewritten.
            quote @ (b'"' | b'\'' | b'`') => (TokenKind::Other, string_len(rest, quote)),
            byte if byte.is_ascii_alphabetic() || byte == b'_' => (TokenKind::Name, word_len(rest)),
            byte if byte.is_ascii_digit() => (TokenKind::Other, word_len(rest)),
            byte if byte.is_ascii() => (TokenKind::Other, 1),
            // A character minijinja rejects: skipped whole, to stay on boundaries.
            _ => (TokenKind::Other, rest.iter().skip(1).take_while(|byte| (**byte & 0xC0) == 0x80).count() + 1),
        };
        tokens.push(Token { kind, range: at..at + len });
        at += len;
    }
}

/// The length of the run of name characters at the start of `bytes`.
fn word_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_').count()
}

/// The length of the string literal at the start of `bytes` (opened by
/// `quote`), quotes included, with backslash escapes as minijinja reads
/// them; an unclosed string runs to the end.
pub fn string_len(bytes: &[u8], quote: u8) -> usize {
    let mut at = 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Vec<(TokenKind, &str)>> {
        tags(text)
            .into_iter()
            .map(|tag| tag.tokens.into_iter().map(|token| (token.kind, &text[token.range])).collect())
            .collect()
    }

    #[test]
    fn tags_are_cut_into_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("<p>{{- m::f(\"a::b\", x) -}}</p>{% endmacro f %}"),
            vec![
                vec![
                    (Name, "m"),
                    (Namespace, "::"),
                    (Name, "f"),
                    (OpenParen, "("),
                    (Other, "\"a::b\""),
                    (Other, ","),
                    (Name, "x"),
                    (Other, ")"),
                ],
                vec![(Name, "endmacro"), (Name, "f")],
            ]
        );
    }

    #[test]
    fn comments_raw_blocks_and_text_hold_no_tags() {
        assert_eq!(kinds("a::b {# {{ m::f() }} #} {%- raw -%} {{ m::f() }} {% endraw %}{{ x }}").len(), 1);
        assert_eq!(kinds("{% raw %}{{ m::f() }}").len(), 0);
        assert_eq!(kinds("{# {{ x }}").len(), 0);
    }

    #[test]
    fn a_closer_inside_brackets_does_not_end_the_tag() {
        assert_eq!(kinds("{{ {'a': {'b': 1}} }}{{ y }}").len(), 2);
        assert_eq!(kinds("{{ f('}}') }}{{ y }}").len(), 2);
    }

    #[test]
    fn unfinished_text_ends_its_tag() {
        assert_eq!(kinds("{{ m::"), vec![vec![(TokenKind::Name, "m"), (TokenKind::Namespace, "::")]]);
        assert_eq!(kinds("{{ 'open"), vec![vec![(TokenKind::Other, "'open")]]);
        assert_eq!(kinds("{{ é::ü }}").len(), 1);
        assert_eq!(kinds("{{ \"\\"), vec![vec![(TokenKind::Other, "\"\\")]]);
    }

    #[test]
    fn a_tag_knows_its_closer_with_its_marker() {
        let text = "{% for x in y -%} {{ x }}{% if";
        let closers: Vec<&str> = tags(text).iter().map(|tag| &text[tag.closer.clone()]).collect();
        assert_eq!(closers, vec!["-%}", "}}", ""]);
    }
}
