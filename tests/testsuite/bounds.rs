//! Inputs built to make a build hang or blow up (endless template loops,
//! recursion, huge ranges, objects that point at each other, enormous or
//! deeply nested files): each ends, in bounded time and memory, with a result
//! or a diagnostic naming the file and line, never a hang, a stack overflow
//! or an abort.

use crate::support::{Run, SiteTest};

const CONFIG: &str = "title = \"Bounds\"\nbase_url = \"https://bounds.test\"\n";

/// A site whose pages render with `page_template` and sections with
/// `section_template`; the blog has three pages so neighbors exist.
fn site(page_template: &str, section_template: &str) -> SiteTest {
    SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nAlpha\n"),
        ("content/blog/b.md", "+++\ntitle = \"B\"\ndate = 2024-01-02\n+++\nBeta\n"),
        ("content/blog/c.md", "+++\ntitle = \"C\"\ndate = 2024-01-03\n+++\nGamma\n"),
        ("templates/page.html", page_template),
        ("templates/section.html", section_template),
    ])
}

/// Builds a site whose page template is `template` and expects a failure.
fn page_template_fails(template: &str) -> Run {
    let run = site(template, "{{ section.title }}").qsite(&["build"]);
    run.assert_code(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

#[test]
fn a_hundred_thousand_identical_headings_build() {
    let body = "# Same\n\n".repeat(100_000);
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/many.md", &format!("+++\ntitle = \"Many\"\n+++\n{body}")),
    ]);
    site.build();
    let page = site.output("many/index.html");
    assert!(page.contains("id=\"same\""), "the first heading keeps its id");
    assert!(page.contains("id=\"same-99999\""), "the last heading gets the last number");
    site.assert_same_as_clean_build();
}

#[test]
fn a_template_loop_that_never_ends_is_stopped_at_its_line() {
    let run = page_template_fails(
        "<p>{{ page.title }}</p>\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}\
         {{ i }}{% endfor %}{% endfor %}\n",
    );
    run.assert_stderr_has(&["templates/page.html:2:", "stopped after", "steps"]);
}

#[test]
fn a_huge_range_is_an_error_at_its_line() {
    let run = page_template_fails("{{ page.title }}\n\n{% for i in range(end=10000000000) %}{{ i }}{% endfor %}\n");
    run.assert_stderr_has(&["templates/page.html:3:", "range"]);
}

#[test]
fn zola_style_ranges_count_as_zola_counts() {
    let site = site(
        "{% for i in range(end=3) %}[{{ i }}]{% endfor %}|{% for i in range(start=2, end=9, step_by=3) %}\
         [{{ i }}]{% endfor %}|{% for i in range(4) %}[{{ i }}]{% endfor %}",
        "{{ section.title }}",
    );
    site.build();
    assert_eq!(site.output("blog/a/index.html"), "[0][1][2]|[2][5][8]|[0][1][2][3]");
}

#[test]
fn a_recursive_macro_is_reported_as_a_recursive_macro() {
    let run = page_template_fails("{% macro down(n) %}{{ down(n=n + 1) }}{% endmacro %}\n{{ down(n=0) }}\n");
    run.assert_stderr_has(&["macro `down` calls itself", "templates/page.html:1:"]);
    assert!(!run.stderr.contains("include"), "{}", run.stderr);
}

#[test]
fn printing_objects_that_point_at_each_other_is_bounded() {
    let site = site(
        "<pre>{{ page }}</pre><pre>{{ page | json_encode }}</pre><pre>{{ page.lower }}</pre>\
         <pre>{{ __tera_context }}</pre>",
        "<pre>{{ section }}</pre><pre>{{ section | json_encode(pretty=true) }}</pre>\
         <pre>{{ section.pages | tojson }}</pre>",
    );
    site.build();
    let page = site.output("blog/b/index.html");
    assert!(page.starts_with("<pre>[object]</pre>"), "{page}");
    // The JSON of a page holds its neighbors, and theirs are cut off.
    assert!(page.contains("&#34;title&#34;:&#34;B&#34;"), "{page}");
    assert!(page.contains("&#34;title&#34;:&#34;A&#34;"), "{page}");
    assert!(page.contains("&#34;page&#34;"), "the context dump holds the page: {page}");
    let section = site.output("blog/index.html");
    assert!(section.contains("\n  &#34;title&#34;: &#34;Blog&#34;"), "pretty JSON is indented: {section}");
    assert!(section.contains(r#""title":"C""#), "tojson is not escaped again: {section}");
    assert!(section.contains(r#""content":"\u003cp\u003eGamma"#), "tojson is safe in a script: {section}");
    site.assert_same_as_clean_build();
}

#[test]
fn an_object_where_a_path_is_expected_is_an_error_at_its_line() {
    let run = site("{{ page.title }}", "{{ section.title }}\n{% set s = get_section(path=section) %}{{ s.title }}\n")
        .qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["templates/section.html:2:", "`path` must be a string"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_million_lines_of_markdown_build() {
    let body = "word and *emphasis* and `code`\n".repeat(1_000_000);
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/long.md", &format!("+++\ntitle = \"Long\"\n+++\n{body}")),
    ]);
    site.build();
    assert!(site.output("long/index.html").matches("<em>emphasis</em>").count() == 1_000_000);
}

#[test]
fn markdown_nested_ten_thousand_levels_deep_builds() {
    let quotes = format!("{} deep\n\n", ">".repeat(10_000));
    let lists: String = (0..10_000).map(|level| format!("{}- item\n", "  ".repeat(level))).collect();
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/deep.md", &format!("+++\ntitle = \"Deep\"\n+++\n{quotes}{lists}")),
    ]);
    let run = site.qsite(&["build"]);
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("overflow"), "{}", run.stderr);
    run.assert_code(0);
    assert!(site.output("deep/index.html").contains("deep"));
}

