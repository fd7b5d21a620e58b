//! Values that parse but make no sense (a date in year 0, a `base_url` that
//! is no URL, a data file that is not JSON, two `robots.txt`, ignore rules
//! that hide every page): each is a diagnostic or a warning that names the
//! value and where it is, never a panic or a silently wrong site.

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Values\"\nbase_url = \"https://values.test\"\n";

/// A small site with one page, `content/blog/a.md`, whose front matter ends
/// with `extra_front_matter`.
fn site_with_page(extra_front_matter: &str) -> SiteTest {
    SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", &format!("+++\ntitle = \"A\"\n{extra_front_matter}+++\nBody\n")),
    ])
}

#[test]
fn dates_outside_the_calendar_are_errors_at_the_date_line() {
    for (date, message) in [
        ("0000-01-01", "`date` is out of range: `0000-01-01`"),
        ("\"0000-01-01\"", "`date` is out of range: `0000-01-01`"),
        ("9999-12-31", "`date` is out of range: `9999-12-31`"),
        ("\"10000-01-01\"", "`date` is not a date: `10000-01-01`"),
    ] {
        let run = site_with_page(&format!("date = {date}\n")).qsite(&["build"]);
        run.assert_code(1).assert_stderr_has(&[message, "[content/blog/a.md:3:1]"]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn an_impossible_hour_is_an_error_that_says_why() {
    site_with_page("date = \"9999-12-31T99:00\"\n").qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "`date` is not a date: `9999-12-31T99:00`",
        "hour",
        "[content/blog/a.md:3:1]",
    ]);
}

#[test]
fn the_first_and_last_days_are_dates() {
    let site = site_with_page("date = 0001-01-01\nupdated = 9999-12-30\n");
    site.build();
    let page = site.output("blog/a/index.html");
    assert!(page.contains("0001-01-01"), "{page}");
}

#[test]
fn a_base_url_that_is_no_url_is_an_error_at_its_line() {
    for (base_url, reason) in [
        ("not a url", "it has no scheme"),
        ("example.com", "it has no scheme"),
        ("", "it is empty"),
        ("example.com:8080", "it has no host"),
    ] {
        let site = SiteTest::with_files(&[
            ("qsite.toml", &format!("title = \"Values\"\nbase_url = \"{base_url}\"\n")),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ]);
        site.qsite(&["build"])
            .assert_code(1)
            .assert_stderr_has(&[&format!("`base_url = \"{base_url}\"` is not a URL: {reason}"), "[qsite.toml:2:1]"]);
    }
}

#[test]
fn a_slash_base_url_makes_root_relative_links() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", "title = \"Values\"\nbase_url = \"/\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", "+++\ntitle = \"A\"\n+++\nBody\n"),
    ]);
    site.build();
    let blog = site.output("blog/index.html");
    assert!(blog.contains(r#"href="/blog/a/""#), "{blog}");
}

#[test]
fn serve_replaces_the_base_url_and_still_reports_a_bad_one() {
    let site = site_with_page("");
    let served = site.serve(&[]);
    let page = served.get("/blog/a/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains(&format!("{}/blog/", served.url)), "{}", page.text());
    assert!(!page.text().contains("qsite-overlay"), "{}", page.text());
    drop(served);

    site.write("qsite.toml", "title = \"Values\"\nbase_url = \"example.com\"\n");
    let served = site.serve(&[]);
    let page = served.get("/blog/a/").text();
    assert!(page.contains("qsite-overlay") && page.contains("is not a URL"), "{page}");
}

/// A site whose home template prints `load_data(path="data/<name>")` on its
/// second line, with that data file holding `data`.
fn site_loading(name: &str, data: &str) -> SiteTest {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("templates/index.html", &format!("<p>\n{{{{ load_data(path=\"data/{name}\") }}}}</p>\n")),
    ]);
    site.write(&format!("data/{name}"), data);
    site
}

