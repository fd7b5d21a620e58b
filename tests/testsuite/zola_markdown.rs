//! Zola's `[markdown]` settings and heading anchor links on the
//! `zola-markdown` fixture (whose output `zola_fixtures` compares with Zola's):
//! what re-renders when the anchor template, a section's
//! `insert_anchor_links`, a Markdown option or an unrelated setting changes,
//! in this process and in a new one, always ending equal to a clean build.

use qsite::workspace::Workspace;

use crate::support::{SiteTest, executed_after, rendered_after};

/// The bodies (`markdown(content/…)`) the workspace renders again after `edit`, sorted.
fn bodies_rendered_after(site: &SiteTest, workspace: &mut Workspace, edit: impl FnOnce(&SiteTest)) -> Vec<String> {
    executed_after(site, workspace, "markdown(content/", edit)
}

/// The outputs that show a body with headings whose section asks for anchor links.
const OUTPUTS_WITH_ANCHORS: [&str; 5] =
    ["index.html", "left/everything/index.html", "left/index.html", "left/second/index.html", "wrap/one/index.html"];

#[test]
fn an_anchor_template_rerenders_exactly_the_pages_with_anchors() {
    let site = SiteTest::copy("zola-markdown");
    site.build();
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("templates/anchor-link.html", "<a class=\"mine\" href=\"#{{ id }}\">h{{ level }} {{ lang }}</a>");
    });
    assert_eq!(outputs, OUTPUTS_WITH_ANCHORS);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("templates/anchor-link.html", "class=\"mine\"", "class=\"ours\"");
    });
    assert_eq!(outputs, OUTPUTS_WITH_ANCHORS);
    // In a new process, an edit of the template renders those five again.
    site.build();
    site.edit("templates/anchor-link.html", "class=\"ours\"", "class=\"theirs\"");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(run.stdout.contains("5 rendered, 6 unchanged"), "{}", run.stdout);
    assert!(
        site.output("left/second/index.html")
            .contains("<h3 id=\"deep-heading\"><a class=\"theirs\" href=\"#deep-heading\">h3 en</a>Deep heading</h3>")
    );
    // `heading` wraps the text in the template's opening tag.
    assert!(
        site.output("wrap/one/index.html")
            .contains("<h2 id=\"own-id\"><a class=\"theirs\" href=\"#own-id\">Wrapped</a></h2>")
    );
    assert!(site.output("plain/quiet/index.html").contains("<h2 id=\"no-anchor-here\">No anchor here</h2>"));
    site.assert_same_as_clean_build();
}

#[test]
fn a_sections_anchor_setting_rerenders_its_own_pages_and_no_body() {
    let site = SiteTest::copy("zola-markdown");
    site.build();
    let mut workspace = site.load();
    let bodies = bodies_rendered_after(&site, &mut workspace, |site| {
        site.edit("content/plain/_index.md", "insert_anchor_links = \"none\"", "insert_anchor_links = \"left\"");
    });
    // Only the section's own body, whose file changed.
    assert_eq!(bodies, ["plain/_index.md"]);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/plain/_index.md", "insert_anchor_links = \"left\"", "insert_anchor_links = \"right\"");
    });
    assert_eq!(outputs, ["plain/index.html", "plain/quiet/index.html"]);
    site.build();
    assert!(site.output("plain/quiet/index.html").contains(
        "No anchor here<a class=\"zola-anchor\" href=\"#no-anchor-here\" aria-label=\"Anchor link for: no-anchor-here\">🔗</a></h2>"
    ));
    site.assert_same_as_clean_build();
}

#[test]
fn a_markdown_option_rerenders_each_body_once_and_an_unrelated_setting_none() {
    let site = SiteTest::copy("zola-markdown");
    site.build();
    let mut workspace = site.load();
    let bodies = bodies_rendered_after(&site, &mut workspace, |site| {
        site.edit("config.toml", "title = \"Markdown as configured\"", "title = \"Markdown, configured\"");
    });
    assert_eq!(bodies, Vec::<String>::new());
    let bodies = bodies_rendered_after(&site, &mut workspace, |site| {
        site.edit("config.toml", "smart_punctuation = true", "smart_punctuation = false");
    });
    assert_eq!(
        bodies,
        [
            "_index.md",
            "left/_index.md",
            "left/everything.md",
            "left/second.md",
            "plain/_index.md",
            "plain/quiet.md",
            "wrap/_index.md",
            "wrap/one.md"
        ]
    );
    // A new process sees the new options too, and a later one reuses everything.
    site.build();
    assert!(site.output("left/everything/index.html").contains("<p>\"Smart\" quotes -- and dashes --- and dots..."));
    site.assert_same_as_clean_build();
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    // Back to the first options in a new process: every output that shows a
    // body again, each body rendered for them or taken from the store.
    site.edit("config.toml", "smart_punctuation = false", "smart_punctuation = true");
    site.build();
    assert!(site.output("left/everything/index.html").contains("<p>“Smart” quotes – and dashes — and dots…"));
    site.assert_same_as_clean_build();
}

#[test]
fn each_markdown_setting_changes_the_body_as_zola_does() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://example.com\"\n[markdown]\nexternal_links_external = false\n"),
        ("content/_index.md", "+++\n+++\n"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\nSee [x](https://x.org) :smile:\n\nTerm\n: Def\n\n> [!TIP]\n> Tip.\n",
        ),
        ("templates/page.html", "{{ page.content | safe }}"),
    ]);
    site.build();
    let plain = site.output("a/index.html");
    assert!(plain.contains("<a href=\"https://x.org\">x</a> :smile:"), "{plain}");
    assert!(!plain.contains("<dl>") && !plain.contains("markdown-alert"), "{plain}");
    site.write(
        "config.toml",
        "base_url = \"https://example.com\"\n[markdown]\nexternal_links_no_follow = true\nrender_emoji = true\n\
         definition_list = true\ngithub_alerts = true\n",
    );
    site.build();
    let configured = site.output("a/index.html");
    assert!(configured.contains("<a rel=\"nofollow external\" href=\"https://x.org\">x</a> 😄"), "{configured}");
    assert!(configured.contains("<dt>Term</dt>") && configured.contains("markdown-alert-tip"), "{configured}");
    site.assert_same_as_clean_build();
    // Nothing is left to warn about.
    let run = site.qsite(&["build"]);
    assert!(!run.stderr.contains("ignores"), "{}", run.stderr);
}
