//! Filters, tests and functions on lists: `range` as Zola and minijinja
//! write it, Tera's `containing` test,
//! and minijinja's `join` replaced by one that refuses an oversized result
//! before making it (see [`crate::templates::limits`]).

use minijinja::value::{Kwargs, StringInput, Value};
use minijinja::{Error, ErrorKind, State};

use crate::templates::limits::{printed_len, value_within_limit};

/// The most numbers one `range` may count.
const MAX_RANGE: i64 = 1_000_000;

/// `range(end=5)`, `range(start=2, end=9, step_by=3)` as Zola writes it, and
/// `range(4)`, `range(1, 9, 3)` as minijinja does: the numbers from `start`
/// (0) up to, not including, `end`, `step_by` (1) apart.
pub fn range(start: Option<i64>, end: Option<i64>, step: Option<i64>, kwargs: Kwargs) -> Result<Value, Error> {
    let named = |name: &str| kwargs.get::<Option<i64>>(name);
    let (start, end) = match (start, end) {
        (Some(end), None) => (named("start")?.unwrap_or(0), end),
        (Some(start), Some(end)) => (start, end),
        _ => (
            named("start")?.unwrap_or(0),
            named("end")?.ok_or_else(|| Error::new(ErrorKind::MissingArgument, "range needs `end`"))?,
        ),
    };
    let step = match step {
        Some(step) => step,
        None => named("step_by")?.unwrap_or(1),
    };
    kwargs.assert_all_used()?;
    if step == 0 {
        return Err(Error::new(ErrorKind::InvalidOperation, "range cannot count with `step_by=0`"));
    }
    let count = (i128::from(end) - i128::from(start) + i128::from(step) - i128::from(step.signum())) / i128::from(step);
    if count > i128::from(MAX_RANGE) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("range({start}, {end}, {step}) would count {count} numbers; one range counts at most {MAX_RANGE}"),
        ));
    }
    let numbers = (0..count.max(0)).map(|index| i128::from(start) + index * i128::from(step));
    Ok(Value::from(numbers.filter_map(|number| i64::try_from(number).ok()).map(Value::from).collect::<Vec<_>>()))
}

/// `join(separator, attribute=)`: minijinja's filter, refused before it runs
/// when the items and a separator between each two would pass the limit.
pub fn join(
    state: &mut State,
    value: &Value,
    joiner: Option<StringInput<'_>>,
    attribute: Option<&str>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    // Tera names the separator: `join(sep=", ")`.
    let named: Option<Value> = kwargs.get("sep")?;
    let joiner = match (joiner, &named) {
        (None, Some(named)) => Some(StringInput::new(state, named)?),
        (joiner, _) => joiner,
    };
    let separator = match &joiner {
        Some(joiner) => joiner.as_str().len(),
        None => kwargs.get::<Option<&str>>("d")?.map_or(0, str::len),
    };
    let path = attribute.map(str::to_owned).or(kwargs.get::<Option<&str>>("attribute")?.map(str::to_owned));
    if let Ok(items) = value.try_iter() {
        let mut least: u64 = 0;
        for (index, item) in items.enumerate() {
            let item = match &path {
                Some(path) => path.split('.').try_fold(item, |item, key| item.get_attr(key)).unwrap_or_default(),
                None => item,
            };
            let between = if index > 0 { separator } else { 0 };
            least = least.saturating_add((between + printed_len(&item)) as u64);
            value_within_limit("this join", least)?;
        }
    }
    let result = minijinja::filters::join(state, value, joiner, attribute, kwargs)?;
    value_within_limit("this join", printed_len(&result) as u64)?;
    Ok(result)
}

/// `is containing(x)`, as Tera has it: whether a text holds `x` as a part,
/// a list holds it as an item, or a map holds it as a key.
pub fn containing(value: &Value, needle: &Value) -> Result<bool, Error> {
    if let Some(text) = value.as_str() {
        return Ok(needle.as_str().is_some_and(|part| text.contains(part)));
    }
    Ok(value.try_iter()?.any(|item| item == *needle))
}
