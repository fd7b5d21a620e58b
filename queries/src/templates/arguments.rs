//! What template functions share: reading their keyword arguments, and
//! the errors a call makes.

use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};

use crate::templates::objects::{PageObject, SectionObject};

/// The error of a template function called outside a render, where no
/// database is attached: loud, never empty output.
pub fn outside_render() -> Error {
    Error::new(ErrorKind::InvalidOperation, "site templates can only render inside a qsite build")
}

/// The string keyword argument `name`, if given. Anything else (a page or
/// section object, a number) is an error saying what was given instead.
pub fn text_argument(kwargs: &Kwargs, name: &str) -> Result<Option<String>, Error> {
    let Some(value) = kwargs.get::<Option<Value>>(name)? else { return Ok(None) };
    if value.is_none() || value.is_undefined() {
        return Ok(None);
    }
    let given = if value.downcast_object_ref::<PageObject>().is_some() {
        "a page (use its `relative_path`)".to_owned()
    } else if value.downcast_object_ref::<SectionObject>().is_some() {
        "a section (use its `relative_path`)".to_owned()
    } else {
        format!("a {}", value.kind())
    };
    value
        .as_str()
        .map(|text| Some(text.to_owned()))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("`{name}` must be a string, but it is {given}")))
}

/// The string keyword argument `name`, which must be given.
pub fn required_text(kwargs: &Kwargs, name: &str) -> Result<String, Error> {
    text_argument(kwargs, name)?.ok_or_else(|| Error::new(ErrorKind::MissingArgument, format!("`{name}` is required")))
}

/// The error for a `what` at `path` that the site does not have.
pub fn not_found(what: &str, path: &str) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{what} `{path}` does not exist"))
}
