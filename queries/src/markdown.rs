//! A content file's Markdown body turned into HTML with pulldown-cmark.
//!
//! The HTML depends on the file's own text and the configured
//! [`MarkdownOptions`] only: internal links are left as numbered markers that
//! [`crate::links`] fills in with the targets' URLs and titles, each
//! heading's text stands between markers where a render puts its anchor
//! link, and shortcode calls are left as placeholders (see
//! [`crate::shortcodes`]), so this expensive step is never redone because
//! another page moved, a section changed its anchors or a template was edited.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use salsa::Database;
use unicode_segmentation::UnicodeSegmentation;

use crate::body::{Heading, InternalLink, Markdown};
use crate::config::config;
use crate::front_matter::front_matter;
use crate::highlight::{Absorbed, CodeBlocks};
use crate::inputs::{SourceFile, content_hash, text_of};
use crate::markdown_options::MarkdownOptions;
use crate::shortcodes::{is_placeholder, scan, standing_alone};
use crate::stable_hash::stable_hash;

mod external_links;
mod footnotes;
mod images;

/// Names the Markdown step and its version in the content-addressed store:
/// change it whenever [`render_markdown`] would render the same text with
/// the same options differently.
pub const MARKDOWN_STEP: &str = "markdown-5";

/// The marker standing for link `index`'s URL or, with `title`, its text.
/// NUL cannot come from Markdown (pulldown-cmark replaces it), so a marker
/// never collides with what a user wrote.
pub fn link_marker(index: usize, title: bool) -> String {
    format!("\0{}{index}\0", if title { 'T' } else { 'L' })
}

/// Which end of a heading's text a heading marker stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingEdge {
    /// Right after the heading's opening tag.
    Start,
    /// Right before its closing tag.
    End,
}

/// The marker standing at one edge of heading `index`'s text, where its
/// anchor link goes when the page's section asks for one (see
/// [`fill_heading_markers`]): which section a body is shown for, and the
/// anchor template, are not the Markdown step's to know.
pub fn heading_marker(index: usize, edge: HeadingEdge) -> String {
    format!("\0{}{index}\0", if edge == HeadingEdge::Start { 'S' } else { 'E' })
}

