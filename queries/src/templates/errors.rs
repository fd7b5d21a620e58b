//! minijinja errors as diagnostics that point at the template that failed,
//! at the user's own line and column: minijinja locates errors in the
//! translated text it compiled, and the translation's map leads back.

use camino::Utf8PathBuf;
use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::text_of;
use crate::site_paths::template_path;
use crate::suggest::did_you_mean;
use crate::templates::environment::{PRINTED_UNDEFINED, TEMPLATE_FUEL};
use crate::templates::expression_bounds::{MAX_OPERATORS, OversizedExpression};
use crate::templates::limits::OversizedString;
use crate::templates::loader::site_template;
use crate::templates::objects::{COMMON_FIELDS, CONFIG_FIELDS};
use crate::templates::registry::{Kind, suggested_names};
use crate::templates::shortcodes::ShortcodeFailure;
use crate::trace::reads::template_file;

/// A diagnostic for a failed render of `rendering`: located in the template
/// and line where the error happened (an included template, not the layout
/// that included it), falling back to the template being rendered.
pub fn diagnostic(db: &dyn Database, rendering: &str, error: &minijinja::Error) -> Diagnostic {
    if let Some(ShortcodeFailure(diagnostic)) = find_source::<ShortcodeFailure>(error) {
        return diagnostic.clone();
    }
    if let Some(oversized) = find_source::<OversizedExpression>(error) {
        return Diagnostic::error(
            template_path(&oversized.template),
            oversized.range.clone(),
            "qsite::templates::too_long",
            format!("this tag has more than {MAX_OPERATORS} operators, more than qsite compiles in one expression"),
        )
        .with_help("split the expression into several `set` steps");
    }
    // The innermost error with a location is where the template went wrong.
    let located = causes(error)
        .filter_map(|cause| cause.downcast_ref::<minijinja::Error>())
        .filter(|inner| inner.name().is_some() && inner.line().is_some())
        .last()
        .unwrap_or(error);
    let name = located.name().unwrap_or(rendering);
    let file = template_file(db, name);
    let text = file.map(|file| text_of(db, file).to_owned()).unwrap_or_default();
    let translated = site_template(&text);
    let range = match (located.range(), located.line()) {
        (Some(range), _) => translated.map.user_range(range),
        (None, Some(line)) => translated.user_range_of_line(line),
        (None, None) => 0..0,
    };
    let problem = problem(located, text.get(range.clone()).unwrap_or_default());
    let message = match &problem {
        Problem::Cycle => format!("template `{name}` includes or extends itself (an include/extends cycle)"),
        Problem::RecursiveMacro(name) => {
            format!(
                "macro `{name}` calls itself more than {RECURSION_LIMIT} levels deep (a recursion that never ends?)"
            )
        }
        Problem::OutOfFuel => format!(
            "the render stopped after {TEMPLATE_FUEL} steps: a loop or a recursion that never ends, or far more output than a page needs"
        ),
        Problem::TooLarge(what) => what.clone(),
        Problem::TooDeep => {
            format!("the template is nested too deeply (more than {PARSER_DEPTH} levels of tags, brackets or calls)")
        }
        Problem::PrintedUndefined(expression) => format!("undefined value: `{expression}` is undefined"),
        Problem::Other => located
            .detail()
            .map_or_else(|| located.kind().to_string(), |detail| format!("{}: {detail}", located.kind())),
    };
    let code = match (&problem, located.kind()) {
        (Problem::Cycle, _) => "qsite::templates::cycle",
        (Problem::RecursiveMacro(_), _) => "qsite::templates::recursion",
        (Problem::OutOfFuel, _) => "qsite::templates::fuel",
        (Problem::TooLarge(_), _) => "qsite::templates::too_large",
        (_, minijinja::ErrorKind::SyntaxError) => "qsite::templates::syntax",
        (_, minijinja::ErrorKind::TemplateNotFound) => "qsite::templates::missing",
        _ => "qsite::templates::render",
    };
    let help = help(db, located, &message);
    let path = file.map_or_else(|| Utf8PathBuf::from(template_path(name)), |file| file.path(db).clone());
    let diagnostic = Diagnostic::error(path, range, code, message);
    if let Problem::TooLarge(_) = problem {
        return diagnostic
            .with_help("look for a width, a repetition or a loop that doubles a string: a page needs far less");
    }
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Variables every template may read, for "did you mean" on an undefined one.
const VARIABLE_NAMES: &[&str] = &[
    "page",
    "section",
    "config",
    "paginator",
    "taxonomy",
    "term",
    "terms",
    "current_path",
    "current_url",
    "lang",
    "__tera_context",
];

/// The nearest existing name to the one an error says does not exist.
fn help(db: &dyn Database, error: &minijinja::Error, message: &str) -> Option<String> {
    let detail = error.detail()?;
    match error.kind() {
        minijinja::ErrorKind::TemplateNotFound => {
            // `template "x" does not exist`, or `... template 'x'` for an include.
            let name = detail.split(['"', '\'']).nth(1)?;
            Some(missing_template_help(db, name))
        }
        minijinja::ErrorKind::UnknownFilter => {
            let name = detail.strip_prefix("filter ")?.strip_suffix(" is unknown")?;
            did_you_mean(name, suggested_names(Kind::Filter))
        }
        minijinja::ErrorKind::UnknownTest => {
            let name = detail.strip_prefix("test ")?.strip_suffix(" is unknown")?;
            did_you_mean(name, suggested_names(Kind::Test))
        }
        minijinja::ErrorKind::UnknownFunction => {
            let name = detail.strip_suffix(" is unknown")?;
            did_you_mean(name, suggested_names(Kind::Function))
        }
        minijinja::ErrorKind::UndefinedError => {
            let expression = message.split('`').nth(1)?;
            let variables = || VARIABLE_NAMES.iter().copied().chain(suggested_names(Kind::Function));
            // A lookup on a missing value is missing too, so in `paje.title`
            // the misspelt name may be the first one.
            let root = expression.split(['.', '[', '(', ' ', '|']).next().unwrap_or(expression);
            if root != expression
                && !variables().any(|name| name == root)
                && let Some(suggestion) = did_you_mean(root, variables())
            {
                return Some(suggestion);
            }
            match expression.rsplit_once('.') {
                Some((parent, field)) => {
                    let fields =
                        if parent.rsplit('.').next() == Some("config") { CONFIG_FIELDS } else { COMMON_FIELDS };
                    did_you_mean(field, fields.iter().copied())
                }
                None => did_you_mean(expression, variables()),
            }
        }
        _ => None,
    }
}

/// `error` and the errors it was caused by, outermost first.
fn causes(error: &minijinja::Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |cause| cause.source())
}

