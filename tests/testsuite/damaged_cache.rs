//! A damaged cache never changes the output: rows deleted or edited with
//! another tool, bit rot in stored values and malformed pages all end in a
//! correct build with exit 0, never in a stale page or an emptied output
//! folder. See issue #27.

use crate::support::SiteTest;

/// Runs `statements` on the site's cache, as another tool would.
fn sql(site: &SiteTest, statements: &str) {
    let connection = rusqlite::Connection::open(site.root().join(".qsite/cache.sqlite")).unwrap();
    connection.execute_batch(statements).unwrap();
}

#[test]
fn deleted_output_records_delete_nothing_and_the_output_stays_whole() {
    let site = SiteTest::copy("blog");
    site.build();
    let before = site.public();
    sql(&site, "DELETE FROM outputs;");
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains(" 0 deleted"), "{}", run.stdout);
    assert_eq!(site.public().len(), before.len(), "the output lost files");
    site.assert_same_as_clean_build();
    site.edit("content/blog/post-03.md", "Post number three", "Post number 3");
    site.build().assert_same_as_clean_build();
}

#[test]
fn a_dropped_output_table_or_half_its_rows_never_empty_the_folder() {
    let site = SiteTest::copy("blog");
    site.build();
    let before = site.public();
    sql(&site, "DROP TABLE outputs;");
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.public().len(), before.len(), "the output lost files");
    site.assert_same_as_clean_build();
    sql(&site, "DELETE FROM outputs WHERE length(path) % 2 = 0;");
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.public().len(), before.len(), "the output lost files");
    site.assert_same_as_clean_build();
}

#[test]
fn bit_rot_in_stored_front_matter_is_never_published() {
    let site = SiteTest::copy("blog");
    site.build();
    // The stored title of one post changes under qsite's feet.
    sql(&site, "UPDATE facts SET value = CAST(replace(CAST(value AS TEXT), 'Post 3', 'Shou') AS BLOB);");
    // A title edit elsewhere re-renders the listings that show post 3's title.
    site.edit("content/blog/post-04.md", "title = \"Post 4\"", "title = \"Post four\"");
    site.build().assert_same_as_clean_build();
    assert!(!site.output("blog/index.html").contains("Shou"));
}

#[test]
fn edited_stored_listings_and_bodies_are_computed_again() {
    let site = SiteTest::copy("blog");
    site.build();
    sql(
        &site,
        "UPDATE site_values SET value = replace(value, 'post-0', 'post-9');
         UPDATE store SET value = CAST(replace(CAST(value AS TEXT), 'starts here', 'ends there') AS BLOB);",
    );
    site.edit("content/blog/post-04.md", "title = \"Post 4\"", "title = \"Post four\"");
    site.build().assert_same_as_clean_build();
}

#[test]
fn a_trace_edited_to_read_less_is_not_trusted() {
    let site = SiteTest::copy("blog");
    site.build();
    // Each trace forgets its first read: verified as it is, an edit of what
    // that read saw would go unnoticed.
    sql(
        &site,
        "UPDATE traces SET reads = substr(reads, 9) WHERE length(reads) > 8;
         UPDATE checks SET reads = substr(reads, 9) WHERE length(reads) > 8;",
    );
    site.edit("content/blog/post-03.md", "Post number 3", "Post number three");
    site.edit("templates/page.html", "<article>", "<article class=\"post\">");
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&["the cache could not be read", "does not match its checksum"]);
    site.assert_same_as_clean_build();
    // Healed: the next edit builds warm again.
    site.edit("content/blog/post-03.md", "Post number three", "Post number 3");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("could not be read"), "{}", run.stderr);
    site.assert_same_as_clean_build();
}

#[test]
fn malformed_pages_are_moved_aside_and_the_build_is_cold_with_exit_0() {
    let site = SiteTest::copy("blog");
    let file = site.root().join(".qsite/cache.sqlite");
    let page = 4096;
    for damaged_page in 1..8u64 {
        site.build();
        let length = std::fs::metadata(&file).unwrap().len();
        if damaged_page * page >= length {
            break;
        }
        let mut bytes = std::fs::read(&file).unwrap();
        let start = usize::try_from(damaged_page * page).unwrap();
        for byte in &mut bytes[start..start + 512] {
            *byte ^= 0xa5;
        }
        std::fs::write(&file, bytes).unwrap();
        site.edit("content/blog/post-03.md", "Post number", "Post numero");
        site.qsite(&["build"]).assert_code(0);
        site.assert_same_as_clean_build();
        site.qsite(&["build", "--clean"]).assert_code(0);
        site.edit("content/blog/post-03.md", "Post numero", "Post number");
    }
}
