//! Zola's shortcodes: `{{ name(…) }}` and `{% name(…) %}…{% end %}` in a
//! page call `templates/shortcodes/NAME.html` or `.md` (the site's, else its
//! theme's). A call's output depends on its template and on what the
//! template reads, so editing either re-renders exactly the outputs that
//! print a calling page's content, in the same process and in a new one.

use crate::support::{SiteTest, rendered_after};
use crate::zola_fixtures::assert_builds_as_zola_does;
use crate::zola_languages::workspace;

/// The outputs a new process rendered again, as `build -v` lists them.
fn rendered_by_a_new_process(site: &SiteTest) -> Vec<String> {
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    let mut outputs: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_once(": rendered").map(|(output, _)| output.to_owned()))
        .collect();
    outputs.sort();
    outputs
}

#[test]
fn inline_body_markdown_theme_and_literal_shortcodes_build_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-shortcodes");
    let demo = site.output("notes/demo/index.html");
    assert!(demo.contains("<p><strong>Hello, reader!</strong> You read <em>Demo</em> (en).</p>"), "{demo}");
    let code = site.output("notes/code/index.html");
    assert!(code.contains("<code>{{ video(id=\"inline-code\") }}</code>"), "{code}");
    assert!(code.contains("<pre><code>{{ video(id=\"in-code\") }}\n{{ video(id=\"escaped-in-code\") }}\n"), "{code}");
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn editing_a_shortcode_re_renders_exactly_its_callers_in_a_new_process() {
    let site = SiteTest::copy("zola-shortcodes");
    site.build();
    site.edit("templates/shortcodes/note.html", "class=\"note\"", "class=\"callout\"");
    // The section lists the callers' summaries, so it renders again too;
    // its bytes stay the same, as no summary calls `note`.
    assert_eq!(
        rendered_by_a_new_process(&site),
        ["notes/caller/index.html", "notes/demo/index.html", "notes/index.html"]
    );
    assert!(site.output("notes/caller/index.html").contains("<aside class=\"callout\" data-nth=\"1\">small</aside>"));
    site.edit("templates/shortcodes/greet.md", "You read", "You are reading");
    assert_eq!(rendered_by_a_new_process(&site), ["notes/demo/index.html", "notes/index.html"]);
    assert!(site.output("notes/demo/index.html").contains("You are reading <em>Demo</em>"));
    site.edit("themes/kit/templates/shortcodes/boxed.html", "theme-box", "kit-box");
    assert_eq!(rendered_by_a_new_process(&site), ["notes/demo/index.html", "notes/index.html"]);
    assert_eq!(rendered_by_a_new_process(&site), Vec::<String>::new());
    site.assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn editing_a_shortcode_re_renders_exactly_its_callers_in_the_same_process() {
    let site = SiteTest::copy("zola-shortcodes");
    site.build();
    let mut workspace = workspace(&site);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("templates/shortcodes/video.html", "data-nth", "data-call");
    });
    assert_eq!(outputs, ["index.html", "notes/demo/index.html", "notes/index.html"]);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/notes/plain.md", "No shortcodes here.", "Still none.");
    });
    assert_eq!(outputs, ["notes/index.html", "notes/plain/index.html"]);
    site.build().assert_same_as_clean_build();
}

/// A site whose shortcode prints another page's title, which qsite's
/// shortcodes may read as its templates do (Zola's cannot).
fn site_reading_another_page() -> SiteTest {
    SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://sc.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/target.md", "+++\ntitle = \"Target\"\n+++\nThe target.\n"),
        ("content/caller.md", "+++\ntitle = \"Caller\"\n+++\nSee {{ see(path=\"target.md\") }}.\n"),
        ("content/other.md", "+++\ntitle = \"Other\"\n+++\nNothing to see.\n"),
        ("templates/index.html", "home"),
        ("templates/page.html", "{{ page.content | safe }}"),
        ("templates/shortcodes/see.html", "{% set target = get_page(path=path) %}<a>{{ target.title }}</a>"),
    ])
}

