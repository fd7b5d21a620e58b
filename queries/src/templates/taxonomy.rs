//! Functions on taxonomies: a taxonomy with its terms, and a term's URL.

use std::collections::BTreeMap;

use minijinja::Error;
use minijinja::value::{Kwargs, Value};
use salsa::Database;

use crate::inputs::TaxonomyId;
use crate::routes::term_path;
use crate::templates::arguments::{not_found, outside_render, required_text, text_argument};
use crate::templates::objects::{taxonomy_value, term_listing, term_value, with_db};
use crate::trace::reads::{config, taxonomy_index, term_name};

/// The taxonomy `kind=` of the language `lang=`, the default one when
/// `lang` is not given, as Zola's taxonomy functions pick it.
fn taxonomy_argument(db: &dyn Database, kwargs: &Kwargs) -> Result<TaxonomyId, Error> {
    let kind = required_text(kwargs, "kind")?;
    let lang = text_argument(kwargs, "lang")?;
    Ok(TaxonomyId::new(&kind, lang.as_deref().and_then(|code| config(db).config.other_language(code))))
}

/// `get_taxonomy(kind="tags", lang=)`: the taxonomy and all its terms, as Zola has it.
pub fn get_taxonomy(kwargs: Kwargs) -> Result<Value, Error> {
    with_db(|db| {
        let taxonomy = taxonomy_argument(db, &kwargs)?;
        kwargs.assert_all_used()?;
        let index = taxonomy_index(db);
        let terms = index.get(&taxonomy).ok_or_else(|| not_found("taxonomy", &taxonomy.to_string()))?;
        let items: Vec<Value> =
            terms.values().map(|term| term_value(db, &taxonomy, &term.slug, &term.name).0).collect();
        Ok(Value::from(BTreeMap::from([("kind", taxonomy_value(db, &taxonomy)), ("items", Value::from(items))])))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy_term(kind="tags", term="Rust", lang=)`: one term with its pages,
/// as Zola has it. It reads that term's name and listing only, so a page
/// that prints it re-renders when that term changes, not when another does.
/// `include_pages=false` leaves `pages` empty (`page_count` still counts
/// them); `required=false` gives none for a term no page carries.
pub fn get_taxonomy_term(kwargs: Kwargs) -> Result<Value, Error> {
    let term = required_text(&kwargs, "term")?;
    let include_pages: Option<bool> = kwargs.get("include_pages")?;
    let required: Option<bool> = kwargs.get("required")?;
    with_db(|db| {
        let taxonomy = taxonomy_argument(db, &kwargs)?;
        kwargs.assert_all_used()?;
        let slug = slug::slugify(&term);
        let Some(name) = term_name(db, &taxonomy, &slug) else {
            return match required.unwrap_or(true) {
                true => Err(not_found(&format!("`{taxonomy}` term"), &term)),
                false => Ok(Value::from(())),
            };
        };
        let (mut fields, _) = term_listing(db, &taxonomy, &slug, &name);
        if !include_pages.unwrap_or(true) {
            fields.insert("pages", Value::from(Vec::<Value>::new()));
        }
        Ok(Value::from(fields))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy_url(kind="tags", name="Rust")`: the URL of a term's page,
/// as Zola has it: an error for a term no page gives, or none with
/// `required=false`; `lang="fr"` for the French taxonomy's.
pub fn get_taxonomy_url(kwargs: Kwargs) -> Result<Value, Error> {
    let name = required_text(&kwargs, "name")?;
    let required: Option<bool> = kwargs.get("required")?;
    with_db(|db| {
        let taxonomy = taxonomy_argument(db, &kwargs)?;
        kwargs.assert_all_used()?;
        let slug = slug::slugify(&name);
        if term_name(db, &taxonomy, &slug).is_none() {
            // As in Zola: a term no page gives is an error, unless the
            // template says it may be missing.
            return match required {
                Some(false) => Ok(Value::from(())),
                _ => Err(not_found(&format!("`{taxonomy}` term"), &name)),
            };
        }
        Ok(Value::from(format!("{}{}", config(db).config.base_url, term_path(&taxonomy, &slug))))
    })
    .ok_or_else(outside_render)?
}
