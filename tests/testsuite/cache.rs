//! The cache across processes: a no-op stops at the stat, `public/` is a
//! mirror that gets repaired, and no fault of the cache (deleted, truncated,
//! garbage, old, locked, a killed build) ever costs a correct output.

use std::time::Duration;

use crate::support::SiteTest;

fn cache_file(site: &SiteTest) -> std::path::PathBuf {
    site.root().join(".qsite/cache.sqlite")
}

#[test]
fn no_op_renders_and_writes_nothing() {
    let site = SiteTest::copy("blog");
    site.build();
    let before: Vec<_> = std::fs::read_dir(site.root().join("public/blog"))
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().modified().unwrap())
        .collect();
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    let after: Vec<_> = std::fs::read_dir(site.root().join("public/blog"))
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().modified().unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_build_leaves_its_cache_as_one_closed_file() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("content/blog/post-01.md", "+++\ntitle = \"First\"\n+++\nEdited.\n");
    site.build();
    // An open connection leaves its write-ahead log beside the file, for
    // every later process to read through.
    for companion in ["cache.sqlite-wal", "cache.sqlite-shm"] {
        assert!(!site.root().join(".qsite").join(companion).exists(), "{companion} was left behind");
    }
    assert!(cache_file(&site).is_file());
}

#[test]
fn no_op_still_reports_warnings() {
    let site = SiteTest::copy("blog");
    site.write("content/blog/odd.md", "+++\ntitle = \"Odd\"\nmood = \"happy\"\n+++\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["unknown front matter key `mood`"]);
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&["unknown front matter key `mood`", "content/blog/odd.md:3:1"]);
    assert!(run.stdout.contains("nothing changed"));
}

#[test]
fn edit_right_after_a_build_is_seen_even_with_the_same_size() {
    let site = SiteTest::copy("blog");
    site.build();
    // Same length, same second: only the contents tell.
    site.edit("content/blog/post-07.md", "title = \"Post 7\"", "title = \"Post X\"");
    site.build().assert_same_as_clean_build();
    assert!(site.output("blog/post-07/index.html").contains("Post X"));
}

#[test]
fn hand_edited_and_deleted_outputs_are_repaired() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("public/index.html", "vandalized");
    std::fs::remove_file(site.root().join("public/blog/post-01/index.html")).unwrap();
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("2 repaired"), "{}", run.stdout);
    assert!(run.stdout.contains("2 files changed or deleted by hand in the output and written back"), "{}", run.stdout);
    site.assert_same_as_clean_build();
}

