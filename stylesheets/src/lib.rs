//! Sass and SCSS stylesheets compiled to CSS with `grass`, as Zola compiles
//! them: compressed output, imports found beside the importing file.
//!
//! A crate of its own because it brings the Sass compiler, a dependency
//! nothing else needs, and because it knows nothing of salsa: the caller
//! hands it [`Sources`], through which every file the compiler looks at or
//! reads passes, so a caller that records those calls knows exactly which
//! files (and which missing files) a stylesheet depends on. The disk is
//! never touched.

mod paths;

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use paths::normalize;

/// The files a stylesheet may read, by their path as the caller named the
/// stylesheet (`sass/css/site.scss` imports `sass/css/_base.scss`).
pub trait Sources {
    /// The text of the file at `path`, or `None` when there is none. Asked
    /// for every place an import may be found, so a `None` is a dependency
    /// too: a file added there later changes the stylesheet.
    fn text(&self, path: &str) -> Option<String>;
}

/// Why a stylesheet did not compile: the message, and where, when the
/// compiler knows (the file that failed may be an imported partial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SassError {
    /// What went wrong, in the compiler's words.
    pub message: String,
    /// The file and byte range the compiler points at.
    pub location: Option<(String, Range<usize>)>,
}

/// The CSS of the stylesheet at `path`, compressed as Zola writes it, with
/// every import resolved through `sources`.
pub fn compile(path: &str, sources: &dyn Sources) -> Result<String, SassError> {
    let files = SourceFs { sources };
    // `quiet`: `@warn` and `@debug` would print to the terminal from inside
    // a query; the null logger keeps the compile free of output.
    let options = grass::Options::default()
        .fs(&files)
        .logger(&grass::NullLogger)
        .quiet(true)
        .style(grass::OutputStyle::Compressed);
    grass::from_path(path, &options).map_err(|error| sass_error(*error))
}

/// [`Sources`] as the compiler's file system.
struct SourceFs<'a> {
    sources: &'a dyn Sources,
}

impl std::fmt::Debug for SourceFs<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SourceFs")
    }
}

impl grass::Fs for SourceFs<'_> {
    /// Every folder exists: the compiler asks only to try `index` files in
    /// it, and those are looked up (and recorded) one by one, so the answer
    /// is the same as the real one without depending on the set of folders.
    fn is_dir(&self, _path: &Path) -> bool {
        true
    }

    fn is_file(&self, path: &Path) -> bool {
        self.text(path).is_some()
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.text(path).map(String::into_bytes).ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    /// Paths stay as the caller spells them, tidied, so errors and imports
    /// name files as the site does.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let path = path.to_str().and_then(normalize).ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        Ok(PathBuf::from(path))
    }
}

impl SourceFs<'_> {
    fn text(&self, path: &Path) -> Option<String> {
        self.sources.text(&normalize(path.to_str()?)?)
    }
}

/// The compiler's error as a message and a place.
fn sass_error(error: grass::Error) -> SassError {
    match error.kind() {
        grass::ErrorKind::ParseError { message, loc, .. } => {
            let location = normalize(loc.file.name()).map(|path| {
                let source = loc.file.source();
                let start = byte_offset(source, loc.begin.line, loc.begin.column);
                let end = byte_offset(source, loc.end.line, loc.end.column).max(start);
                (path, start..end)
            });
            SassError { message, location }
        }
        grass::ErrorKind::IoError(error) => SassError { message: error.to_string(), location: None },
        grass::ErrorKind::FromUtf8Error(message) => SassError { message, location: None },
        other => SassError { message: format!("{other:?}"), location: None },
    }
}

/// The byte offset of a zero-based line and column (in characters).
fn byte_offset(source: &str, line: usize, column: usize) -> usize {
    let line_start: usize = source.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = &source[line_start.min(source.len())..];
    let within = rest.char_indices().nth(column).map_or(rest.len(), |(offset, _)| offset);
    line_start + within
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use super::*;

    /// Files in memory that remember every path asked for.
    #[derive(Default)]
    struct Files {
        texts: BTreeMap<&'static str, &'static str>,
        asked: RefCell<Vec<String>>,
    }

    impl Sources for Files {
        fn text(&self, path: &str) -> Option<String> {
            self.asked.borrow_mut().push(path.to_owned());
            self.texts.get(path).map(|text| (*text).to_owned())
        }
    }

    fn files(texts: &[(&'static str, &'static str)]) -> Files {
        Files { texts: texts.iter().copied().collect(), ..Files::default() }
    }

    #[test]
    fn imports_partials_beside_the_sheet_and_compresses() {
        let files = files(&[
            ("sass/site.scss", "@use 'parts/colors';\n@import 'base';\nb { color: colors.$ink; }\n"),
            ("sass/_base.scss", "a {\n  b { margin: 0 }\n}\n"),
            ("sass/parts/_colors.scss", "$ink: #ff0000;\n"),
        ]);
        assert_eq!(compile("sass/site.scss", &files).unwrap(), "a b{margin:0}b{color:red}");
    }

    #[test]
    fn asks_for_the_places_an_import_may_be_before_the_one_it_finds() {
        let files = files(&[("sass/site.scss", "@import 'base';"), ("sass/_base.scss", "a{b:c}")]);
        compile("sass/site.scss", &files).unwrap();
        let asked = files.asked.borrow();
        assert!(asked.contains(&"sass/base.scss".to_owned()), "{asked:?}");
        assert!(asked.contains(&"sass/_base.scss".to_owned()), "{asked:?}");
    }

    #[test]
    fn imports_climbing_out_of_a_folder_name_the_file_plainly() {
        let files = files(&[("sass/css/site.scss", "@import '../shared/base';"), ("sass/shared/_base.scss", "a{b:c}")]);
        assert_eq!(compile("sass/css/site.scss", &files).unwrap(), "a{b:c}");
    }

    #[test]
    fn an_error_in_a_partial_names_the_partial_and_its_range() {
        let files = files(&[("sass/site.scss", "@import 'base';"), ("sass/_base.scss", "a {\n  b: $nope;\n}\n")]);
        let error = compile("sass/site.scss", &files).unwrap_err();
        assert_eq!(error.message, "Undefined variable.");
        assert_eq!(error.location, Some(("sass/_base.scss".to_owned(), 9..14)));
    }

    #[test]
    fn a_missing_import_is_an_error_in_the_importing_sheet() {
        let files = files(&[("sass/site.scss", "a{b:c}\n@import 'gone';")]);
        let error = compile("sass/site.scss", &files).unwrap_err();
        assert_eq!(error.location.map(|(path, _)| path), Some("sass/site.scss".to_owned()));
    }

    #[test]
    fn byte_offsets_count_characters_within_a_line() {
        assert_eq!(byte_offset("ab\né x", 1, 2), 6);
        assert_eq!(byte_offset("ab", 5, 0), 2);
    }
}
