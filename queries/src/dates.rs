//! Dates from front matter, parsed with jiff into one sortable form.

use std::str::FromStr;

/// A date as written in front matter, and the instant it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// `2024-01-31`, as sitemaps and listings show it.
    pub fn day(&self) -> String {
        self.timestamp.strftime("%Y-%m-%d").to_string()
    }
}

/// Parses `2024-01-31`, `2024-01-31T09:30:00` (or with a space), and either
/// with an offset or `Z`.
pub fn parse_date(text: &str) -> Option<PageDate> {
    let text = text.trim();
    if let Ok(timestamp) = jiff::Timestamp::from_str(text) {
        return Some(PageDate { timestamp, text: text.to_owned() });
    }
    if let Ok(datetime) = jiff::civil::DateTime::from_str(text) {
        let timestamp = datetime.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        return Some(PageDate { timestamp, text: text.to_owned() });
    }
    let date = jiff::civil::Date::from_str(text).ok()?;
    let timestamp = date.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(PageDate { timestamp, text: text.to_owned() })
}
