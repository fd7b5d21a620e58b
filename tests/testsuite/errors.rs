//! Bad input: a clear diagnostic with file, line and column, every problem
//! reported in one run, exit code 1, and `public/` left exactly as it was.

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Errors\"\nbase_url = \"https://errors.test\"\n";

/// A good site, built once so `public/` holds a previous good output.
fn built_site() -> SiteTest {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/good.md", "+++\ntitle = \"Good\"\ndate = 2024-01-01\n+++\n# Intro\n\nFine.\n"),
    ]);
    site.build();
    site
}

/// Builds a site with `files` added and checks that it fails with every
/// needle in stderr and leaves `public/` untouched.
#[track_caller]
fn assert_fails(files: &[(&str, &str)], needles: &[&str]) {
    let site = built_site();
    let before = site.public();
    for (path, text) in files {
        site.write(path, text);
    }
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(needles).assert_stderr_has(&["nothing was written"]);
    assert_eq!(site.public(), before, "public/ changed on a failed build");
}

#[test]
fn invalid_toml_front_matter() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\ndate = = 2024\n+++\nBody\n")],
        &["invalid TOML front matter", "[content/blog/bad.md:3:"],
    );
}

#[test]
fn invalid_yaml_front_matter() {
    assert_fails(
        &[("content/blog/bad.md", "---\ntitle: \"Bad\"\ntags: [unclosed\n---\nBody\n")],
        &["invalid YAML front matter", "[content/blog/bad.md:"],
    );
}

#[test]
fn wrong_type_in_front_matter() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = 5\n+++\nBody\n")],
        &["invalid front matter", "[content/blog/bad.md:2:9]"],
    );
}

#[test]
fn front_matter_that_never_closes() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\nBody\n")],
        &["never closes with `+++`", "[content/blog/bad.md:1:1]"],
    );
}

#[test]
fn date_that_does_not_parse() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\ndate = \"yesterday\"\n+++\nBody\n")],
        &["`date` is not a date: `yesterday`", "[content/blog/bad.md:3:1]"],
    );
}

#[test]
fn quoted_date_is_accepted_with_a_warning() {
    let site = built_site();
    site.write("content/blog/quoted.md", "+++\ntitle = \"Quoted\"\ndate = \"2024-05-01\"\n+++\nBody\n");
    let run = site.qsite(&["build"]);
    run.assert_code(0)
        .assert_stderr_has(&["`date` is a quoted string; read as the date 2024-05-01", "[content/blog/quoted.md:3:1]"]);
    // Sorted as a date, newest first, not as text.
    let blog = site.output("blog/index.html");
    assert!(blog.find("Quoted").unwrap() < blog.find("Good").unwrap());
}

#[test]
fn bad_utf8() {
    let site = built_site();
    let before = site.public();
    site.write_bytes("content/blog/bad.md", b"+++\ntitle = \"Bad\"\n+++\nCaf\xe9\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["not valid UTF-8", "[content/blog/bad.md:4:4]"]);
    assert_eq!(site.public(), before);
}

#[test]
fn missing_template() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\ntemplate = \"nope.html\"\n+++\nBody\n")],
        &["the template `nope.html` does not exist", "[content/blog/bad.md:3:1]"],
    );
}

#[test]
fn template_syntax_error() {
    assert_fails(
        &[("templates/page.html", "<h1>{{ page.title }</h1>\n")],
        &["syntax error", "[templates/page.html:1:"],
    );
}

#[test]
fn template_unknown_filter() {
    assert_fails(
        &[("templates/page.html", "<h1>\n{{ page.title | shout }}</h1>\n")],
        &["unknown filter", "[templates/page.html:2:"],
    );
}

#[test]
fn template_undefined_variable() {
    assert_fails(
        &[("templates/page.html", "<h1>{{ page.title }}</h1>\n<p>{{ page.subtitle }}</p>\n")],
        &["undefined", "[templates/page.html:2:"],
    );
}

#[test]
fn an_error_after_tera_syntax_points_at_the_users_column() {
    // The template minijinja compiles reads `m.link(`, a byte shorter.
    assert_fails(
        &[
            ("templates/macros.html", "{% macro link(page) %}{{ page.title }}{% endmacro link %}\n"),
            ("templates/page.html", "{% import \"macros.html\" as m %}\n{{ m::link(page=page) }} {{ page.nope }}\n"),
        ],
        &["`page.nope` is undefined", "[templates/page.html:2:29]"],
    );
}

#[test]
fn error_in_an_included_template_points_at_the_include() {
    assert_fails(
        &[
            ("templates/page.html", "<main>\n{% include \"part.html\" %}\n</main>\n"),
            ("templates/part.html", "<p>ok</p>\n<p>{{ missing_thing }}</p>\n"),
        ],
        &["[templates/part.html:2:"],
    );
}

#[test]
fn include_cycle() {
    assert_fails(
        &[
            ("templates/page.html", "{% include \"loop.html\" %}\n"),
            ("templates/loop.html", "x\n{% include \"loop.html\" %}\n"),
        ],
        &["cycle", "templates/loop.html"],
    );
}

#[test]
fn broken_internal_link() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\n+++\nSee\n[this](@/blog/missing.md).\n")],
        &["broken internal link", "`@/blog/missing.md`", "[content/blog/bad.md:5:1]"],
    );
}

#[test]
fn broken_root_relative_link() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\n+++\n[x](/nowhere/)\n")],
        &["broken internal link", "[content/blog/bad.md:4:1]"],
    );
}

