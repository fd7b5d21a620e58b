//! Dates from front matter, parsed with jiff into one sortable form.

use crate::stable_hash::StableHash;
use jiff::civil::Time;
use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;

/// A date as written in front matter, and the instant it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, StableHash)]
pub struct PageDate {
    /// The instant, for sorting; dates without an offset are read as UTC.
    pub timestamp: jiff::Timestamp,
    /// What templates print: `2024-01-31` for a plain date, RFC 3339 otherwise.
    pub text: String,
}

impl PageDate {
    /// RFC 3339, as feeds want it.
    pub fn rfc3339(&self) -> String {
        self.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// RFC 2822 in UTC, as RSS wants it: `Wed, 31 Jan 2024 00:00:00 +0000`.
    pub fn rfc2822(&self) -> String {
        self.timestamp.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
    }

    /// `2024-01-31`, as the built-in theme shows it.
    pub fn day(&self) -> String {
        self.timestamp.strftime("%Y-%m-%d").to_string()
    }

    /// The calendar day as written, before any offset moves it: what Zola
    /// gives templates as a page's `year`, `month` and `day`.
    pub fn written_date(&self) -> jiff::civil::Date {
        self.pieces().date()
    }

    /// The offset the date was written with (`+02:00`, `Z`), if any: Tera's
    /// `date` filter shows the date in it.
    pub fn written_offset(&self) -> Option<Offset> {
        self.pieces().offset().map(|offset| offset.to_numeric_offset())
    }

    fn pieces(&self) -> Pieces<'_> {
        Pieces::parse(self.text.as_str()).expect("the text parsed when the date was made")
    }
}

/// How a template reads the build clock: a `date` format (`%Y`) in local
/// time or UTC, or the timestamp. Spelled as one string, as a traced read's
/// key: `local %Y`, `utc %Y-%m-%d`, `timestamp`.
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct ClockFormat<'db> {
    /// The spelling.
    #[returns(ref)]
    pub spelling: String,
}

/// The spelling of a clock read in local time (or UTC) with `format`.
pub fn clock_spelling(utc: bool, format: &str) -> String {
    format!("{} {format}", if utc { "utc" } else { "local" })
}

/// The spelling of the clock read as seconds since the epoch.
pub const CLOCK_TIMESTAMP: &str = "timestamp";

/// The format `now()` prints in, as Zola prints it: RFC 3339 with the offset.
pub const CLOCK_RFC3339: &str = "%Y-%m-%dT%H:%M:%S%:z";

/// The build clock as `format` spells it: what a template printed of it, or
/// why the format cannot print it. Backdates: when the clock moves but the
/// year it printed did not, what printed it is not rendered again.
#[salsa::tracked(returns(ref))]
pub fn clock_text<'db>(db: &'db dyn salsa::Database, format: ClockFormat<'db>) -> Result<String, String> {
    let clock = *crate::inputs::Site::get(db).clock(db);
    let spelling = format.spelling(db);
    if spelling == CLOCK_TIMESTAMP {
        return Ok(clock.seconds.to_string());
    }
    let (zone, format) = spelling.split_once(' ').unwrap_or(("utc", spelling));
    let offset = if zone == "utc" { 0 } else { clock.offset_seconds };
    let offset = Offset::from_seconds(offset).unwrap_or(Offset::UTC);
    let timestamp = jiff::Timestamp::from_second(clock.seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut text = String::new();
    let zoned = timestamp.to_zoned_datetime(jiff::tz::TimeZone::fixed(offset));
    match jiff::fmt::strtime::BrokenDownTime::from(&zoned).format(format, &mut text) {
        Ok(()) => Ok(text),
        Err(error) => Err(format!("bad date format `{format}`: {error}")),
    }
}

/// Why a text is not a date qsite can sort and print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// It is not written as a date; jiff's reason, which names the bad part.
    Invalid(String),
    /// It is a date, but outside [`FIRST_DAY`]..=[`LAST_DAY`]: year 0 and
    /// before have no place in a calendar of posts, and the last hours of
    /// year 9999 cannot be held as an instant.
    OutOfRange,
}

/// The first day a page may be dated, as messages print it.
pub const FIRST_DAY: &str = "0001-01-01";

/// The last day a page may be dated (in UTC), as messages print it.
pub const LAST_DAY: &str = "9999-12-30";

impl std::fmt::Display for DateError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::Invalid(reason) => write!(formatter, "{reason}"),
            DateError::OutOfRange => write!(formatter, "dates must fall between {FIRST_DAY} and {LAST_DAY}"),
        }
    }
}

/// Parses `2024-01-31`, `2024-01-31T09:30:00` (or with a space), and either
/// with an offset or `Z`; a date without an offset is read as UTC.
pub fn parse_date(text: &str) -> Result<PageDate, DateError> {
    let text = text.trim();
    let pieces = Pieces::parse(text).map_err(|error| DateError::Invalid(error.to_string()))?;
    let date = pieces.date();
    if date.year() < 1 {
        return Err(DateError::OutOfRange);
    }
    let datetime = date.to_datetime(pieces.time().unwrap_or(Time::midnight()));
    let offset = pieces.offset().map_or(Offset::UTC, |offset| offset.to_numeric_offset());
    let timestamp = offset.to_timestamp(datetime).map_err(|_| DateError::OutOfRange)?;
    Ok(PageDate { timestamp, text: text.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_dates_and_datetimes_parse() {
        assert_eq!(parse_date("2024-01-31").unwrap().rfc3339(), "2024-01-31T00:00:00Z");
        assert_eq!(parse_date("2024-01-31 09:30:00").unwrap().rfc3339(), "2024-01-31T09:30:00Z");
        assert_eq!(parse_date("2024-01-31T09:30:00+02:00").unwrap().rfc3339(), "2024-01-31T07:30:00Z");
        assert_eq!(parse_date("0001-01-01").unwrap().day(), FIRST_DAY);
        assert_eq!(parse_date("9999-12-30").unwrap().day(), LAST_DAY);
    }

    #[test]
    fn rss_dates_are_rfc_2822_in_utc() {
        assert_eq!(parse_date("2024-01-31T09:30:00+02:00").unwrap().rfc2822(), "Wed, 31 Jan 2024 07:30:00 +0000");
    }

    #[test]
    fn dates_outside_the_calendar_are_out_of_range() {
        for text in ["0000-01-01", "9999-12-31", "9999-12-30T23:00:00-08:00", "-000001-01-01"] {
            assert_eq!(parse_date(text), Err(DateError::OutOfRange), "{text}");
        }
    }

    #[test]
    fn a_bad_hour_is_invalid_and_says_why() {
        let Err(DateError::Invalid(reason)) = parse_date("9999-12-31T99:00") else { panic!("parsed") };
        assert!(reason.contains("hour"), "{reason}");
    }
}
