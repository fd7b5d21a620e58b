//! Data files under `data/`, parsed for `load_data`, and the SHA-2 digests
//! of any site file, for `get_hash(path=…)`.

use std::collections::BTreeMap;
use std::ops::Range;

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::{SourceFile, bytes_of, text_of};

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
