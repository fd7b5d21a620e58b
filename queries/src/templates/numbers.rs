//! Filters and tests on numbers as Tera and Zola have them: `int`, `float`
//! and `round` in place of minijinja's (which fail on text that is not a
//! number, print `3.0` for a rounded 3, and count `true` as a number), and
//! `pluralize`, `filesizeformat` and Zola's `num_format`, which minijinja
//! lacks.

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind};
use num_format::{Locale, ToFormattedString};

use crate::templates::arguments::outside_render;
use crate::templates::objects::with_db;
use crate::trace::reads::config;

/// The error of a number filter given something it cannot read.
fn not_a_number(filter: &str, value: &Value) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("`{filter}` takes a number, but this is a {}", value.kind()))
}

/// `value` as a float, for the filters that read any number.
fn float_of(filter: &str, value: &Value) -> Result<f64, Error> {
    match value.kind() {
        ValueKind::Number => f64::try_from(value.clone()),
        _ => Err(not_a_number(filter, value)),
    }
}

/// `int(default=0, base=10)` (or minijinja's `int(default, base)`): a
/// number, or text read as one (trimmed; `0x`, `0o`, `0b` allowed in bases
/// 16, 8 and 2; a decimal point cuts the fraction), and `default` when the
/// text is no number, as Tera has it, where minijinja's fails.
pub fn int(value: &Value, default: Option<Value>, base: Option<u32>, kwargs: Kwargs) -> Result<Value, Error> {
    let default = match default {
        Some(default) => default,
        None => kwargs.get::<Option<Value>>("default")?.unwrap_or_else(|| Value::from(0)),
    };
    let base = match base {
        Some(base) => base,
        None => kwargs.get::<Option<u32>>("base")?.unwrap_or(10),
    };
    kwargs.assert_all_used()?;
    if !(2..=36).contains(&base) {
        return Err(Error::new(ErrorKind::InvalidOperation, format!("`int` reads bases 2 to 36, not {base}")));
    }
    match value.kind() {
        ValueKind::String => {
            let text = value.as_str().unwrap_or_default().trim();
            let digits = match base {
                2 => text.trim_start_matches("0b"),
                8 => text.trim_start_matches("0o"),
                16 => text.trim_start_matches("0x"),
                _ => text,
            };
            if let Ok(number) = i64::from_str_radix(digits, base) {
                return Ok(Value::from(number));
            }
            let fraction = digits.contains('.').then(|| digits.parse::<f64>().ok()).flatten();
            // A float past i64's range saturates, as Rust's cast does.
            Ok(fraction.map_or(default, |number| Value::from(number as i64)))
        }
        ValueKind::Number if value.is_integer() => Ok(value.clone()),
        ValueKind::Number => Ok(Value::from(float_of("int", value)? as i64)),
        ValueKind::Bool => Ok(Value::from(i64::from(value.is_true()))),
        ValueKind::None => Ok(default),
        _ => Err(not_a_number("int", value)),
    }
}

/// `float(default=0.0)` (or minijinja's `float(default)`): a number as a
/// float, or text read as one (trimmed), and `default` when the text is no
/// number, as Tera has it, where minijinja's fails.
pub fn float(value: &Value, default: Option<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let default = match default {
        Some(default) => default,
        None => kwargs.get::<Option<Value>>("default")?.unwrap_or_else(|| Value::from(0.0)),
    };
    kwargs.assert_all_used()?;
    match value.kind() {
        ValueKind::String => Ok(value.as_str().unwrap_or_default().trim().parse::<f64>().map_or(default, Value::from)),
        ValueKind::Number => Ok(Value::from(float_of("float", value)?)),
        ValueKind::Bool => Ok(Value::from(if value.is_true() { 1.0 } else { 0.0 })),
        ValueKind::None => Ok(default),
        _ => Err(not_a_number("float", value)),
    }
}

/// The largest integer a float holds exactly: a rounded float up to it is
/// given back as an integer.
const EXACT_FLOAT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// `round(method="common", precision=0)` (or minijinja's `round(precision,
/// method)`): the number rounded half away from zero (`common`), up
/// (`ceil`) or down (`floor`) to `precision` decimals, as Tera computes it. A
/// whole result is an integer, so it prints as Tera prints it (`3`, where
/// minijinja prints `3.0`).
pub fn round(value: &Value, precision: Option<i32>, method: Option<String>, kwargs: Kwargs) -> Result<Value, Error> {
    let precision = match precision {
        Some(precision) => precision,
        None => kwargs.get::<Option<i32>>("precision")?.unwrap_or(0),
    };
    let method = match method {
        Some(method) => method,
        None => kwargs.get::<Option<String>>("method")?.unwrap_or_else(|| "common".to_owned()),
    };
    kwargs.assert_all_used()?;
    let number = float_of("round", value)?;
    let multiplier = 10_f64.powi(precision);
    let scaled = multiplier * number;
    let rounded = match method.as_str() {
        "common" => scaled.round(),
        "ceil" => scaled.ceil(),
        "floor" => scaled.floor(),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("`round` rounds by `common`, `ceil` or `floor`, not `{other}`"),
            ));
        }
    } / multiplier;
    if rounded.fract() == 0.0 && rounded.abs() <= EXACT_FLOAT_INTEGER {
        return Ok(Value::from(rounded as i64));
    }
    Ok(Value::from(rounded))
}

