//! Feeds as Zola 0.18 to 0.22 write them: each of `feed_filenames` for the
//! site, for a section with `generate_feeds` and for each term of a taxonomy
//! with `feed = true`, from the site's (or theme's) template of that name or
//! a built-in Atom or RSS feed; and a body edit re-renders only the feeds
//! that carry the page.

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Zola\"\nbase_url = \"https://zola.test\"\ngenerate_feeds = true\n\
                      feed_filenames = [\"atom.xml\", \"rss.xml\"]\nfeed_limit = 2\n\
                      taxonomies = [{ name = \"tags\", feed = true }]\n";

/// A Zola site with a `news` section that has feeds of its own and a
/// `notes` section that does not; listings print titles only, so only the
/// feeds show bodies.
fn feed_site(config: &str) -> SiteTest {
    SiteTest::with_files(&[
        ("config.toml", config),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\ngenerate_feeds = true\n+++\n"),
        (
            "content/news/one.md",
            "+++\ntitle = \"One\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"rust\"]\n+++\nOne body.\n",
        ),
        (
            "content/news/two.md",
            "+++\ntitle = \"Two\"\ndate = 2024-01-02\n[taxonomies]\ntags = [\"rust\"]\n+++\nTwo body.\n",
        ),
        ("content/news/undated.md", "+++\ntitle = \"Undated\"\n[taxonomies]\ntags = [\"rust\"]\n+++\nNo date.\n"),
        ("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n"),
        (
            "content/notes/three.md",
            "+++\ntitle = \"Three\"\ndate = 2024-01-03\n[taxonomies]\ntags = [\"go\"]\n+++\nThree body.\n",
        ),
        ("templates/index.html", "{{ section.title }}"),
        ("templates/section.html", "{% for p in section.pages %}{{ p.title }} {% endfor %}"),
        ("templates/page.html", "{{ page.content }}"),
        ("templates/taxonomy_list.html", "{% for t in terms %}{{ t.name }} {% endfor %}"),
        ("templates/taxonomy_single.html", "{% for p in term.pages %}{{ p.title }} {% endfor %}"),
    ])
}

/// The titles of a built-in feed's entries (Atom) or items (RSS), in order.
fn entry_titles(xml: &str) -> Vec<&str> {
    let entries = xml.split("<entry>").skip(1).chain(xml.split("<item>").skip(1));
    entries.filter_map(|entry| entry.split("<title>").nth(1)?.split("</title>").next()).collect()
}