#[test]
fn clean_flag_ignores_the_cache_and_clean_command_removes_only_qsites_files() {
    let site = SiteTest::copy("blog");
    site.build();
    let run = site.qsite(&["build", "--clean", "-v"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("rendered 33, reused 0 (0 bodies from the store), 0 files written, 36 unchanged"),
        "{}",
        run.stdout
    );
    site.write("public/mine.txt", "not qsite's");
    let run = site.qsite(&["clean"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Removed 36 output files"), "{}", run.stdout);
    assert!(!site.root().join(".qsite").exists());
    assert_eq!(crate::support::tree(&site.root().join("public")).keys().collect::<Vec<_>>(), ["mine.txt"]);
    site.remove("public/mine.txt");
    site.build().assert_same_as_clean_build();
}

/// Damages the cache with `damage`, then checks the next build succeeds,
/// says so in one line, and is correct.
fn survives(damage: impl FnOnce(&SiteTest), note: &str) {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    damage(&site);
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&[note]);
    site.assert_same_as_clean_build();
    // And the cache works again afterwards.
    assert!(site.qsite(&["build"]).stdout.contains("nothing changed"));
}

#[test]
fn deleted_cache() {
    let site = SiteTest::copy("blog");
    site.build();
    std::fs::remove_dir_all(site.root().join(".qsite")).unwrap();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.build().assert_same_as_clean_build();
}

#[test]
fn truncated_cache() {
    survives(
        |site| {
            let file = std::fs::OpenOptions::new().write(true).open(cache_file(site)).unwrap();
            file.set_len(100).unwrap();
            let _ = std::fs::remove_file(site.root().join(".qsite/cache.sqlite-wal"));
        },
        "note: the cache was unreadable",
    );
}

#[test]
fn garbage_cache() {
    survives(
        |site| {
            std::fs::write(cache_file(site), vec![0x5a; 8192]).unwrap();
            let _ = std::fs::remove_file(site.root().join(".qsite/cache.sqlite-wal"));
        },
        "note: the cache was unreadable",
    );
}

#[test]
fn cache_from_an_older_schema() {
    survives(
        |site| {
            let connection = rusqlite::Connection::open(cache_file(site)).unwrap();
            connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'", []).unwrap();
        },
        "note: the cache was from another qsite version",
    );
}

#[test]
fn cache_from_another_binary() {
    survives(
        |site| {
            let connection = rusqlite::Connection::open(cache_file(site)).unwrap();
            connection.execute("UPDATE meta SET value = 'another' WHERE key = 'build_id'", []).unwrap();
        },
        "note: the cache was made by another qsite binary",
    );
}

#[test]
fn cache_locked_by_another_program_is_built_without_it_and_said() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let connection = rusqlite::Connection::open(cache_file(&site)).unwrap();
    connection.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;").unwrap();
    let run = site.qsite(&["build"]);
    // qsite builds take turns through `.qsite/lock`; another program holding
    // the database itself costs this build its cache, and it says so.
    run.assert_code(2).assert_stderr_has(&["note: the cache is locked by another program", "could not be saved"]);
    assert!(site.output("blog/post-03/index.html").contains("Post number three"));
    drop(connection);
    site.build().assert_same_as_clean_build();
}

#[test]
fn unwritable_output_is_an_environment_error_and_the_cache_stays_true() {
    let site = SiteTest::copy("blog");
    site.build();
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    // A file where a directory must go: even root cannot write through it.
    std::fs::remove_dir_all(site.root().join("public/blog/post-03")).unwrap();
    site.write("public/blog/post-03", "in the way");
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["post-03`: it is a file where qsite needs a folder"]);
    std::fs::remove_file(site.root().join("public/blog/post-03")).unwrap();
    site.build().assert_same_as_clean_build();
}

/// A site big enough that a build takes a while, with an edit to apply.
fn big_site() -> SiteTest {
    let site = SiteTest::copy("blog");
    for i in 0..300 {
        site.write(
            &format!("content/blog/extra-{i:03}.md"),
            &format!(
                "+++\ntitle = \"Extra {i}\"\ndate = 2023-01-01T00:{:02}:{:02}Z\ntags = [\"t{}\"]\n+++\n{}\n",
                i / 60,
                i % 60,
                i % 7,
                "Words and more words. ".repeat(50)
            ),
        );
    }
    site
}

