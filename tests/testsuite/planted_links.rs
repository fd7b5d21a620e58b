//! Links and special files planted where qsite writes, deletes or reads its
//! own files (`.qsite/`, the output folder, its manifest and temporary
//! files) never lead a command outside the site, and never hang it. Each
//! test keeps a canary folder beside the site whose files must not change.
//! See issue #27.

use std::os::unix::fs::symlink;

use crate::support::{MANIFEST, SiteTest, tree};

/// The canary's files, which every test compares before and after.
fn canary(site: &SiteTest) -> Vec<(String, Vec<u8>)> {
    tree(&site.canary()).into_iter().collect()
}

#[test]
fn a_lock_file_that_is_a_link_is_refused_and_its_target_untouched() {
    let site = SiteTest::copy_beside_canary("blog");
    std::fs::create_dir(site.root().join(".qsite")).unwrap();
    symlink("../../canary/victim.txt", site.root().join(".qsite/lock")).unwrap();
    let before = canary(&site);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&[".qsite/lock`: it is a symbolic link"]);
    site.qsite(&["clean"]).assert_code(2).assert_stderr_has(&[".qsite/lock`: it is a symbolic link"]);
    // `check` writes nothing, the lock included.
    site.qsite(&["check"]).assert_code(0);
    assert_eq!(canary(&site), before);
    assert!(!site.root().join("public").exists(), "a refused build wrote its output");
}

#[test]
fn a_cache_folder_that_is_a_link_out_of_the_site_is_refused() {
    let site = SiteTest::copy_beside_canary("blog");
    symlink("../canary", site.root().join(".qsite")).unwrap();
    let before = canary(&site);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&[".qsite`: it is a symbolic link"]);
    site.qsite(&["clean"]).assert_code(2).assert_stderr_has(&[".qsite`: it is a symbolic link"]);
    assert_eq!(canary(&site), before);
}

#[test]
fn an_output_folder_that_is_a_link_out_of_the_site_is_refused() {
    let site = SiteTest::copy_beside_canary("blog");
    symlink("../canary", site.root().join("public")).unwrap();
    let before = canary(&site);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["refusing to build into `public`", "symbolic link"]);
    site.qsite(&["clean"]).assert_code(2).assert_stderr_has(&["refusing to build into `public`", "symbolic link"]);
    assert_eq!(canary(&site), before);
}

#[test]
fn an_output_folder_that_is_a_file_is_named_as_one() {
    let site = SiteTest::copy("blog");
    site.write("public", "not a folder");
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["refusing to build into `public`: it is a file"]);
    assert_eq!(site.read_input("public"), "not a folder");
}

#[test]
fn a_staged_manifest_that_is_a_link_is_replaced_not_written_through() {
    let site = SiteTest::copy_beside_canary("blog");
    site.build();
    symlink("../../canary/victim.txt", site.root().join("public/.qsite-manifest-new")).unwrap();
    let before = canary(&site);
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.build();
    assert_eq!(canary(&site), before);
    site.assert_same_as_clean_build();
}

#[test]
fn a_manifest_that_is_a_link_or_a_fifo_is_refused_never_read() {
    let site = SiteTest::copy_beside_canary("blog");
    site.build();
    std::fs::write(site.canary().join("list.txt"), "index.html\n").unwrap();
    std::fs::remove_file(site.root().join("public").join(MANIFEST)).unwrap();
    symlink("../../canary/list.txt", site.root().join("public").join(MANIFEST)).unwrap();
    let before = canary(&site);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&[".qsite-manifest`: it is a symbolic link"]);
    site.qsite(&["clean"]).assert_code(2).assert_stderr_has(&[".qsite-manifest`: it is a symbolic link"]);
    assert_eq!(canary(&site), before);
    assert!(site.has_output("index.html"));
    // A FIFO would block a reader forever.
    std::fs::remove_file(site.root().join("public").join(MANIFEST)).unwrap();
    let status = std::process::Command::new("mkfifo").arg(site.root().join("public").join(MANIFEST)).status();
    assert!(status.unwrap().success());
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&[".qsite-manifest`: it is not a regular file"]);
}

