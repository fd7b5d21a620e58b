//! Tera 1 template text as minijinja text: the constructs that differ only
//! in spelling.
//!
//! - `{% endmacro name %}` → `{% endmacro %}` (minijinja takes no name
//!   there; it does take one after `endblock`, which is left as it is).
//! - `m::name(` → `m.name(`: a macro of a template imported as `m`.
//! - `self::name(` → `name(`: a macro of the same template, which minijinja
//!   calls by its bare name.
//!
//! Everything else is copied byte for byte, whitespace-control markers
//! included, so text that uses none of these translates to itself.

use crate::scan::{Tag, TagKind, Token, TokenKind, tags};
use crate::span_map::Rewriter;

/// Rewrites every Tera 1 spelling in `text` through `rewriter`.
pub fn rewrite(text: &str, rewriter: &mut Rewriter<'_>) {
    for tag in tags(text) {
        if let Some(name_end) = named_endmacro(text, &tag) {
            rewriter.replace(tag.tokens[0].range.end..name_end, "");
            continue;
        }
        for call in tag.tokens.windows(4) {
            let [namespace, separator, name, paren] = call else { continue };
            let is_call = namespace.kind == TokenKind::Name
                && separator.kind == TokenKind::Namespace
                && name.kind == TokenKind::Name
                && paren.kind == TokenKind::OpenParen;
            if !is_call {
                continue;
            }
            if is_word(text, namespace, "self") {
                rewriter.replace(namespace.range.start..name.range.start, "");
            } else {
                rewriter.replace(separator.range.clone(), ".");
            }
        }
    }
}

/// Where the name ends in a `{% endmacro name %}` tag.
fn named_endmacro(text: &str, tag: &Tag) -> Option<usize> {
    match tag.tokens.as_slice() {
        [end, name]
            if tag.kind == TagKind::Statement && is_word(text, end, "endmacro") && name.kind == TokenKind::Name =>
        {
            Some(name.range.end)
        }
        _ => None,
    }
}

/// Whether `token` is the name `word`.
fn is_word(text: &str, token: &Token, word: &str) -> bool {
    token.kind == TokenKind::Name && &text[token.range.clone()] == word
}
