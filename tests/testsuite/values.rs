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
