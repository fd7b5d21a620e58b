//! Names and arguments Zola themes use in their templates, which qsite
//! gives them so a theme renders unchanged.

use crate::support::SiteTest;

/// A site whose page template is `template`; returns the rendered page.
fn page_rendered_by(template: &str) -> String {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\ndefault_language = \"fr\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        ("templates/page.html", template),
    ]);
    site.build();
    site.output("post/index.html")
}

#[test]
fn every_template_knows_its_language() {
    assert_eq!(page_rendered_by("<html lang=\"{{ lang }}\">"), "<html lang=\"fr\">");
}

#[test]
fn get_url_adds_a_trailing_slash_when_asked() {
    assert_eq!(
        page_rendered_by(
            "{{ get_url(path=\"tags\", trailing_slash=true) }} {{ get_url(path=\"site.css\", trailing_slash=false) }}"
        ),
        "https://zola.test/tags/ https://zola.test/site.css"
    );
}

#[test]
fn the_feed_settings_answer_to_zolas_names() {
    assert_eq!(
        page_rendered_by(
            "{{ config.generate_feed }} {{ config.generate_feeds }} {{ config.feed_filename }} {{ config.feed_filenames | join(\",\") }}"
        ),
        "true true atom.xml atom.xml"
    );
}

#[test]
fn tera_macro_syntax_renders() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        (
            "templates/macros.html",
            "{% macro link(page) %}<a href=\"{{ page.permalink }}\">{{ page.title }}</a>{% endmacro link %}\n\
             {%- macro item(page) -%}<li>{{ self::link(page=page) }}</li>{%- endmacro item -%}\n",
        ),
        ("templates/page.html", "{% import \"macros.html\" as m %}<ul>{{ m::item(page=page) }}</ul>"),
    ]);
    site.build();
    assert_eq!(site.output("post/index.html"), "<ul><li><a href=\"https://zola.test/post/\">Post</a></li></ul>");
    site.assert_same_as_clean_build();
}

#[test]
fn an_if_on_a_missing_value_is_false_and_printing_one_fails_at_its_line() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        (
            "templates/base.html",
            "{% if config.extra.dev %}dev {% endif %}\
             {% if page %}{{ page.title }}{% else %}{{ section.title }}{% endif %}",
        ),
        ("templates/index.html", "{% extends \"base.html\" %}"),
        ("templates/page.html", "{% extends \"base.html\" %}"),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "Home");
    assert_eq!(site.output("post/index.html"), "Post");
    site.write("templates/page.html", "<h1>{{ page.title }}</h1>\n<p>{{ config.extra.dev }}</p>\n");
    site.qsite(&["build"])
        .assert_code(1)
        .assert_stderr_has(&["`config.extra.dev` is undefined", "[templates/page.html:2:7]"]);
}

#[test]
fn teras_text_filters_and_tests_render_as_in_tera() {
    assert_eq!(
        page_rendered_by(concat!(
            "{{ \"--a--\" | trim_start_matches(pat=\"-\") }}|{{ \"--a--\" | trim_end_matches(pat=\"-\") }}|",
            "{{ (page.title ~ \" and more words\") | wordcount }}|{{ \"a\nb\" | linebreaksbr | safe }}|",
            "{{ 7 | as_str ~ \"!\" }}|{{ page.title is starting_with(\"Po\") }} {{ page.title is ending_with(\"Po\") }} ",
            "{{ \"Post\" is containing(\"os\") }} {{ [1, 2] is containing(2) }} {{ page.extra is containing(\"x\") }}",
        )),
        "a--|--a|4|a<br>b|7!|true false true true false"
    );
}

#[test]
fn teras_named_arguments_reach_join_split_replace_and_default() {
    assert_eq!(
        page_rendered_by(concat!(
            "{{ [\"a\", \"b\"] | join(sep=\", \") }}|{{ \"x/y/z\" | split(pat=\"/\") | last }}|",
            "{{ page.title | replace(from=\"o\", to=\"0\") }}|{{ page.extra.missing | default(value=\"none\") }}|",
            "{{ [\"a\", \"b\"] | join(\"-\") }} {{ page.extra.missing | default(\"positional\") }}",
        )),
        "a, b|z|P0st|none|a-b positional"
    );
}

