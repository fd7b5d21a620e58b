//! Zola's configuration file as Zola's releases wrote it: every key reaches
//! templates as `config.*`, older names mean what they meant, and a setting
//! qsite does not act on is named in a warning.

use crate::support::SiteTest;

/// A Zola site with `config` as its configuration and `template` as its
/// home page template; returns the site, not yet built.
fn zola_site(config: &str, template: &str) -> SiteTest {
    SiteTest::with_files(&[
        ("config.toml", config),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("templates/index.html", template),
    ])
}

#[test]
fn every_zola_key_reaches_templates_with_zolas_defaults() {
    let site = zola_site(
        "base_url = \"https://zola.test\"\nauthor = \"Ann\"\ntaxonomies = [{ name = \"tags\", feed = true, paginate_by = 5 }]\n\
         [markdown]\nrender_emoji = false\n[extra]\nx = 1\nsince = 2024-01-02T03:04:05+01:00\n",
        "{{ config.author }}|{{ config.markdown.render_emoji }}|{{ config.markdown.smart_punctuation }}|\
         {{ config.build_search_index }}|{{ config.search.index_format }}|{{ config.languages | length }}|\
         {% for t in config.taxonomies %}{{ t.name }} {{ t.feed }} {{ t.paginate_by }}{% endfor %}|\
         {{ config.generate_feeds }}|{{ config.feed_filenames | join(sep=\",\") }}|{{ config.extra.x }}|\
         {{ config.extra.since }}",
    );
    site.build();
    assert_eq!(
        site.output("index.html"),
        "Ann|false|false|false|elasticlunr_javascript|0|tags true 5|false|atom.xml|1|2024-01-02T03:04:05+01:00"
    );
    assert!(!site.has_output("atom.xml"), "Zola writes a feed only when asked");
}

#[test]
fn the_older_feed_and_sitemap_keys_mean_what_they_meant() {
    let site = zola_site(
        "base_url = \"https://zola.test/\"\ngenerate_feed = true\nfeed_filename = \"atom.xml\"\n\
         generate_sitemap = false\ngenerate_robots_txt = false\n",
        "{{ config.generate_feed }} {{ config.feed_filename }} {{ config.base_url }}",
    );
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("index.html"), "true atom.xml https://zola.test/", "the base URL as written");
    assert!(site.has_output("atom.xml"));
    assert!(!site.has_output("sitemap.xml") && !site.has_output("robots.txt"));
}

#[test]
fn a_setting_qsite_does_not_act_on_is_named_and_a_default_one_is_not() {
    let site = zola_site(
        "base_url = \"https://zola.test\"\ntaxonomy_root = \"t\"\ncompile_sass = true\nminify_html = true\n\
         [markdown]\nhighlight_code = true\nsmart_punctuation = false\n",
        "home",
    );
    let run = site.qsite(&["build"]);
    assert!(!run.stderr.contains("ignores `compile_sass`"), "qsite compiles Sass: {}", run.stderr);
    assert!(!run.stderr.contains("ignores `markdown.highlight_code`"), "qsite highlights: {}", run.stderr);
    run.assert_code(0).assert_stderr_has(&[
        "qsite ignores `minify_html` for now",
        "qsite ignores `taxonomy_root` for now",
        "[config.toml:2:1]",
    ]);
    assert_eq!(run.stderr.matches("qsite::config::unsupported").count(), 2, "{}", run.stderr);
}

#[test]
fn a_zola_section_without_sort_by_lists_its_pages_in_file_order() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/a.md", "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\n"),
        ("content/b.md", "+++\ntitle = \"B\"\ndate = 2024-01-01\n+++\n"),
        ("templates/index.html", "{% for page in section.pages %}{{ page.title }}{% endfor %}"),
        ("templates/page.html", ""),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "AB", "Zola sorts only when a section asks");
}

#[test]
fn a_zola_site_reads_terms_only_under_taxonomies_and_writes_a_bare_404() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/a.md", "+++\ntitle = \"A\"\ntags = [\"loose\"]\n[taxonomies]\ntags = [\"filed\"]\n+++\n"),
        ("templates/index.html", "home"),
        ("templates/page.html", "{{ page.taxonomies.tags | join(sep=\",\") }}"),
        ("templates/taxonomy_list.html", "{% for term in terms %}{{ term.name }}{% endfor %}"),
        ("templates/taxonomy_single.html", "{{ term.name }}"),
    ]);
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&[
        "`tags` outside `[taxonomies]` files the page under no taxonomy in a Zola site",
        "[content/a.md:3:1]",
    ]);
    assert_eq!(site.output("a/index.html"), "filed");
    assert!(!site.has_output("tags/loose/index.html"));
    assert!(site.output("404.html").contains("<h1>404 Not Found</h1>"), "Zola's bare page, not qsite's theme");
    site.assert_same_as_clean_build();
}

#[test]
fn a_zola_site_fails_only_on_broken_at_links_unless_its_link_checker_says_warn() {
    let site = zola_site("base_url = \"https://zola.test\"\n", "home");
    site.write("templates/page.html", "{{ page.content | safe }}");
    site.write("content/a.md", "+++\ntitle = \"A\"\n+++\n[notes](/notes/) elsewhere on the domain\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["nothing in the site is at `/notes/`"]);
    site.write("content/b.md", "+++\ntitle = \"B\"\n+++\n[gone](@/gone.md)\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["nothing in the site is at `@/gone.md`"]);
    site.write("config.toml", "base_url = \"https://zola.test\"\n[link_checker]\ninternal_level = \"warn\"\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["nothing in the site is at `@/gone.md`"]);
    site.assert_same_as_clean_build();
}