#[test]
fn broken_anchor() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\n+++\n[x](@/blog/good.md#outro)\n")],
        &["has no heading with the anchor `#outro`", "[content/blog/bad.md:4:1]"],
    );
}

#[test]
fn broken_links_can_be_warnings() {
    let site = built_site();
    site.write("qsite.toml", &format!("{CONFIG}[links]\nbroken = \"warn\"\n"));
    site.write("content/blog/bad.md", "+++\ntitle = \"Bad\"\n+++\n[x](@/blog/missing.md)\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["broken internal link"]);
    assert!(site.output("blog/bad/index.html").contains("@/blog/missing.md"));
}

#[test]
fn two_pages_claiming_the_same_url() {
    assert_fails(
        &[("content/blog/twin.md", "+++\ntitle = \"Twin\"\npath = \"blog/good\"\n+++\n")],
        &["two outputs claim the URL `/blog/good/`", "[content/blog/twin.md:3:1]"],
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    assert_fails(
        &[
            ("content/blog/one.md", "+++\ntitle = \"One\"\ndate = \"never\"\n+++\n"),
            ("content/blog/two.md", "+++\ntitle = \"Two\"\n+++\n[x](@/nope.md)\n"),
            ("templates/section.html", "{% if %}\n"),
        ],
        &[
            "[content/blog/one.md:3:1]",
            "[content/blog/two.md:4:1]",
            "[templates/section.html:1:",
            "3 errors in 3 pages and 2 sections; nothing was written",
        ],
    );
}

#[test]
fn unknown_front_matter_key_warns() {
    let site = built_site();
    site.write("content/blog/extra.md", "+++\ntitle = \"Extra\"\nmood = \"happy\"\n+++\n");
    site.qsite(&["build"])
        .assert_code(0)
        .assert_stderr_has(&["unknown front matter key `mood`", "[content/blog/extra.md:3:1]"]);
}

#[test]
fn invalid_configuration() {
    let site = built_site();
    let before = site.public();
    site.write("qsite.toml", "title = \"Errors\"\nbase_url = [\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["invalid configuration", "[qsite.toml:"]);
    assert_eq!(site.public(), before);
}

#[test]
fn missing_configuration_is_an_environment_error() {
    let site = SiteTest::with_files(&[("content/_index.md", "+++\n+++\n")]);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["no `qsite.toml` in"]);
}

#[test]
fn unreadable_root_is_an_environment_error() {
    let site = SiteTest::empty();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_qsite"))
        .args(["--root"])
        .arg(site.root().join("absent"))
        .arg("build")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot read the site folder"));
}

#[test]
fn link_to_a_draft_is_broken() {
    assert_fails(
        &[
            ("content/blog/draft.md", "+++\ntitle = \"Draft\"\ndraft = true\n+++\n"),
            ("content/blog/bad.md", "+++\ntitle = \"Bad\"\n+++\n[soon](@/blog/draft.md)\n"),
        ],
        &["is a draft", "[content/blog/bad.md:4:1]"],
    );
}

#[test]
fn missing_page_template_points_at_the_section() {
    assert_fails(
        &[("content/blog/_index.md", "+++\ntitle = \"Blog\"\npage_template = \"post.html\"\n+++\n")],
        &["the template `post.html` does not exist", "[content/blog/_index.md:3:1]"],
    );
}

/// Builds the blog with `template` as `templates/page.html` and expects an
/// error whose help is `help`.
fn page_template_suggests(template: &str, help: &str) {
    let site = SiteTest::copy("blog");
    site.write("templates/page.html", template);
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[help]);
}

#[test]
fn a_misspelt_field_variable_filter_or_function_gets_did_you_mean() {
    page_template_suggests("{{ page.titel }}", "did you mean `title`?");
    page_template_suggests("{{ config.base_ulr }}", "did you mean `base_url`?");
    page_template_suggests("{{ paje.title }}", "did you mean `page`?");
    page_template_suggests("{{ page.title | uper }}", "did you mean `upper`?");
    page_template_suggests("{{ get_pag(path=\"blog/post-01.md\").title }}", "did you mean `get_page`?");
}

#[test]
fn a_misspelt_template_name_gets_did_you_mean() {
    page_template_suggests("{% include \"bsae.html\" %}", "did you mean `base.html`?");
    let site = SiteTest::copy("blog");
    site.edit("content/blog/post-01.md", "+++\n", "+++\ntemplate = \"pag.html\"\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["did you mean `page.html`?"]);
}

#[test]
fn a_misspelt_front_matter_key_gets_did_you_mean() {
    let site = SiteTest::copy("blog");
    site.edit("content/blog/post-01.md", "+++\n", "+++\ndescripton = \"x\"\n");
    site.qsite(&["build"])
        .assert_code(0)
        .assert_stderr_has(&["unknown front matter key `descripton`", "did you mean `description`?"]);
}

#[test]
fn type_errors_say_what_was_expected_in_plain_words() {
    assert_fails(
        &[("content/blog/bad.md", "+++\ntitle = \"Bad\"\nweight = \"heavy\"\n+++\nBody\n")],
        &["string \"heavy\", expected a whole number", "[content/blog/bad.md:3:10]"],
    );
}

#[test]
fn a_misspelt_link_target_gets_did_you_mean() {
    let site = SiteTest::copy("blog");
    site.edit("content/blog/post-02.md", "More about post 2.", "See [the first](@/blog/post-1.md).");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["did you mean `@/blog/post-01.md`?"]);
}
