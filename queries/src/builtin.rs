//! The built-in theme, feed, sitemap and robots file, compiled into qsite with askama.
//!
//! A site that lacks a template of some name still gets a clean, readable page
//! for it, and every site gets a valid feed and sitemap without writing one.
//! The views here are plain strings and numbers, so this module knows nothing
//! of salsa or of how pages are read: callers fill the views from their
//! queries, and equal views always render to equal bytes.

use askama::Template;

use crate::words::{capitalized, counted};

/// Site-wide values every built-in page shows.
///
/// Kept apart from the page being shown so one value serves every render of
/// the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteView {
    /// The site's name, shown in the header and in every `<title>`.
    pub title: String,
    /// The default `<meta name="description">`, for pages without their own.
    pub description: String,
    /// The site's root URL without a trailing slash, so `{base_url}/` is home.
    pub base_url: String,
    /// The `lang` attribute of `<html>`, for screen readers and hyphenation.
    pub lang: String,
    /// The top-level sections, linked from the header of every page.
    pub nav: Vec<LinkView>,
    /// The absolute URL of the site's `atom.xml`, announced with `<link
    /// rel="alternate">` when the site writes one.
    pub feed_url: Option<String>,
    /// The site's own `static/style.css`, linked after the built-in styles
    /// so it can change them, when the site has one.
    pub stylesheet: Option<String>,
}

/// A link with its text, the one shape every navigation element needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    /// The link's visible text.
    pub title: String,
    /// Where the link goes.
    pub url: String,
}

/// One page as a listing shows it: enough to choose whether to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSummaryView {
    /// The page's title, the text of its link.
    pub title: String,
    /// The page's absolute URL.
    pub permalink: String,
    /// The page's date as `2024-01-31`, when it has one.
    pub date: Option<String>,
    /// The front matter description, preferred over the summary when both exist.
    pub description: Option<String>,
    /// The HTML before `<!-- more -->`, inserted unescaped and followed by a
    /// "Read more" link.
    pub summary_html: Option<String>,
}

/// A page in full, with everything its built-in layout shows around the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageView {
    /// The page's title, its `<h1>` and the start of its `<title>`.
    pub title: String,
    /// The page's date as `2024-01-31`, when it has one.
    pub date: Option<String>,
    /// When the page was last revised, as `2024-01-31`, when it says so.
    pub updated: Option<String>,
    /// Who wrote the page, in the order the front matter lists them.
    pub authors: Vec<String>,
    /// The rendered Markdown body, inserted unescaped.
    pub content_html: String,
    /// The page's own `<meta name="description">`, instead of the site's.
    pub description: Option<String>,
    /// Each taxonomy with the page's terms in it, e.g. `("tags", [rust])`,
    /// linked to the term pages.
    pub taxonomies: Vec<(String, Vec<LinkView>)>,
    /// The page's headings, each linking to `#id`; shown only when there are
    /// enough of them to help.
    pub toc: Vec<LinkView>,
    /// The estimated reading time in whole minutes.
    pub reading_minutes: u32,
    /// The previous page in its section's order, linked below the body.
    pub lower: Option<LinkView>,
    /// The next page in its section's order, linked below the body.
    pub higher: Option<LinkView>,
}

/// A listing: the home page, a section, or one term of a taxonomy, one
/// paginated page of it.
///
/// The three share one layout because a reader sees the same thing in each:
/// a heading and the pages under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView {
    /// The listing's `<h1>`: the section's title or the term's name.
    pub heading: String,
    /// The section's own Markdown body as HTML, inserted unescaped; empty
    /// when it has none.
    pub content_html: String,
    /// The pages on this paginated page of the listing, in display order.
    pub pages: Vec<PageSummaryView>,
    /// The heading over the pages, when they are not the section's own
    /// (the home of a site whose posts live in sections: `Recent posts`).
    pub pages_heading: Option<String>,
    /// The child sections, linked above the pages.
    pub subsections: Vec<LinkView>,
    /// The links to the neighboring pages, when the listing is paginated.
    pub pager: Option<PagerView>,
}

