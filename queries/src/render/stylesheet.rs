//! A stylesheet's output: its Sass compiled to CSS by the `stylesheets`
//! crate, every file the compiler reads or looks for read through
//! [`crate::trace::reads::sass_source`], so the output depends on exactly
//! the sheet, its partials, and the places an import was looked for.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;
use crate::trace::reads::sass_source;

/// The CSS of the stylesheet `file`, or its first error as a diagnostic at
/// the file and line where the compiler stopped (a partial's, when the
/// error is in a partial).
pub fn render_stylesheet(db: &dyn Database, file: SourceFile) -> Result<String, Diagnostic> {
    let path = file.path(db).as_str();
    let sources = TracedSources { db };
    match catch_unwind(AssertUnwindSafe(|| stylesheets::compile(path, &sources))) {
        Ok(Ok(css)) => Ok(css),
        Ok(Err(error)) => {
            let (file, range) = error.location.unwrap_or_else(|| (path.to_owned(), 0..0));
            Err(Diagnostic::error(file, range, "qsite::sass::error", error.message))
        }
        // A new revision cancels a render by unwinding through it: that is
        // salsa's, not the compiler's, and must go on unwinding.
        Err(payload) if payload.is::<salsa::Cancelled>() => resume_unwind(payload),
        Err(_) => Err(Diagnostic::error(
            path,
            0..0,
            "qsite::sass::crash",
            "the Sass compiler failed on this stylesheet".to_owned(),
        )
        .with_help("simplify the stylesheet around its latest change; this is a bug in the compiler")),
    }
}

/// The site's files as the compiler sees them: every lookup recorded.
struct TracedSources<'db> {
    db: &'db dyn Database,
}

impl stylesheets::Sources for TracedSources<'_> {
    fn text(&self, path: &str) -> Option<String> {
        sass_source(self.db, path)
    }
}
