//! Functions and filters on data: data files, values as JSON, digests of
//! text and of site files (`get_hash`, `get_file_hash`), and the two functions a template's author debugs
//! with: a dump of what a template can see, and `throw`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use camino::Utf8Path;
use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{Error, ErrorKind};

use crate::data::{DataFormat, ShaType, parse_data};
use crate::site_paths::{CONTENT, DATA, STATIC, theme_path};
use crate::templates::arguments::{not_found, outside_render, required_text, text_argument};
use crate::templates::objects::with_db;
use crate::templates::printing::json_text;
use crate::trace::reads::{config, data, file_digest, file_exists};

/// `load_data(path=…)`: a site file found as Zola finds it (see
/// [`find_site_file`]; qsite also looks under `data/` last), read as TOML,
/// JSON, YAML, CSV or plain text, by `format=` or by its extension; with
/// `required=false`, a missing file is none. `load_data(literal=…)` reads
/// the text given. `url=` is an error: a build never reaches the network.
/// The render depends on the file it read alone.
pub fn load_data(kwargs: Kwargs) -> Result<Value, Error> {
    if let Some(url) = text_argument(&kwargs, "url")? {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "qsite does not fetch remote data (`load_data(url=\"{url}\")`): a build never reaches the network; \
                 save the data in the site and load it with `path=`"
            ),
        ));
    }
    let path = text_argument(&kwargs, "path")?;
    let literal = text_argument(&kwargs, "literal")?;
    let format = text_argument(&kwargs, "format")?
        .map(|name| {
            DataFormat::from_name(&name).ok_or_else(|| {
                let message = format!("`format` is toml, json, csv, bibtex, yaml, xml or plain, not `{name}`");
                Error::new(ErrorKind::InvalidOperation, message)
            })
        })
        .transpose()?;
    let required: Option<bool> = kwargs.get("required")?;
    kwargs.assert_all_used()?;
    let path = match (path, literal) {
        (Some(path), None) => path,
        (None, Some(literal)) => {
            return parse_data(&literal, format.unwrap_or(DataFormat::Plain), "`literal`")
                .map_err(|(_, message)| Error::new(ErrorKind::InvalidOperation, message));
        }
        _ => {
            return Err(Error::new(ErrorKind::InvalidOperation, "`load_data` takes one of `path`, `url` or `literal`"));
        }
    };
    with_db(|db| {
        let Some(found) = find_site_file(db, &path, Some(DATA)) else {
            return match required.unwrap_or(true) {
                true => Err(not_found("data file", &path)),
                false => Ok(Value::from(())),
            };
        };
        let format = format.unwrap_or_else(|| DataFormat::of_path(Utf8Path::new(&found)));
        let value = data(db, &found, format).ok_or_else(|| not_found("data file", &found))?;
        value.clone().map_err(|diagnostic| Error::new(ErrorKind::InvalidOperation, diagnostic.message))
    })
    .ok_or_else(outside_render)?
}

/// `json_encode(pretty=true)`: a value as JSON, as Tera prints it; pages and
/// sections print a bounded form.
pub fn json_encode(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let pretty: Option<bool> = kwargs.get("pretty")?;
    kwargs.assert_all_used()?;
    json_text(value, pretty.unwrap_or(false).then_some(2))
}

/// `tojson(indent=2)`: minijinja's JSON filter, safe to put in HTML and in a
/// `<script>` (`<`, `>`, `&` and `'` are written as escapes), bounded as
/// `json_encode` is.
pub fn tojson(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    kwargs.assert_all_used()?;
    let text = json_text(value, indent)?;
    let mut safe = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\'' => safe.push_str("\\u0027"),
            other => safe.push(other),
        }
    }
    Ok(Value::from_safe_string(safe))
}

/// `debug()`: every variable the template can see, sorted by name, or
/// `debug(value)`: that value. minijinja's own prints its environment too,
/// whose cache of loaded templates depends on which pages this thread
/// rendered before, so its output changed from build to build.
pub fn debug(state: &minijinja::State, values: Rest<Value>) -> String {
    match values.as_slice() {
        [] => {
            let variables: BTreeMap<String, Value> = state
                .known_variables()
                .into_iter()
                .filter_map(|name| state.lookup(&name).map(|value| (name.into_owned(), value)))
                .collect();
            format!("{variables:#?}")
        }
        [value] => format!("{value:#?}"),
        values => format!("{values:#?}"),
    }
}

/// `get_hash(literal="…", sha_type=384, base64=true)` or `get_hash(path=…)`:
/// the SHA-2 digest of the text or of a site file's bytes, in base64 (what
/// subresource integrity wants) or, with `base64=false`, in lowercase hex,
/// with Zola's defaults. A page that printed a file's digest re-renders
/// when that file's bytes change, and only then.
pub fn get_hash(kwargs: Kwargs) -> Result<String, Error> {
    let literal = text_argument(&kwargs, "literal")?;
    let path = text_argument(&kwargs, "path")?;
    let (sha, base64) = digest_options(&kwargs)?;
    kwargs.assert_all_used()?;
    let digest = match (literal, path) {
        (Some(literal), None) => sha.digest(literal.as_bytes()),
        (None, Some(path)) => path_digest(&path, sha)?,
        _ => {
            return Err(Error::new(ErrorKind::InvalidOperation, "`get_hash` takes either `path` or `literal`"));
        }
    };
    Ok(encoded_digest(&digest, base64))
}

