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
fn get_url_makes_language_and_cachebusted_urls() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\ndefault_language = \"en\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        ("static/site.css", "body {}\n"),
        (
            "templates/page.html",
            "{{ get_url(path=\"atom.xml\", lang=lang) }} {{ get_url(path=\"atom.xml\", lang=\"fr\") }} \
             {{ get_url(path=\"site.css\", cachebust=true) }}",
        ),
    ]);
    site.build();
    let page = site.output("post/index.html");
    let (urls, hash) = page.split_once("?h=").expect("a cachebusted URL");
    assert_eq!(urls, "https://zola.test/atom.xml https://zola.test/fr/atom.xml https://zola.test/site.css");
    assert!(hash.len() == 20 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()), "{hash}");
    site.write("static/site.css", "body { color: red }\n");
    site.build();
    assert!(!site.output("post/index.html").ends_with(hash), "a new stylesheet gets a new URL");
    site.assert_same_as_clean_build();
}

#[test]
fn the_feed_settings_answer_to_zolas_names() {
    assert_eq!(
        page_rendered_by(
            "{{ config.generate_feed }} {{ config.generate_feeds }} {{ config.feed_filename }} {{ config.feed_filenames | join(\",\") }}"
        ),
        "false false atom.xml atom.xml",
        "Zola writes no feed unless asked"
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
fn an_if_on_a_missing_value_or_its_field_is_false_and_printing_one_fails_at_its_line() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        (
            "templates/base.html",
            "{% if config.extra.dev %}dev {% endif %}{% if page.extra.draft_note %}draft {% endif %}\
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

#[test]
fn now_is_the_build_clock_and_a_page_depends_on_it_only_as_far_as_it_printed_it() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        ("content/stamp.md", "+++\ntitle = \"Stamp\"\ntemplate = \"stamp.html\"\n+++\n"),
        ("templates/index.html", "home"),
        ("templates/page.html", "(c) {{ now() | date(format=\"%Y\") }} {{ now(utc=true) | date(format=\"%Y\") }}"),
        ("templates/stamp.html", "{{ now(timestamp=true) }} {{ now() }}"),
    ]);
    site.build();
    let footer = site.output("post/index.html");
    let years: Vec<&str> = footer.trim_start_matches("(c) ").split(' ').collect();
    assert!(years.iter().all(|year| year.len() == 4 && year.as_bytes().iter().all(u8::is_ascii_digit)), "{footer}");
    let stamp = site.output("stamp/index.html");
    let (seconds, printed) = stamp.split_once(' ').expect("two values");
    assert!(seconds.parse::<i64>().is_ok_and(|seconds| seconds > 1_700_000_000), "{stamp}");
    assert!(printed.starts_with(years[0]) && printed.len() == "2026-12-08T00:00:00+00:00".len(), "{printed}");
    // A later build with no file changed renders again only what printed the
    // seconds: the footer's year has not moved.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("rendered 1,"), "{}", run.stdout);
    assert_ne!(site.output("stamp/index.html"), stamp);
    assert_eq!(site.output("post/index.html"), footer);
}

#[test]
fn teras_text_number_and_url_filters_render_as_in_tera() {
    assert_eq!(
        page_rendered_by(concat!(
            "{{ \"<p>Long <b>text</b> here</p>\" | striptags | truncate(length=9) }}|{{ \"it's a post\" | title }}|",
            "{{ 3 }} comment{{ 3 | pluralize }}, 1 repl{{ 1 | pluralize(singular=\"y\", plural=\"ies\") }}|",
            "{{ 2.5 | round }} {{ 3.14159 | round(precision=2) }}|{{ \"12\" | int + 1 }}|",
            "{{ 1234567 | num_format(locale=\"en\") }}|{{ 123456789 | filesizeformat }}|",
            "{{ \"/a b?c=d\" | urlencode }} {{ \"a/b\" | urlencode_strict }}|",
            "{{ \"*Hi*\" | markdown(inline=true) }}|{{ \"<a>\" | escape_xml }}|{{ page.title is matching(\"^P.s\") }}",
        )),
        "Long text…|It&#39;s A Post|3 comments, 1 reply|3 3.14|13|1,234,567|117.74 MB|\
         /a%20b%3Fc%3Dd a%2Fb|<em>Hi</em>|&lt;a&gt;|true"
    );
}

#[test]
fn num_format_groups_digits_by_the_sites_language() {
    let grouped = page_rendered_by("{{ 1234567 | num_format }}");
    assert_eq!(grouped, "1\u{202f}234\u{202f}567", "French groups with a narrow no-break space");
}