/// `html` with every heading marker replaced by what `fill` gives for its
/// heading and edge; other markers are left as they are. One pass.
pub fn fill_heading_markers(html: &str, mut fill: impl FnMut(usize, HeadingEdge) -> String) -> String {
    let mut filled = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('\0') {
        filled.push_str(&rest[..at]);
        let marker = &rest[at + 1..];
        let edge = match marker.as_bytes().first() {
            Some(b'S') => Some(HeadingEdge::Start),
            Some(b'E') => Some(HeadingEdge::End),
            _ => None,
        };
        let parsed = edge.and_then(|edge| {
            let end = marker.find('\0')?;
            Some((edge, marker.get(1..end)?.parse::<usize>().ok()?, end))
        });
        match parsed {
            Some((edge, index, end)) => {
                filled.push_str(&fill(index, edge));
                rest = &marker[end + 1..];
            }
            None => {
                filled.push('\0');
                rest = marker;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// What stands where the summary ends, as in Zola: an anchor a "read more"
/// link can point at (`{{ page.permalink }}#continue-reading`).
const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>";

/// The pulldown-cmark extensions for these options: what Zola and GitHub
/// users expect, and what `[markdown]` turns on.
fn parser_options(options: &MarkdownOptions) -> Options {
    let mut parser = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    parser.set(Options::ENABLE_SMART_PUNCTUATION, options.smart_punctuation);
    parser.set(Options::ENABLE_DEFINITION_LIST, options.definition_list);
    parser.set(Options::ENABLE_GFM, options.github_alerts);
    parser
}

/// The Markdown options the configuration sets.
///
/// Invalidated by an edit of the configuration; backdates when `[markdown]`
/// says the same, so an unrelated setting re-renders no body.
#[salsa::tracked(returns(ref))]
pub fn markdown_options(db: &dyn Database) -> MarkdownOptions {
    config(db).config.markdown.clone()
}

/// The stable hash of [`markdown_options`]: part of a rendering's store key,
/// and what tells a rendering from the store was made under these options.
pub fn options_key(db: &dyn Database) -> [u8; 32] {
    stable_hash(db, markdown_options(db))
}

/// The body of a content file, rendered with the configured options, or the
/// host's prepared rendering of this very text under these options.
///
/// Invalidated by an edit of the file or of the Markdown options. Expensive
/// (O(body)); read it only where the output shows the body.
#[salsa::tracked(returns(ref))]
pub fn markdown(db: &dyn Database, file: SourceFile) -> Arc<Markdown> {
    let options_key = options_key(db);
    if let Some(prepared) = file.prepared_markdown(db)
        && prepared.content_hash == content_hash(db, file)
        && prepared.value.options_key == options_key
    {
        return prepared.value.clone();
    }
    let text = text_of(db, file);
    let offset = front_matter(db, file).body_offset.min(text.len());
    let scanned = scan(&text[offset..], offset);
    let mut markdown = render_markdown(&scanned.text, 0, markdown_options(db));
    let in_file = |range: &std::ops::Range<usize>| {
        scanned.body_position(range.start) + offset..scanned.body_position(range.end) + offset
    };
    for link in &mut markdown.links {
        link.range = in_file(&link.range);
    }
    for missing in &mut markdown.missing_languages {
        missing.range = in_file(&missing.range);
    }
    // Zola counts the words of the body as written, shortcode calls included.
    markdown.word_count = word_count(&text[offset..]);
    markdown.shortcodes = scanned.shortcodes;
    markdown.options_key = options_key;
    Arc::new(markdown)
}

/// Turns `:shortcode:` emoji into the emoji themselves, as GitHub names them.
static EMOJI: LazyLock<gh_emoji::Replacer> = LazyLock::new(gh_emoji::Replacer::new);

/// Renders the body of `text`, a whole file whose body starts at `offset`,
/// with `options`. Heading markers stand around each heading's text.
pub fn render_markdown(text: &str, offset: usize, options: &MarkdownOptions) -> Markdown {
    let body = &text[offset..];
    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    let mut links = Vec::new();
    let mut used_ids = UsedIds::default();
    let mut heading_start: Option<usize> = None;
    let mut open_links: Vec<Option<usize>> = Vec::new();
    let mut summary_at: Option<usize> = None;
    let mut code_blocks = options.highlighting.as_ref().map(CodeBlocks::new);
    let mut unwrapped_paragraph = false;
    let mut in_code_block = false;
    let mut in_lazy_image = false;

    for (event, range) in Parser::new_ext(body, parser_options(options)).into_offset_iter() {
        if let Some(blocks) = &mut code_blocks {
            match blocks.absorb(&event, range.start + offset..range.end + offset, text) {
                Absorbed::No => {}
                Absorbed::Taken => continue,
                Absorbed::Block(html) => {
                    events.push(Event::Html(html.into()));
                    continue;
                }
            }
        }
        match event {
            // A shortcode alone in its paragraph stands on its own, as in Zola.
            Event::Start(Tag::Paragraph) if is_placeholder(body[range.clone()].trim_end()) => {
                unwrapped_paragraph = true;
            }
            Event::Text(placeholder) if unwrapped_paragraph => {
                events.push(Event::Html(standing_alone(&placeholder).into()))
            }
            Event::End(TagEnd::Paragraph) if unwrapped_paragraph => unwrapped_paragraph = false,
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(events.len());
                events.push(event);
                events.push(Event::InlineHtml(heading_marker(headings.len(), HeadingEdge::Start).into()));
            }
            Event::End(TagEnd::Heading(level)) => {
                let start = heading_start.take().unwrap_or(events.len());
                let title: String = events[start..]
                    .iter()
                    .filter_map(|event| match event {
                        Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                        _ => None,
                    })
                    .collect();
                if let Event::Start(Tag::Heading { id, classes, .. }) = &events[start] {
                    let wanted = id.as_ref().map_or_else(|| slug::slugify(&title), |id| id.to_string());
                    let unique = used_ids.claim(if wanted.is_empty() { "section".to_owned() } else { wanted });
                    events[start] = Event::Html(heading_tag(level, &unique, classes).into());
                    events.push(Event::InlineHtml(heading_marker(headings.len(), HeadingEdge::End).into()));
                    headings.push(Heading { level: heading_number(level), id: unique, title });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => {
                in_code_block = matches!(event, Event::Start(_));
                events.push(event);
            }
            Event::Text(text) if in_lazy_image => {
                let mut escaped = String::new();
                let _ = pulldown_cmark_escape::escape_html(&mut escaped, &text);
                events.push(Event::Html(escaped.into()));
            }
            Event::Text(text) if options.render_emoji && !in_code_block => {
                events.push(Event::Text(EMOJI.replace_all(&text).into_owned().into()));
            }
            Event::Start(Tag::Image { dest_url, title, .. }) if options.lazy_async_image => {
                in_lazy_image = true;
                events.push(Event::Html(images::opening(&dest_url, &title).into()));
            }
            Event::End(TagEnd::Image) if in_lazy_image => {
                in_lazy_image = false;
                events.push(Event::Html(images::CLOSING.into()));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                if is_internal(&dest_url) {
                    let index = links.len();
                    links.push(InternalLink {
                        destination: dest_url.to_string(),
                        range: range.start + offset..range.end + offset,
                        takes_title: false,
                    });
                    let mut tag = format!("<a href=\"{}\"", link_marker(index, false));
                    if !title.is_empty() {
                        tag.push_str(" title=\"");
                        let _ = pulldown_cmark_escape::escape_html(&mut tag, &title);
                        tag.push('"');
                    }
                    tag.push('>');
                    events.push(Event::InlineHtml(tag.into()));
                    open_links.push(Some(index));
                } else if let Some(tag) = external_links::is_external(&dest_url)
                    .then(|| external_links::opening_tag(&options.external_links, &dest_url, &title))
                    .flatten()
                {
                    events.push(Event::InlineHtml(tag.into()));
                    open_links.push(None);
                } else {
                    events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    open_links.push(None);
                }
            }
            Event::End(TagEnd::Link) => match open_links.pop().flatten() {
                Some(index) => {
                    if matches!(events.last(), Some(Event::InlineHtml(html)) if html.contains(&link_marker(index, false)))
                    {
                        links[index].takes_title = true;
                        events.push(Event::InlineHtml(link_marker(index, true).into()));
                    }
                    events.push(Event::InlineHtml("</a>".into()));
                }
                None => events.push(Event::End(TagEnd::Link)),
            },
            Event::Html(ref html) | Event::InlineHtml(ref html) if summary_at.is_none() && is_more_marker(html) => {
                summary_at = Some(events.len());
                events.push(Event::Html(CONTINUE_READING.into()));
            }
            other => events.push(other),
        }
    }
    if options.bottom_footnotes {
        (events, summary_at) = footnotes::gather_at_bottom(events, summary_at);
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    // The summary ends before the white space that ends its last block, as Zola cuts it.
    let summary_len = summary_at.map(|at| {
        pulldown_cmark::html::push_html(&mut html, events[..at].iter().cloned());
        html.trim_end().len()
    });
    let rest = summary_at.unwrap_or(0);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().skip(rest));
    let missing_languages = code_blocks.map(|blocks| blocks.missing).unwrap_or_default();
    Markdown {
        html: html.into(),
        summary_len,
        headings,
        links,
        word_count: word_count(body),
        missing_languages,
        shortcodes: Default::default(),
        options_key: [0; 32],
    }
}

/// A heading's opening tag as Zola writes it: its id and classes, no other
/// attribute, and no line break before it.
fn heading_tag(level: HeadingLevel, id: &str, classes: &[CowStr]) -> String {
    let mut tag = format!("<h{} id=\"", heading_number(level));
    let _ = pulldown_cmark_escape::escape_html(&mut tag, id);
    tag.push('"');
    if !classes.is_empty() {
        tag.push_str(" class=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut tag, &classes.join(" "));
        tag.push('"');
    }
    tag.push('>');
    tag
}

/// Whether an HTML comment is the summary marker, `<!-- more -->` in any
/// case and spacing, as Zola reads it.
fn is_more_marker(html: &str) -> bool {
    let inner = html.trim().strip_prefix("<!--").and_then(|rest| rest.strip_suffix("-->"));
    inner.is_some_and(|inner| inner.trim().eq_ignore_ascii_case("more"))
}

/// The words of the Markdown as written (link targets and the summary
/// marker included, code between ``` fences left out), counted as Unicode
/// words: the count Zola gives `word_count` and `reading_time`.
fn word_count(body: &str) -> usize {
    body.split("```").step_by(2).map(|outside_code| outside_code.unicode_words().count()).sum()
}

/// `@/…` links to content files, and root-relative `/…` links (not `//host`).
fn is_internal(destination: &str) -> bool {
    destination.starts_with("@/") || (destination.starts_with('/') && !destination.starts_with("//"))
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The heading ids a page has given out, so each new one is unique.
#[derive(Default)]
struct UsedIds {
    used: HashSet<String>,
    /// Per wanted id, the first suffix not yet known to be taken: every
    /// `{id}-{n}` below it is in `used`, which only grows, so a search never
    /// looks at a suffix twice and a page of n equal headings stays O(n).
    next_suffix: HashMap<String, usize>,
}

impl UsedIds {
    /// Makes `id` unique in the page by adding `-1`, `-2`, … as Zola and
    /// GitHub do: the first free one, so ids do not depend on how they were found.
    fn claim(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        let next = self.next_suffix.entry(id.clone()).or_insert(1);
        let unique = loop {
            let candidate = format!("{id}-{next}");
            *next += 1;
            if !self.used.contains(&candidate) {
                break candidate;
            }
        };
        self.used.insert(unique.clone());
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(body: &str) -> Markdown {
        render_markdown(body, 0, &MarkdownOptions::default())
    }

    #[test]
    fn headings_get_unique_ids() {
        let markdown = render_plain("# Intro\n\n## Intro\n\n## Custom {#mine}\n");
        let ids: Vec<_> = markdown.headings.iter().map(|heading| heading.id.as_str()).collect();
        assert_eq!(ids, ["intro", "intro-1", "mine"]);
        let html = fill_heading_markers(&markdown.html, |_, _| String::new());
        assert!(html.contains("<h2 id=\"intro-1\">Intro</h2>"));
    }

    // Found by the page fuzzer: a NUL the body kept, next to a marker.
    #[test]
    fn stray_nuls_are_left_as_they_are() {
        let html = format!("a\0\0E\0{}b\0S", heading_marker(0, HeadingEdge::Start));
        assert_eq!(fill_heading_markers(&html, |_, _| "<x>".to_owned()), "a\0\0E\0<x>b\0S");
    }

    #[test]
    fn taken_suffixes_are_skipped_as_zola_does() {
        let markdown = render_plain("# A\n\n# A-1\n\n# A\n\n# A\n\n# A-2 {#a-3}\n\n# A\n");
        let ids: Vec<_> = markdown.headings.iter().map(|heading| heading.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "a-3", "a-3-1", "a-4"]);
    }

    // See issue "nothing hangs or blows up": each duplicate used to rescan every suffix before it.
    #[test]
    fn many_equal_headings_get_ids_in_linear_time() {
        let body = "# Same\n\n".repeat(100_000);
        let markdown = render_plain(&body);
        assert_eq!(markdown.headings.len(), 100_000);
        assert_eq!(markdown.headings[99_999].id, "same-99999");
        let ids: HashSet<_> = markdown.headings.iter().map(|heading| heading.id.as_str()).collect();
        assert_eq!(ids.len(), 100_000);
    }

    #[test]
    fn summary_ends_at_more_marker() {
        let markdown = render_plain("First.\n\n<!-- more -->\n\nSecond.\n");
        let summary = &markdown.html[..markdown.summary_len.unwrap()];
        assert_eq!(summary, "<p>First.</p>");
        assert!(markdown.html.ends_with("<p>Second.</p>\n"));
        assert!(!markdown.html.contains("more"));
    }

    #[test]
    fn internal_links_become_markers_with_file_ranges() {
        let body = "See [a](@/blog/a.md#x) and [](/blog/b/) and [out](https://x.org).";
        let markdown = render_markdown(&format!("{}{body}", " ".repeat(10)), 10, &MarkdownOptions::default());
        assert_eq!(markdown.links.len(), 2);
        assert_eq!(markdown.links[0].destination, "@/blog/a.md#x");
        assert_eq!(&body[markdown.links[0].range.start - 10..markdown.links[0].range.end - 10], "[a](@/blog/a.md#x)");
        assert!(!markdown.links[0].takes_title);
        assert!(markdown.links[1].takes_title);
        assert!(markdown.html.contains(&format!("<a href=\"{}\">{}</a>", link_marker(1, false), link_marker(1, true))));
        assert!(markdown.html.contains("href=\"https://x.org\""));
    }

    #[test]
    fn tables_footnotes_tasks_and_strikethrough() {
        let markdown = render_plain("|a|b|\n|-|-|\n|1|2|\n\n- [x] done\n\n~~old~~ note[^1]\n\n[^1]: foot\n");
        for needle in ["<table>", "type=\"checkbox\"", "<del>old</del>", "footnote-definition"] {
            assert!(markdown.html.contains(needle), "{needle} missing from {}", markdown.html);
        }
    }
}
