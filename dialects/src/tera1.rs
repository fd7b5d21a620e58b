//! Tera 1 template text as minijinja text.
//!
//! Spellings that differ only in form:
//! - `{% endmacro name %}` → `{% endmacro %}` (minijinja takes no name
//!   there; it does take one after `endblock`, which is left as it is).
//! - `m::name(` → `m.name(`: a macro of a template imported as `m`.
//! - `self::name(` → `name(`: a macro of the same template, which minijinja
//!   calls by its bare name.
//!
//! Statements minijinja reads differently: `{% for key, value in map %}`
//! ([`pairs`]) and `{% set_global %}`
//! ([`globals`]).
//!
//! Everything else is copied byte for byte, whitespace-control markers
//! included, so text that uses none of these translates to itself.

use std::ops::Range;

use crate::scan::{Tag, TokenKind, tags};
use crate::span_map::Rewriter;
use crate::{globals, pairs};

/// One change to the user's text: `user` (possibly empty, an insertion)
/// becomes `with`. Each rewrite lists its own; they never overlap, and are
/// applied together in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The user's span replaced.
    pub user: Range<usize>,
    /// What stands there in the translation.
    pub with: String,
}

impl Edit {
    /// `with` inserted at `at`.
    pub fn insert(at: usize, with: impl Into<String>) -> Edit {
        Edit { user: at..at, with: with.into() }
    }
}

/// Rewrites every Tera 1 construct in `text` through `rewriter`.
pub fn rewrite(text: &str, rewriter: &mut Rewriter<'_>) {
    let tags = tags(text);
    let mut edits = Vec::new();
    spellings(text, &tags, &mut edits);
    pairs::edits(text, &tags, &mut edits);
    globals::edits(text, &tags, &mut edits);
    // An insertion sorts before a replacement that starts where it stands.
    edits.sort_by_key(|edit| (edit.user.start, edit.user.end));
    for edit in edits {
        rewriter.replace(edit.user, &edit.with);
    }
}

/// The edits for named macro ends and namespace calls.
fn spellings(text: &str, tags: &[Tag], edits: &mut Vec<Edit>) {
    for tag in tags {
        if let Some(name_end) = named_endmacro(text, tag) {
            edits.push(Edit { user: tag.tokens[0].range.end..name_end, with: String::new() });
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
            if namespace.is(text, "self") {
                edits.push(Edit { user: namespace.range.start..name.range.start, with: String::new() });
            } else {
                edits.push(Edit { user: separator.range.clone(), with: ".".to_owned() });
            }
        }
    }
}

/// Where the name ends in a `{% endmacro name %}` tag.
fn named_endmacro(text: &str, tag: &Tag) -> Option<usize> {
    match tag.tokens.as_slice() {
        [_, name] if tag.is_statement(text, "endmacro") && name.kind == TokenKind::Name => Some(name.range.end),
        _ => None,
    }
}