#[test]
fn editing_the_page_a_shortcode_reads_re_renders_its_callers() {
    let site = site_reading_another_page();
    site.build();
    assert_eq!(site.output("caller/index.html"), "<p>See <a>Target</a>.</p>\n");
    site.edit("content/target.md", "title = \"Target\"", "title = \"Renamed\"");
    assert_eq!(rendered_by_a_new_process(&site), ["caller/index.html", "target/index.html"]);
    assert_eq!(site.output("caller/index.html"), "<p>See <a>Renamed</a>.</p>\n");
    let mut workspace = workspace(&site);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/target.md", "title = \"Renamed\"", "title = \"Again\"");
    });
    assert_eq!(outputs, ["caller/index.html", "target/index.html"]);
    site.build().assert_same_as_clean_build();
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_call() {
    let site = site_reading_another_page();
    site.write("content/other.md", "+++\ntitle = \"Other\"\n+++\nText.\n\n{{ nope(a=1) }}\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["no shortcode named `nope`", "[content/other.md:6:1]"]);
    site.write("content/other.md", "+++\ntitle = \"Other\"\n+++\nFixed.\n");
    site.build().assert_same_as_clean_build();
}

#[test]
fn an_unclosed_body_or_a_stray_end_is_an_error_at_its_tag() {
    let site = site_reading_another_page();
    site.write("content/other.md", "+++\ntitle = \"Other\"\n+++\n{% see(path=\"target.md\") %}\nno end\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["has no `{% end %}`", "[content/other.md:4:1]"]);
    site.write("content/other.md", "+++\ntitle = \"Other\"\n+++\nText {% end %}\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["closes no shortcode", "[content/other.md:4:6]"]);
}

#[test]
fn a_call_whose_arguments_are_not_literals_stays_text_as_in_zola() {
    let site = site_reading_another_page();
    site.write("content/other.md", "+++\ntitle = \"Other\"\n+++\n{{ see(path=target) }}\n");
    site.build();
    assert_eq!(site.output("other/index.html"), "<p>{{ see(path=target) }}</p>\n");
}

#[test]
fn a_failing_shortcode_template_is_an_error_at_its_line_naming_the_caller() {
    let site = site_reading_another_page();
    site.write("templates/shortcodes/see.html", "<a>\n{{ missing_variable }}</a>");
    site.qsite(&["build"])
        .assert_code(1)
        .assert_stderr_has(&["[templates/shortcodes/see.html:2:", "shortcode `see` that content/caller.md calls"]);
}

#[test]
fn the_built_in_theme_and_feed_show_what_shortcodes_print() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://sc.test\"\ngenerate_feeds = true\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\ndate = 2024-01-02\n+++\nHi {{ mark(text=\"there\") }}.\n"),
        ("templates/shortcodes/mark.html", "<mark>{{ text }}</mark>"),
    ]);
    site.build();
    for output in ["post/index.html", "atom.xml", "index.html"] {
        let text = site.output(output);
        assert!(!text.contains('\u{E000}'), "a placeholder is left in {output}: {text}");
    }
    assert!(site.output("post/index.html").contains("Hi <mark>there</mark>."));
    assert!(site.output("atom.xml").contains("Hi &#60;mark&#62;there&#60;/mark&#62;."));
    site.write("templates/shortcodes/mark.html", "<b>{{ text }}</b>");
    assert_eq!(rendered_by_a_new_process(&site), ["atom.xml", "index.html", "post/index.html"]);
    site.assert_same_as_clean_build();
}

#[test]
fn a_shortcode_that_prints_its_own_pages_content_is_an_error_not_a_crash() {
    let site = site_reading_another_page();
    site.write("templates/shortcodes/see.html", "{{ page.content | safe }}");
    site.qsite(&["build"])
        .assert_code(1)
        .assert_stderr_has(&["reads the content of content/caller.md", "[content/caller.md:4:5]"]);
}
