//! How template values print when a template prints a whole object.
//!
//! Pages and sections point at each other (`page.lower.higher` is `page`
//! again, `section.pages` holds pages whose neighbors are in the same list),
//! so printing them by walking every field would never end. `{{ page }}`
//! prints `[object]`, as it does in Tera; the JSON of `json_encode`, `tojson`
//! and `__tera_context` holds a page's or section's fields, and the pages and
//! sections inside it only their own fields, with neighbors left out and
//! listings named by path, as Zola serializes them.

use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Value, ValueKind};
use minijinja::{Error, ErrorKind};
use serde_json::{Map, Value as Json};

use crate::templates::limits::{MAX_VALUE_BYTES, value_within_limit};
use crate::templates::objects::{PageObject, SectionObject};

/// Plain data (front matter `extra`, data files) nested deeper than this
/// prints as `"[...]"`: a data file cannot cycle, but it can be deep.
const MAX_DEPTH: usize = 128;

/// Fields that hold other pages: inside another page or section these
/// print as paths, or not at all for neighbors (`subsections` are paths
/// already).
const NEIGHBOR_FIELDS: &[&str] = &["lower", "higher"];
const LISTING_FIELDS: &[&str] = &["pages"];

/// The JSON of a template value, bounded however its objects point at each other.
fn json_of(value: &Value) -> Result<Json, Error> {
    json_at(value, 0, false)
}

/// `inside` is whether a page or section encloses `value`.
fn json_at(value: &Value, depth: usize, inside: bool) -> Result<Json, Error> {
    if depth > MAX_DEPTH {
        return Ok(Json::from("[...]"));
    }
    let is_content =
        value.downcast_object_ref::<PageObject>().is_some() || value.downcast_object_ref::<SectionObject>().is_some();
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Ok(Json::Null),
        ValueKind::Map if is_content => content_json(value, depth, inside),
        ValueKind::Map => {
            let mut map = Map::new();
            for key in value.try_iter()? {
                let field = value.get_item(&key)?;
                map.insert(key.to_string(), json_at(&field, depth + 1, inside)?);
            }
            Ok(Json::Object(map))
        }
        ValueKind::Seq | ValueKind::Iterable => {
            value.try_iter()?.map(|item| json_at(&item, depth + 1, inside)).collect::<Result<_, _>>().map(Json::Array)
        }
        ValueKind::Bool | ValueKind::Number | ValueKind::String | ValueKind::Bytes => serde_json::to_value(value)
            .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("cannot print as JSON: {error}"))),
        _ => Ok(Json::from(value.to_string())),
    }
}

/// A page or section: every field; inside another one, neighbors are left
/// out and listings are the paths of what they list.
fn content_json(value: &Value, depth: usize, inside: bool) -> Result<Json, Error> {
    let mut map = Map::new();
    for key in value.try_iter()? {
        let name = key.to_string();
        let field = value.get_item(&key)?;
        let json = if inside && NEIGHBOR_FIELDS.contains(&name.as_str()) {
            Json::Null
        } else if inside && LISTING_FIELDS.contains(&name.as_str()) {
            field
                .try_iter()?
                .map(|item| item.get_attr("relative_path").map(|path| Json::from(path.to_string())))
                .collect::<Result<_, _>>()
                .map(Json::Array)?
        } else {
            json_at(&field, depth + 1, true)?
        };
        map.insert(name, json);
    }
    Ok(Json::Object(map))
}

/// JSON text of `value`, indented by `indent` spaces when given, refused as
/// soon as it passes the size limit (a wide indent times a deep value is
/// large however small the value).
pub fn json_text(value: &Value, indent: Option<usize>) -> Result<String, Error> {
    let json = json_of(value)?;
    let mut text = BoundedBuffer(Vec::new());
    let written = match indent {
        None => serde_json::to_writer(&mut text, &json),
        Some(indent) => {
            let spaces = " ".repeat(indent.min(MAX_VALUE_BYTES as usize + 1));
            let formatter = serde_json::ser::PrettyFormatter::with_indent(spaces.as_bytes());
            serde::Serialize::serialize(&json, &mut serde_json::Serializer::with_formatter(&mut text, formatter))
        }
    };
    if written.is_err() && text.0.len() as u64 > MAX_VALUE_BYTES {
        value_within_limit("this JSON", text.0.len() as u64)?;
    }
    written.map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("cannot print as JSON: {error}")))?;
    Ok(String::from_utf8(text.0).unwrap_or_default())
}

/// A buffer that refuses writes once it holds more than [`MAX_VALUE_BYTES`].
struct BoundedBuffer(Vec<u8>);

impl std::io::Write for BoundedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() as u64 > MAX_VALUE_BYTES {
            return Err(std::io::Error::other("over the size limit"));
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `__tera_context`: the whole template context as indented JSON, made only
/// when a template prints it, so a render that does not reads nothing for it.
#[derive(Debug)]
pub struct ContextDump(pub Value);

impl Object for ContextDump {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match json_text(&self.0, Some(2)) {
            Ok(text) => f.write_str(&text),
            Err(_) => Err(std::fmt::Error),
        }
    }
}
