//! Filters, tests and functions on lists and maps: `range` as Zola and
//! minijinja write it; Tera's `nth`, `concat`, `get`, `group_by` and
//! `filter`, its `slice(start=, end=)` and `map(attribute=)` beside
//! minijinja's forms of the same names, and its `containing`, `object` and
//! `iterable` tests; and minijinja's `join` replaced by one that refuses an
//! oversized result before making it (see [`crate::templates::limits`]).

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, Rest, StringInput, Value, ValueKind, ValueOrKwargs};
use minijinja::{Error, ErrorKind, State};

use crate::templates::limits::{list_within_limit, printed_len, value_within_limit};

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
    // A negative count is an empty range.
    list_within_limit(&format!("range({start}, {end}, {step})"), u64::try_from(count).unwrap_or(0))?;
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
                Some(path) => value_at(&item, path),
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

/// What `path` (`author.name`, `name.1`) names inside `item`, or undefined
/// where a part is missing: how Tera's `attribute=` arguments read, a number
/// being an index into a list and a key of anything else.
fn value_at(item: &Value, path: &str) -> Value {
    path.split('.')
        .try_fold(item.clone(), |value, part| {
            let found = match (value.kind(), part.parse::<usize>()) {
                (ValueKind::Seq, Ok(index)) => value.get_item(&Value::from(index)),
                _ => value.get_attr(part),
            };
            found.ok().filter(|found| !found.is_undefined())
        })
        .unwrap_or(Value::UNDEFINED)
}

/// Whether `value` is a list, as Tera's list filters take: text and maps are
/// not, though minijinja can iterate both.
fn is_list(value: &Value) -> bool {
    matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable)
}