/// A site whose `templates/` holds `templates` (page.html among them);
/// returns the site, built, and the rendered page.
fn built_with_templates(templates: &[(&str, &str)]) -> (SiteTest, String) {
    let mut files = vec![
        (
            "config.toml",
            "title = \"Zola\"\nbase_url = \"https://zola.test\"\n\n[extra]\nsocial = { github = \"gh\", mastodon = \"md\" }\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
    ];
    files.extend(templates.iter().copied());
    let site = SiteTest::with_files(&files);
    site.build();
    let page = site.output("post/index.html");
    (site, page)
}

#[test]
fn a_key_value_loop_iterates_a_maps_pairs() {
    let (site, page) = built_with_templates(&[(
        "templates/page.html",
        "{%- for name, handle in config.extra.social -%} {{ name }}={{ handle }} {%- endfor %}|\
         {% for key, group in [[\"x\", 1]] %}{{ key }}{{ group }}{% endfor %}|\
         {% for k, v in config.extra.nothing_here | default(value={}) %}{% else %}empty{% endfor %}",
    )]);
    assert_eq!(page, "github=ghmastodon=md|x1|empty");
    site.assert_same_as_clean_build();
}

#[test]
fn set_global_in_a_loop_sets_the_templates_variable() {
    let (site, page) = built_with_templates(&[(
        "templates/page.html",
        "{% set found = false %}{% set_global count = 0 %}\
         {% for word in [\"a\", \"b\", \"c\"] %}{% if word == \"b\" %}{% set_global found = true %}{% endif %}\
         {% set_global count = count + 1 %}{% set local = word %}{% endfor %}\
         {% if found %}found{% endif %} {{ count }} {% if local is defined %}leaked{% endif %}",
    )]);
    assert_eq!(page, "found 3 ");
    site.assert_same_as_clean_build();
}

#[test]
fn set_global_reaches_a_parents_blocks_and_a_macro_keeps_its_own() {
    let (site, page) = built_with_templates(&[
        (
            "templates/base.html",
            "{% set_global seen = [] %}{% block first %}{% endblock %}\
             {% for n in [1, 2] %}{% set_global seen = seen + [n] %}{% endfor %}{% block last %}{% endblock %}",
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\
             {% macro sum(total) %}{% for n in [1, 2, 3] %}{% set_global total = total + n %}{% endfor %}{{ total }}{% endmacro sum %}\
             {% block first %}{% for n in [10, 20] %}{% set_global seen = seen + [n] %}{% endfor %}{% endblock %}\
             {% block last %}{{ seen | join(\",\") }} {{ self::sum(total=100) }}{% endblock %}",
        ),
    ]);
    assert_eq!(page, "10,20,1,2 106");
    site.assert_same_as_clean_build();
}

#[test]
fn an_error_after_set_global_points_at_the_users_line_and_column() {
    let (site, _) = built_with_templates(&[("templates/page.html", "ok")]);
    site.write(
        "templates/page.html",
        "{% for n in [1] %}{% set_global total = n %}{% endfor %}\n<p>{{ total.missing }}</p>\n",
    );
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["total.missing", "[templates/page.html:2:7]"]);
}

#[test]
fn break_continue_filter_sections_raw_and_whitespace_control_render_as_in_tera() {
    let (site, page) = built_with_templates(&[(
        "templates/page.html",
        "{% for n in [1, 2, 3, 4] %}{% if n == 2 %}{% continue %}{% endif %}{% if n == 4 %}{% break %}{% endif %}{{ n }}{% endfor %}|\
         {% filter replace(from=\"o\", to=\"0\") %}{{ page.title }} too{% endfilter %}|{% filter upper %}x{% endfilter %}|\
         {% raw %}{{ page.title }}{% endraw %}|\n  {%- if true -%}\n  tight  \n{%- endif -%}  |",
    )]);
    assert_eq!(page, "13|P0st t00|X|{{ page.title }}|tight|");
    site.assert_same_as_clean_build();
}

#[test]
fn macros_take_default_arguments_call_each_other_and_reach_a_childs_blocks() {
    let (site, page) = built_with_templates(&[
        (
            "templates/macros.html",
            "{% macro tag(name, size=2) %}<h{{ size }}>{{ name }}</h{{ size }}>{% endmacro tag %}\
             {% macro title(name) %}{{ self::tag(name=name | upper) }}{% endmacro title %}",
        ),
        (
            "templates/base.html",
            "{% import \"macros.html\" as m %}{% block outer %}[{% block inner %}base{% endblock inner %}]{% endblock outer %}",
        ),
        (
            "templates/middle.html",
            "{% extends \"base.html\" %}{% block inner %}middle+{{ super() }}{% endblock inner %}",
        ),
        (
            "templates/page.html",
            "{% extends \"middle.html\" %}\
             {% block inner %}{{ m::title(name=page.title) }}{{ m::tag(name=\"x\", size=3) }}/{{ super() }}{% endblock inner %}",
        ),
    ]);
    assert_eq!(page, "[<h2>POST</h2><h3>x</h3>/middle+base]");
    site.assert_same_as_clean_build();
}