/// Pagination links of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerView {
    /// This page's number, counting from 1 as readers do.
    pub current: usize,
    /// How many pages the listing has.
    pub total: usize,
    /// The URL of the page with newer entries, absent on the first page.
    pub previous: Option<String>,
    /// The URL of the page with older entries, absent on the last page.
    pub next: Option<String>,
}

/// The list of all terms of one taxonomy, e.g. every tag of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyView {
    /// The heading: the taxonomy's name with a capital, e.g. `Tags`.
    pub name: String,
    /// The terms in display order.
    pub terms: Vec<TermLinkView>,
}

/// One term with how many pages carry it, so readers can see which are busy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLinkView {
    /// The term as written in front matter.
    pub name: String,
    /// The URL of the term's own listing.
    pub url: String,
    /// How many pages carry the term.
    pub count: usize,
}

/// A feed, so readers can follow the site (or one section or term of it)
/// without visiting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedView {
    /// The feed's title: the site's, then the section's or term's name; the
    /// site's title also stands in as the author of entries that name none,
    /// as Atom requires an author.
    pub title: String,
    /// The site's title, for that author.
    pub site_title: String,
    /// The site's description, RSS's required channel description.
    pub description: String,
    /// The language the entries are written in.
    pub lang: String,
    /// The page the feed follows: the home, the section or the term.
    pub alternate_url: String,
    /// The absolute URL of the feed itself, its `rel="self"` link and its id.
    pub feed_url: String,
    /// When the newest entry changed, in RFC 3339.
    pub updated: String,
    /// The same instant in RFC 2822, as RSS writes dates.
    pub updated_rfc2822: String,
    /// The entries, newest first.
    pub entries: Vec<FeedEntryView>,
}

/// One feed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntryView {
    /// The page's title.
    pub title: String,
    /// The page's absolute URL, also the entry's permanent id.
    pub permalink: String,
    /// When the page was first published, in RFC 3339.
    pub published: String,
    /// The same instant in RFC 2822, RSS's `pubDate`.
    pub published_rfc2822: String,
    /// When the page last changed, in RFC 3339; equal to `published` when it
    /// never did.
    pub updated: String,
    /// Who wrote the page; empty falls back to the site's title.
    pub authors: Vec<String>,
    /// The HTML before `<!-- more -->`, escaped into `<summary type="html">`.
    pub summary_html: Option<String>,
    /// The whole rendered body, escaped into `<content type="html">`.
    pub content_html: String,
}

/// The feed formats qsite writes without a site template, each for the file
/// name Zola gives it a built-in template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// Atom 1.0, for `atom.xml`.
    Atom,
    /// RSS 2.0, for `rss.xml`.
    Rss,
}

impl FeedFormat {
    /// The built-in format of a feed file name; `None` for a name only a
    /// site template can render.
    pub fn named(filename: &str) -> Option<FeedFormat> {
        match filename {
            "atom.xml" => Some(FeedFormat::Atom),
            "rss.xml" => Some(FeedFormat::Rss),
            _ => None,
        }
    }
}

/// One URL of the sitemap, so search engines find every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntryView {
    /// The page's absolute URL.
    pub permalink: String,
    /// When the page last changed, as its front matter writes it
    /// (`2024-01-31` or `2024-01-31T09:30:00Z`), when known.
    pub lastmod: Option<String>,
}

/// One problem as the development server's error overlay shows it: where it
/// is, what it says, and the line of the file it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayEntryView {
    /// `error` or `warning`, also the entry's CSS class.
    pub severity: &'static str,
    /// `content/blog/a.md:3:7`, as editors and terminals link it.
    pub location: String,
    /// The diagnostic's stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when qsite can tell.
    pub help: Option<String>,
    /// The text of the line the problem is on.
    pub source_line: String,
}

#[derive(Template)]
#[template(path = "builtin_overlay.html")]
struct OverlayTemplate<'a> {
    entries: &'a [OverlayEntryView],
    errors: usize,
    heading: String,
}

