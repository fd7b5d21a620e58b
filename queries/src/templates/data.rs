//! Functions and filters on data: data files, values as JSON, and a dump of
//! what a template can see.

use std::collections::BTreeMap;

use camino::Utf8Path;
use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{Error, ErrorKind};

use crate::templates::arguments::{not_found, outside_render, required_text};
use crate::templates::objects::with_db;
use crate::templates::printing::json_text;
use crate::trace::reads::data;

/// `load_data(path="data/authors.toml")`: TOML, JSON, YAML, CSV or plain text.
pub fn load_data(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let path = Utf8Path::new(path.trim_start_matches('/'));
        // Relative to the site root, or to `data/`.
        let value = match path.starts_with("data") {
            true => data(db, path),
            false => data(db, &Utf8Path::new("data").join(path)),
        };
        let value = value.ok_or_else(|| not_found("data file", path.as_str()))?;
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
