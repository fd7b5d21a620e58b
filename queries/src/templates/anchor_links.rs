//! Heading anchor links, filled in where a render shows a body: the
//! Markdown step leaves a marker at each edge of every heading's text, and
//! this step puts there the link that the body's section asks for
//! (`insert_anchor_links`), made by the site's `anchor-link.html` or by
//! Zola's built-in one. Both the section's setting and the template are
//! read through `crate::trace::reads`, so editing either re-renders exactly
//! the outputs that show those bodies, in this process and the next.

use std::sync::{Arc, LazyLock};

use minijinja::context;
use regex::Regex;
use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;
use crate::markdown::{HeadingEdge, fill_heading_markers};
use crate::markdown_options::AnchorPlacement;
use crate::site_paths::name_and_code;
use crate::templates::environment::render_template;
use crate::templates::loader::has_template;
use crate::templates::shortcodes::content_with_shortcodes;
use crate::trace::reads::{ancestors, config, markdown, page_language, section_anchor_links};

/// The template a site may write to change the anchor link, as in Zola.
const ANCHOR_TEMPLATE: &str = "anchor-link.html";

/// The opening tag of the first link in a rendered anchor: what wraps the
/// heading's text with `insert_anchor_links = "heading"`, as Zola takes it.
static OPENING_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(<\s*a[^>]*>).*?<\s*/\s*a>").expect("the pattern is valid"));

/// A content file's body as a render shows it: links and shortcodes filled
/// in (see [`content_with_shortcodes`]), then anchor links in place; a
/// diagnostic when a shortcode fails.
pub fn shown_content(db: &dyn Database, file: SourceFile) -> Result<Arc<str>, Diagnostic> {
    let filled = content_with_shortcodes(db, file)?;
    Ok(with_anchor_links(db, file, filled.content.clone()))
}

/// A content file's summary as a render shows it, like [`shown_content`]. A
/// summary without headings reads neither the section's setting nor the
/// template, so a listing of summaries does not depend on them.
pub fn shown_summary(db: &dyn Database, file: SourceFile) -> Result<Option<Arc<str>>, Diagnostic> {
    let filled = content_with_shortcodes(db, file)?;
    Ok(filled.summary.clone().map(|summary| with_anchor_links(db, file, summary)))
}

/// `html`, a part of `file`'s body, with its heading markers filled in.
/// Only a part that shows a heading reads where its anchor links go, so a
/// listing of summaries does not depend on the anchor template.
fn with_anchor_links(db: &dyn Database, file: SourceFile, html: Arc<str>) -> Arc<str> {
    if !html.contains('\0') {
        return html;
    }
    let placement = anchor_placement(db, file);
    let anchors: Vec<(String, String)> = match placement {
        AnchorPlacement::None => Vec::new(),
        _ => {
            let lang = page_language(db, file).clone();
            let headings = &markdown(db, file).headings;
            headings
                .iter()
                .map(|heading| edges(placement, &anchor_html(db, &heading.id, heading.level, &lang)))
                .collect()
        }
    };
    let filled = fill_heading_markers(&html, |index, edge| {
        let Some((start, end)) = anchors.get(index) else { return String::new() };
        match edge {
            HeadingEdge::Start => start.clone(),
            HeadingEdge::End => end.clone(),
        }
    });
    filled.into()
}

/// Where the anchor links of a body go: its section's setting (a section's
/// own, a page's section's), else the configuration's.
fn anchor_placement(db: &dyn Database, file: SourceFile) -> AnchorPlacement {
    let is_section = file.path(db).file_name().is_some_and(|name| name_and_code(name).0 == "_index");
    let section = if is_section { Some(file) } else { ancestors(db, file).last().copied() };
    section
        .and_then(|section| section_anchor_links(db, section))
        .unwrap_or_else(|| config(db).config.insert_anchor_links)
}

/// What goes at the start and at the end of a heading's text.
fn edges(placement: AnchorPlacement, anchor: &str) -> (String, String) {
    match placement {
        AnchorPlacement::None => (String::new(), String::new()),
        AnchorPlacement::Left => (anchor.to_owned(), String::new()),
        AnchorPlacement::Right => (String::new(), anchor.to_owned()),
        AnchorPlacement::Heading => match OPENING_TAG.captures(anchor).and_then(|found| found.get(1)) {
            Some(tag) => (tag.as_str().to_owned(), "</a>".to_owned()),
            None => (String::new(), String::new()),
        },
    }
}

/// The anchor link of one heading: the site's `anchor-link.html` with `id`,
/// `level` and `lang`, else Zola's built-in markup. A template that fails
/// to render gives no link.
fn anchor_html(db: &dyn Database, id: &str, level: u8, lang: &str) -> String {
    if has_template(db, ANCHOR_TEMPLATE) {
        return render_template(ANCHOR_TEMPLATE, context! { id, level, lang }).unwrap_or_default();
    }
    let mut escaped = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, id);
    format!("<a class=\"zola-anchor\" href=\"#{escaped}\" aria-label=\"Anchor link for: {escaped}\">🔗</a>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_placement_wraps_the_text_in_the_links_opening_tag() {
        let anchor = "<a class=\"x\" href=\"#a\">#</a>\n";
        assert_eq!(
            edges(AnchorPlacement::Heading, anchor),
            ("<a class=\"x\" href=\"#a\">".to_owned(), "</a>".to_owned())
        );
        assert_eq!(edges(AnchorPlacement::Right, anchor), (String::new(), anchor.to_owned()));
        assert_eq!(edges(AnchorPlacement::Heading, "no link"), (String::new(), String::new()));
    }
}