#[test]
fn a_data_file_that_does_not_parse_names_its_line_and_the_template_line() {
    for (name, data, position) in [
        ("a.json", "{\n  \"x\": 1,\n  oops\n}\n", "invalid JSON in data file `data/a.json` at line 3, column 3"),
        ("a.toml", "a = 1\nb = = 2\n", "invalid TOML in data file `data/a.toml` at line 2, column 5"),
        ("a.csv", "name,age\nann,3\nbob\n", "invalid CSV in data file `data/a.csv` at line 3, column 1"),
        ("a.yaml", "a: 1\nb: [x\n", "invalid YAML in data file `data/a.yaml` at line 3"),
    ] {
        site_loading(name, data)
            .qsite(&["build"])
            .assert_code(1)
            .assert_stderr_has(&[position, "[templates/index.html:2:"]);
    }
}

#[test]
fn a_missing_data_file_is_named_at_the_template_line() {
    let site = site_loading("present.toml", "a = 1\n");
    site.write("templates/index.html", "<p>\n{{ load_data(path=\"data/absent.json\") }}</p>\n");
    site.qsite(&["build"])
        .assert_code(1)
        .assert_stderr_has(&["data file `data/absent.json` does not exist", "[templates/index.html:2:"]);
}

#[test]
fn a_csv_data_file_has_headers_and_records() {
    let site = site_loading("people.csv", "name,age\nann,3\nbob,4\n");
    site.write(
        "templates/index.html",
        "{% set people = load_data(path=\"data/people.csv\") %}\
         {{ people.headers | join(\",\") }};{% for row in people.records %}{{ row[0] }}={{ row[1] }} {% endfor %}",
    );
    site.build();
    assert_eq!(site.output("index.html"), "name,age;ann=3 bob=4 ");
}

/// A small site with `files` added.
fn site_plus(files: &[(&str, &str)]) -> SiteTest {
    let site = SiteTest::with_files(&[("qsite.toml", CONFIG), ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")]);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

#[test]
fn a_static_robots_txt_replaces_the_built_in_one_silently() {
    let site = site_plus(&[("static/robots.txt", "User-agent: *\nDisallow: /\n")]);
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("robots"), "{}", run.stderr);
    assert_eq!(site.output("robots.txt"), "User-agent: *\nDisallow: /\n");
}

#[test]
fn a_robots_txt_template_renders_it() {
    let site = site_plus(&[("templates/robots.txt", "Sitemap: {{ config.base_url }}/sitemap.xml\n")]);
    site.build();
    assert_eq!(site.output("robots.txt").trim_end(), "Sitemap: https://values.test/sitemap.xml");
}

#[test]
fn a_static_robots_txt_and_a_template_warn_and_the_static_file_wins() {
    let site = site_plus(&[("static/robots.txt", "static\n"), ("templates/robots.txt", "template\n")]);
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&[
        "`templates/robots.txt` is not rendered: `static/robots.txt` is copied to `/robots.txt` instead",
        "[templates/robots.txt:1:1]",
    ]);
    assert_eq!(site.output("robots.txt"), "static\n");
}

#[test]
fn ignore_rules_that_hide_every_page_are_named_in_a_warning() {
    for (ignore_file, rules, named) in [
        (".gitignore", "public/\n*.md\n", "matches `*.md` in `.gitignore`"),
        ("content/.ignore", "blog/\n_index.md\n", "matches `_index.md` in `content/.ignore`"),
    ] {
        let site = site_with_page("");
        site.write(ignore_file, rules);
        site.qsite(&["build"]).assert_code(0).assert_stderr_has(&[
            "`content/` has 3 Markdown file(s) but ignore rules hide them all, so the site has no pages",
            &format!("`content/_index.md` {named}"),
        ]);
    }
}

#[test]
fn ignore_rules_that_hide_some_pages_say_nothing() {
    let site = site_with_page("");
    site.write(".gitignore", "content/blog/a.md\n");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("ignore rules"), "{}", run.stderr);
    assert!(!site.has_output("blog/a/index.html"));
}