/// `get_file_hash(path=…, sha_type=384, base64=true)`: Zola's name for
/// `get_hash(path=…)` before 0.19.
pub fn get_file_hash(kwargs: Kwargs) -> Result<String, Error> {
    let path = required_text(&kwargs, "path")?;
    let (sha, base64) = digest_options(&kwargs)?;
    kwargs.assert_all_used()?;
    Ok(encoded_digest(&path_digest(&path, sha)?, base64))
}

/// `sha_type` and `base64`, with Zola's defaults: SHA-384, in base64.
fn digest_options(kwargs: &Kwargs) -> Result<(ShaType, bool), Error> {
    let bits: Option<u16> = kwargs.get("sha_type")?;
    let base64: Option<bool> = kwargs.get("base64")?;
    let bits = bits.unwrap_or(384);
    let sha = ShaType::from_bits(bits)
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("`sha_type` is 256, 384 or 512, not {bits}")))?;
    Ok((sha, base64.unwrap_or(true)))
}

/// A digest in base64 or in lowercase hex.
fn encoded_digest(digest: &[u8], base64: bool) -> String {
    match base64 {
        true => BASE64.encode(digest),
        false => digest.iter().map(|byte| format!("{byte:02x}")).collect(),
    }
}

/// The digest of the site file `path` names (see [`find_site_file`]).
fn path_digest(path: &str, sha: ShaType) -> Result<Vec<u8>, Error> {
    with_db(|db| {
        let found = find_site_file(db, path, None).ok_or_else(|| not_found("file", path))?;
        file_digest(db, &found, sha).flatten().ok_or_else(|| {
            Error::new(ErrorKind::InvalidOperation, format!("the bytes of `{found}` could not be read to hash them"))
        })
    })
    .ok_or_else(outside_render)?
}

/// The site file a template function's `path` names, by Zola's search:
/// `@/` stands for `content/`; then the path from the site root, under
/// `static/`, under `content/`, and under the theme's `static/`, the first
/// that exists, and last under `last_folder` if given (`load_data`'s
/// `data/`, where qsite sites keep their data). Each place looked at is a
/// read of its own, so a file added where the search looks first moves
/// what the template gets.
pub fn find_site_file(db: &dyn salsa::Database, path: &str, last_folder: Option<&str>) -> Option<String> {
    let path = named_path(path);
    let theme = config(db).config.theme.clone();
    let mut candidates = vec![path.clone(), format!("{STATIC}/{path}"), format!("{CONTENT}/{path}")];
    candidates.extend(theme.map(|theme| theme_path(&theme, &format!("{STATIC}/{path}"))));
    candidates.extend(last_folder.map(|folder| format!("{folder}/{path}")));
    candidates.into_iter().find(|candidate| file_exists(db, candidate))
}

/// The path a template function named, as Zola unifies it: `@/` as
/// `content/`, without a leading `/`. Zola hashes it into the names of
/// resized images.
pub fn named_path(path: &str) -> String {
    match path.strip_prefix("@/") {
        Some(rest) => format!("{CONTENT}/{rest}"),
        None => path.trim_start_matches('/').to_owned(),
    }
}

/// `throw(message="…")`: stops the render with `message` as its error, at
/// the template's line, as Tera has it: how a theme says that the site's
/// configuration lacks something it needs.
pub fn throw(kwargs: Kwargs) -> Result<Value, Error> {
    let message = required_text(&kwargs, "message")?;
    kwargs.assert_all_used()?;
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

#[cfg(test)]
mod tests {
    #[test]
    fn get_hash_digests_text_as_zola_does_and_throw_fails_with_its_message() {
        let env = crate::templates::registry::test_environment();
        let render = |template: &str| env.render_str(template, ()).expect("renders");
        assert_eq!(
            render(r#"{{ get_hash(literal="Hello World", sha_type=256, base64=false) }}"#),
            "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"
        );
        assert_eq!(
            render(r#"{{ get_hash(literal="Hello World", sha_type=256) }}"#),
            "pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4="
        );
        assert_eq!(render(r#"{{ get_hash(literal="") | length }}"#), "64", "SHA-384 in base64 by default");
        assert!(env.render_str(r#"{{ get_hash(literal="a", sha_type=1) }}"#, ()).is_err());
        let error = env.render_str(r#"{{ throw(message="set config.extra.author") }}"#, ()).expect_err("throws");
        assert!(error.to_string().contains("set config.extra.author"), "{error}");
    }
}
