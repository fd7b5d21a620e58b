//! Dates in templates: the `date` filter, and `now()`, the build clock,
//! which a page depends on only as far as it printed it: a footer that
//! prints `now() | date(format="%Y")` reads the year, so the page is
//! rendered again when the year turns, not at every build.

use std::sync::Arc;

use minijinja::value::{Kwargs, Object, ObjectRepr, Value};
use minijinja::{Error, ErrorKind};

use crate::dates::{CLOCK_RFC3339, CLOCK_TIMESTAMP, clock_spelling, parse_date};
use crate::templates::arguments::{outside_render, text_argument};
use crate::templates::objects::with_db;
use crate::trace::reads::clock;

/// The format `date` uses when given none, as Tera's.
const DEFAULT_FORMAT: &str = "%Y-%m-%d";

/// What `now()` returns: the build clock, read only when printed or
/// formatted, and then only as far as the format shows it.
#[derive(Debug)]
pub struct Now {
    /// UTC rather than the local time zone.
    utc: bool,
}

impl Now {
    /// The clock as `format` shows it, recorded as read.
    fn formatted(&self, format: &str) -> Result<String, Error> {
        with_db(|db| clock(db, &clock_spelling(self.utc, format)))
            .ok_or_else(outside_render)?
            .map_err(|problem| Error::new(ErrorKind::InvalidOperation, problem))
    }
}

impl Object for Now {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `now()` is made only inside a render, where the clock can be read.
        f.write_str(&self.formatted(CLOCK_RFC3339).unwrap_or_default())
    }
}

/// `now(timestamp=false, utc=false)`, as Zola has it: the time the build
/// started, in the local time zone (or UTC), or as seconds since the epoch.
pub fn now(kwargs: Kwargs) -> Result<Value, Error> {
    let timestamp: Option<bool> = kwargs.get("timestamp")?;
    let utc: Option<bool> = kwargs.get("utc")?;
    kwargs.assert_all_used()?;
    with_db(|_| ()).ok_or_else(outside_render)?;
    if timestamp == Some(true) {
        let seconds = with_db(|db| clock(db, CLOCK_TIMESTAMP)).ok_or_else(outside_render)?;
        let seconds = seconds.map_err(|problem| Error::new(ErrorKind::InvalidOperation, problem))?;
        return Ok(Value::from(seconds.parse::<i64>().unwrap_or_default()));
    }
    Ok(Value::from_object(Now { utc: utc == Some(true) }))
}

/// `date(format="%B %-d, %Y", timezone="Europe/Paris")`: formats a front
/// matter date, a timestamp (seconds) or `now()` with strftime, in UTC or
/// the named time zone.
pub fn date(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let format = text_argument(&kwargs, "format")?;
    let timezone = text_argument(&kwargs, "timezone")?;
    // Zola takes `locale=` for month names; qsite prints them in English.
    let _locale = text_argument(&kwargs, "locale")?;
    kwargs.assert_all_used()?;
    let format = format.as_deref().unwrap_or(DEFAULT_FORMAT);
    if let Some(now) = value.downcast_object_ref::<Now>()
        && timezone.is_none()
    {
        return now.formatted(format);
    }
    let (timestamp, written_offset) = if let Ok(seconds) = i64::try_from(value.clone()) {
        let timestamp = jiff::Timestamp::from_second(seconds)
            .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("`{seconds}` is not a time: {error}")))?;
        (timestamp, None)
    } else {
        let text = value.to_string();
        let date = parse_date(&text)
            .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("`{text}` is not a date: {error}")))?;
        (date.timestamp, date.written_offset())
    };
    // As Tera: a date written with an offset is shown in it.
    let zone = match &timezone {
        Some(name) => jiff::tz::TimeZone::get(name)
            .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("unknown time zone `{name}`: {error}")))?,
        None => written_offset.map_or(jiff::tz::TimeZone::UTC, jiff::tz::TimeZone::fixed),
    };
    let mut text = String::new();
    jiff::fmt::strtime::BrokenDownTime::from(&timestamp.to_zoned_datetime(zone))
        .format(with_iso_8601_spelled_out(format), &mut text)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("bad date format `{format}`: {error}")))?;
    Ok(text)
}

/// `format` with chrono's `%+` (which Tera and Zola's feeds use, and jiff
/// lacks) written out as the directives it stands for:
/// `2024-01-31T09:30:00+02:00`, with fractional seconds only when nonzero.
fn with_iso_8601_spelled_out(format: &str) -> String {
    let mut spelled = String::with_capacity(format.len());
    let mut characters = format.chars();
    while let Some(character) = characters.next() {
        match (character, characters.clone().next()) {
            ('%', Some('+')) => {
                characters.next();
                spelled.push_str("%Y-%m-%dT%H:%M:%S%.f%:z");
            }
            // `%%` is a percent sign; the next character is text.
            ('%', Some(next)) => {
                characters.next();
                spelled.push(character);
                spelled.push(next);
            }
            _ => spelled.push(character),
        }
    }
    spelled
}