#[test]
fn a_build_killed_at_any_moment_is_repaired_by_the_next() {
    let site = big_site();
    site.build();
    let mut edit = 0;
    for delay_ms in [0, 2, 5, 10, 20, 35, 50, 80, 120, 200, 300, 500] {
        edit += 1;
        site.edit("content/blog/post-05.md", "Post number 5", &format!("Post number 5 (edit {edit})"));
        site.edit(
            "content/blog/post-05.md",
            &format!("Post number 5 (edit {edit})"),
            &format!("Post number 5 (edit {edit})"),
        );
        if edit % 3 == 0 {
            site.write(
                &format!("content/blog/new-{edit}.md"),
                &format!("+++\ntitle = \"New {edit}\"\ndate = 2025-01-01\n+++\n"),
            );
        }
        if edit % 4 == 0 {
            site.remove(&format!("content/blog/extra-{:03}.md", edit));
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qsite"))
            .arg("--root")
            .arg(site.root())
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        site.edit("content/blog/post-05.md", &format!("(edit {edit})"), &format!("(edit {edit})"));
    }
    site.build().assert_same_as_clean_build();
}

/// Builds, applies `edit`, builds in a new process, and returns its summary
/// after checking the result against a clean build.
fn rebuild_after(edit: impl FnOnce(&SiteTest)) -> String {
    let site = SiteTest::copy("blog");
    site.build();
    edit(&site);
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    site.assert_same_as_clean_build();
    run.stdout
}

#[test]
fn body_edit_in_a_new_process_renders_its_page_and_the_feed() {
    let summary = rebuild_after(|site| {
        site.edit("content/blog/post-05.md", "More about post 5.", "More and more about post 5.");
    });
    // The feed's other eleven entries come from the store, not from Markdown.
    assert!(summary.contains("rendered 2, reused 31 (11 bodies from the store), 2 files written"), "{summary}");
}

#[test]
fn title_edit_in_a_new_process_renders_exactly_what_shows_the_title() {
    // The page, the blog page listing it, the home's ten newest, its tag
    // page and the feed.
    let summary = rebuild_after(|site| {
        site.edit("content/blog/post-05.md", "title = \"Post 5\"", "title = \"Post Five\"");
    });
    assert!(summary.contains("rendered 5, reused 28 (11 bodies from the store), 5 files written"), "{summary}");
}

#[test]
fn partial_edit_in_a_new_process_renders_what_includes_it() {
    let summary = rebuild_after(|site| {
        site.edit("templates/partials/nav.html", "<nav>", "<nav class=\"top\">");
    });
    // Every output of a site template (they all extend base.html, which
    // includes the partial); not the feed, sitemap, robots, 404 or redirects.
    // Every page is rendered again; the twelve bodies the feed shows come
    // from the store, the four others are rendered.
    assert!(summary.contains("rendered 26, reused 7 (12 bodies from the store)"), "{summary}");
}

#[test]
fn reused_link_checks_still_report_their_warnings() {
    let site = SiteTest::copy("blog");
    site.edit("qsite.toml", "[extra]", "[links]\nbroken = \"warn\"\n\n[extra]");
    site.edit("content/blog/post-09.md", "More about post 9.", "More about [post 99](@/blog/post-99.md).");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["broken internal link", "content/blog/post-09.md:13:12"]);
    site.edit("content/blog/post-01.md", "More about post 1.", "More about post one.");
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0).assert_stderr_has(&["broken internal link", "content/blog/post-09.md:13:12"]);
    assert!(run.stdout.contains("rendered 2,"), "{}", run.stdout);
    // Restoring the target resolves the warning: the check is redone.
    site.write("content/blog/post-99.md", "+++\ntitle = \"Post 99\"\ndate = 2023-01-01\n+++\n");
    let run = site.qsite(&["build"]);
    assert!(!run.stderr.contains("broken internal link"), "{}", run.stderr);
    site.assert_same_as_clean_build();
}

#[test]
fn temporary_files_of_an_interrupted_write_are_swept() {
    let site = SiteTest::copy("blog");
    site.build();
    // What a build killed between writing and renaming leaves behind: the
    // manifest names its token, and a temporary file carries it.
    let manifest = site.output(".qsite-manifest");
    let (header, paths) = manifest.split_once('\n').unwrap();
    site.write("public/.qsite-manifest", &format!("{header}\nwriting 0123456789abcdef\n{paths}"));
    site.write("public/blog/post-01/.qsite-tmp-0123456789abcdef-index.html", "half");
    // A user's file that merely looks similar is not qsite's to delete.
    site.write("public/blog/post-01/.index.html.qsite-tmp", "mine");
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.build();
    assert!(!site.has_output("blog/post-01/.qsite-tmp-0123456789abcdef-index.html"));
    assert_eq!(site.output("blog/post-01/.index.html.qsite-tmp"), "mine");
    site.remove("public/blog/post-01/.index.html.qsite-tmp").assert_same_as_clean_build();
}

#[test]
fn edits_to_bodies_metadata_templates_and_data_in_one_rebuild() {
    // The configuration and the file set are unchanged, so reads of the
    // other pages are trusted without being computed; what changed must
    // still reach every output that shows it.
    rebuild_after(|site| {
        site.edit("content/blog/post-05.md", "More about post 5.", "More and more about post 5.");
        site.edit("content/blog/post-02.md", "date = 2024-01-02", "date = 2025-01-02");
        site.edit("content/notes/beta.md", "title: \"Note beta\"", "title: \"Note beta, again\"");
        site.edit("templates/taxonomy_single.html", "<ol>", "<ol class=\"terms\">");
        site.edit("data/authors.toml", "Tess Tester", "Tess T. Tester");
    });
}

#[test]
fn a_date_no_template_prints_still_reorders_listings_in_a_new_process() {
    // The blog listing prints titles only, ordered by date.
    rebuild_after(|site| {
        site.edit("content/blog/post-03.md", "date = 2024-01-03", "date = 2026-01-03");
    });
}
