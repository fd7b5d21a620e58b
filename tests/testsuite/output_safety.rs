//! The output folder is the only place a build writes or deletes: folders
//! that hold the site's sources are refused, files qsite did not write are
//! never deleted, links never lead a write elsewhere, each output folder
//! keeps its own list of what qsite wrote, one build writes a site at a
//! time, and a cache that cannot be saved is said so.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use crate::support::{MANIFEST, SiteTest, tree};

#[test]
fn output_folders_that_hold_or_sit_in_sources_are_refused_before_anything_is_written() {
    let site = SiteTest::copy("blog");
    let before = tree(site.root());
    for output in
        [".", "..", "templates", "content/x", "content", "static", "data", "themes", "sass", ".qsite", "qsite.toml"]
    {
        let run = site.qsite(&["build", "-o", output]);
        run.assert_code(2).assert_stderr_has(&[&format!("refusing to build into `{output}`")]);
        site.qsite(&["clean", "-o", output]).assert_code(2).assert_stderr_has(&["refusing"]);
        assert_eq!(tree(site.root()), before, "`-o {output}` changed the site folder");
    }
    let run = site.qsite(&["build", "-o", "templates"]);
    assert!(run.stderr.contains("it is inside the site's sources (`templates`)"), "{}", run.stderr);
    let run = site.qsite(&["build", "-o", ".."]);
    assert!(run.stderr.contains("it contains the site folder"), "{}", run.stderr);
}

#[test]
fn a_file_qsite_did_not_write_is_replaced_with_one_warning_when_forced() {
    let site = SiteTest::copy("blog");
    site.write("public/about/index.html", "my own page");
    let first = site.qsite(&["build", "--force"]);
    first.assert_code(0);
    assert_eq!(first.stderr.matches("about/index.html`, which qsite did not write").count(), 1, "{}", first.stderr);
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let second = site.qsite(&["build"]);
    second.assert_code(0);
    assert!(!second.stderr.contains("did not write"), "{}", second.stderr);
    site.assert_same_as_clean_build();
}

// See issue #27.
#[test]
fn a_folder_of_files_qsite_never_wrote_is_refused_without_force() {
    let site = SiteTest::copy("blog");
    site.write("deploy/index.html", "my own home page");
    site.write("deploy/robots.txt", "User-agent: *");
    let before = tree(site.root());
    let run = site.qsite(&["build", "-o", "deploy"]);
    run.assert_code(2).assert_stderr_has(&[
        "is not empty and qsite has not built into it before",
        "`index.html`, `robots.txt`",
        "--force",
    ]);
    assert!(tree(site.root()) == before, "a refused build wrote nothing");
    site.qsite(&["build", "-o", "deploy", "--force"]).assert_code(0);
    assert_ne!(std::fs::read_to_string(site.root().join("deploy/index.html")).unwrap(), "my own home page");
    // Once qsite has written there, the folder is its to update.
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.qsite(&["build", "-o", "deploy"]).assert_code(0);
}

#[test]
fn files_qsite_never_wrote_are_never_deleted() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("public/CNAME", "example.test");
    site.write("public/blog/post-05/notes.txt", "mine");
    site.remove("content/blog/post-05.md").build();
    assert!(!site.has_output("blog/post-05/index.html"));
    site.qsite(&["clean"]).assert_code(0);
    assert_eq!(tree(&site.root().join("public")).into_keys().collect::<Vec<_>>(), ["CNAME", "blog/post-05/notes.txt"]);
    assert_eq!(site.output("CNAME"), "example.test");
}

// See issue #27.
#[test]
fn a_manifest_qsite_did_not_write_deletes_nothing() {
    let site = SiteTest::copy("blog");
    site.write("deploy/precious.txt", "mine");
    site.write("deploy/.qsite-manifest", "precious.txt\n");
    site.qsite(&["build", "-o", "deploy"]).assert_code(0);
    site.remove("content/blog/post-06.md");
    site.qsite(&["build", "-o", "deploy"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(site.root().join("deploy/precious.txt")).unwrap(), "mine");
    site.write("deploy/.qsite-manifest", "precious.txt\n");
    site.qsite(&["clean", "-o", "deploy"]).assert_code(0);
    assert_eq!(std::fs::read_to_string(site.root().join("deploy/precious.txt")).unwrap(), "mine");
}

// See issue #27.
#[test]
fn a_build_without_its_cache_leaves_what_it_cannot_show_it_wrote() {
    let site = SiteTest::copy("blog");
    site.build();
    std::fs::remove_dir_all(site.root().join(".qsite")).unwrap();
    site.remove("content/blog/post-06.md");
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&["left 1 file that the site no longer produces", "blog/post-06/index.html"]);
    assert!(site.has_output("blog/post-06/index.html"));
    // Written again from scratch, the folder is what a clean build makes.
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    site.build().assert_same_as_clean_build();
}

// See issue #27.
#[test]
fn a_file_edited_since_qsite_wrote_it_is_not_deleted() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("public/blog/post-06/index.html", "my notes on post 6");
    site.remove("content/blog/post-06.md");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["left 1 file"]);
    assert_eq!(site.output("blog/post-06/index.html"), "my notes on post 6");
}

