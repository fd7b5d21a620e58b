//! `qsite build --verify` and `qsite explain`: the tools users reach for
//! when they distrust the cache.

use std::os::unix::fs::MetadataExt;

use crate::support::SiteTest;

fn cache_file(site: &SiteTest) -> std::path::PathBuf {
    site.root().join(".qsite/cache.sqlite")
}

#[test]
fn verify_passes_after_clean_incremental_and_no_op_builds() {
    let site = SiteTest::copy("blog");
    site.qsite(&["build", "--verify"]).assert_code(0);
    site.edit("content/blog/post-04.md", "title = \"Post 4\"", "title = \"Post Four\"");
    site.remove("content/notes/gamma.md");
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Verified: the output is identical to a clean build"), "{}", run.stdout);
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(0);
    assert!(run.stdout.contains("nothing changed") && run.stdout.contains("Verified"), "{}", run.stdout);
}

#[test]
fn verify_catches_a_corrupted_cache_entry() {
    let site = SiteTest::copy("blog");
    site.build();
    // Edit an output by hand, then make the cache's record of it match the
    // edited file, as a corrupted cache would: qsite now believes the file
    // is what it wrote.
    let output = site.root().join("public/blog/post-01/index.html");
    std::fs::write(&output, site.output("blog/post-01/index.html").replace("Post 1", "Stale 1")).unwrap();
    let metadata = std::fs::metadata(&output).unwrap();
    let mtime_ns = metadata.modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64;
    let connection = rusqlite::Connection::open(cache_file(&site)).unwrap();
    connection
        .execute(
            "UPDATE outputs SET size = ?1, mtime_ns = ?2 WHERE path = 'blog/post-01/index.html'",
            rusqlite::params![metadata.len() as i64, mtime_ns],
        )
        .unwrap();
    drop(connection);
    site.edit("content/blog/post-02.md", "More about post 2.", "More and more about post 2.");
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(3).assert_stderr_has(&[
        "the incremental output differs from a clean build in 1 file(s)",
        "blog/post-01/index.html differs from a clean build",
        "the cache's record of the file is wrong",
    ]);
    // A clean build repairs it.
    site.qsite(&["build", "--clean"]).assert_code(0);
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn verify_names_the_reads_a_corrupted_stat_cache_let_through() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-12.md", "title = \"Post 12\"", "title = \"Post Twelve\"");
    // A stat cache that claims the edited file is the one last built (its
    // new size and time, its old hash, and a clock that trusts it): the
    // build sees no change and keeps every output.
    let path = site.root().join("content/blog/post-12.md");
    let metadata = std::fs::metadata(&path).unwrap();
    let mtime_ns = metadata.modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64;
    let ctime_ns = metadata.ctime() * 1_000_000_000 + metadata.ctime_nsec();
    let connection = rusqlite::Connection::open(cache_file(&site)).unwrap();
    connection
        .execute(
            "UPDATE files SET size = ?1, mtime_ns = ?2, ctime_ns = ?3, inode = ?4, device = ?5
             WHERE path = 'content/blog/post-12.md'",
            rusqlite::params![metadata.len() as i64, mtime_ns, ctime_ns, metadata.ino() as i64, metadata.dev() as i64],
        )
        .unwrap();
    connection
        .execute("UPDATE meta SET value = ?1 WHERE key = 'scan_started_ns'", [(i64::MAX / 2).to_string()])
        .unwrap();
    drop(connection);
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(3).assert_stderr_has(&[
        "blog/index.html differs from a clean build",
        "its trace recorded values a clean build computes differently",
        "page_title(content/blog/post-12.md)",
    ]);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
}

#[test]
fn explain_a_body_edit() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-05.md", "More about post 5.", "More and more about post 5.");
    site.build();
    let page = site.qsite(&["explain", "/blog/post-05/"]);
    page.assert_code(0);
    assert!(page.stdout.contains("public/blog/post-05/index.html was rendered"), "{}", page.stdout);
    assert!(
        page.stdout.contains("markdown(content/blog/post-05.md) <- content/blog/post-05.md changed"),
        "{}",
        page.stdout
    );
    // The listing prints titles only.
    let listing = site.qsite(&["explain", "public/blog/index.html"]);
    assert!(listing.stdout.contains("was reused: every value its last render read"), "{}", listing.stdout);
}

#[test]
fn explain_a_title_edit() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-12.md", "title = \"Post 12\"", "title = \"Post Twelve\"");
    site.build();
    let listing = site.qsite(&["explain", "blog/index.html"]);
    assert!(listing.stdout.contains("public/blog/index.html was rendered"), "{}", listing.stdout);
    assert!(
        listing.stdout.contains("page_title(content/blog/post-12.md) <- content/blog/post-12.md changed"),
        "{}",
        listing.stdout
    );
    assert!(site.qsite(&["explain", "/notes/alpha/"]).stdout.contains("was reused"));
}

#[test]
fn explain_a_template_edit() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("templates/taxonomy_single.html", "<ol>", "<ol class=\"terms\">");
    site.build();
    let term = site.qsite(&["explain", "/tags/rust/"]);
    assert!(
        term.stdout.contains("template(templates/taxonomy_single.html) <- templates/taxonomy_single.html changed"),
        "{}",
        term.stdout
    );
    assert!(site.qsite(&["explain", "/blog/post-01/"]).stdout.contains("was reused"));
    // After a build that changed nothing, every output is up to date.
    site.build();
    assert!(site.qsite(&["explain", "/tags/rust/"]).stdout.contains("up to date"));
    assert!(site.qsite(&["explain", "/no/such/"]).stdout.contains("did not produce this file"));
}