#[test]
fn an_output_replaced_by_a_link_is_written_as_a_file_again() {
    let site = SiteTest::copy_beside_canary("blog");
    site.build();
    std::fs::remove_file(site.root().join("public/blog/post-03/index.html")).unwrap();
    symlink("../../../../canary/victim.txt", site.root().join("public/blog/post-03/index.html")).unwrap();
    let before = canary(&site);
    site.build();
    assert_eq!(canary(&site), before);
    assert!(!site.root().join("public/blog/post-03/index.html").is_symlink());
    site.assert_same_as_clean_build();
}

#[test]
fn init_with_force_never_writes_through_a_link() {
    let site = SiteTest::copy_beside_canary("blog");
    std::fs::remove_dir_all(site.root().join("templates")).unwrap();
    symlink("../canary", site.root().join("templates")).unwrap();
    let before = canary(&site);
    let run = site.qsite(&["init", "--force"]);
    run.assert_code(2).assert_stderr_has(&["templates`: it is a symbolic link"]);
    assert_eq!(canary(&site), before);
    std::fs::remove_file(site.root().join("templates")).unwrap();
    std::fs::remove_file(site.root().join("qsite.toml")).unwrap();
    symlink("../canary/victim.txt", site.root().join("qsite.toml")).unwrap();
    site.qsite(&["init", "--force"]).assert_code(2).assert_stderr_has(&["qsite.toml`: it is a symbolic link"]);
    assert_eq!(canary(&site), before);
    // A FIFO would block a writer until somebody reads it.
    std::fs::remove_file(site.root().join("qsite.toml")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(site.root().join("qsite.toml")).status();
    assert!(fifo.unwrap().success());
    site.qsite(&["init", "--force"]).assert_code(2).assert_stderr_has(&["qsite.toml`: it is not a regular file"]);
}

#[test]
fn new_never_follows_a_link_out_of_content() {
    let site = SiteTest::copy_beside_canary("blog");
    symlink("../../canary", site.root().join("content/linked")).unwrap();
    let before = canary(&site);
    let run = site.qsite(&["new", "linked/post.md"]);
    run.assert_code(2).assert_stderr_has(&["content/linked`: it is a symbolic link"]);
    assert_eq!(canary(&site), before);
}

#[test]
fn links_and_fifos_in_the_site_folder_are_skipped_with_a_warning() {
    let site = SiteTest::copy_beside_canary("blog");
    symlink("../../canary", site.root().join("static/linked")).unwrap();
    symlink("/dev/zero", site.root().join("static/zero.bin")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(site.root().join("static/pipe")).status();
    assert!(fifo.unwrap().success());
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&[
        "skipped `static/linked`: it is a symbolic link",
        "skipped `static/zero.bin`: it is a symbolic link",
        "skipped `static/pipe`: it is not a regular file",
    ]);
    assert!(!site.root().join("public/linked").exists());
    assert!(!site.root().join("public/zero.bin").exists());
    assert!(!site.root().join("public/pipe").exists());
    site.qsite(&["check"]).assert_code(0);
}

#[test]
fn cache_files_that_are_links_are_replaced_never_written_through() {
    let site = SiteTest::copy_beside_canary("blog");
    site.build();
    let before = canary(&site);
    for name in ["cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"] {
        let path = site.root().join(".qsite").join(name);
        let _ = std::fs::remove_file(&path);
        symlink("../../canary/victim.txt", &path).unwrap();
        site.edit("content/blog/post-03.md", "Post number", "Post numero");
        site.qsite(&["build"]).assert_code(0);
        assert_eq!(canary(&site), before, "written through `.qsite/{name}`");
        site.assert_same_as_clean_build();
        site.edit("content/blog/post-03.md", "Post numero", "Post number");
        site.build();
    }
}