#[test]
fn two_output_folders_keep_their_own_manifests() {
    let site = SiteTest::copy("blog");
    site.qsite(&["build", "-o", "a"]).assert_code(0);
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.qsite(&["build", "-o", "b"]).assert_code(0);
    // `a` was built before the edit: the records of `b` must not pass it as current.
    site.qsite(&["build", "-o", "a"]).assert_code(0);
    assert_eq!(tree(&site.root().join("a")), tree(&site.root().join("b")));
    assert!(std::fs::read_to_string(site.root().join("a/blog/post-03/index.html")).unwrap().contains("three"));
    // Pruning `a` leaves `b` alone, and `b` prunes itself when built.
    site.remove("content/blog/post-04.md");
    site.qsite(&["build", "-o", "a"]).assert_code(0);
    assert!(!site.root().join("a/blog/post-04/index.html").exists());
    assert!(site.root().join("b/blog/post-04/index.html").exists());
    site.qsite(&["build", "-o", "b"]).assert_code(0);
    assert_eq!(tree(&site.root().join("a")), tree(&site.root().join("b")));
}

#[test]
fn verify_reports_files_a_clean_build_would_not_make() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("public/stray.html", "left here by hand");
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(3).assert_stderr_has(&["stray.html was not written by qsite, and a clean build does not make it"]);
    assert_eq!(site.output("stray.html"), "left here by hand");
}

#[test]
fn a_link_in_the_output_folder_is_never_written_or_deleted_through() {
    let site = SiteTest::copy("blog");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(elsewhere.path().join("post-06")).unwrap();
    std::fs::write(elsewhere.path().join("post-06/index.html"), "not the site's").unwrap();
    site.build();
    std::fs::remove_dir_all(site.root().join("public/blog")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.root().join("public/blog")).unwrap();
    site.remove("content/blog/post-06.md");
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let run = site.qsite(&["build"]);
    run.assert_code(2).assert_stderr_has(&["public/blog`: it is a symbolic link, which qsite does not follow"]);
    assert_eq!(tree(elsewhere.path()).into_keys().collect::<Vec<_>>(), ["post-06/index.html"]);
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("post-06/index.html")).unwrap(), "not the site's");
}

#[test]
fn a_second_build_waits_for_the_lock_of_the_first() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    // The test holds the lock as a running build would.
    let lock = File::options().read(true).write(true).open(site.root().join(".qsite/lock")).unwrap();
    lock.lock().unwrap();
    let mut second = Command::new(env!("CARGO_BIN_EXE_qsite"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(second.stderr.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("another qsite process") && line.contains("waiting"), "{line}");
    assert!(second.try_wait().unwrap().is_none(), "the second build went ahead");
    assert!(!site.output("blog/post-03/index.html").contains("three"), "written while locked");
    drop(lock);
    assert!(second.wait().unwrap().success());
    site.assert_same_as_clean_build();
}

#[test]
fn an_edit_that_keeps_size_and_restores_the_time_is_seen() {
    let site = SiteTest::copy("blog");
    let path = site.root().join("content/blog/post-03.md");
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    File::options().write(true).open(&path).unwrap().set_modified(long_ago).unwrap();
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number 8");
    File::options().write(true).open(&path).unwrap().set_modified(long_ago).unwrap();
    site.build().assert_same_as_clean_build();
    assert!(site.output("blog/post-03/index.html").contains("Post number 8"));
}

#[test]
fn a_cache_that_cannot_be_saved_is_exit_2_and_the_next_build_is_right() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let cache = site.root().join(".qsite/cache.sqlite");
    std::fs::remove_file(&cache).unwrap();
    std::fs::create_dir(&cache).unwrap();
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["could not be saved"]);
    site.assert_same_as_clean_build();
    std::fs::remove_dir(&cache).unwrap();
    site.edit("content/blog/post-03.md", "Post number three", "Post number 3");
    site.build().assert_same_as_clean_build();
    assert!(site.public().contains_key(MANIFEST));
}

// See issue #27.
#[test]
fn check_writes_nothing_not_even_the_cache() {
    let site = SiteTest::copy("blog");
    let before = tree(site.root());
    site.qsite(&["check"]).assert_code(0);
    assert!(tree(site.root()) == before, "`qsite check` changed the site folder");
    assert!(!site.root().join(".qsite").exists());
    // With a cache from a build, it reads it and still writes nothing.
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let before = tree(site.root());
    site.qsite(&["check"]).assert_code(0);
    assert!(tree(site.root()) == before, "`qsite check` changed the site folder");
}

// See issue #27: the manifest read these names as a comment and as the
// token of an interrupted build.
#[test]
fn outputs_named_like_the_manifests_own_lines_are_pruned_and_a_no_op_stays_one() {
    let site = SiteTest::copy("blog");
    site.write("static/#draft#", "autosaved");
    site.write("static/writing notes.txt", "notes");
    site.build();
    assert!(site.has_output("#draft#") && site.has_output("writing notes.txt"));
    assert!(site.qsite(&["build"]).stdout.contains("nothing changed"));
    site.remove("static/#draft#").remove("static/writing notes.txt");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("left"), "{}", run.stderr);
    assert!(!site.has_output("#draft#") && !site.has_output("writing notes.txt"));
    site.assert_same_as_clean_build();
}