/// The items of the list `value`, or the error a list filter makes on
/// anything else.
fn list_items(filter: &str, value: &Value) -> Result<Vec<Value>, Error> {
    if !is_list(value) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{filter}` takes a list, but this is a {}", value.kind()),
        ));
    }
    Ok(value.try_iter()?.collect())
}

/// The required `attribute` of Tera's list filters.
fn attribute_argument(filter: &str, kwargs: &Kwargs) -> Result<String, Error> {
    kwargs
        .get::<Option<String>>("attribute")?
        .ok_or_else(|| Error::new(ErrorKind::MissingArgument, format!("`{filter}` needs `attribute`")))
}

/// `nth(n=2)`: the list's item at index `n` (from 0), or empty text past
/// its end, as Tera has it.
pub fn nth(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let index: usize = kwargs.get("n")?;
    kwargs.assert_all_used()?;
    Ok(list_items("nth", value)?.into_iter().nth(index).unwrap_or_else(|| Value::from("")))
}

/// `concat(with=x)`: the list with `x` added, or each of `x`'s items when
/// `x` is a list, as Tera has it. The result is refused before it is made
/// when it would pass the list limit, since a loop can double a list.
pub fn concat(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let with: Value = kwargs.get("with")?;
    kwargs.assert_all_used()?;
    let mut items = list_items("concat", value)?;
    let added = if with.kind() == ValueKind::Seq { with.try_iter()?.collect() } else { vec![with] };
    list_within_limit("this concat", (items.len() as u64).saturating_add(added.len() as u64))?;
    items.extend(added);
    Ok(Value::from(items))
}

/// `get(key="a/b", default=x)`: the map's value at `key`, for keys that are
/// not names (`sections | get(key="posts/_index.md")`); `default` when the
/// map lacks the key, an error when there is no `default`, as Tera has it.
pub fn get(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let key: String = kwargs.get("key")?;
    let default: Option<Value> = kwargs.get("default")?;
    kwargs.assert_all_used()?;
    if value.kind() != ValueKind::Map {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`get` takes a map, but this is a {}", value.kind()),
        ));
    }
    match value.get_attr(&key)? {
        found if !found.is_undefined() => Ok(found),
        _ => default
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("`get` found no key `{key}` in this map"))),
    }
}

/// `slice(start=1, end=-1)`: the list's items from `start` up to, not
/// including, `end`, either counting from the end when negative, as Tera
/// has it; `slice(3)` (or `slice(3, fill)`) is minijinja's, which cuts a
/// list into that many columns.
pub fn slice(
    state: &State,
    value: Value,
    columns: Option<usize>,
    fill_with: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    if let Some(columns) = columns {
        kwargs.assert_all_used()?;
        return minijinja::filters::slice(state, value, columns, fill_with);
    }
    let (start, end): (Option<i64>, Option<i64>) = (kwargs.get("start")?, kwargs.get("end")?);
    kwargs.assert_all_used()?;
    let items = list_items("slice", &value)?;
    let length = items.len() as i64;
    let index = |at: i64| usize::try_from(if at < 0 { length.saturating_add(at) } else { at.min(length) }).unwrap_or(0);
    let (start, end) = (index(start.unwrap_or(0)), index(end.unwrap_or(length)));
    Ok(Value::from(if start < end { items[start..end].to_vec() } else { Vec::new() }))
}

/// The map `group_by` makes: groups in the order of their first items, as
/// Zola's maps keep it (a plain map would sort them), each named by its
/// value as text.
#[derive(Debug)]
struct Groups(Vec<(String, Value)>);

impl Object for Groups {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = group_name(key);
        self.0.iter().find(|(group, _)| *group == name).map(|(_, items)| items.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.iter().map(|(group, _)| Value::from(group.as_str())).collect())
    }
}

/// The name of the group of items whose attribute is `value`: text as it
/// is, anything else as Tera writes it (`2024`, `true`), so `groups[2024]`
/// finds the group of that year too.
fn group_name(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// `group_by(attribute="year")`: a map from each value of `attribute` (a
/// dotted path) to the items that have it, in the order of the first item
/// of each group; items without it (or where it is none) are left out, as
/// Tera has it.
pub fn group_by(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let attribute = attribute_argument("group_by", &kwargs)?;
    kwargs.assert_all_used()?;
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    let mut positions: HashMap<String, usize> = HashMap::new();
    for item in list_items("group_by", value)? {
        let key = value_at(&item, &attribute);
        if key.is_undefined() || key.is_none() {
            continue;
        }
        let name = group_name(&key);
        let position = *positions.entry(name.clone()).or_insert_with(|| {
            groups.push((name, Vec::new()));
            groups.len() - 1
        });
        groups[position].1.push(item);
    }
    let groups = groups.into_iter().map(|(name, items)| (name, Value::from(items))).collect();
    Ok(Value::from_object(Groups(groups)))
}

/// `filter(attribute="draft", value=true)`: the items whose `attribute` (a
/// dotted path) equals `value`, or, without `value`, the items that have
/// the attribute at all (not none), as Tera has it.
pub fn filter(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let attribute = attribute_argument("filter", &kwargs)?;
    let wanted: Option<Value> = kwargs.get("value")?;
    kwargs.assert_all_used()?;
    let wanted = wanted.filter(|wanted| !wanted.is_none());
    let items = list_items("filter", value)?.into_iter().filter(|item| {
        let found = value_at(item, &attribute);
        match &wanted {
            Some(wanted) => found == *wanted,
            None => !found.is_undefined() && !found.is_none(),
        }
    });
    Ok(Value::from(items.collect::<Vec<_>>()))
}

/// `map(attribute="title")`: each item's `attribute` (a dotted path), the
/// items without it (or where it is none) left out, as Tera has it; with
/// `default=`, or a filter's name (`map("lower")`), minijinja's.
pub fn map(state: &mut State, value: Value, args: Rest<ValueOrKwargs>) -> Result<Value, Error> {
    let values = args.into_values();
    let (positional, kwargs): (&[Value], Kwargs) = minijinja::value::from_args(&values)?;
    if !positional.is_empty() || kwargs.has("default") || !kwargs.has("attribute") {
        let args = Rest(values.iter().cloned().map(ValueOrKwargs::from).collect());
        return minijinja::filters::map(state, value, args).map(Value::from);
    }
    let attribute = attribute_argument("map", &kwargs)?;
    kwargs.assert_all_used()?;
    let found = list_items("map", &value)?.into_iter().map(|item| value_at(&item, &attribute));
    Ok(Value::from(found.filter(|found| !found.is_undefined() && !found.is_none()).collect::<Vec<_>>()))
}

/// `is object`, as Tera names a map (minijinja's `mapping`).
pub fn object(value: &Value) -> bool {
    value.kind() == ValueKind::Map
}

/// `is iterable`, as Tera has it: a list or a map. minijinja's counts text
/// (and an undefined value) too, so a theme's `if authors is iterable`
/// would loop over the letters of a single author's name.
pub fn iterable(value: &Value) -> bool {
    matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable | ValueKind::Map)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tera_list_filters_and_tests_do_what_tera_does() {
        let env = crate::templates::registry::test_environment();
        let posts = minijinja::context! { posts => vec![
            minijinja::context! { title => "a", year => 2024, author => minijinja::context! { name => "Ann" }, draft => true },
            minijinja::context! { title => "b", year => 2023, author => minijinja::context! { name => "Bo" } },
            minijinja::context! { title => "c", year => 2024, author => minijinja::context! { name => "Ann" }, draft => false },
            minijinja::context! { title => "d" },
        ]};
        let render = |template: &str| env.render_str(template, &posts).expect("renders");
        assert_eq!(render("{{ [1, 2, 3] | nth(n=1) }}|{{ [1] | nth(n=5) }}|{{ [] | nth(n=0) }}"), "2||");
        assert_eq!(render("{{ [1] | concat(with=[2, 3]) }} {{ [1] | concat(with=2) }}"), "[1, 2, 3] [1, 2]");
        assert_eq!(render(r#"{{ {"a/b": 1} | get(key="a/b") }} {{ {} | get(key="x", default=2) }}"#), "1 2");
        assert!(env.render_str(r#"{{ {} | get(key="x") }}"#, ()).is_err());
        let slices =
            "{{ [1, 2, 3, 4, 5] | slice(end=-2) }} {{ [1, 2, 3] | slice(start=1) }} {{ [1, 2] | slice(start=5) }}";
        assert_eq!(render(slices), "[1, 2, 3] [2, 3] []");
        assert_eq!(render("{{ [1, 2, 3] | slice(2) }}"), "[[1, 2], [3]]", "minijinja's columns");
        let grouped = r#"{% for year in posts | group_by(attribute="year") %}{{ year }}:{{ (posts | group_by(attribute="year"))[year] | map(attribute="title") | join(",") }} {% endfor %}"#;
        assert_eq!(render(grouped), "2024:a,c 2023:b ", "in the order of each group's first item");
        assert_eq!(
            render(
                r#"{{ (posts | group_by(attribute="author.name"))["Bo"] | length }} {{ (posts | group_by(attribute="year"))[2023] | length }}"#
            ),
            "1 1"
        );
        assert_eq!(
            render(r#"{{ posts | filter(attribute="draft", value=true) | map(attribute="title") | join }}"#),
            "a"
        );
        assert_eq!(render(r#"{{ posts | filter(attribute="draft") | map(attribute="title") | join }}"#), "ac");
        assert_eq!(
            render(r#"{{ posts | map(attribute="author.name") }} {{ ["A"] | map("lower") }}"#),
            "['Ann', 'Bo', 'Ann'] ['a']"
        );
        let tests =
            "{{ {} is object }} {{ [] is object }} {{ [] is iterable }} {{ {} is iterable }} {{ 'ab' is iterable }}";
        assert_eq!(render(tests), "True False True True False");
    }
}
