//! `{% set_global name = value %}`: Tera's assignment to the scope around
//! the loops, which minijinja has no statement for.
//!
//! Tera keeps a stack of frames: the template (its blocks, its parents' and
//! children's blocks too: one render, one frame), each macro call, each
//! include, and one per `for` loop, emptied at every iteration. `set` writes
//! the innermost frame; `set_global` the innermost frame that is not a loop.
//! minijinja scopes `set` inside a loop the same way, but has no way to
//! write past it, except into a `namespace()` object, which it shares by
//! reference. So in each scope that uses `set_global` (the template, or one
//! macro), every name it assigns with `set_global` lives in a namespace:
//!
//! - `{% set_global n = v %}`, and `{% set n = v %}` outside loops, become
//!   `{% set __tera_globals.n = v %}`;
//! - a read of `n` becomes `__tera_globals.n`, unless a loop around it
//!   binds `n` or has set it with a loop-local `set` earlier in its body;
//! - the template opens with `{% if __tera_globals is not defined %}{% set
//!   __tera_globals = namespace(n=n) %}{% endif %}`: a child template runs
//!   first and its parent reuses its namespace, as they share Tera's frame,
//!   and `n=n` starts from a value the render was given;
//! - a macro's body opens with its own namespace, holding the arguments it
//!   assigns with `set_global`, as a macro in Tera sees only its arguments.
//!
//! Names are only ever inserted before the user's name, so an error in a
//! read or a write points at the user's own name. A scope without
//! `set_global` is left as it is.

use std::collections::BTreeSet;

use crate::scan::{Tag, TagKind, Token, TokenKind};
use crate::tera1::Edit;

/// The namespace a scope's global names live in.
const GLOBALS: &str = "__tera_globals";

/// Names that are never a variable, so never a global one.
const KEYWORDS: &[&str] =
    &["and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None", "loop", "self"];

/// The edits that give every `set_global` of `tags` Tera's meaning.
pub fn edits(text: &str, tags: &[Tag], edits: &mut Vec<Edit>) {
    let globals = globals_by_scope(text, tags);
    if globals.iter().all(BTreeSet::is_empty) {
        return;
    }
    if !globals[0].is_empty() {
        let start = starting_values(&globals[0]);
        edits.push(Edit::insert(
            0,
            format!("{{% if {GLOBALS} is not defined %}}{{% set {GLOBALS} = namespace({start}) %}}{{% endif %}}"),
        ));
    }
    let mut walk = Walk::default();
    for tag in tags {
        let names = &globals[walk.scope];
        for read in reads(text, tag) {
            let name = &text[read.range.clone()];
            if names.contains(name) && !walk.is_local(name) {
                edits.push(Edit::insert(read.range.start, format!("{GLOBALS}.")));
            }
        }
        if let Some(target) = assigned(text, tag, "set_global") {
            edits.push(Edit { user: tag.tokens[0].range.clone(), with: "set".to_owned() });
            edits.push(Edit::insert(target.range.start, format!("{GLOBALS}.")));
        } else if let Some(target) = assigned(text, tag, "set")
            && names.contains(&text[target.range.clone()])
        {
            match walk.innermost_loop() {
                Some(local) => local.push(text[target.range.clone()].to_owned()),
                None => edits.push(Edit::insert(target.range.start, format!("{GLOBALS}."))),
            }
        }
        walk.step(text, tag);
        if tag.is_statement(text, "macro") && !globals[walk.scope].is_empty() {
            let arguments: Vec<String> = parameters(text, tag)
                .filter(|parameter| globals[walk.scope].contains(*parameter))
                .map(str::to_owned)
                .collect();
            let start = starting_values(&arguments);
            edits.push(Edit::insert(tag.closer.start, format!("%}}{{% set {GLOBALS} = namespace({start}) ")));
        }
    }
}

/// `a=a, b=b`: a namespace's starting values, each from the variable of
/// its name.
fn starting_values<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    names.into_iter().map(|name| format!("{name}={name}")).collect::<Vec<_>>().join(", ")
}

/// For each scope (the template first, then each macro in order), the names
/// it assigns with `set_global`.
fn globals_by_scope(text: &str, tags: &[Tag]) -> Vec<BTreeSet<String>> {
    let mut globals = vec![BTreeSet::new()];
    let mut walk = Walk::default();
    for tag in tags {
        walk.step(text, tag);
        globals.resize_with(walk.scopes + 1, BTreeSet::new);
        if let Some(target) = assigned(text, tag, "set_global") {
            let name = &text[target.range.clone()];
            if !KEYWORDS.contains(&name) {
                globals[walk.scope].insert(name.to_owned());
            }
        }
    }
    globals
}

