//! `qsite new`: a page (a draft dated today) or a section, written with its
//! front matter, never over an existing file and never outside `content/`.

use crate::support::SiteTest;

fn starter() -> SiteTest {
    let site = SiteTest::empty();
    site.qsite(&["init"]).assert_code(0);
    site
}

#[test]
fn a_new_page_is_a_draft_titled_from_its_file_name_and_dated_today() {
    let site = starter();
    let run = site.qsite(&["new", "content/blog/my-first_post.md"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Wrote content/blog/my-first_post.md, a draft"), "{}", run.stdout);
    let text = site.read_input("content/blog/my-first_post.md");
    let today = jiff::ZonedDateTime::now().date().to_string();
    assert_eq!(text, format!("+++\ntitle = \"My first post\"\ndate = {today}\ndraft = true\n+++\n\n"));
    site.build();
    assert!(!site.has_output("blog/my-first-post/index.html"), "a draft is not built");
    site.qsite(&["build", "--drafts"]).assert_code(0);
    assert!(site.output("blog/my-first-post/index.html").contains("My first post"));
}

#[test]
fn a_page_path_may_leave_out_content_and_a_bundle_takes_its_folder_name() {
    let site = starter();
    site.qsite(&["new", "blog/trip-report/index.md"]).assert_code(0);
    assert!(site.read_input("content/blog/trip-report/index.md").starts_with("+++\ntitle = \"Trip report\"\n"));
}

#[test]
fn a_new_section_has_a_title_and_builds() {
    let site = starter();
    site.qsite(&["new", "section", "notes"]).assert_code(0);
    assert_eq!(site.read_input("content/notes/_index.md"), "+++\ntitle = \"Notes\"\nsort_by = \"date\"\n+++\n");
    site.build();
    assert!(site.output("notes/index.html").contains("Notes"));
}

#[test]
fn new_never_overwrites_and_never_leaves_content() {
    let site = starter();
    let before = site.read_input("content/blog/first-post.md");
    site.qsite(&["new", "blog/first-post.md"]).assert_code(2).assert_stderr_has(&["already exists"]);
    assert_eq!(site.read_input("content/blog/first-post.md"), before);
    for outside in ["../escape.md", "/tmp/escape.md", "blog/../../escape.md"] {
        site.qsite(&["new", outside]).assert_code(2).assert_stderr_has(&["is not inside `content/`"]);
    }
    site.qsite(&["new", "blog/notes.txt"]).assert_code(2).assert_stderr_has(&["is not a Markdown file"]);
    assert!(!site.root().join("../escape.md").exists());
}
