//! Internal links: resolving `@/blog/a.md` and `/blog/a/` to their targets,
//! and filling the markers [`crate::markdown`] left.

use std::collections::HashMap;
use std::sync::Arc;

use salsa::Database;

use crate::body::Markdown;
use crate::inputs::SourceFile;
use crate::lookup::file_at;
use crate::markdown::{link_marker, markdown};
use crate::page::{page_location, page_title};
use crate::sections::section_tree;
use crate::site_paths::content_path;

/// A page's body and summary with every internal link resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageContent {
    /// The body as HTML: the Markdown's own when it has no internal links.
    pub content: Arc<str>,
    /// The part before `<!-- more -->`, as HTML.
    pub summary: Option<Arc<str>>,
}

/// URL path → the page or section at that URL.
///
/// # Performance
/// O(content files); invalidated by metadata edits, changes only when a URL does.
#[salsa::tracked(returns(ref))]
pub fn url_index(db: &dyn Database) -> Arc<HashMap<String, SourceFile>> {
    let tree = section_tree(db);
    let files = tree.pages.iter().chain(tree.sections.values().map(|entry| &entry.file));
    Arc::new(files.map(|&file| (page_location(db, file).url_path.clone(), file)).collect())
}

/// A URL path as written in a link, as a key of [`page_at_url`].
#[salsa::interned(debug, revisions = usize::MAX)]
struct UrlPath<'db> {
    #[returns(ref)]
    path: String,
}

/// The page or section at a URL path (with or without its trailing slash).
///
/// Stands between renders and the whole [`url_index`]: it backdates, so a
/// render that resolved `/blog/a/` re-runs only when what that URL names
/// changes, not whenever any page is added.
#[salsa::tracked(returns(copy))]
fn page_at_url<'db>(db: &'db dyn Database, path: UrlPath<'db>) -> Option<SourceFile> {
    let index = url_index(db);
    let path = path.path(db);
    index.get(path).or_else(|| index.get(&format!("{path}/"))).copied()
}

/// What a link destination points at.
pub struct Resolved {
    /// The page or section, when the link names one.
    pub file: Option<SourceFile>,
    /// The `#anchor`, without `#`.
    pub anchor: Option<String>,
}

/// Resolves a destination as written: `@/blog/a.md#x` through the file set,
/// `/blog/a/#x` through the URL index.
pub fn resolve(db: &dyn Database, destination: &str) -> Resolved {
    let (target, anchor) = match destination.split_once('#') {
        Some((target, anchor)) => (target, Some(anchor.to_owned())),
        None => (destination, None),
    };
    let file = if let Some(content_path_under) = target.strip_prefix("@/") {
        file_at(db, &content_path(content_path_under))
    } else {
        let path = target.split('?').next().unwrap_or(target);
        page_at_url(db, UrlPath::new(db, path.to_owned()))
    };
    Resolved { file, anchor }
}

/// The body and summary of a content file, links filled in.
///
/// Not memoized: filling in links only replaces markers, and a memo would
/// hold a second copy of every body for the whole build. Its caller depends
/// on the file's body and on the URL (and, for empty-text links, the title)
/// of the pages it links to.
pub fn page_content(db: &dyn Database, file: SourceFile) -> Arc<PageContent> {
    filled_links(db, markdown(db, file))
}

/// The body and summary of a rendering, links filled in: [`page_content`]'s
/// work, for a body rendered again after its Markdown shortcodes printed.
pub fn filled_links(db: &dyn Database, markdown: &Markdown) -> Arc<PageContent> {
    let fill = |html: &str| {
        let mut html = html.to_owned();
        for (index, link) in markdown.links.iter().enumerate() {
            let resolved = resolve(db, &link.destination);
            let (href, title) = match resolved.file {
                Some(target) => {
                    let mut href = if link.destination.starts_with("@/") {
                        page_location(db, target).permalink.clone()
                    } else {
                        link.destination.split('#').next().unwrap_or("").to_owned()
                    };
                    if let Some(anchor) = &resolved.anchor {
                        href.push('#');
                        href.push_str(anchor);
                    }
                    (href, link.takes_title.then(|| page_title(db, target).clone()))
                }
                None => (link.destination.clone(), link.takes_title.then(|| link.destination.clone())),
            };
            let mut escaped = String::new();
            let _ = pulldown_cmark_escape::escape_href(&mut escaped, &href);
            html = html.replace(&link_marker(index, false), &escaped);
            if let Some(title) = title {
                let mut escaped = String::new();
                let _ = pulldown_cmark_escape::escape_html_body_text(&mut escaped, &title);
                html = html.replace(&link_marker(index, true), &escaped);
            }
        }
        html
    };
    if markdown.links.is_empty() {
        let summary = markdown.summary_len.map(|len| Arc::from(&markdown.html[..len]));
        return Arc::new(PageContent { content: markdown.html.clone(), summary });
    }
    let summary = markdown.summary_len.map(|len| fill(&markdown.html[..len]));
    let content = match (&summary, markdown.summary_len) {
        (Some(summary), Some(len)) => format!("{summary}{}", fill(&markdown.html[len..])),
        _ => fill(&markdown.html),
    };
    Arc::new(PageContent { content: content.into(), summary: summary.map(Arc::from) })
}
