//! Functions and filters that make URLs: of content files, of anything
//! under the site's root URL, and Tera's `urlencode` and `urlencode_strict`
//! for text put into one.

use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::site_paths::STATIC;
use crate::templates::arguments::{not_found, outside_render, required_text, text_argument};
use crate::templates::content::translated_path;
use crate::templates::limits::value_within_limit;
use crate::templates::objects::with_db;
use crate::trace::reads::{config, content_file, file_hash, page_location};

/// How many hex digits of a file's hash `cachebust=true` adds: enough that
/// two versions of a file never share a URL.
const CACHEBUST_DIGITS: usize = 20;

/// `get_url(path="@/blog/a.md")` for a content file, `get_url(path="style.css")`
/// for anything else under the site root URL, as Zola has it:
/// `trailing_slash=true` ends it with `/`, `cachebust=true` adds `?h=` and
/// a hash of the static file's bytes, and `lang="fr"` makes the URL of the
/// French version (`blog/a.fr.md`, or `/fr/…` under the root).
pub fn get_url(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let trailing_slash: Option<bool> = kwargs.get("trailing_slash")?;
    let cachebust: Option<bool> = kwargs.get("cachebust")?;
    let lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let config = &config(db).config;
        let lang = lang.filter(|lang| *lang != config.default_language);
        if let Some(content_path) = path.strip_prefix("@/") {
            let (content_path, anchor) =
                content_path.split_once('#').map_or((content_path, None), |(path, anchor)| (path, Some(anchor)));
            let file = content_file(db, &translated_path(db, content_path, lang.as_deref()))
                .ok_or_else(|| not_found("content file", &path))?;
            let mut url = page_location(db, file).permalink.clone();
            if let Some(anchor) = anchor {
                url.push('#');
                url.push_str(anchor);
            }
            return Ok(Value::from(url));
        }
        let relative = path.trim_start_matches('/');
        let mut url = match &lang {
            Some(lang) => format!("{}/{lang}/{relative}", config.base_url),
            None => format!("{}/{relative}", config.base_url),
        };
        if trailing_slash == Some(true) && !url.ends_with('/') {
            url.push('/');
        }
        if cachebust == Some(true) {
            let static_path = format!("{STATIC}/{relative}");
            let hash = file_hash(db, &static_path).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("`cachebust=true` needs the file `{static_path}`, which the site does not have"),
                )
            })?;
            let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
            url.push_str("?h=");
            url.push_str(&hex[..CACHEBUST_DIGITS]);
        }
        Ok(Value::from(url))
    })
    .ok_or_else(outside_render)?
}

/// What Tera's `urlencode` escapes, as Python's `quote` does: every byte but
/// letters, digits, `-._~`, `/` and `%` (so an already escaped URL keeps
/// its escapes).
const URL_TEXT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|')
    .add(b'!')
    .add(b'$')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',');

/// `text` percent-encoded by `set`, refused before it is made when the
/// encoding (three bytes for each escaped one) would pass the limit.
fn percent_encoded(what: &str, text: &str, set: &'static AsciiSet) -> Result<String, Error> {
    // Measured in a pass that allocates nothing.
    let bytes: usize = utf8_percent_encode(text, set).map(str::len).sum();
    value_within_limit(what, bytes as u64)?;
    Ok(utf8_percent_encode(text, set).to_string())
}

/// `urlencode`: text percent-encoded to be part of a URL's path or query,
/// `/` kept, as Tera does it (`/a?b=c` → `/a%3Fb%3Dc`).
pub fn urlencode(text: &str) -> Result<String, Error> {
    percent_encoded("this urlencode", text, URL_TEXT)
}

/// `urlencode_strict`: text with every byte but letters and digits
/// percent-encoded, `/` too, as Tera does it.
pub fn urlencode_strict(text: &str) -> Result<String, Error> {
    percent_encoded("this urlencode_strict", text, NON_ALPHANUMERIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencode_keeps_slashes_and_urlencode_strict_does_not() {
        assert_eq!(urlencode("/foo?a=b&c=d").expect("encodes"), "/foo%3Fa%3Db%26c%3Dd");
        assert_eq!(urlencode("a b~é%20").expect("encodes"), "a%20b~%C3%A9%20");
        assert_eq!(urlencode_strict("/foo?a=b&c=d").expect("encodes"), "%2Ffoo%3Fa%3Db%26c%3Dd");
    }
}
