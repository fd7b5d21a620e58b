//! Each edit re-renders exactly the outputs that show what it changed.

use super::{BLOG, FEEDS, edit};
use crate::test_db::{TestDb, rerendered};

fn site() -> TestDb {
    let db = TestDb::with_site(BLOG);
    db.render_all();
    db
}

#[test]
fn body_edit_rerenders_its_page_and_the_feed_only() {
    let mut db = site();
    let text = edit(db.file("content/blog/a.md"), "A body.", "A new body.");
    db.set_file("content/blog/a.md", &text);
    let executed = db.executed_by_render();
    assert!(executed.contains(&"markdown(content/blog/a.md)".to_owned()), "{executed:?}");
    // The firewall: metadata, listings' sets and the route table do not re-run.
    for absent in ["page_meta(", "pages_matching", "route_table", "taxonomy_index"] {
        assert!(!executed.iter().any(|entry| entry.starts_with(absent)), "{absent} re-ran: {executed:?}");
    }
    // The listings print only titles, so only the page and the feed (which
    // prints content) re-render.
    assert_eq!(rerendered(&executed), ["atom.xml", "blog/a/index.html"]);
    db.assert_same_as_clean_build();
}

#[test]
fn body_edit_after_the_summary_leaves_summary_listings_alone() {
    let mut db = site();
    let text = edit(db.file("content/blog/c.md"), "C rest.", "C rest, longer.");
    db.set_file("content/blog/c.md", &text);
    assert_eq!(db.rerendered(), ["atom.xml", "blog/c/index.html"]);
}

#[test]
fn title_edit_rerenders_exactly_the_outputs_that_show_the_title() {
    let mut db = site();
    let text = edit(db.file("content/blog/a.md"), "title = \"A\"", "title = \"A2\"");
    db.set_file("content/blog/a.md", &text);
    // Its page; page 2 of the blog (page 1 shows only C and B); the home's
    // newest list; its tag page; the feed; and B, whose empty-text link takes
    // A's title. Not the sitemap, the tag list or page 1.
    assert_eq!(
        db.rerendered(),
        [
            "atom.xml",
            "blog/a/index.html",
            "blog/b/index.html",
            "blog/page/2/index.html",
            "index.html",
            "tags/x/index.html"
        ]
    );
    db.assert_same_as_clean_build();
}

#[test]
fn template_edit_rerenders_exactly_the_outputs_that_used_it() {
    let mut db = site();
    let text = edit(db.file("templates/section.html"), "<li>", "<li class=\"post\">");
    db.set_file("templates/section.html", &text);
    assert_eq!(db.rerendered(), ["blog/index.html", "blog/page/2/index.html"]);
    db.assert_same_as_clean_build();
}

#[test]
fn layout_edit_rerenders_every_output_that_extends_it() {
    let mut db = site();
    db.set_file("templates/base.html", "<html lang=\"en\">{% block content %}{% endblock %}</html>\n");
    let rerendered = db.rerendered();
    assert_eq!(
        rerendered,
        [
            "blog/a/index.html",
            "blog/b/index.html",
            "blog/c/index.html",
            "blog/index.html",
            "blog/page/2/index.html",
            "index.html"
        ]
    );
    db.assert_same_as_clean_build();
}

#[test]
fn unchanged_save_starts_no_work() {
    let mut db = site();
    let text = db.file("content/blog/a.md").to_owned();
    db.set_file("content/blog/a.md", &text);
    assert_eq!(db.executed_by_render(), Vec::<String>::new());
}

#[test]
fn partial_edit_rerenders_exactly_the_outputs_that_include_it() {
    let mut db = TestDb::with_site(&format!("{BLOG}//- templates/partials/meta.html\n<small>meta</small>\n"));
    let page = edit(db.file("templates/page.html"), "<h1>", "{% include \"partials/meta.html\" %}<h1>");
    db.set_file("templates/page.html", &page);
    db.render_all();
    db.set_file("templates/partials/meta.html", "<small>changed</small>\n");
    assert_eq!(db.rerendered(), ["blog/a/index.html", "blog/b/index.html", "blog/c/index.html"]);
    db.assert_same_as_clean_build();
}

#[test]
fn adding_a_page_rerenders_only_what_shows_it() {
    // See the serve bench: the first page added used to re-render every
    // output, because the file set's durability dropped and no lookup of
    // it could be backdated.
    let mut db = site();
    db.set_file("content/notes/zzz.md", "+++\ntitle = \"Z\"\n+++\nOld.\n");
    let rerendered = db.rerendered();
    assert!(!rerendered.contains(&"blog/a/index.html".to_owned()), "{rerendered:?}");
    db.assert_same_as_clean_build();
}

#[test]
fn body_edit_rerenders_the_feeds_that_carry_the_page_and_no_other() {
    let mut db = TestDb::with_site(FEEDS);
    db.render_all();
    let text = edit(db.file("content/news/a.md"), "A body.", "A new body.");
    db.set_file("content/news/a.md", &text);
    assert_eq!(
        db.rerendered(),
        [
            "atom.xml",
            "news/a/index.html",
            "news/atom.xml",
            "news/rss.xml",
            "rss.xml",
            "tags/x/atom.xml",
            "tags/x/rss.xml"
        ]
    );
    db.assert_same_as_clean_build();
}