#[test]
fn every_feed_name_is_written_for_the_site_its_feed_sections_and_its_terms() {
    let site = feed_site(CONFIG);
    site.qsite(&["build"]).assert_code(0);
    // The site's: dated pages only, newest first, `feed_limit` of them.
    assert_eq!(entry_titles(&site.output("atom.xml")), ["Three", "Two"]);
    assert_eq!(entry_titles(&site.output("rss.xml")), ["Three", "Two"]);
    // The section's and the term's: their own pages.
    for feed in ["news/atom.xml", "news/rss.xml", "tags/rust/atom.xml", "tags/rust/rss.xml"] {
        assert_eq!(entry_titles(&site.output(feed)), ["Two", "One"], "{feed}");
    }
    assert_eq!(entry_titles(&site.output("tags/go/rss.xml")), ["Three"]);
    assert!(!site.has_output("notes/atom.xml"), "a section has feeds only when it asks");
    let atom = site.output("news/atom.xml");
    assert!(atom.contains("<title>Zola - News</title>"), "{atom}");
    assert!(atom.contains(r#"href="https://zola.test/news/atom.xml""#), "{atom}");
    assert!(atom.contains("<updated>2024-01-02T00:00:00Z</updated>"), "{atom}");
    let rss = site.output("tags/rust/rss.xml");
    assert!(rss.contains("<title>Zola - rust</title>"), "{rss}");
    assert!(rss.contains("<pubDate>Tue, 02 Jan 2024 00:00:00 +0000</pubDate>"), "{rss}");
    assert!(rss.contains("<link>https://zola.test/tags/rust/</link>"), "{rss}");
}

#[test]
fn the_sites_own_feed_template_wins_and_gets_zolas_feed_context() {
    // Zola 0.18's names, and a theme that brings its own `rss.xml`.
    let site = feed_site(
        "title = \"Zola\"\nbase_url = \"https://zola.test\"\ngenerate_feed = true\ntheme = \"plain\"\n\
         taxonomies = [{ name = \"tags\", feed = true }]\n",
    );
    let context = "{{ feed_url }}|{{ last_updated }}|{{ lang }}|{{ config.title }}|\
                   {% for p in pages %}{{ p.title }},{% endfor %}|\
                   {% if section %}{{ section.title }}{% endif %}|{% if term %}{{ taxonomy.name }}/{{ term.name }}{% endif %}";
    site.write("templates/atom.xml", context);
    site.write("content/notes/_index.md", "+++\ntitle = \"Notes\"\ngenerate_feed = true\n+++\n");
    site.write("themes/plain/theme.toml", "name = \"plain\"\n");
    site.write("themes/plain/templates/rss.xml", "theme rss {{ pages | length }}");
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("atom.xml"), "https://zola.test/atom.xml|2024-01-03|en|Zola|Three,Two,One,||");
    assert_eq!(site.output("news/atom.xml"), "https://zola.test/news/atom.xml|2024-01-02|en|Zola|Two,One,|News|");
    assert_eq!(site.output("notes/atom.xml"), "https://zola.test/notes/atom.xml|2024-01-03|en|Zola|Three,|Notes|");
    assert_eq!(
        site.output("tags/rust/atom.xml"),
        "https://zola.test/tags/rust/atom.xml|2024-01-02|en|Zola|Two,One,||tags/rust"
    );
    assert!(!site.has_output("rss.xml"), "only the configured names are written");
    site.edit("config.toml", "generate_feed = true", "generate_feed = true\nfeed_filename = \"rss.xml\"");
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("rss.xml"), "theme rss 3");
    assert!(!site.has_output("atom.xml"));
    site.assert_same_as_clean_build();
}

#[test]
fn a_feed_name_with_no_template_is_an_error_at_the_configuration() {
    let site = feed_site("base_url = \"https://zola.test\"\ngenerate_feeds = true\nfeed_filenames = [\"feed.xml\"]\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "qsite::templates::missing",
        "the feed `feed.xml` has no template",
        "[config.toml:3:1]",
    ]);
    site.write("templates/feed.xml", "{{ pages | length }}");
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("feed.xml"), "3");
    site.assert_same_as_clean_build();
}

#[test]
fn a_body_edit_re_renders_its_page_and_only_the_feeds_that_carry_it() {
    let site = feed_site(CONFIG);
    site.build();
    site.edit("content/news/one.md", "One body.", "One new body.");
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    // `one` is past the site's `feed_limit`: its page, the news feeds and the
    // rust feeds, two names each.
    assert!(run.stdout.contains("rendered 5,"), "{}", run.stdout);
    site.edit("content/news/two.md", "Two body.", "Two new body.");
    let run = site.qsite(&["build", "-v"]);
    assert!(run.stdout.contains("rendered 7,"), "{}", run.stdout);
    site.assert_same_as_clean_build();
}

#[test]
fn feeds_follow_generate_feeds_terms_and_dates_across_builds() {
    let site = feed_site(CONFIG);
    site.build();
    site.edit("content/news/_index.md", "generate_feeds = true", "generate_feeds = false");
    site.edit("content/notes/three.md", "tags = [\"go\"]", "tags = [\"rust\"]");
    site.edit("content/news/undated.md", "title = \"Undated\"", "title = \"Undated\"\ndate = 2024-02-01");
    site.build();
    assert!(!site.has_output("news/atom.xml") && !site.has_output("tags/go/atom.xml"));
    // `feed_limit` holds for every feed, the term's too.
    assert_eq!(entry_titles(&site.output("tags/rust/atom.xml")), ["Undated", "Three"]);
    assert_eq!(entry_titles(&site.output("atom.xml")), ["Undated", "Three"]);
    site.assert_same_as_clean_build();
}