/// The first error of type `T` in the chain of `error`'s causes.
fn find_source<T: std::error::Error + 'static>(error: &minijinja::Error) -> Option<&T> {
    causes(error).find_map(|cause| cause.downcast_ref::<T>())
}

/// How deep minijinja lets includes and macro calls nest.
const RECURSION_LIMIT: usize = 500;

/// How deep minijinja's parser lets tags, brackets and calls nest.
const PARSER_DEPTH: usize = 150;

/// What a minijinja error means, where qsite says it in its own words.
enum Problem {
    /// An include or extends that leads back to itself.
    Cycle,
    /// A macro that calls itself, directly or not, past the recursion limit.
    RecursiveMacro(String),
    /// The render used up its fuel.
    OutOfFuel,
    /// A string past the size limits, and what would have made it.
    TooLarge(String),
    /// The parser's nesting limit.
    TooDeep,
    /// An undefined value printed, and the expression that printed it.
    PrintedUndefined(String),
    /// Anything else: minijinja's own message.
    Other,
}

/// Classifies `error`, whose span covers `spanned` in its template.
fn problem(error: &minijinja::Error, spanned: &str) -> Problem {
    if let Some(oversized) = find_source::<OversizedString>(error) {
        return Problem::TooLarge(oversized.to_string());
    }
    match (error.kind(), error.detail()) {
        (minijinja::ErrorKind::OutOfFuel, _) => Problem::OutOfFuel,
        (minijinja::ErrorKind::UndefinedError, Some(PRINTED_UNDEFINED)) => {
            Problem::PrintedUndefined(spanned.trim().to_owned())
        }
        (minijinja::ErrorKind::SyntaxError, Some("template exceeds maximum recursion limits")) => Problem::TooDeep,
        (minijinja::ErrorKind::InvalidOperation, Some("recursion limit exceeded")) => {
            // The limit trips at an include/extends tag or at a macro call.
            let statement = spanned.trim_start_matches(['{', '%', '-', '+', ' ']);
            if ["include", "extends", "import", "from"].iter().any(|tag| statement.starts_with(tag)) {
                Problem::Cycle
            } else {
                let called = spanned.split(['(', ' ']).next().unwrap_or_default();
                Problem::RecursiveMacro(called.rsplit("::").next().unwrap_or(called).to_owned())
            }
        }
        _ => Problem::Other,
    }
}

/// What to do about a template that does not exist: the nearest existing
/// name, else create it. Only an error reads the template list, so renders
/// that succeed do not depend on it; it is read outside `reads` because an
/// error is never persisted (a build with errors writes nothing and saves
/// no trace), while salsa still tracks it in `serve`.
pub fn missing_template_help(db: &dyn Database, name: &str) -> String {
    let templates = &crate::inputs::Site::get(db).files(db).templates;
    match did_you_mean(name, templates.keys().map(String::as_str)) {
        Some(suggestion) => format!("{suggestion} Or create `templates/{name}`"),
        None => format!("create `templates/{name}`, or name an existing template"),
    }
}
