//! The minijinja environment site templates render in, one per thread.
//!
//! It registers what the [`registry`] lists and reads templates through the
//! [`loader`](crate::templates::loader). It holds no site state: everything
//! comes from the attached database. It is per thread because two renders
//! on different databases (tests, or two revisions) could otherwise race in
//! the shared template cache, where one thread may be handed the template
//! another just loaded.

use std::borrow::Cow;

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use crate::templates::limits::{output_within_limit, print_bounded};
use crate::templates::loader::load_template;
use crate::templates::objects::ConfigObject;
use crate::templates::registry;

/// The steps one render may take (about one per instruction, and one per 64
/// bytes it prints or allocates): far more than any real page needs, and a
/// template loop that would never end stops within seconds, at its line.
pub const TEMPLATE_FUEL: u64 = 20_000_000;

/// The detail of the error for printing an undefined value; the error's
/// span names the expression (see [`crate::templates::errors`]).
pub const PRINTED_UNDEFINED: &str = "a value printed here is undefined";

thread_local! {
    static ENVIRONMENT: Environment<'static> = environment();
}

/// Renders the site template `name` with `context` in this thread's environment.
pub fn render_template(name: &str, context: Value) -> Result<String, Error> {
    let text = ENVIRONMENT.with(|env| env.get_template(name)?.render(context))?;
    output_within_limit(text.len())?;
    Ok(text)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // As Tera has it: a lookup on a missing value is missing too, so
    // `{% if page.title %}` where there is no `page` (a 404 page) is false;
    // printing a missing value is an error at its line (see `format_value`).
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_loader(load_template);
    env.set_formatter(format_value);
    env.set_fuel(Some(TEMPLATE_FUEL));
    // Tera keeps the line break that ends a template file; so does every
    // page Zola writes.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env.add_global("config", Value::from_object(ConfigObject(None)));
    registry::register(&mut env);
    env
}

/// Prints a value: an undefined one is an error, as in Tera; booleans as `true`/`false`, as Tera does; HTML-escaped
/// values in HTML templates leave `/` as it is (minijinja's default writes
/// `&#x2f;`, which makes every URL unreadable in the page source); values
/// and outputs past the size limits are errors at their line; everything else
/// is minijinja's default.
fn format_value(out: &mut minijinja::Output, state: &mut minijinja::State, value: &Value) -> Result<(), Error> {
    // Tera (and so every Zola theme) prints `true`, minijinja `True`.
    if value.kind() == ValueKind::Bool {
        let text = if value.is_true() { "true" } else { "false" };
        return out.write_str(text).map_err(|error| Error::new(ErrorKind::WriteFailure, error.to_string()));
    }
    if value.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, PRINTED_UNDEFINED));
    }
    if value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.as_str().map_or_else(|| Cow::Owned(value.to_string()), Cow::Borrowed);
    print_bounded(out, state, value, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::registry::{Kind, REGISTRY};

    /// Every name the registry lists is in the environment as what it says
    /// it is, so "did you mean" never offers a name that does not work.
    #[test]
    fn every_listed_name_is_registered_as_its_kind() {
        let env = environment();
        for entry in REGISTRY {
            let (template, expected) = match entry.kind {
                Kind::Filter => (format!("{{{{ 1 | {} }}}}", entry.name), ErrorKind::UnknownFilter),
                Kind::Test => (format!("{{{{ 1 is {} }}}}", entry.name), ErrorKind::UnknownTest),
                Kind::Function => (format!("{{{{ {}() }}}}", entry.name), ErrorKind::UnknownFunction),
            };
            if let Err(error) = env.render_str(&template, ()) {
                assert_ne!(error.kind(), expected, "`{}` is not registered: {error}", entry.name);
            }
        }
    }
}