#[derive(Template)]
#[template(path = "builtin_page.html")]
struct PageTemplate<'a> {
    site: &'a SiteView,
    page: &'a PageView,
}

#[derive(Template)]
#[template(path = "builtin_list.html")]
struct ListTemplate<'a> {
    site: &'a SiteView,
    list: &'a ListView,
}

#[derive(Template)]
#[template(path = "builtin_taxonomy.html")]
struct TaxonomyTemplate<'a> {
    site: &'a SiteView,
    taxonomy: &'a TaxonomyView,
}

#[derive(Template)]
#[template(path = "builtin_404.html")]
struct NotFoundTemplate<'a> {
    site: &'a SiteView,
}

#[derive(Template)]
#[template(path = "builtin_alias.html")]
struct AliasTemplate<'a> {
    target_url: &'a str,
}

#[derive(Template)]
#[template(path = "atom.xml")]
struct AtomTemplate<'a> {
    feed: &'a FeedView,
}

#[derive(Template)]
#[template(path = "rss.xml")]
struct RssTemplate<'a> {
    feed: &'a FeedView,
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct SitemapTemplate<'a> {
    entries: &'a [SitemapEntryView],
}

#[derive(Template)]
#[template(path = "robots.txt")]
struct RobotsTemplate<'a> {
    sitemap_url: &'a str,
}

/// Renders one of the templates above.
///
/// They only print strings and numbers, whose `Display` cannot fail, and call
/// no fallible filter, so an error here is a bug in qsite, not in the site.
fn render(template: &impl Template) -> String {
    template.render().expect("built-in templates render plain strings")
}

/// The page layout used when the site has no `page.html`.
pub fn page_html(site: &SiteView, page: &PageView) -> String {
    render(&PageTemplate { site, page })
}

/// The listing layout used when the site has no `index.html`, `section.html`
/// or `taxonomy_single.html`.
pub fn list_html(site: &SiteView, list: &ListView) -> String {
    render(&ListTemplate { site, list })
}

/// The term index used when the site has no `taxonomy_list.html`.
pub fn taxonomy_html(site: &SiteView, taxonomy: &TaxonomyView) -> String {
    render(&TaxonomyTemplate { site, taxonomy })
}

/// The `404.html` used when the site has no template of that name, so a
/// mistyped URL still leads readers home.
pub fn not_found_html(site: &SiteView) -> String {
    render(&NotFoundTemplate { site })
}

/// The `404.html` of a Zola site without a template of that name: a bare
/// page, as Zola writes, since the site's own stylesheets and layout are in
/// its templates, not in qsite's theme.
pub const PLAIN_NOT_FOUND_HTML: &str = "<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n";

/// A redirect page for an alias: meta refresh + canonical link + a visible link.
///
/// A static host cannot send redirects, so the old URL serves this page; the
/// canonical link keeps search engines on the target, and the visible link
/// helps readers whose browser ignores the refresh.
pub fn alias_html(target_url: &str) -> String {
    render(&AliasTemplate { target_url })
}

/// A feed in `format`, for a feed name the site has no template of.
pub fn feed_xml(format: FeedFormat, feed: &FeedView) -> String {
    match format {
        FeedFormat::Atom => render(&AtomTemplate { feed }),
        FeedFormat::Rss => render(&RssTemplate { feed }),
    }
}

/// The site's `sitemap.xml` when the site has no template of that name.
pub fn sitemap_xml(entries: &[SitemapEntryView]) -> String {
    render(&SitemapTemplate { entries })
}

/// The site's `robots.txt` when the site has no template of that name: it
/// allows everything and points crawlers at the sitemap, in Zola's words.
pub fn robots_txt(sitemap_url: &str) -> String {
    render(&RobotsTemplate { sitemap_url })
}

