//! Internal links: resolving `@/blog/a.md` and `/blog/a/` to their targets,
//! filling the markers [`crate::markdown`] left, and checking every link.

use std::collections::HashMap;
use std::sync::Arc;

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;
use crate::lookup::file_at;
use crate::markdown::{link_marker, markdown};
use crate::page::{is_hidden, page_location, page_title};
use crate::render::reads;
use crate::sections::section_tree;
use crate::suggest::nearest;
use crate::trace::{TraceEntry, recording};

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
    let file = if let Some(content_path) = target.strip_prefix("@/") {
        file_at(db, &format!("content/{content_path}"))
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
    let markdown = markdown(db, file);
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

/// The link check of one content file: its broken links and anchors, and
/// the trace of what the check read, so a later process can reuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// Broken links and anchors (errors, or warnings with `broken = "warn"`).
    pub diagnostics: Vec<Diagnostic>,
    /// What the check read.
    pub trace: Vec<TraceEntry>,
}

/// Broken internal links and anchors of a content file.
///
/// Invalidated by the file's body and by its targets' URLs, titles and draft
/// flags; reads a target's body only for links with an anchor.
#[salsa::tracked(returns(ref))]
pub fn link_check(db: &dyn Database, file: SourceFile) -> LinkCheck {
    check_links(db, file)
}

/// [`link_check`], not memoized: a build checks each file once.
pub fn check_links(db: &dyn Database, file: SourceFile) -> LinkCheck {
    let (diagnostics, trace) = recording(|| broken_links(db, file));
    LinkCheck { diagnostics, trace }
}

fn broken_links(db: &dyn Database, file: SourceFile) -> Vec<Diagnostic> {
    let markdown = reads::markdown(db, file);
    let path = file.path(db);
    let as_error = reads::config(db).config.broken_links_are_errors;
    let mut diagnostics = Vec::new();
    for link in &markdown.links {
        let resolved = reads::link_target(db, &link.destination);
        let problem = match resolved.file {
            Some(target) if is_hidden(db, target) => {
                Some(format!("`{}` is a draft, which this build leaves out", target.path(db)))
            }
            Some(target) => match &resolved.anchor {
                Some(anchor) if !anchor.is_empty() && !markdown_has_anchor(db, target, anchor) => Some(format!(
                    "`{}` has no heading with the anchor `#{anchor}`",
                    target.path(db).strip_prefix("content").unwrap_or(target.path(db))
                )),
                _ => None,
            },
            None if !link.destination.starts_with("@/") && is_other_output(db, &link.destination) => None,
            None => Some(format!("broken internal link: nothing in the site is at `{}`", link.destination)),
        };
        if let Some(message) = problem {
            let code = "qsite::links::broken";
            let fix = "fix the link, or set `[links] broken = \"warn\"` in qsite.toml to only warn";
            let help = match nearest_content_file(db, &link.destination) {
                Some(near) if resolved.file.is_none() => format!("did you mean `@/{near}`? Or {fix}"),
                _ => fix.to_owned(),
            };
            let diagnostic = if as_error {
                Diagnostic::error(path.clone(), link.range.clone(), code, message)
            } else {
                Diagnostic::warning(path.clone(), link.range.clone(), code, message)
            };
            diagnostics.push(diagnostic.with_help(help));
        }
    }
    diagnostics
}

/// For a broken `@/` link, the content file whose path is nearest to it.
/// Only a broken link reads the site's whole file list (recorded, so a
/// persisted check is redone when a page is added or removed).
fn nearest_content_file(db: &dyn Database, destination: &str) -> Option<String> {
    let wanted = destination.strip_prefix("@/")?.split('#').next()?;
    let tree = reads::section_tree(db);
    let paths: Vec<String> = tree
        .pages
        .iter()
        .chain(tree.sections.values().map(|entry| &entry.file))
        .map(|file| file.path(db).strip_prefix("content/").unwrap_or(file.path(db)).to_string())
        .collect();
    nearest(wanted, paths.iter().map(String::as_str)).map(str::to_owned)
}

fn markdown_has_anchor(db: &dyn Database, target: SourceFile, anchor: &str) -> bool {
    reads::markdown(db, target).headings.iter().any(|heading| heading.id == anchor)
}

/// Whether a root-relative link names an output that is not a page: a static
/// file, a feed, a term page.
fn is_other_output(db: &dyn Database, destination: &str) -> bool {
    let path = destination.split(['#', '?']).next().unwrap_or(destination);
    let table = reads::route_table(db);
    let wanted = path.trim_start_matches('/');
    table.routes.contains_key(wanted)
        || table.routes.contains_key(&format!("{}/index.html", wanted.trim_end_matches('/')))
}
