//! After every kind of edit, in one database, the output equals a clean build.

use super::{BLOG, edit};
use crate::BuildOptions;
use crate::test_db::TestDb;

/// Applies `change` to a rendered site and checks the result against a clean build.
fn check(change: impl FnOnce(&mut TestDb)) {
    let mut db = TestDb::with_site(BLOG);
    db.render_all();
    change(&mut db);
    db.assert_same_as_clean_build();
}

fn replace(db: &mut TestDb, path: &str, from: &str, to: &str) {
    let text = edit(db.file(path), from, to);
    db.set_file(path, &text);
}

#[test]
fn body_edit() {
    check(|db| replace(db, "content/blog/b.md", "B links", "B still links"));
}

#[test]
fn title_edit() {
    check(|db| replace(db, "content/blog/c.md", "title = \"C\"", "title = \"See\""));
}

#[test]
fn date_edit_that_reorders_listings() {
    check(|db| {
        replace(db, "content/blog/a.md", "date = 2024-01-01", "date = 2024-01-09");
        let (outputs, _) = db.render_all();
        assert_eq!(outputs["blog/index.html"], "<html><li>A</li><li>C</li></html>");
    });
}

#[test]
fn tag_added_and_removed() {
    check(|db| replace(db, "content/blog/a.md", "tags = [\"x\"]", "tags = [\"x\", \"z\"]"));
    check(|db| {
        replace(db, "content/blog/c.md", "tags = [\"y\"]", "tags = []");
        replace(db, "content/blog/b.md", "tags = [\"x\", \"y\"]", "tags = [\"x\"]");
        let (outputs, _) = db.render_all();
        assert!(!outputs.contains_key("tags/y/index.html"));
    });
}

#[test]
fn draft_toggled_on_and_off() {
    check(|db| replace(db, "content/blog/d.md", "draft = true", "draft = false"));
    check(|db| {
        replace(db, "content/blog/d.md", "draft = true", "draft = false");
        db.render_all();
        replace(db, "content/blog/d.md", "draft = false", "draft = true");
    });
    check(|db| db.set_options(BuildOptions { drafts: true, ..BuildOptions::default() }));
}

#[test]
fn page_added_deleted_and_renamed() {
    check(|db| db.set_file("content/blog/e.md", "+++\ntitle = \"E\"\ndate = 2024-02-01\ntags = [\"new\"]\n+++\nE.\n"));
    check(|db| db.remove_file("content/blog/c.md"));
    check(|db| db.rename_file("content/blog/c.md", "content/blog/see.md"));
}

#[test]
fn link_target_deleted_then_restored() {
    let mut db = TestDb::with_site(BLOG);
    db.render_all();
    let a = db.file("content/blog/a.md").to_owned();
    db.remove_file("content/blog/a.md");
    let (_, diagnostics) = db.render_all();
    assert!(
        diagnostics.iter().any(|d| d.file == "content/blog/b.md" && d.code == "qsite::links::broken"),
        "{diagnostics:?}"
    );
    db.assert_same_as_clean_build();
    db.set_file("content/blog/a.md", &a);
    db.assert_same_as_clean_build();
    assert!(db.render_all().1.is_empty());
}

#[test]
fn template_and_config_edits() {
    check(|db| replace(db, "templates/page.html", "<h1>", "<h1 class=\"t\">"));
    check(|db| db.remove_file("templates/page.html"));
    check(|db| replace(db, "qsite.toml", "https://t.test", "https://other.test"));
    check(|db| replace(db, "qsite.toml", "taxonomies = [\"tags\"]", "taxonomies = []"));
    check(|db| db.set_options(BuildOptions { base_url: Some("http://127.0.0.1:9".into()), ..BuildOptions::default() }));
}

#[test]
fn static_file_edited_added_and_removed() {
    check(|db| db.set_file("static/s.css", "body { color: red }"));
    check(|db| db.set_file("static/t.css", "p {}"));
    check(|db| db.remove_file("static/s.css"));
}

#[test]
fn file_edited_and_restored() {
    check(|db| {
        let original = db.file("content/blog/a.md").to_owned();
        replace(db, "content/blog/a.md", "title = \"A\"", "title = \"Changed\"");
        db.render_all();
        db.set_file("content/blog/a.md", &original);
    });
}

#[test]
fn a_prepared_rendering_is_used_only_for_the_bytes_it_was_made_from() {
    use std::sync::Arc;

    use crate::{Change, Prepared};

    let mut db = TestDb::with_site(BLOG);
    let stale = Arc::new(crate::markdown::render_markdown("Not what the file says.", 0));
    // A rendering claiming other bytes is ignored.
    let wrong = Prepared { content_hash: *blake3::hash(b"other").as_bytes(), value: stale.clone() };
    db.apply(Change { prepared_markdown: vec![("content/blog/a.md".into(), wrong)], ..Change::default() });
    db.assert_same_as_clean_build();
    // The right one is used as it is (here deliberately different, to see it).
    let text = db.file("content/blog/a.md").to_owned();
    let right = Prepared { content_hash: *blake3::hash(text.as_bytes()).as_bytes(), value: stale };
    db.apply(Change { prepared_markdown: vec![("content/blog/a.md".into(), right)], ..Change::default() });
    assert!(db.render_all().0["blog/a/index.html"].contains("Not what the file says."));
}

#[test]
fn an_unread_file_with_its_front_matter_renders_listings_and_asks_for_its_text_only_for_its_body() {
    use std::sync::Arc;

    use crate::{Change, FileText, Prepared, take_wanted};

    let db = TestDb::with_site(BLOG);
    let expected = db.render_all();
    let text = db.file("content/blog/a.md").to_owned();
    let hash = *blake3::hash(text.as_bytes()).as_bytes();
    let encoded =
        crate::front_matter::encode(&db.front_matter("content/blog/a.md")).expect("plain front matter round-trips");
    // A new database, as a new process makes it: the file unread, its front
    // matter from the cache.
    let mut unread = TestDb::with_site(BLOG);
    take_wanted();
    unread.apply(Change {
        files: vec![("content/blog/a.md".into(), Some(FileText::Unread { hash }))],
        prepared_front_matter: vec![(
            "content/blog/a.md".into(),
            Prepared { content_hash: hash, value: Arc::from(encoded) },
        )],
        ..Change::default()
    });
    assert_eq!(unread.front_matter("content/blog/a.md"), db.front_matter("content/blog/a.md"));
    assert!(take_wanted().is_empty(), "the metadata comes from the prepared front matter");
    unread.render_all();
    let wanted: Vec<String> = take_wanted().iter().map(ToString::to_string).collect();
    assert_eq!(wanted, ["content/blog/a.md"], "its body needs its text");
    unread.set_file("content/blog/a.md", &text);
    assert_eq!(unread.render_all(), expected);
}
