//! TOML values as template values. TOML's own dates and times
//! (`updated = 2025-09-25T21:57:54+01:00`, unquoted) print as they are
//! written, as Zola prints them; converted field by field through serde they
//! would print as an internal wrapper map.

use std::collections::BTreeMap;

use minijinja::Value;

/// A TOML table (front matter `[extra]`, a data file, `config.toml`) as a
/// template value, its keys in order.
pub fn table_value(table: &toml::Table) -> Value {
    Value::from(
        table.iter().map(|(key, value)| (key.clone(), template_value(value))).collect::<BTreeMap<String, Value>>(),
    )
}

/// One TOML value as a template value: a date or time as its text.
pub fn template_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::from(text.as_str()),
        toml::Value::Integer(number) => Value::from(*number),
        toml::Value::Float(number) => Value::from(*number),
        toml::Value::Boolean(flag) => Value::from(*flag),
        toml::Value::Datetime(datetime) => Value::from(datetime.to_string()),
        toml::Value::Array(items) => Value::from(items.iter().map(template_value).collect::<Vec<_>>()),
        toml::Value::Table(table) => table_value(table),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_written_and_nesting_is_kept() {
        let table: toml::Table = toml::from_str(
            "updated = 2025-09-25T21:57:54+01:00\nday = 2024-01-02\n[author]\nname = \"Ann\"\nn = [1, 2.5]\n",
        )
        .unwrap();
        let value = table_value(&table);
        assert_eq!(value.get_attr("updated").unwrap().to_string(), "2025-09-25T21:57:54+01:00");
        assert_eq!(value.get_attr("day").unwrap().to_string(), "2024-01-02");
        assert_eq!(value.get_attr("author").unwrap().get_attr("name").unwrap().to_string(), "Ann");
        assert_eq!(value.get_attr("author").unwrap().get_attr("n").unwrap().to_string(), "[1, 2.5]");
    }
}