/// `pluralize(singular="", plural="s")`: `plural` unless the number is 1 or
/// -1, as Tera has it (`{{ n }} post{{ n | pluralize }}`).
pub fn pluralize(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let singular: Option<String> = kwargs.get("singular")?;
    let plural: Option<String> = kwargs.get("plural")?;
    kwargs.assert_all_used()?;
    let number = float_of("pluralize", value)?;
    Ok(match (number.abs() - 1.0).abs() > f64::EPSILON {
        true => plural.unwrap_or_else(|| "s".to_owned()),
        false => singular.unwrap_or_default(),
    })
}

/// `filesizeformat(binary=false)`: a number of bytes as Tera writes it,
/// counting 1024 bytes to a `kB` (a `KiB` when `binary`), with two decimals
/// unless the size is whole (`117.74 MB`, `1 kB`).
pub fn filesizeformat(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let binary: Option<bool> = kwargs.get("binary")?;
    kwargs.assert_all_used()?;
    let bytes = u64::try_from(value.clone()).map_err(|_| {
        Error::new(ErrorKind::InvalidOperation, format!("`filesizeformat` takes a number of bytes, not `{value}`"))
    })?;
    let units = match binary.unwrap_or(false) {
        true => ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"],
        false => ["B", "kB", "MB", "GB", "TB", "PB", "EB"],
    };
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < units.len() {
        size /= 1024.0;
        unit += 1;
    }
    let decimals = if size.fract() == 0.0 { 0 } else { 2 };
    Ok(format!("{size:.decimals$} {}", units[unit]))
}

/// `num_format(locale="en-IN")`: an integer with the digit grouping and
/// separators of `locale` (`1,000,000`, `10,00,000`), by default the site's
/// `default_language`, as Zola has it.
pub fn num_format(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let locale: Option<String> = kwargs.get("locale")?;
    kwargs.assert_all_used()?;
    let number = i64::try_from(value.clone()).map_err(|_| {
        Error::new(ErrorKind::InvalidOperation, format!("`num_format` takes an integer, not `{value}`"))
    })?;
    let name = match locale {
        Some(locale) => locale,
        None => with_db(|db| config(db).config.default_language.clone()).ok_or_else(outside_render)?,
    };
    let locale = Locale::from_name(&name)
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("`num_format` knows no locale `{name}`")))?;
    Ok(number.to_formatted_string(&locale))
}

/// `is number`, as Tera has it: `true` is not a number (minijinja's counts
/// booleans).
pub fn number(value: &Value) -> bool {
    value.kind() == ValueKind::Number
}

#[cfg(test)]
mod tests {
    #[test]
    fn tera_number_filters_do_what_tera_does() {
        let env = crate::templates::registry::test_environment();
        let render = |template: &str| env.render_str(template, ()).expect("renders");
        let ints = r#"{{ " 42 " | int }} {{ "x" | int }} {{ "x" | int(default=7) }} {{ "0xff" | int(base=16) }} {{ "1.9" | int }} {{ 2.7 | int }} {{ "11" | int(0, 2) }}"#;
        assert_eq!(render(ints), "42 0 7 255 1 2 3");
        assert_eq!(
            render(r#"{{ "2.5" | float }} {{ "x" | float }} {{ "x" | float(default=1.5) }} {{ 2 | float }}"#),
            "2.5 0.0 1.5 2.0"
        );
        let rounds = r#"{{ 2.5 | round }} {{ 2.1 | round(method="ceil") }} {{ 2.9 | round(method="floor") }} {{ 3.14159 | round(precision=2) }} {{ 2.11 | round(1, "ceil") }} {{ 1234 | round(precision=-2) }}"#;
        assert_eq!(render(rounds), "3 3 2 3.14 2.2 1200");
        assert!(env.render_str(r#"{{ 1 | round(method="up") }}"#, ()).is_err());
        let plurals = r#"{{ 1 | pluralize }}|{{ 2 | pluralize }}|{{ -1 | pluralize }}|{{ 0 | pluralize(singular="y", plural="ies") }}"#;
        assert_eq!(render(plurals), "|s||ies");
        let sizes = "{{ 100 | filesizeformat }}|{{ 1024 | filesizeformat }}|{{ 123456789 | filesizeformat }}|{{ 1536 | filesizeformat(binary=true) }}";
        assert_eq!(render(sizes), "100 B|1 kB|117.74 MB|1.50 KiB");
        assert!(env.render_str("{{ -1 | filesizeformat }}", ()).is_err());
        let formats = r#"{{ 1000000 | num_format(locale="en") }} {{ 1000000 | num_format(locale="en-IN") }} {{ -1234 | num_format(locale="en") }}"#;
        assert_eq!(render(formats), "1,000,000 10,00,000 -1,234");
        assert!(env.render_str(r#"{{ 1 | num_format(locale="xx-nowhere") }}"#, ()).is_err());
        assert_eq!(
            render("{{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ '1' is number }}"),
            "True True False False"
        );
    }
}
