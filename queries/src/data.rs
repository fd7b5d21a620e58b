//! Data files under `data/`, parsed for `load_data`.

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;

/// A data file as a template value: TOML, JSON and YAML by extension,
/// anything else as its text.
///
/// Invalidated by an edit of that file only.
#[salsa::tracked(returns(ref))]
pub fn data_value(db: &dyn Database, file: SourceFile) -> Result<minijinja::Value, Diagnostic> {
    let path = file.path(db);
    let text = file.text(db).as_str();
    let error =
        |range: std::ops::Range<usize>, message: String| Diagnostic::error(path.clone(), range, "qsite::data", message);
    match path.extension() {
        Some("toml") => toml::from_str::<toml::Table>(text)
            .map(|table| minijinja::Value::from(minijinja::value::Serde(&table)))
            .map_err(|e| error(e.span().unwrap_or(0..0), format!("invalid TOML: {}", e.message()))),
        Some("json") => serde_json::from_str::<serde_json::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| error(0..0, format!("invalid JSON: {e}"))),
        Some("yaml" | "yml") => serde_norway::from_str::<serde_norway::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| {
                let at = e.location().map_or(0, |location| location.index());
                error(at..at, format!("invalid YAML: {e}"))
            }),
        _ => Ok(minijinja::Value::from(text)),
    }
}