/// The target of `{% keyword name = … %}`.
fn assigned<'a>(text: &str, tag: &'a Tag, keyword: &str) -> Option<&'a Token> {
    match tag.tokens.as_slice() {
        [_, target, equals, ..]
            if tag.is_statement(text, keyword)
                && target.kind == TokenKind::Name
                && equals.is(text, "=")
                && !text[equals.range.end..].starts_with('=') =>
        {
            Some(target)
        }
        _ => None,
    }
}

/// The names a `{% macro name(a, b=1) %}` tag declares.
fn parameters<'a>(text: &'a str, tag: &'a Tag) -> impl Iterator<Item = &'a str> {
    tag.tokens.windows(2).filter_map(move |pair| {
        let [before, name] = pair else { return None };
        let declares = (before.kind == TokenKind::OpenParen || before.is(text, ",")) && name.kind == TokenKind::Name;
        declares.then(|| &text[name.range.clone()])
    })
}

/// The tokens of `tag` that read a variable: names in its expressions that
/// are not attributes, filters, tests, keyword arguments, calls or
/// namespaces; never a statement's keyword or the names it binds.
fn reads<'a>(text: &str, tag: &'a Tag) -> Vec<&'a Token> {
    let tokens = tag.tokens.as_slice();
    let expression_start = match tag.kind {
        TagKind::Print => 0,
        TagKind::Statement => match tokens.first().map(|token| &text[token.range.clone()]) {
            Some("if" | "elif" | "include" | "extends") => 1,
            Some("filter") => 2,
            Some("for") => tokens.iter().position(|token| token.is(text, "in")).map_or(tokens.len(), |at| at + 1),
            Some("set" | "set_global") => {
                match assigned(text, tag, "set").or_else(|| assigned(text, tag, "set_global")) {
                    Some(_) => 3,
                    None => tokens.len(),
                }
            }
            _ => tokens.len(),
        },
    };
    let mut reads = Vec::new();
    for index in expression_start.min(tokens.len())..tokens.len() {
        let token = &tokens[index];
        let before = index.checked_sub(1).map(|before| &tokens[before]);
        let after = tokens.get(index + 1);
        let named_by_operator = before.is_some_and(|before| {
            before.is(text, ".")
                || before.is(text, "|")
                || before.is(text, "is")
                || before.kind == TokenKind::Namespace
                || (before.is(text, "not") && index >= 2 && tokens[index - 2].is(text, "is"))
        });
        let names_something_else = after.is_some_and(|after| {
            after.kind == TokenKind::Namespace
                || after.kind == TokenKind::OpenParen
                || (after.is(text, "=") && !text[after.range.end..].starts_with('='))
        });
        if token.kind == TokenKind::Name && !named_by_operator && !names_something_else {
            reads.push(token);
        }
    }
    reads
}

/// A statement that opens a body, as far as scopes care.
#[derive(Debug)]
enum Open {
    /// A `for` loop: the names it binds and those its body set so far, or
    /// none once its `else` starts (which renders outside the loop).
    Loop { bound: Vec<String>, local: Vec<String>, in_else: bool },
    /// An `if`, whose `else` is not a loop's.
    If,
    /// A macro: a scope of its own.
    Macro,
}

/// Where a walk through the tags stands: the statements open around it and
/// the scope it is in.
#[derive(Debug, Default)]
struct Walk {
    open: Vec<Open>,
    /// The scope of the tags being walked: 0 for the template, `n` for the
    /// `n`th macro.
    scope: usize,
    /// How many macros the walk has entered.
    scopes: usize,
}

impl Walk {
    /// Moves past `tag`, opening or closing what it opens or closes.
    /// Mismatched ends (a template minijinja will reject) close nothing.
    fn step(&mut self, text: &str, tag: &Tag) {
        if tag.kind != TagKind::Statement {
            return;
        }
        let Some(keyword) = tag.tokens.first().map(|token| &text[token.range.clone()]) else { return };
        match (keyword, self.open.last_mut()) {
            ("for", _) => {
                let bound = tag.tokens[1..]
                    .iter()
                    .take_while(|token| !token.is(text, "in"))
                    .filter(|token| token.kind == TokenKind::Name)
                    .map(|token| text[token.range.clone()].to_owned())
                    .collect();
                self.open.push(Open::Loop { bound, local: Vec::new(), in_else: false });
            }
            ("if", _) => self.open.push(Open::If),
            ("macro", _) => {
                self.open.push(Open::Macro);
                self.scopes += 1;
                self.scope = self.scopes;
            }
            ("else", Some(Open::Loop { in_else, .. })) => *in_else = true,
            ("endfor", Some(Open::Loop { .. })) | ("endif", Some(Open::If)) => {
                self.open.pop();
            }
            ("endmacro", Some(Open::Macro)) => {
                self.open.pop();
                self.scope = 0;
            }
            _ => {}
        }
    }