/// The overlay `qsite serve` shows on every page while the site has errors
/// (over the whole page) or warnings (a panel in a corner): the content of
/// a shadow root, with its own styles, so no site stylesheet changes it.
pub fn overlay_html(entries: &[OverlayEntryView]) -> String {
    let errors = entries.iter().filter(|entry| entry.severity == "error").count();
    let warnings = entries.len() - errors;
    let heading = match (errors, warnings) {
        (0, _) => format!("The site builds, with {}.", counted(warnings, "warning")),
        (_, 0) => format!("The site has {}. Fix it and this page updates itself.", counted(errors, "error")),
        _ => format!(
            "The site has {} and {}. Fix them and this page updates itself.",
            counted(errors, "error"),
            counted(warnings, "warning")
        ),
    };
    render(&OverlayTemplate { entries, errors, heading })
}

/// The heading of a term's page: `Tagged “Rust”` for tags, else the
/// taxonomy with a capital and the term, `Categories: Rust`.
pub fn term_heading(taxonomy: &str, term: &str) -> String {
    match taxonomy {
        "tags" => format!("Tagged “{term}”"),
        other => format!("{}: {term}", capitalized(other)),
    }
}

/// `2024-01-31` as the built-in theme prints it, `31 January 2024`; any
/// other text as it is.
pub fn human_day(day: &str) -> String {
    match day.parse::<jiff::civil::Date>() {
        Ok(date) => date.strftime("%-d %B %Y").to_string(),
        Err(_) => day.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteView {
        SiteView {
            title: "Tom & <Jerry>".to_string(),
            description: "A site about cats".to_string(),
            base_url: "https://example.com".to_string(),
            lang: "en".to_string(),
            nav: vec![LinkView { title: "Blog".to_string(), url: "https://example.com/blog/".to_string() }],
            feed_url: Some("https://example.com/atom.xml".to_string()),
            stylesheet: None,
        }
    }

    fn link(title: &str, url: &str) -> LinkView {
        LinkView { title: title.to_string(), url: url.to_string() }
    }

    fn page() -> PageView {
        PageView {
            title: "Why a < b".to_string(),
            date: Some("2024-01-31".to_string()),
            updated: None,
            authors: vec!["Ann".to_string(), "Bob".to_string(), "Cy".to_string()],
            content_html: "<p>Hello <em>world</em></p>".to_string(),
            description: Some("About \"quotes\"".to_string()),
            taxonomies: vec![("tags".to_string(), vec![link("rust", "/tags/rust/")])],
            toc: vec![link("One", "#one"), link("Two", "#two")],
            reading_minutes: 3,
            lower: Some(link("Older post", "/blog/older/")),
            higher: None,
        }
    }

    #[test]
    fn page_escapes_titles_and_keeps_content_html() {
        let html = page_html(&site(), &page());
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.ends_with("</html>\n"));
        assert!(html.contains("<h1>Why a &#60; b</h1>"), "{html}");
        assert!(html.contains("<title>Why a &#60; b · Tom &#38; &#60;Jerry&#62;</title>"));
        assert!(html.contains("<p>Hello <em>world</em></p>"));
        assert!(html.contains(r#"content="About &#34;quotes&#34;""#));
        assert!(html.contains(r#"<time datetime="2024-01-31">31 January 2024</time>"#));
        assert!(html.contains("By Ann, Bob and Cy"));
        assert!(html.contains("3 min read"));
        assert!(html.contains(r#"<a href="/tags/rust/">rust</a>"#));
        assert!(html.contains(r#"href="/blog/older/">← Older post</a>"#));
        assert!(html.contains(r#"<a href="https://example.com/blog/">Blog</a>"#));
        assert!(html.contains(r#"type="application/atom+xml""#));
        assert!(html.contains("prefers-color-scheme: dark"));
        assert!(!html.contains("Contents"), "two headings need no table of contents");
    }

    #[test]
    fn page_shows_a_table_of_contents_from_three_headings() {
        let mut page = page();
        page.toc.push(link("Three", "#three"));
        let html = page_html(&site(), &page);
        assert!(html.contains("<h2>Contents</h2>"));
        assert!(html.contains(r##"<a href="#three">Three</a>"##));
    }

    #[test]
    fn list_shows_summaries_descriptions_and_pager() {
        let list = ListView {
            pages_heading: None,
            heading: "Blog".to_string(),
            content_html: "<p>All <b>posts</b></p>".to_string(),
            pages: vec![
                PageSummaryView {
                    title: "First".to_string(),
                    permalink: "https://example.com/blog/first/".to_string(),
                    date: Some("2024-01-02".to_string()),
                    description: None,
                    summary_html: Some("<p>The <i>start</i></p>".to_string()),
                },
                PageSummaryView {
                    title: "Second".to_string(),
                    permalink: "https://example.com/blog/second/".to_string(),
                    date: None,
                    description: Some("Plain & simple".to_string()),
                    summary_html: Some("<p>hidden</p>".to_string()),
                },
            ],
            subsections: vec![link("Notes", "https://example.com/blog/notes/")],
            pager: Some(PagerView {
                current: 2,
                total: 5,
                previous: Some("https://example.com/blog/".to_string()),
                next: Some("https://example.com/blog/page/3/".to_string()),
            }),
        };
        let html = list_html(&site(), &list);
        assert!(html.contains("<h1>Blog</h1>"));
        assert!(html.contains("<p>All <b>posts</b></p>"));
        assert!(html.contains(r#"<a href="https://example.com/blog/notes/">Notes</a>"#));
        assert!(html.contains("<p>The <i>start</i></p>"));
        assert!(html.contains(r#"<a href="https://example.com/blog/first/">Read more →</a>"#));
        assert!(html.contains("<p>Plain &#38; simple</p>"));
        assert!(!html.contains("hidden"), "a description replaces the summary");
        assert!(html.contains("Page 2 of 5"));
        assert!(html.contains(r#"<a href="https://example.com/blog/">← Newer</a>"#));
        assert!(html.contains(r#"<a href="https://example.com/blog/page/3/">Older →</a>"#));
    }

    #[test]
    fn list_without_pager_or_content_has_neither() {
        let list = ListView {
            pages_heading: None,
            heading: "Home".to_string(),
            content_html: String::new(),
            pages: Vec::new(),
            subsections: Vec::new(),
            pager: None,
        };
        let html = list_html(&site(), &list);
        assert!(!html.contains("class=\"pager\""));
        assert!(!html.contains("class=\"content\""));
    }

    #[test]
    fn taxonomy_lists_terms_with_counts() {
        let taxonomy = TaxonomyView {
            name: "tags".to_string(),
            terms: vec![TermLinkView { name: "c++".to_string(), url: "/tags/c/".to_string(), count: 4 }],
        };
        let html = taxonomy_html(&site(), &taxonomy);
        assert!(html.contains("<h1>tags</h1>"));
        assert!(html.contains(r#"<a href="/tags/c/">c++</a> <span class="count">(4)</span>"#));
    }

    #[test]
    fn not_found_links_home() {
        let html = not_found_html(&site());
        assert!(html.contains("Page not found"));
        assert!(html.contains(r#"<a href="https://example.com/">Go to the home page</a>"#));
    }

    #[test]
    fn alias_redirects_three_ways() {
        let html = alias_html("https://example.com/new/?a=1&b=2");
        let escaped = "https://example.com/new/?a=1&#38;b=2";
        assert!(html.contains(&format!(r#"<meta http-equiv="refresh" content="0; url={escaped}">"#)));
        assert!(html.contains(&format!(r#"<link rel="canonical" href="{escaped}">"#)));
        assert!(html.contains(&format!(r#"<a href="{escaped}">"#)));
    }

    /// A feed of two pages, one with an author and one without, whose
    /// titles and bodies need escaping.
    fn two_entry_feed() -> FeedView {
        let entry = |slug: &str, authors: Vec<String>| FeedEntryView {
            title: format!("Post <{slug}>"),
            permalink: format!("https://example.com/blog/{slug}/"),
            published: "2024-01-31T00:00:00Z".to_string(),
            published_rfc2822: "Wed, 31 Jan 2024 00:00:00 +0000".to_string(),
            updated: "2024-02-01T00:00:00Z".to_string(),
            authors,
            summary_html: None,
            content_html: "<p>Body & more</p>".to_string(),
        };
        FeedView {
            title: "Tom's site - Blog".to_string(),
            site_title: "Tom's site".to_string(),
            description: "Notes".to_string(),
            lang: "en".to_string(),
            alternate_url: "https://example.com/blog/".to_string(),
            feed_url: "https://example.com/blog/atom.xml".to_string(),
            updated: "2024-02-01T00:00:00Z".to_string(),
            updated_rfc2822: "Thu, 01 Feb 2024 00:00:00 +0000".to_string(),
            entries: vec![entry("a", vec!["Ann".to_string()]), entry("b", Vec::new())],
        }
    }

    #[test]
    fn atom_feed_has_one_escaped_entry_per_page() {
        let xml = feed_xml(FeedFormat::Atom, &two_entry_feed());
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
        assert!(xml.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">"#));
        assert!(xml.contains(r#"<link rel="alternate" type="text/html" href="https://example.com/blog/"/>"#));
        assert!(
            xml.contains(r#"<link rel="self" type="application/atom+xml" href="https://example.com/blog/atom.xml"/>"#)
        );
        assert!(xml.contains("<id>https://example.com/blog/atom.xml</id>"));
        assert!(xml.contains("<title>Tom&#39;s site - Blog</title>"));
        assert_eq!(xml.matches("<entry>").count(), 2);
        assert!(xml.contains("<id>https://example.com/blog/a/</id>"));
        assert!(xml.contains("<title>Post &#60;a&#62;</title>"));
        assert!(xml.contains("<published>2024-01-31T00:00:00Z</published>"));
        assert!(xml.contains("&#60;p&#62;Body &#38; more&#60;/p&#62;</content>"));
        assert!(xml.contains("<author><name>Ann</name></author>"));
        assert!(xml.contains("<author><name>Tom&#39;s site</name></author>"));
        assert!(!xml.contains("<summary"));
        assert!(xml.ends_with("</feed>\n"));
    }

    #[test]
    fn rss_feed_has_one_escaped_item_per_page_with_rfc_2822_dates() {
        let xml = feed_xml(FeedFormat::Rss, &two_entry_feed());
        assert!(xml.contains(r#"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">"#));
        assert!(xml.contains("<link>https://example.com/blog/</link>"));
        assert!(xml.contains("<description>Notes</description>"));
        assert!(xml.contains(r#"<atom:link href="https://example.com/blog/atom.xml" rel="self""#));
        assert!(xml.contains("<lastBuildDate>Thu, 01 Feb 2024 00:00:00 +0000</lastBuildDate>"));
        assert_eq!(xml.matches("<item>").count(), 2);
        assert_eq!(xml.matches("<pubDate>Wed, 31 Jan 2024 00:00:00 +0000</pubDate>").count(), 2);
        assert!(xml.contains("<guid>https://example.com/blog/b/</guid>"));
        assert_eq!(xml.matches("<author>Ann</author>").count(), 1);
        assert!(xml.contains("<description>&#60;p&#62;Body &#38; more&#60;/p&#62;</description>"));
        assert!(xml.ends_with("</rss>\n"));
    }

    #[test]
    fn sitemap_lists_every_loc() {
        let xml = sitemap_xml(&[
            SitemapEntryView { permalink: "https://example.com/".to_string(), lastmod: None },
            SitemapEntryView {
                permalink: "https://example.com/blog/a/".to_string(),
                lastmod: Some("2024-01-31".to_string()),
            },
        ]);
        assert!(xml.contains(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#));
        assert_eq!(xml.matches("<loc>").count(), 2);
        assert!(xml.contains("<loc>https://example.com/blog/a/</loc>\n        <lastmod>2024-01-31</lastmod>"));
        assert_eq!(xml.matches("<lastmod>").count(), 1);
    }

    #[test]
    fn robots_points_at_the_sitemap() {
        assert_eq!(
            robots_txt("https://example.com/sitemap.xml"),
            "User-agent: *\nDisallow:\nAllow: /\nSitemap: https://example.com/sitemap.xml\n"
        );
    }
}
