//! `search_entry` and `search_text`: what one page or section gives the
//! search index, each memoized on its own, so that the index re-renders
//! only when one of these changes and re-cleans only the text that did.

use std::collections::HashSet;
use std::sync::Arc;

use salsa::Database;

use crate::config::config;
use crate::front_matter::front_matter;
use crate::inputs::SourceFile;
use crate::links::page_content;
use crate::page::{PageKind, page_meta};
use crate::shortcodes::replace_placeholders;
use crate::stable_hash::StableHash;

/// The fields of one page or section that the search index may hold, and
/// whether it is in the index at all.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct SearchEntry {
    /// `in_search_index`: false leaves it out, and a section's pages with it.
    pub in_search_index: bool,
    /// Whether it is a document of its own: a page that is rendered, a
    /// section that does not redirect, as Zola decides.
    pub listed: bool,
    /// A section's `transparent`: its pages are its parent's documents too.
    pub transparent: bool,
    /// The document's reference: its absolute URL.
    pub permalink: String,
    /// `title`, empty when it has none.
    pub title: String,
    /// `description`, empty when it has none.
    pub description: String,
    /// A page's date in RFC 3339 (UTC), if it has one.
    pub date: Option<String>,
    /// Its URL path (`/blog/a/`).
    pub path: String,
}

/// What a page or section gives the search index: the fields `[search]`
/// leaves out are empty.
///
/// Invalidated by front matter edits, moves and config (as
/// [`page_meta`]); a body edit leaves it equal, and it backdates when a
/// metadata edit touches none of the fields the index holds, so the index
/// does not re-render.
#[salsa::tracked(returns(ref))]
pub fn search_entry(db: &dyn Database, file: SourceFile) -> SearchEntry {
    let meta = page_meta(db, file);
    let is_page = meta.kind == PageKind::Page;
    let settings = config(db).config.search.clone().unwrap_or_default();
    let kept = |included: bool, value: &String| if included { value.clone() } else { String::new() };
    SearchEntry {
        in_search_index: front_matter(db, file).in_search_index,
        listed: if is_page { meta.render } else { meta.redirect_to.is_none() },
        transparent: meta.transparent,
        permalink: meta.permalink.clone(),
        title: kept(settings.include_title, &meta.title),
        description: kept(settings.include_description, meta.description.as_ref().unwrap_or(&String::new())),
        date: meta.date.as_ref().filter(|_| is_page && settings.include_date).map(|date| date.rfc3339()),
        path: kept(settings.include_path, &meta.url_path),
    }
}

/// A page's or section's text as the search index holds it (with
/// `include_content`): its body with links resolved, made plain.
///
/// Invalidated by a body edit, its links' targets and the configuration;
/// memoized so that a body edit re-cleans one text, not every page's.
#[salsa::tracked(returns(ref))]
pub fn search_text(db: &dyn Database, file: SourceFile) -> Arc<str> {
    let limit = config(db).config.search.as_ref().and_then(|settings| settings.truncate_content_length);
    // The index is made below the templates, so a shortcode's output is not
    // in it: its placeholder is left out rather than shown.
    let content = replace_placeholders(&page_content(db, file).content, |_| String::new());
    plain_text(&content, limit).into()
}

/// A body's text as the index holds it, as Zola makes it: every tag
/// stripped (the contents of `script`, `style` and `pre` too, entities left
/// escaped), spaces in each line collapsed, blank lines dropped, and the
/// whole cut to `limit` characters.
fn plain_text(html: &str, limit: Option<usize>) -> String {
    let cleaned = ammonia::Builder::empty()
        .clean_content_tags(HashSet::from(["script", "style", "pre"]))
        .clean(html)
        .to_string();
    let mut text = cleaned
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if let Some((end, _)) = limit.and_then(|limit| text.char_indices().nth(limit)) {
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_stripped_of_tags_and_blank_lines_and_cut_by_characters() {
        assert_eq!(plain_text("<p>hello <b>world</b></p>\n\n  <p>again   here</p>", None), "hello world\nagain here");
        assert_eq!(plain_text("a <script>x()</script><pre>code</pre>b &amp; c", None), "a b &amp; c");
        assert_eq!(plain_text("héllo wörld", Some(4)), "héll");
        assert_eq!(plain_text("short", Some(100)), "short");
    }
}
