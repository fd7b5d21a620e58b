//! Filters on dates.

use minijinja::value::Kwargs;
use minijinja::{Error, ErrorKind};

use crate::dates::parse_date;
use crate::templates::arguments::text_argument;

/// `date(format="%B %-d, %Y")`: formats a front matter date with strftime.
pub fn date(value: &str, kwargs: Kwargs) -> Result<String, Error> {
    let format = text_argument(&kwargs, "format")?;
    kwargs.assert_all_used()?;
    let date = parse_date(value)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("`{value}` is not a date: {error}")))?;
    let format = format.as_deref().unwrap_or("%Y-%m-%d");
    jiff::fmt::strtime::format(format, date.timestamp)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("bad date format `{format}`: {error}")))
}
