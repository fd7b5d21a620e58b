//! `trans()`: the strings a multilingual site's templates print in each
//! language, from `[translations]` and `[languages.<code>.translations]`.

use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};

use crate::templates::arguments::{outside_render, required_text, text_argument};
use crate::templates::objects::with_db;
use crate::trace::reads::config;

/// `trans(key="summary", lang="fr")`: the string `key` of the language
/// `lang` (the default language when `lang` is left out, as in Zola), read
/// from `[languages.fr.translations]`, or for the default language from the
/// top-level `[translations]` (Zola 0.16 on). A missing key or language is
/// an error naming it.
pub fn trans(kwargs: Kwargs) -> Result<Value, Error> {
    let key = required_text(&kwargs, "key")?;
    let lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let config = &config(db).config;
        let lang = lang.unwrap_or_else(|| config.default_language.clone());
        let strings = if lang == config.default_language {
            &config.translations
        } else {
            let language = config.languages.get(&lang).ok_or_else(|| {
                Error::new(ErrorKind::InvalidOperation, format!("`trans`: the language `{lang}` is not configured"))
            })?;
            &language.translations
        };
        strings.get(&key).map(|text| Value::from(text.as_str())).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`trans`: the translation key `{key}` for the language `{lang}` is missing"),
            )
        })
    })
    .ok_or_else(outside_render)?
}
