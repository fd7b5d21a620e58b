//! What a build prints: one human summary line, `-v` for what was rendered
//! and why, `--quiet` for errors only, and "first build" (never "repaired")
//! for an output folder qsite has not written before.

use crate::support::SiteTest;

#[test]
fn a_build_ends_with_one_human_summary_line() {
    let site = SiteTest::copy("blog");
    let first = site.qsite(&["build"]);
    first.assert_code(0);
    let line = first.stdout.trim();
    assert!(line.starts_with("Built 16 pages, 3 sections and 5 terms (1 draft left out) in "), "{line}");
    assert!(line.contains(" — first build, 36 files written"), "{line}");
    assert_eq!(first.stdout.lines().count(), 1, "{}", first.stdout);
    site.edit("content/blog/post-01.md", "More about post 1.", "More about post one.");
    let warm = site.qsite(&["build"]);
    assert!(warm.stdout.contains(" — 2 rendered, 31 unchanged"), "{}", warm.stdout);
    assert!(!warm.stdout.contains("bodies from the store"), "internal counts only with -v: {}", warm.stdout);
    assert!(site.qsite(&["build"]).stdout.contains(" — nothing changed"));
}

#[test]
fn verbose_lists_each_rendered_output_with_its_reason() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-01.md", "More about post 1.", "More about post one.");
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("blog/post-01/index.html: rendered: "), "{}", run.stdout);
    assert!(run.stdout.contains("content/blog/post-01.md changed"), "{}", run.stdout);
    // Global flags work before the command too.
    site.edit("content/blog/post-01.md", "More about post one.", "More about post 1.");
    assert!(site.qsite(&["-v", "build"]).stdout.contains("blog/post-01/index.html: rendered: "));
}

#[test]
fn quiet_prints_errors_only() {
    let site = SiteTest::copy("blog");
    site.edit("content/blog/post-02.md", "+++\n", "+++\nmood = \"good\"\n");
    let run = site.qsite(&["build", "--quiet"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "", "no summary");
    assert_eq!(run.stderr, "", "no warning");
    site.edit("content/blog/post-02.md", "mood = \"good\"", "date = \"not a date\"");
    let run = site.qsite(&["--quiet", "build"]);
    run.assert_code(1).assert_stderr_has(&["content/blog/post-02.md"]);
}

#[test]
fn a_copied_site_with_a_fresh_output_folder_is_a_first_build() {
    let site = SiteTest::copy("blog");
    site.build();
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("0 repaired"), "{}", run.stdout);
    assert!(!run.stdout.contains("by hand"), "{}", run.stdout);
    site.assert_same_as_clean_build();
}