    /// The loops of the current scope around the walk, innermost first.
    fn loops(&mut self) -> impl Iterator<Item = (&mut Vec<String>, &mut Vec<String>)> {
        self.open.iter_mut().rev().take_while(|open| !matches!(open, Open::Macro)).filter_map(|open| match open {
            Open::Loop { bound, local, in_else: false } => Some((bound, local)),
            _ => None,
        })
    }

    /// The names set so far in the innermost loop of the current scope
    /// around the walk, where a `set` writes.
    fn innermost_loop(&mut self) -> Option<&mut Vec<String>> {
        self.loops().next().map(|(_, local)| local)
    }

    /// Whether `name` here means a loop's variable or a loop-local `set`.
    fn is_local(&mut self, name: &str) -> bool {
        self.loops().any(|(bound, local)| bound.iter().chain(local.iter()).any(|known| known == name))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Dialect, translate};

    fn tera(text: &str) -> String {
        translate(Dialect::Tera1, text).text
    }

    const OPEN: &str =
        "{% if __tera_globals is not defined %}{% set __tera_globals = namespace(found=found) %}{% endif %}";

    #[test]
    fn a_global_name_lives_in_the_namespace_outside_loops_and_in_them() {
        assert_eq!(
            tera(
                "{% set found = false %}{% for p in pages %}{%- set_global found = p.draft or found -%}{% endfor %}{{ found }}"
            ),
            format!(
                "{OPEN}{{% set __tera_globals.found = false %}}{{% for p in pages %}}\
                 {{%- set __tera_globals.found = p.draft or __tera_globals.found -%}}{{% endfor %}}{{{{ __tera_globals.found }}}}"
            )
        );
    }

    #[test]
    fn loop_variables_and_loop_local_sets_shadow_a_global_name() {
        assert_eq!(
            tera("{% for found in xs %}{{ found }}{% else %}{{ found }}{% endfor %}{% set_global found = 1 %}"),
            format!(
                "{OPEN}{{% for found in xs %}}{{{{ found }}}}{{% else %}}{{{{ __tera_globals.found }}}}{{% endfor %}}\
                 {{% set __tera_globals.found = 1 %}}"
            )
        );
        assert_eq!(
            tera(
                "{% for p in xs %}{{ found }}{% set found = p %}{% if found %}{{ found }}{% endif %}{% endfor %}{% set_global found = 1 %}"
            ),
            format!(
                "{OPEN}{{% for p in xs %}}{{{{ __tera_globals.found }}}}{{% set found = p %}}{{% if found %}}{{{{ found }}}}\
                 {{% endif %}}{{% endfor %}}{{% set __tera_globals.found = 1 %}}"
            )
        );
    }

    #[test]
    fn attributes_filters_tests_arguments_and_calls_are_not_reads() {
        assert_eq!(
            tera(
                "{% set_global n = 0 %}{{ a.n | n(n=n) is n }}{{ n(1) }}{{ m::n() }}{{ n == 1 }}{% if n is not n %}{% endif %}"
            ),
            "{% if __tera_globals is not defined %}{% set __tera_globals = namespace(n=n) %}{% endif %}\
             {% set __tera_globals.n = 0 %}{{ a.n | n(n=__tera_globals.n) is n }}{{ n(1) }}{{ m.n() }}\
             {{ __tera_globals.n == 1 }}{% if __tera_globals.n is not n %}{% endif %}"
        );
    }

    #[test]
    fn a_macro_is_a_scope_of_its_own_with_its_arguments() {
        assert_eq!(
            tera(
                "{% macro f(n, m=2) -%}{% for p in ps %}{% set_global n = n + m %}{% endfor %}{{ n }}{% endmacro f %}{{ n }}"
            ),
            "{% macro f(n, m=2) %}{% set __tera_globals = namespace(n=n) -%}{% for p in ps %}\
             {% set __tera_globals.n = __tera_globals.n + m %}{% endfor %}{{ __tera_globals.n }}{% endmacro %}{{ n }}"
        );
    }

    #[test]
    fn text_without_set_global_is_left_alone() {
        let text = "{% set found = 1 %}{% for p in xs %}{% set found = 2 %}{% endfor %}{{ found }}";
        assert_eq!(tera(text), text);
    }

    #[test]
    fn an_error_on_a_global_name_points_at_the_users_name() {
        let user = "{% for p in xs %}{% set_global total = total + p %}{% endfor %}\n{{ total.oops }}";
        let translated = translate(Dialect::Tera1, user);
        let generated = translated.text.rfind("__tera_globals.total.oops").unwrap();
        let range = translated.map.user_range(generated..generated + "__tera_globals.total.oops".len());
        assert_eq!(&user[range], "total.oops");
        assert_eq!(&user[translated.user_range_of_line(2)], "{{ total.oops }}");
        let keyword = translated.text.find("set __tera_globals.total").unwrap();
        assert_eq!(&user[translated.map.user_range(keyword..keyword + 3)], "set_global");
    }
}
