//! Data files parsed for `load_data` (any file the site tracks, in Zola's
//! formats), and the SHA-2 digests of any site file, for `get_hash(path=…)`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use camino::Utf8Path;
use salsa::Database;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::inputs::{FileText, SourceFile, bytes_of, text_of};
use crate::toml_values::table_value;

/// How `load_data` reads a text: Zola's `format` names, given as
/// `format=` or inferred from the file's extension. A key of the traced
/// read, since one file loaded in two formats is two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DataFormat {
    /// A TOML table.
    Toml,
    /// Any JSON value.
    Json,
    /// `headers` and `records`.
    Csv,
    /// BibTeX, which qsite cannot read yet.
    Bibtex,
    /// Any YAML value.
    Yaml,
    /// XML, which qsite cannot read yet.
    Xml,
    /// The text as it is.
    Plain,
}

impl DataFormat {
    /// The format `format="…"` names, in any case, as Zola spells it.
    pub fn from_name(name: &str) -> Option<DataFormat> {
        match name.to_ascii_lowercase().as_str() {
            "toml" => Some(DataFormat::Toml),
            "json" => Some(DataFormat::Json),
            "csv" => Some(DataFormat::Csv),
            "bibtex" => Some(DataFormat::Bibtex),
            "yaml" | "yml" => Some(DataFormat::Yaml),
            "xml" => Some(DataFormat::Xml),
            "plain" => Some(DataFormat::Plain),
            _ => None,
        }
    }

    /// The format a file's extension names, as Zola infers it: the format
    /// names themselves and `yml`; any other file is plain text.
    pub fn of_path(path: &Utf8Path) -> DataFormat {
        path.extension().and_then(DataFormat::from_name).unwrap_or(DataFormat::Plain)
    }

    /// How messages name the format.
    fn label(self) -> &'static str {
        match self {
            DataFormat::Toml => "TOML",
            DataFormat::Json => "JSON",
            DataFormat::Csv => "CSV",
            DataFormat::Bibtex => "BibTeX",
            DataFormat::Yaml => "YAML",
            DataFormat::Xml => "XML",
            DataFormat::Plain => "plain text",
        }
    }
}

/// A site file as a template value, read in `format`. A file that does not
/// parse is an error whose message names the file, line and column,
/// because it is shown at the template line that called `load_data`, far
/// from the data file itself.
///
/// Invalidated by an edit of that file only.
#[salsa::tracked(returns(ref))]
pub fn data_value(db: &dyn Database, file: SourceFile, format: DataFormat) -> Result<minijinja::Value, Diagnostic> {
    let path = file.path(db);
    let error = |range: Range<usize>, message: String| Diagnostic::error(path.clone(), range, "qsite::data", message);
    let text = data_text(db, file).map_err(|problem| error(0..0, format!("data file `{path}` {problem}")))?;
    parse_data(&text, format, &format!("data file `{path}`")).map_err(|(range, message)| error(range, message))
}

/// The text of a data file, whether the host handed it over as text or,
/// for a file queries otherwise never read (a static file, a page's asset),
/// only as a hash: Zola reads data as UTF-8 only.
fn data_text(db: &dyn Database, file: SourceFile) -> Result<Arc<str>, String> {
    let not_utf8 = |at: usize| format!("is not UTF-8 (byte {at} is not part of a character)");
    match file.text(db) {
        FileText::Text(_) | FileText::Unread { .. } => Ok(text_of(db, file)),
        FileText::NotUtf8 { valid_up_to, .. } => Err(not_utf8(*valid_up_to)),
        FileText::Opaque { .. } => {
            let bytes = bytes_of(db, file).ok_or_else(|| "could not be read".to_owned())?;
            std::str::from_utf8(&bytes).map(Arc::from).map_err(|e| not_utf8(e.valid_up_to()))
        }
    }
}