#[test]
fn teras_list_filters_group_and_pick_real_pages() {
    let post = |title: &str, series: &str| format!("+++\ntitle = \"{title}\"\n[extra]\nseries = \"{series}\"\n+++\n");
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\nsort_by = \"title\"\n+++\n"),
        ("content/a.md", &post("A", "rust")),
        ("content/b.md", &post("B", "zola")),
        ("content/c.md", &post("C", "rust")),
        ("content/d.md", "+++\ntitle = \"D\"\n+++\n"),
        (
            "templates/index.html",
            "{% set groups = section.pages | group_by(attribute=\"extra.series\") %}\
             {% for series in groups %}{{ series }}: {{ groups | get(key=series) | map(attribute=\"title\") | join(sep=\",\") }}; {% endfor %}\
             {{ section.pages | filter(attribute=\"extra.series\", value=\"zola\") | map(attribute=\"title\") | join }}|\
             {{ section.pages | slice(start=-2) | map(attribute=\"title\") | join }}|\
             {{ section.pages | nth(n=1) | get(key=\"title\") }}|\
             {{ [\"x\"] | concat(with=section.pages | map(attribute=\"title\")) | join }}|\
             {{ (section.pages | first).extra is object }} {{ section.pages is iterable }} {{ section.title is iterable }}",
        ),
        ("templates/page.html", "{{ page.title }}"),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "rust: A,C; zola: B; B|CD|B|xABCD|true true false");
    site.edit("content/b.md", "series = \"zola\"", "series = \"rust\"").build();
    assert_eq!(site.output("index.html"), "rust: A,B,C; |CD|B|xABCD|true true false");
    site.assert_same_as_clean_build();
}

#[test]
fn throw_stops_the_build_with_its_message_at_its_line() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "templates/index.html",
            "<h1>{{ section.title }}</h1>\n{% if not config.extra.author %}{{ throw(message=\"set extra.author\") }}{% endif %}\n",
        ),
    ]);
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["set extra.author", "[templates/index.html:2:"]);
    site.write("config.toml", "title = \"Zola\"\nbase_url = \"https://zola.test\"\n[extra]\nauthor = \"Ann\"\n")
        .build();
    assert_eq!(site.output("index.html"), "<h1>Home</h1>\n\n", "Tera keeps the template's last line break");
    site.assert_same_as_clean_build();
}

#[test]
fn get_hash_gives_a_subresource_integrity_digest() {
    assert_eq!(
        page_rendered_by(
            "{{ get_hash(literal=\"Hello World\", sha_type=256) }} {{ get_hash(literal=\"Hello World\", sha_type=256, base64=false) | truncate(length=8, end=\"\") }}"
        ),
        "pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4= a591a6d4"
    );
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
fn get_taxonomy_url_fails_on_a_missing_term_unless_it_is_not_required() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\n"),
        ("templates/index.html", "home"),
        (
            "templates/page.html",
            "{{ get_taxonomy_url(kind=\"tags\", name=\"Rust\") }}|\
             {{ get_taxonomy_url(kind=\"tags\", name=\"Go\", required=false) | default(value=\"none\") }}",
        ),
        ("templates/taxonomy_list.html", ""),
        ("templates/taxonomy_single.html", ""),
    ]);
    site.build();
    assert_eq!(site.output("post/index.html"), "https://zola.test/tags/rust/|none");
    site.write("templates/page.html", "{{ get_taxonomy_url(kind=\"tags\", name=\"Go\") }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["`tags` term `Go` does not exist"]);
}

#[test]
fn dates_default_and_language_arguments_read_as_in_tera_and_zola() {
    let site = SiteTest::with_files(&[
        (
            "config.toml",
            "base_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n\
             [languages.fr]\ntaxonomies = [{ name = \"tags\" }]\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/_index.fr.md", "+++\ntitle = \"Blogue\"\n+++\n"),
        ("content/blog/post.md", "+++\ntitle = \"Post\"\ndate = 2024-12-31T23:30:00-02:00\n+++\nText\n"),
        ("content/blog/post.fr.md", "+++\ntitle = \"Billet\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\nTexte\n"),
        (
            "templates/page.html",
            "{% if page.lang == \"en\" %}{{ page.date | date(format=\"%+\") }} {{ page.year }}-{{ page.month }}-{{ page.day }} \
             {{ page.summary | default(value=\"no summary\") }} \
             {% set french = get_section(path=\"blog/_index.md\", lang=\"fr\") %}{{ french.title }} \
             {{ get_taxonomy_url(kind=\"tags\", name=\"Rust\", lang=\"fr\") }}{% endif %}",
        ),
    ]);
    site.build();
    assert_eq!(
        site.output("blog/post/index.html"),
        "2024-12-31T23:30:00-02:00 2024-12-31 no summary Blogue https://zola.test/fr/tags/rust/",
        "a date shows in the offset it was written with, and a null value takes the default"
    );
}
