//! Data files under `data/`, parsed for `load_data`.

use std::collections::BTreeMap;
use std::ops::Range;

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::{SourceFile, text_of};

/// A data file as a template value: TOML, JSON, YAML and CSV by extension,
/// anything else as its text. A file that does not parse is an error whose
/// message names the file, line and column, because it is shown at the
/// template line that called `load_data`, far from the data file itself.
///
/// Invalidated by an edit of that file only.
#[salsa::tracked(returns(ref))]
pub fn data_value(db: &dyn Database, file: SourceFile) -> Result<minijinja::Value, Diagnostic> {
    let path = file.path(db);
    let text = text_of(db, file);
    let text: &str = &text;
    let parsed: Result<minijinja::Value, (Range<usize>, &str, String)> = match path.extension() {
        Some("toml") => toml::from_str::<toml::Table>(text)
            .map(|table| minijinja::Value::from(minijinja::value::Serde(&table)))
            .map_err(|e| (e.span().unwrap_or(0..0), "TOML", e.message().to_owned())),
        Some("json") => serde_json::from_str::<serde_json::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| {
                let at = offset_of(text, e.line(), e.column());
                // serde_json ends its message with the position, which the
                // message below already gives.
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                (at..at, "JSON", message.strip_suffix(&suffix).unwrap_or(&message).to_owned())
            }),
        Some("yaml" | "yml") => serde_norway::from_str::<serde_norway::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| {
                let at = e.location().map_or(0, |location| location.index());
                (at..at, "YAML", e.to_string())
            }),
        Some("csv") => csv_value(text).map_err(|(at, message)| (at..at, "CSV", message)),
        _ => Ok(minijinja::Value::from(text)),
    };
    parsed.map_err(|(range, format, message)| {
        let (line, column) = line_column(text, range.start);
        Diagnostic::error(
            path.clone(),
            range,
            "qsite::data",
            format!("invalid {format} in data file `{path}` at line {line}, column {column}: {message}"),
        )
    })
}

/// A CSV file as Zola's `load_data` gives it: `headers`, the first row, and
/// `records`, every other row, all as strings. A row with more or fewer
/// fields than the header is an error at that row, not a ragged table.
fn csv_value(text: &str) -> Result<minijinja::Value, (usize, String)> {
    let located = |error: csv::Error| {
        let at = error.position().map_or(0, |position| position.byte() as usize);
        let message = match error.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("this row has {len} fields where the header has {expected_len}")
            }
            _ => error.to_string(),
        };
        (at, message)
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().map_err(located)?.iter().map(str::to_owned).collect();
    let records = reader
        .records()
        .map(|record| record.map(|record| record.iter().map(str::to_owned).collect::<Vec<_>>()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(located)?;
    Ok(minijinja::Value::from(BTreeMap::from([
        ("headers", minijinja::Value::from(headers)),
        ("records", minijinja::Value::from(records)),
    ])))
}

/// The byte offset of 1-based `line` and `column` (in bytes, as serde_json
/// counts them) in `text`, at most its end.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}
