//! A Zola theme under `themes/NAME/`: its templates, static files and
//! `[extra]` defaults stand below the site's own, and its files are inputs
//! like any other, so editing one re-renders what used it.

use crate::support::SiteTest;

/// A site using the theme `plain`, which has a base layout, a page
/// template, a stylesheet and an `[extra]` default in its `theme.toml`.
fn themed_site() -> SiteTest {
    SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\ntheme = \"plain\"\n[extra]\nowner = \"site\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        ("templates/index.html", "home"),
        ("themes/plain/theme.toml", "name = \"plain\"\n[extra]\nowner = \"theme\"\ncolor = \"blue\"\n"),
        // The theme's demo site configuration, which Zola never reads.
        ("themes/plain/config.toml", "[extra]\ncolor = \"demo red\"\n"),
        ("themes/plain/templates/base.html", "<main>{% block content %}{% endblock %}</main>"),
        (
            "themes/plain/templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.title }} {{ config.extra.owner }} \
             {{ config.extra.color }}{% endblock %}",
        ),
        ("themes/plain/static/theme.css", "main {}\n"),
        ("themes/plain/content/demo.md", "+++\ntitle = \"Demo\"\n+++\n"),
    ])
}

#[test]
fn a_themes_templates_static_files_and_extra_fill_in_for_the_sites() {
    let site = themed_site();
    site.build();
    assert_eq!(site.output("post/index.html"), "<main>Post site blue</main>");
    assert_eq!(site.output("theme.css"), "main {}\n");
    assert!(!site.has_output("demo/index.html"), "a theme's own demo content is not the site's");
}

#[test]
fn the_sites_own_template_overrides_the_themes_and_can_extend_it_by_its_full_name() {
    let site = themed_site();
    site.build();
    site.write(
        "templates/page.html",
        "{% extends \"plain/templates/page.html\" %}{% block content %}[{{ super() }}]{% endblock %}",
    );
    site.build();
    assert_eq!(site.output("post/index.html"), "<main>[Post site blue]</main>");
    site.assert_same_as_clean_build();
    site.write("static/theme.css", "main { color: red }\n");
    site.build();
    assert_eq!(site.output("theme.css"), "main { color: red }\n");
    site.assert_same_as_clean_build();
}

#[test]
fn editing_a_theme_template_re_renders_what_used_it() {
    let site = themed_site();
    site.build();
    site.write("themes/plain/templates/base.html", "<body>{% block content %}{% endblock %}</body>");
    site.build();
    assert_eq!(site.output("post/index.html"), "<body>Post site blue</body>");
    assert_eq!(site.output("index.html"), "home");
    site.assert_same_as_clean_build();
}

#[test]
fn a_missing_theme_is_an_error_at_the_theme_key() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\ntheme = \"nowhere\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
    ]);
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["theme `nowhere`", "[config.toml:2:1]"]);
}
