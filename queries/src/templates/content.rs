//! Functions and filters that reach the site's content: pages, sections,
//! listings, and Markdown.

use camino::Utf8Path;
use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};
use salsa::Database;

use crate::collections::{Scope, Selector};
use crate::front_matter::SortBy;
use crate::inputs::TaxonomyId;
use crate::markdown::{fill_heading_markers, render_markdown};
use crate::sections::is_section_index;
use crate::templates::arguments::{not_found, outside_render, required_text, text_argument};
use crate::templates::limits::value_within_limit;
use crate::templates::objects::{PageObject, SectionObject, selected_pages, with_db};
use crate::trace::reads::{config, content_file, markdown_options};

/// The content path of `path`'s version in `lang` (`blog/a.md` is
/// `blog/a.fr.md` in French), or `path` itself in the default language:
/// what Zola's `lang=` argument of `get_page`, `get_section` and `get_url`
/// picks.
pub fn translated_path(db: &dyn Database, path: &str, lang: Option<&str>) -> String {
    let lang = lang.filter(|lang| *lang != config(db).config.default_language);
    match (lang, path.strip_suffix(".md")) {
        (Some(lang), Some(stem)) => format!("{stem}.{lang}.md"),
        _ => path.to_owned(),
    }
}

/// `get_page(path="blog/a.md", lang="fr")`.
pub fn get_page(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let file = content_file(db, &translated_path(db, path.trim_start_matches("@/"), lang.as_deref()));
        file.map(|file| Value::from_object(PageObject(file))).ok_or_else(|| not_found("page", &path))
    })
    .ok_or_else(outside_render)?
}

/// `get_section(path="blog/_index.md")`, or a translation's
/// (`blog/_index.fr.md`, or `lang="fr"`). `metadata_only=true` is taken and
/// changes nothing: a section's fields are read only when printed, so
/// leaving its pages unprinted already costs nothing.
pub fn get_section(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let _metadata_only: Option<bool> = kwargs.get("metadata_only")?;
    let lang = text_argument(&kwargs, "lang")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let file = content_file(db, &translated_path(db, path.trim_start_matches("@/"), lang.as_deref()));
        file.filter(|_| is_section_index(Utf8Path::new(&path)))
            .map(|file| Value::from_object(SectionObject(file)))
            .ok_or_else(|| not_found("section", &path))
    })
    .ok_or_else(outside_render)?
}

/// `get_pages(section=, taxonomy=, term=, sort_by=, limit=)`: any listing of
/// the site through [`crate::pages_matching`]; without `section` or `term`,
/// every page.
pub fn get_pages(kwargs: Kwargs) -> Result<Value, Error> {
    let section = text_argument(&kwargs, "section")?;
    let taxonomy = text_argument(&kwargs, "taxonomy")?;
    let term = text_argument(&kwargs, "term")?;
    let sort_by = text_argument(&kwargs, "sort_by")?;
    let limit: Option<usize> = kwargs.get("limit")?;
    kwargs.assert_all_used()?;
    let sort_by = match sort_by.as_deref() {
        None => SortBy::Date,
        Some(name) => SortBy::named(name).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "unknown sort_by `{name}`: use date, update_date, title, title_bytes, weight, slug, permalink or none"
                ),
            )
        })?,
    };
    with_db(|db| {
        let scope = match (section, term) {
            (Some(section), None) => {
                let path = section.trim_start_matches("@/");
                let path = if path.ends_with("_index.md") {
                    path.to_owned()
                } else {
                    format!("{}/_index.md", path.trim_end_matches('/'))
                };
                let file = content_file(db, &path).ok_or_else(|| not_found("section", &path))?;
                Scope::Section(file)
            }
            (None, Some(term)) => {
                let taxonomy = TaxonomyId::new(taxonomy.as_deref().unwrap_or("tags"), None);
                Scope::Term(taxonomy, slug::slugify(term))
            }
            (None, None) => Scope::All,
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "get_pages takes either `section` or `term`, not both",
                ));
            }
        };
        Ok(selected_pages(db, Selector::new(db, scope, sort_by, limit)))
    })
    .ok_or_else(outside_render)?
}

/// `markdown(inline=false)`: Markdown text as HTML with the configured
/// Markdown options and no anchor links, refused past the size limit;
/// `inline=true` takes off the `<p>` that wraps a single paragraph, as Zola
/// does, for a title or a line of a menu.
pub fn markdown(text: &str, kwargs: Kwargs) -> Result<Value, Error> {
    let inline: Option<bool> = kwargs.get("inline")?;
    kwargs.assert_all_used()?;
    let options = with_db(|db| markdown_options(db).clone()).unwrap_or_default();
    let html = fill_heading_markers(&render_markdown(text, 0, &options).html, |_, _| String::new());
    value_within_limit("this markdown", html.len() as u64)?;
    let html = match inline.unwrap_or(false) {
        true => html.trim_start_matches("<p>").trim_end_matches("</p>\n"),
        false => &html,
    };
    Ok(Value::from_safe_string(html.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_has_no_wrapping_paragraph() {
        let mut env = minijinja::Environment::new();
        env.add_filter("markdown", markdown);
        let render = |template: &str| env.render_str(template, ()).expect("renders");
        assert_eq!(render("{{ 'a *b*' | markdown }}"), "<p>a <em>b</em></p>\n");
        assert_eq!(render("{{ 'a *b*' | markdown(inline=true) }}"), "a <em>b</em>");
    }
}
