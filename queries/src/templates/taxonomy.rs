//! Functions on taxonomies: a taxonomy with its terms, and a term's URL.

use std::collections::BTreeMap;

use minijinja::Error;
use minijinja::value::{Kwargs, Value};

use crate::routes::term_path;
use crate::templates::arguments::{not_found, outside_render, required_text};
use crate::templates::objects::{taxonomy_value, term_value, with_db};
use crate::trace::reads::{config, taxonomy_index};

/// `get_taxonomy(kind="tags")`: the taxonomy and all its terms, as Zola has it.
pub fn get_taxonomy(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let index = taxonomy_index(db);
        let terms = index.get(&kind).ok_or_else(|| not_found("taxonomy", &kind))?;
        let items: Vec<Value> = terms.values().map(|term| term_value(db, &kind, &term.slug, &term.name).0).collect();
        Ok(Value::from(BTreeMap::from([("kind", taxonomy_value(db, &kind)), ("items", Value::from(items))])))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy_url(kind="tags", name="Rust")`: the URL of a term's page.
pub fn get_taxonomy_url(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    let name = required_text(&kwargs, "name")?;
    kwargs.assert_all_used()?;
    with_db(|db| Value::from(format!("{}{}", config(db).config.base_url, term_path(&kind, &slug::slugify(&name)))))
        .ok_or_else(outside_render)
}
