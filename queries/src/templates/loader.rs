//! How site templates reach minijinja: read through salsa, translated from
//! the dialect they are written in, checked for size.
//!
//! The loader reads template text through salsa and attaches an up-to-date
//! check that re-reads it through salsa, so every lookup (`extends`,
//! `include`, `import` included) records the template it used on the render
//! that is running, while compiled templates stay cached. Templates added
//! with `add_template_owned`, or a loader without the check, would go
//! silently stale.

use dialects::{Dialect, Translated};
use minijinja::{Error, ErrorKind, TemplateSource};
use salsa::Database;

use crate::templates::arguments::outside_render;
use crate::templates::expression_bounds::{OversizedExpression, oversized_expression};
use crate::templates::objects::with_db;
use crate::trace::reads::template_text;

/// A site template's text as minijinja reads it, with the map back to the
/// user's text: what the loader compiles and what errors are located by.
/// Site templates are written for Tera (as every Zola theme is); minijinja's
/// own syntax translates to text that renders the same.
pub fn site_template(text: &str) -> Translated {
    dialects::translate(Dialect::Tera1, text)
}

/// Whether the site has a template of this name (else the built-in one serves).
pub fn has_template(db: &dyn Database, name: &str) -> bool {
    template_text(db, name).is_some()
}

/// The loader of the environment: the template `name` of the site, if it
/// has one, translated, with an up-to-date check on the user's text.
pub fn load_template(name: &str) -> Result<Option<TemplateSource>, Error> {
    let Some(text) = with_db(|db| template_text(db, name)).ok_or_else(outside_render)? else { return Ok(None) };
    let translated = site_template(&text);
    // Checked on what minijinja will parse: a rewrite may join names into a chain.
    if let Some(range) = oversized_expression(&translated.text) {
        let problem = OversizedExpression { template: name.to_owned(), range: translated.map.user_range(range) };
        return Err(Error::new(ErrorKind::SyntaxError, problem.to_string()).with_source(problem));
    }
    let name = name.to_owned();
    Ok(Some(TemplateSource::new(translated.text).with_uptodate_check(move || {
        with_db(|db| template_text(db, &name).as_deref() == Some(&*text)).unwrap_or(false)
    })))
}