#[test]
fn front_matter_nested_ten_thousand_levels_deep_is_an_error() {
    let toml = format!("+++\ntitle = \"T\"\n[extra]\ndeep = {}1{}\n+++\n", "[".repeat(10_000), "]".repeat(10_000));
    let yaml = format!("---\ntitle: Y\nextra:\n  deep: {}1{}\n---\n", "[".repeat(10_000), "]".repeat(10_000));
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/toml.md", &toml),
        ("content/yaml.md", &yaml),
    ]);
    let run = site.qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["content/toml.md:4:", "content/yaml.md:4:"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_template_nested_ten_thousand_levels_deep_is_an_error() {
    let template = format!("{}x{}", "{% if true %}".repeat(10_000), "{% endif %}".repeat(10_000));
    let run = page_template_fails(&template);
    run.assert_stderr_has(&["templates/page.html:1:", "nested"]);
}

#[test]
fn data_nested_ten_thousand_levels_deep_is_an_error_naming_the_data_file() {
    let site = site("{{ load_data(path=\"deep.json\") }}", "{{ section.title }}");
    site.write("data/deep.json", &format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)));
    let run = site.qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["data/deep.json"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn an_expression_a_hundred_thousand_operators_long_is_an_error_at_its_line() {
    for chain in [" + 1".repeat(100_000), " | upper".repeat(100_000), " and true".repeat(100_000)] {
        let run = page_template_fails(&format!("{{{{ page.title }}}}\n{{{{ 1{chain} }}}}\n"));
        run.assert_stderr_has(&["templates/page.html:2:", "more than 300 operators"]);
    }
}

/// Builds a site whose page template is `template` and expects a failure
/// that writes nothing.
fn page_template_fails_writing_nothing(template: &str) -> Run {
    let site = site(template, "{{ section.title }}");
    let run = site.qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["nothing was written"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(site.public().is_empty(), "a failed build wrote output");
    run
}

#[test]
fn a_filter_asked_for_a_string_over_64_mib_is_refused_at_its_line_before_making_it() {
    // See issue #27.
    let long = "y".repeat(100);
    for (line, what) in [
        ("{{ \"%1000000000d\" | format(1) }}".to_owned(), "this format would make 1000000013 bytes"),
        ("{{ \"a\\nb\" | indent(1000000000) }}".to_owned(), "this indent would make"),
        ("{% set s = \"x\" * 1000000 %}{{ ([s] * 100) | join(s) }}".to_owned(), "this join would make"),
        (format!("{{% set s = \"x\" * 1000000 %}}{{{{ s | replace(\"x\", \"{long}\") }}}}"), "this replace would make"),
        ("{% set s = \"<\" * 20000000 %}{{ s | escape }}".to_owned(), "this escape would make"),
    ] {
        let run = page_template_fails_writing_nothing(&format!("{{{{ page.title }}}}\n{line}\n"));
        run.assert_stderr_has(&["templates/page.html:2:", what, "more than the 64 MiB one template value may hold"]);
    }
}

#[test]
fn printing_a_string_over_64_mib_built_by_operators_is_an_error_at_its_line() {
    // See issue #27.
    let run = page_template_fails_writing_nothing(
        "{{ page.title }}\n{% set ns = namespace(s=\"x\" * 40000000) %}{% set ns.s = ns.s ~ ns.s %}\n{{ ns.s }}\n",
    );
    run.assert_stderr_has(&["templates/page.html:3:", "printing this value would make 80000000 bytes"]);
}

#[test]
fn debug_prints_the_same_bytes_in_every_build() {
    // See issue #27.
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", "+++\ntitle = \"A\"\n+++\nAlpha\n"),
        ("content/blog/b.md", "+++\ntitle = \"B\"\n+++\nBeta\n"),
        ("content/blog/c.md", "+++\ntitle = \"C\"\n+++\nGamma\n"),
        ("content/blog/d.md", "+++\ntitle = \"D\"\n+++\nDelta\n"),
        ("templates/base.html", "<pre>{{ debug() }}</pre>{% block body %}{% endblock %}"),
        ("templates/page.html", "{% extends \"base.html\" %}{% block body %}{{ debug(page.title) }}{% endblock %}"),
        ("templates/section.html", "{% extends \"base.html\" %}{% block body %}{{ section.title }}{% endblock %}"),
        ("templates/index.html", "{% include \"section.html\" ignore missing %}{{ debug() }}"),
    ]);
    site.build();
    let page = site.output("blog/a/index.html");
    assert!(page.contains("&#34;page&#34;") && page.contains("&#34;A&#34;"), "{page}");
    assert!(!page.contains("templates"), "debug() prints the thread's template cache: {page}");
    site.qsite(&["build", "--verify"]).assert_code(0);
    site.assert_same_as_clean_build();
}

// See issue #27.
#[test]
fn a_file_size_limit_is_a_write_error_naming_the_file() {
    let site = SiteTest::copy("blog");
    site.write("static/big.bin", &"x".repeat(200_000));
    // `ulimit -f 16`: no file over 16 KiB may be written.
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg("ulimit -f 16 && exec \"$0\" --root \"$1\" build")
        .arg(env!("CARGO_BIN_EXE_qsite"))
        .arg(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("big.bin") && stderr.contains("File too large"), "{stderr}");
}
