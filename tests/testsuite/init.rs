//! `qsite init` writes a site that builds cleanly on the first try.

use crate::support::SiteTest;

#[test]
fn starter_site_builds_without_warnings() {
    let site = SiteTest::empty();
    site.qsite(&["init"]).assert_code(0);
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert_eq!(run.stderr, "", "the starter site has diagnostics");
    for path in [
        "index.html",
        "blog/index.html",
        "blog/first-post/index.html",
        "blog/second-post/index.html",
        "tags/index.html",
        "atom.xml",
        "style.css",
        "404.html",
    ] {
        assert!(site.has_output(path), "public/{path} missing");
    }
    assert!(site.output("index.html").contains("first-post"));
    assert!(site.root().join(".gitignore").is_file());
    site.assert_same_as_clean_build();
}

#[test]
fn init_refuses_a_non_empty_directory_without_force() {
    let site = SiteTest::with_files(&[("notes.txt", "mine")]);
    let run = site.qsite(&["init"]);
    run.assert_code(2).assert_stderr_has(&["not empty", "--force"]);
    assert!(!site.root().join("qsite.toml").exists());
    site.qsite(&["init", "--force"]).assert_code(0);
    assert_eq!(site.read_input("notes.txt"), "mine");
    site.build();
}

#[test]
fn init_into_a_named_directory() {
    let site = SiteTest::empty();
    let target = site.root().join("new-site");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_qsite")).arg("init").arg(&target).output().unwrap();
    assert!(output.status.success());
    assert!(target.join("content/blog/first-post.md").is_file());
}
