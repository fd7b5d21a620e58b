//! Which language each content file is written in: Zola reads it from the
//! file's name (`a.fr.md` is the French version of `a.md`) when the
//! configuration declares that language.

use salsa::Database;

use crate::config::config;
use crate::inputs::SourceFile;
use crate::site_paths::name_and_code;
use crate::stable_hash::StableHash;

/// The default language and the others the configuration declares: all a
/// file's language depends on besides its name, kept apart from the rest of
/// the configuration so that editing a title re-reads no file's language.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct Languages {
    /// `default_language`.
    pub default: String,
    /// The codes of `[languages.*]`, less the default one, sorted.
    pub others: Vec<String>,
}

/// What a content file's name says of its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLanguage<'p> {
    /// The name the slug and the file's kind come from: less `.md`, and less
    /// the language code when that code is a declared language.
    pub name: &'p str,
    /// The declared language other than the default that the name carries;
    /// `None` for the default language.
    pub code: Option<&'p str>,
    /// A code the name carries that the configuration does not declare,
    /// which Zola refuses.
    pub unknown: Option<&'p str>,
}

impl Languages {
    /// Whether the site has a language besides the default one; only then do
    /// file names carry languages, as in Zola.
    pub fn is_multilingual(&self) -> bool {
        !self.others.is_empty()
    }

    /// The language a content file's name (`a.fr.md`) carries, as Zola reads
    /// it: none unless the site is multilingual; the default language's own
    /// code (`a.en.md`) leaves the name whole.
    pub fn of<'p>(&self, file_name: &'p str) -> FileLanguage<'p> {
        let whole = file_name.strip_suffix(".md").unwrap_or(file_name);
        let default = FileLanguage { name: whole, code: None, unknown: None };
        match name_and_code(file_name) {
            (name, Some(code)) if self.is_multilingual() && code != self.default => {
                if self.others.iter().any(|other| other == code) {
                    FileLanguage { name, code: Some(code), unknown: None }
                } else {
                    FileLanguage { unknown: Some(code), ..default }
                }
            }
            _ => default,
        }
    }

    /// Every language, the default (`None`) first, then the others by code.
    pub fn all(&self) -> impl Iterator<Item = Option<&str>> {
        std::iter::once(None).chain(self.others.iter().map(|code| Some(code.as_str())))
    }

    /// The code of a language as templates print it: `None` is the default.
    pub fn code<'a>(&'a self, code: Option<&'a str>) -> &'a str {
        code.unwrap_or(&self.default)
    }
}

/// Where a language's outputs live: `/` for the default language
/// (`None`), `/fr/` for French, as Zola puts them.
pub fn language_root(code: Option<&str>) -> String {
    code.map_or_else(|| "/".to_owned(), |code| format!("/{code}/"))
}

/// The site's languages.
///
/// Invalidated by a configuration edit; its value changes only when
/// `default_language` or the set of `[languages.*]` does.
#[salsa::tracked(returns(ref))]
pub fn languages(db: &dyn Database) -> Languages {
    let config = &config(db).config;
    let others = config.languages.keys().filter(|code| **code != config.default_language).cloned().collect();
    Languages { default: config.default_language.clone(), others }
}

/// A content file's language code (`fr`, or the default language's):
/// `page.lang`, and the `lang` its renders have.
///
/// Invalidated by a configuration edit; changes only with the languages.
#[salsa::tracked(returns(ref))]
pub fn page_language(db: &dyn Database, file: SourceFile) -> String {
    let languages = languages(db);
    let name = file.path(db).file_name().unwrap_or("");
    languages.code(languages.of(name).code).to_owned()
}
