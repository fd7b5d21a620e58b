//! Persisted traces agree with salsa: a trace that verifies always belongs to
//! an output whose bytes are unchanged, a trace fails only where salsa
//! re-renders too, and after edits of existing files exactly there. (When a
//! file is added or removed salsa re-runs more: every render that looked up
//! a template read the whole file set, while a trace names the template.)

use super::{BLOG, edit};
use crate::test_db::TestDb;

/// Applies `change` and checks the traces taken before it against salsa.
fn agree(change: impl FnOnce(&mut TestDb)) {
    check(change, true);
}

fn check(change: impl FnOnce(&mut TestDb), exactly: bool) {
    let mut db = TestDb::with_site(BLOG);
    let (before, _) = db.render_all();
    let traces = db.traces();
    change(&mut db);
    let stale = db.stale(&traces);
    let rerendered = db.rerendered();
    let (after, _) = db.render_all();
    for (output, text) in &after {
        if traces.contains_key(output) && !stale.contains(output) {
            assert_eq!(Some(text), before.get(output), "`{output}` verified but changed");
        }
    }
    let stale_present: Vec<&String> = stale.iter().filter(|output| after.contains_key(*output)).collect();
    let rerendered_known: Vec<&String> = rerendered.iter().filter(|output| traces.contains_key(*output)).collect();
    if exactly {
        assert_eq!(stale_present, rerendered_known, "traces and salsa disagree");
    } else {
        assert!(
            stale_present.iter().all(|output| rerendered_known.contains(output)),
            "{stale_present:?} not within {rerendered_known:?}"
        );
    }
}

fn replace(db: &mut TestDb, path: &str, from: &str, to: &str) {
    let text = edit(db.file(path), from, to);
    db.set_file(path, &text);
}

#[test]
fn body_edit() {
    agree(|db| replace(db, "content/blog/a.md", "A body.", "A new body."));
}

#[test]
fn title_edit() {
    agree(|db| replace(db, "content/blog/a.md", "title = \"A\"", "title = \"A2\""));
}

#[test]
fn date_edit_that_reorders() {
    agree(|db| replace(db, "content/blog/a.md", "date = 2024-01-01", "date = 2024-01-09"));
}

#[test]
fn tag_edit() {
    agree(|db| replace(db, "content/blog/c.md", "tags = [\"y\"]", "tags = [\"y\", \"x\"]"));
}

#[test]
fn draft_toggle() {
    agree(|db| replace(db, "content/blog/d.md", "draft = true", "draft = false"));
}

#[test]
fn page_added_and_deleted() {
    check(|db| db.set_file("content/blog/e.md", "+++\ntitle = \"E\"\ndate = 2024-02-01\n+++\nE.\n"), false);
    check(|db| db.remove_file("content/blog/c.md"), false);
}

#[test]
fn template_and_config_edits() {
    agree(|db| replace(db, "templates/section.html", "<li>", "<li class=\"p\">"));
    agree(|db| replace(db, "templates/base.html", "<html>", "<html lang=\"en\">"));
    agree(|db| replace(db, "qsite.toml", "title = \"T\"", "title = \"T2\""));
}
