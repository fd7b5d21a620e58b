//! `{% for key, value in map %}`: Tera iterates a map's pairs, minijinja
//! iterates a map's keys and needs `map|items` for its pairs.
//!
//! The container is evaluated once, into a variable of the loop's scope, and
//! the loop iterates its pairs when it is a map and the value itself
//! otherwise, so a minijinja loop over a list of pairs (`pages|groupby(…)`,
//! `m|items`) still renders as it did:
//!
//! ```text
//! {%- for k, v in X if c -%}
//! {%- set __tera_pairs = X %}{% for k, v in (__tera_pairs|items if __tera_pairs is mapping else __tera_pairs) if c -%}
//! ```
//!
//! The user's `for k, v in` becomes the `set`, so an error in the loop's
//! head points there, and `X` is copied where it stood, so an error in it
//! points at the user's own text. A loop filter (`if c`), `recursive` and
//! the whitespace-control markers stay where they were; `{% else %}` is
//! untouched, and renders when there is nothing to iterate, as in Tera.

use crate::scan::{Tag, Token, TokenKind};
use crate::tera1::Edit;

/// The variable holding a key-value loop's container.
const CONTAINER: &str = "__tera_pairs";

/// The edits for every `{% for a, b in container %}` tag of `tags`.
pub fn edits(text: &str, tags: &[Tag], edits: &mut Vec<Edit>) {
    for tag in tags {
        if !tag.is_statement(text, "for") {
            continue;
        }
        let [keyword, key, comma, value, within, rest @ ..] = tag.tokens.as_slice() else { continue };
        let is_pair_loop = key.kind == TokenKind::Name
            && comma.is(text, ",")
            && value.kind == TokenKind::Name
            && within.is(text, "in");
        let Some(container) = container(text, rest) else { continue };
        if !is_pair_loop {
            continue;
        }
        edits.push(Edit { user: keyword.range.start..container.start, with: format!("set {CONTAINER} = ") });
        let (key, value) = (&text[key.range.clone()], &text[value.range.clone()]);
        edits.push(Edit::insert(
            container.end,
            format!(" %}}{{% for {key}, {value} in ({CONTAINER}|items if {CONTAINER} is mapping else {CONTAINER})"),
        ));
    }
}

/// The span of the container expression among the tokens after `in`: up to
/// a loop filter's `if` or `recursive` outside brackets, or the tag's end.
fn container(text: &str, tokens: &[Token]) -> Option<std::ops::Range<usize>> {
    let mut depth = 0_isize;
    let mut last = None;
    for token in tokens {
        if depth == 0 && (token.is(text, "if") || token.is(text, "recursive")) {
            break;
        }
        match &text[token.range.clone()] {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        last = Some(token);
    }
    Some(tokens.first()?.range.start..last?.range.end)
}

#[cfg(test)]
mod tests {
    use crate::{Dialect, translate};

    fn tera(text: &str) -> String {
        translate(Dialect::Tera1, text).text
    }

    #[test]
    fn a_key_value_loop_iterates_the_pairs_of_a_map() {
        assert_eq!(
            tera("{%- for k, v in config.extra -%}{{ k }}{% else %}none{% endfor %}"),
            "{%- set __tera_pairs = config.extra %}{% for k, v in \
             (__tera_pairs|items if __tera_pairs is mapping else __tera_pairs) -%}{{ k }}{% else %}none{% endfor %}"
        );
    }

    #[test]
    fn a_loop_filter_and_recursive_stay_after_the_container() {
        assert_eq!(
            tera("{% for k,v in m | f(x=(a if b else c)) if v recursive %}"),
            "{% set __tera_pairs = m | f(x=(a if b else c)) %}{% for k, v in \
             (__tera_pairs|items if __tera_pairs is mapping else __tera_pairs) if v recursive %}"
        );
    }

    #[test]
    fn other_loops_are_left_alone() {
        for text in ["{% for x in xs %}", "{% for (a, b) in xs %}", "{% for a, b, c in xs %}", "{% for a, b in %}"] {
            assert_eq!(tera(text), text);
        }
    }

    #[test]
    fn an_error_in_the_container_points_at_the_users_text() {
        let user = "{% for k, v in page.extra.links %}";
        let translated = translate(Dialect::Tera1, user);
        let generated = translated.text.find("page.extra.links").unwrap();
        let range = translated.map.user_range(generated..generated + "page.extra.links".len());
        assert_eq!(&user[range], "page.extra.links");
        let head = translated.map.user_range(3..7);
        assert_eq!(&user[head], "for k, v in ");
    }
}
