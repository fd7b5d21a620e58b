//! Functions on taxonomies: a taxonomy with its terms, and a term's URL.

use std::collections::BTreeMap;

use minijinja::Error;
use minijinja::value::{Kwargs, Value};

use crate::routes::term_path;
use crate::templates::arguments::{not_found, outside_render, required_text, text_argument};
use crate::templates::objects::{taxonomy_value, term_listing, term_value, with_db};
use crate::trace::reads::{config, taxonomy_index, term_name};

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

/// `get_taxonomy_term(kind="tags", term="Rust")`: one term with its pages,
/// as Zola has it. It reads that term's name and listing only, so a page
/// that prints it re-renders when that term changes, not when another does.
/// `include_pages=false` leaves `pages` empty (`page_count` still counts
/// them); `required=false` gives none for a term no page carries.
pub fn get_taxonomy_term(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    let term = required_text(&kwargs, "term")?;
    let include_pages: Option<bool> = kwargs.get("include_pages")?;
    let required: Option<bool> = kwargs.get("required")?;
    // One language: `lang` can only name it.
    let _lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let slug = slug::slugify(&term);
        let Some(name) = term_name(db, &kind, &slug) else {
            return match required.unwrap_or(true) {
                true => Err(not_found(&format!("`{kind}` term"), &term)),
                false => Ok(Value::from(())),
            };
        };
        let (mut fields, _) = term_listing(db, &kind, &slug, &name);
        if !include_pages.unwrap_or(true) {
            fields.insert("pages", Value::from(Vec::<Value>::new()));
        }
        Ok(Value::from(fields))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy_url(kind="tags", name="Rust", lang="fr")`: the URL of a
/// term's page, in the default language unless `lang` names another.
pub fn get_taxonomy_url(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    let name = required_text(&kwargs, "name")?;
    let lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let config = &config(db).config;
        let prefix = match lang.filter(|lang| *lang != config.default_language) {
            Some(lang) => format!("/{lang}"),
            None => String::new(),
        };
        Value::from(format!("{}{prefix}{}", config.base_url, term_path(&kind, &slug::slugify(&name))))
    })
    .ok_or_else(outside_render)
}