/// `text` as a template value in `format`; `source` names where it came
/// from in a message (a data file, `literal`). An error is the byte range
/// it is at and a message that gives its line and column.
pub fn parse_data(text: &str, format: DataFormat, source: &str) -> Result<minijinja::Value, (Range<usize>, String)> {
    let parsed: Result<minijinja::Value, (Range<usize>, String)> = match format {
        DataFormat::Toml => toml::from_str::<toml::Table>(text)
            .map(|table| table_value(&table))
            .map_err(|e| (e.span().unwrap_or(0..0), e.message().to_owned())),
        DataFormat::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| {
                let at = offset_of(text, e.line(), e.column());
                // serde_json ends its message with the position, which the
                // message below already gives.
                let message = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                (at..at, message.strip_suffix(&suffix).unwrap_or(&message).to_owned())
            }),
        DataFormat::Yaml => serde_norway::from_str::<serde_norway::Value>(text)
            .map(|value| minijinja::Value::from(minijinja::value::Serde(&value)))
            .map_err(|e| {
                let at = e.location().map_or(0, |location| location.index());
                (at..at, e.to_string())
            }),
        DataFormat::Csv => csv_value(text).map_err(|(at, message)| (at..at, message)),
        DataFormat::Plain => Ok(minijinja::Value::from(text)),
        DataFormat::Bibtex | DataFormat::Xml => {
            let label = format.label();
            return Err((
                0..0,
                format!("qsite cannot read {label} data yet ({source}); load it with `format=\"plain\"` for its text"),
            ));
        }
    };
    parsed.map_err(|(range, message)| {
        let (line, column) = line_column(text, range.start);
        let label = format.label();
        (range, format!("invalid {label} in {source} at line {line}, column {column}: {message}"))
    })
}

/// Which SHA-2 digest `get_hash` computes: Zola's `sha_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShaType {
    /// SHA-256.
    Sha256,
    /// SHA-384, Zola's default.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ShaType {
    /// Every digest, in the order [`file_digests`] holds them.
    const ALL: [ShaType; 3] = [ShaType::Sha256, ShaType::Sha384, ShaType::Sha512];

    /// The digest `sha_type = bits` names, if it is one of the three.
    pub fn from_bits(bits: u16) -> Option<ShaType> {
        match bits {
            256 => Some(ShaType::Sha256),
            384 => Some(ShaType::Sha384),
            512 => Some(ShaType::Sha512),
            _ => None,
        }
    }

    /// The digest of `bytes`.
    pub fn digest(self, bytes: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            ShaType::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            ShaType::Sha384 => sha2::Sha384::digest(bytes).to_vec(),
            ShaType::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
        }
    }
}

/// The three SHA-2 digests of a file's bytes, in [`ShaType::ALL`]'s order;
/// `None` when its bytes cannot be had (see [`bytes_of`]). All three at
/// once: hashing is cheap next to reading, and the bytes are not kept.
///
/// Invalidated by an edit of that file only.
#[salsa::tracked(returns(ref))]
pub fn file_digests(db: &dyn Database, file: SourceFile) -> Option<[Vec<u8>; 3]> {
    let bytes = bytes_of(db, file)?;
    Some(ShaType::ALL.map(|sha| sha.digest(&bytes)))
}

/// One digest of a file's bytes (see [`file_digests`]).
pub fn file_digest(db: &dyn Database, file: SourceFile, sha: ShaType) -> Option<&[u8]> {
    let at = ShaType::ALL.iter().position(|&each| each == sha)?;
    file_digests(db, file).as_ref().map(|digests| digests[at].as_slice())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_and_inferred_as_zola_does_and_unreadable_ones_say_so() {
        assert_eq!(DataFormat::from_name("YML"), Some(DataFormat::Yaml));
        assert_eq!(DataFormat::from_name("ini"), None);
        assert_eq!(DataFormat::of_path(Utf8Path::new("static/a.JSON")), DataFormat::Json);
        assert_eq!(DataFormat::of_path(Utf8Path::new("refs.bib")), DataFormat::Plain, "Zola names `bibtex` only");
        assert_eq!(DataFormat::of_path(Utf8Path::new("README")), DataFormat::Plain);
        let value = parse_data("a: [1, 2]\n", DataFormat::Yaml, "`literal`").expect("parses");
        assert_eq!(value.get_attr("a").expect("has a").len(), Some(2));
        let (_, message) = parse_data("<a/>", DataFormat::Xml, "`literal`").expect_err("unsupported");
        assert!(message.starts_with("qsite cannot read XML data yet (`literal`)"), "{message}");
    }
}
