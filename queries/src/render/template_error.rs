//! minijinja errors as diagnostics that point at the template that failed.

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::lookup::file_at;

/// A diagnostic for a failed render of `rendering`: located in the template
/// and line where the error happened (an included template, not the layout
/// that included it), falling back to the template being rendered.
pub fn diagnostic(db: &dyn Database, rendering: &str, error: &minijinja::Error) -> Diagnostic {
    // The innermost error with a location is where the template went wrong.
    let mut located = error;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(inner) = current {
        if let Some(inner_error) = inner.downcast_ref::<minijinja::Error>()
            && inner_error.name().is_some()
            && inner_error.line().is_some()
        {
            located = inner_error;
        }
        current = inner.source();
    }
    let name = located.name().unwrap_or(rendering);
    let file = file_at(db, &format!("templates/{name}"));
    let text = file.map(|file| file.text(db).as_str().to_owned()).unwrap_or_default();
    let range = located.range().or_else(|| located.line().map(|line| line_range(&text, line))).unwrap_or(0..0);
    // minijinja stops an include/extends loop at its recursion limit.
    let is_cycle = located.kind() == minijinja::ErrorKind::InvalidOperation
        && located.detail() == Some("recursion limit exceeded");
    let message = if is_cycle {
        format!("template `{name}` includes or extends itself (an include/extends cycle)")
    } else {
        located.detail().map_or_else(|| located.kind().to_string(), |detail| format!("{}: {detail}", located.kind()))
    };
    let code = match located.kind() {
        minijinja::ErrorKind::SyntaxError => "qsite::templates::syntax",
        minijinja::ErrorKind::TemplateNotFound => "qsite::templates::missing",
        _ if is_cycle => "qsite::templates::cycle",
        _ => "qsite::templates::render",
    };
    Diagnostic::error(format!("templates/{name}"), range, code, message)
}

/// The byte range of 1-based `line` in `text`.
fn line_range(text: &str, line: usize) -> std::ops::Range<usize> {
    let mut offset = 0;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let trimmed = content.trim_end();
            let indent = trimmed.len() - trimmed.trim_start().len();
            return offset + indent..offset + trimmed.len();
        }
        offset += content.len();
    }
    0..0
}
