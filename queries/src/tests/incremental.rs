//! After every kind of edit, in one database, the output equals a clean build.

use std::sync::{Arc, Mutex};

use camino::Utf8Path;

use super::{BLOG, edit};
use crate::test_db::TestDb;
use crate::{BuildOptions, Change, FileHost, FileText, MemoryHost, Prepared};

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
        assert_eq!(outputs["blog/index.html"], "<html><li>A</li><li>C</li></html>\n");
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
    let stale = crate::markdown::render_markdown("Not what the file says.", 0, &Default::default());
    // A rendering made under other options is ignored.
    let text = db.file("content/blog/a.md").to_owned();
    let other_options =
        Prepared { content_hash: *blake3::hash(text.as_bytes()).as_bytes(), value: Arc::new(stale.clone()) };
    db.apply(Change { prepared_markdown: vec![("content/blog/a.md".into(), other_options)], ..Change::default() });
    db.assert_same_as_clean_build();
    let stale = Arc::new(crate::Markdown { options_key: crate::markdown::options_key(db.db()), ..stale });
    // A rendering claiming other bytes is ignored.
    let wrong = Prepared { content_hash: *blake3::hash(b"other").as_bytes(), value: stale.clone() };
    db.apply(Change { prepared_markdown: vec![("content/blog/a.md".into(), wrong)], ..Change::default() });
    db.assert_same_as_clean_build();
    // The right one is used as it is (here deliberately different, to see it).
    let right = Prepared { content_hash: *blake3::hash(text.as_bytes()).as_bytes(), value: stale };
    db.apply(Change { prepared_markdown: vec![("content/blog/a.md".into(), right)], ..Change::default() });
    assert!(db.render_all().0["blog/a/index.html"].contains("Not what the file says."));
}

/// A host that hands out texts from memory and records which files' texts
/// queries asked it for.
struct Recording {
    host: MemoryHost,
    asked: Arc<Mutex<Vec<String>>>,
}

impl FileHost for Recording {
    fn text(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<str>> {
        self.asked.lock().unwrap().push(path.to_string());
        self.host.text(path, content_hash)
    }

    fn bytes(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        self.host.bytes(path, content_hash)
    }

    fn stored_front_matter(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        self.host.stored_front_matter(path, content_hash)
    }
}

/// [`BLOG`] as a new process loads it after a build: `content/blog/a.md`
/// unread, known by the hash of its bytes, with its front matter as the
/// cache keeps it handed over with the file (`handed_over`) or left for the
/// host to give; and which texts the host was asked for.
fn blog_with_a_unread(handed_over: bool) -> (TestDb, Arc<Mutex<Vec<String>>>) {
    const A: &str = "content/blog/a.md";
    let clean = TestDb::with_site(BLOG);
    let text: Arc<str> = Arc::from(clean.file(A));
    let hash = *blake3::hash(text.as_bytes()).as_bytes();
    let encoded: Arc<[u8]> =
        crate::front_matter::encode(&clean.front_matter(A)).expect("plain front matter round-trips").into();
    let mut host = MemoryHost::new([(A.into(), text)]);
    let mut change = Change { files: vec![(A.into(), Some(FileText::Unread { hash }))], ..Change::default() };
    if handed_over {
        change.prepared_front_matter.push((A.into(), Prepared { content_hash: hash, value: encoded }));
    } else {
        host = host.with_front_matter(A.into(), hash, encoded);
    }
    let asked = Arc::default();
    let mut unread = TestDb::with_host(BLOG, Recording { host, asked: Arc::clone(&asked) });
    unread.apply(change);
    (unread, asked)
}

#[test]
fn an_unread_file_with_its_front_matter_renders_listings_and_asks_for_its_text_only_for_its_body() {
    let (unread, asked) = blog_with_a_unread(true);
    let clean = TestDb::with_site(BLOG);
    assert_eq!(unread.front_matter("content/blog/a.md"), clean.front_matter("content/blog/a.md"));
    assert!(asked.lock().unwrap().is_empty(), "the metadata comes from the prepared front matter");
    assert_eq!(unread.render_all(), clean.render_all(), "the text comes from the host in the same pass");
    assert_eq!(*asked.lock().unwrap(), ["content/blog/a.md"], "its body needs its text");
}

#[test]
fn an_unread_file_without_prepared_front_matter_takes_the_one_the_host_stored() {
    let (unread, asked) = blog_with_a_unread(false);
    let clean = TestDb::with_site(BLOG);
    assert_eq!(unread.front_matter("content/blog/a.md"), clean.front_matter("content/blog/a.md"));
    assert!(asked.lock().unwrap().is_empty(), "the metadata comes from the front matter the host stored");
    assert_eq!(unread.render_all(), clean.render_all());
    assert_eq!(*asked.lock().unwrap(), ["content/blog/a.md"], "its body needs its text");
}
