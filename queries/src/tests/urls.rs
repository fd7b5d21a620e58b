//! URLs made from user text: every diagnostic about one points at the key
//! that made it, a value with nothing usable in it falls back with a warning,
//! two claims on one URL name both claimants, and odd bytes in any text file
//! are reported. See issue "Nothing outside the output folder is ever touched".

use crate::test_db::TestDb;
use crate::{Change, Diagnostic, FileText};

/// Each diagnostic as `severity code file:line:col message`, the way a
/// reader finds it in the file.
fn located(db: &TestDb, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let text = db.file(diagnostic.file.as_str());
            let before = &text.as_bytes()[..diagnostic.range.start.min(text.len())];
            let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|&&byte| byte != b'\n').count() + 1;
            format!(
                "{:?} {} {}:{line}:{column} {}",
                diagnostic.severity, diagnostic.code, diagnostic.file, diagnostic.message
            )
        })
        .collect()
}

fn diagnostics_of(fixture: &str) -> Vec<String> {
    let db = TestDb::with_site(fixture);
    let (_outputs, diagnostics) = db.render_all();
    located(&db, &diagnostics)
}

#[test]
fn an_unsafe_alias_is_reported_at_aliases_not_at_path_or_slug() {
    let diagnostics = diagnostics_of(
        r#"
//- content/a.md
+++
path = "/fine/"
slug = "fine"
aliases = ["/../escape/"]
+++
"#,
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::unsafe_path content/a.md:4:1 the URL `/../escape/` cannot be an output file: it contains `..`, which would leave the output folder"
        ]
    );
}

#[test]
fn an_unsafe_path_is_reported_at_path_even_after_slug_and_aliases() {
    let diagnostics = diagnostics_of(
        r#"
//- content/a.md
+++
aliases = ["/old/"]
slug = "fine"
path = "a\\b"
+++
"#,
    );
    assert_eq!(
        diagnostics,
        [
            r"Error qsite::routes::unsafe_path content/a.md:4:1 the URL `/a\b/` cannot be an output file: it contains a backslash"
        ]
    );
}

#[test]
fn a_duplicate_slug_is_reported_at_slug_naming_both_files() {
    let diagnostics = diagnostics_of(
        r#"
//- content/a.md
+++
aliases = ["/old-a/"]
slug = "same"
+++
//- content/b.md
+++
aliases = ["/old-b/"]
slug = "same"
+++
"#,
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/b.md:3:1 two outputs claim the URL `/same/`: `content/a.md` and `content/b.md`"
        ]
    );
}

#[test]
fn an_unsafe_section_path_is_reported_at_its_path() {
    let diagnostics = diagnostics_of(
        r#"
//- content/blog/_index.md
+++
title = "Blog"
path = "C:/blog"
+++
"#,
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::unsafe_path content/blog/_index.md:3:1 the URL `/C:/blog/` cannot be an output file: it starts with a drive letter"
        ]
    );
}

#[test]
fn a_taxonomy_without_a_url_is_reported_once_at_the_configuration() {
    let diagnostics = diagnostics_of(
        r#"
//- qsite.toml
title = "T"
taxonomies = ["tags", "!!!"]
//- content/a.md
+++
[taxonomies]
"!!!" = ["rust"]
+++
"#,
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::unsafe_path qsite.toml:2:1 the URL `//` cannot be an output file: it contains an empty segment (`//`)"
        ]
    );
}

#[test]
fn a_page_and_a_bundle_of_one_name_are_an_error_naming_both() {
    let diagnostics = diagnostics_of("//- content/a.md\n+++\n+++\n//- content/a/index.md\n+++\n+++\n");
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/a.md:1:1 two outputs claim the URL `/a/`: `content/a/index.md` and `content/a.md`"
        ]
    );
}

#[test]
fn a_page_path_onto_another_page_is_an_error_naming_both() {
    let diagnostics =
        diagnostics_of("//- content/a.md\n+++\n+++\n//- content/b.md\n+++\ntitle = \"B\"\npath = \"a\"\n+++\n");
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/b.md:3:1 two outputs claim the URL `/a/`: `content/a.md` and `content/b.md`"
        ]
    );
}

#[test]
fn an_alias_onto_a_page_is_reported_at_aliases_whatever_the_file_order() {
    let diagnostics =
        diagnostics_of("//- content/a.md\n+++\ntitle = \"A\"\naliases = [\"/b/\"]\n+++\n//- content/b.md\n+++\n+++\n");
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/a.md:3:1 two outputs claim the URL `/b/`: `content/b.md` and an alias in `content/a.md`"
        ]
    );
}

#[test]
fn a_page_path_onto_a_built_in_output_names_the_built_in() {
    let diagnostics = diagnostics_of(
        "//- content/a.md\n+++\npath = \"/tags/\"\n+++\n//- content/b.md\n+++\naliases = [\"/404.html\"]\n+++\n",
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/a.md:2:1 two outputs claim the URL `/tags/`: the list of `tags` terms and `content/a.md`",
            "Error qsite::routes::duplicate content/b.md:2:1 two outputs claim the URL `/404.html`: the 404 page and an alias in `content/b.md`",
        ]
    );
}

#[test]
fn an_unsafe_feed_name_is_reported_at_feed_filenames_and_the_homes_feeds_yield_to_the_sites() {
    // Zola writes the site's feeds over a home section's of the same names.
    let diagnostics = diagnostics_of(
        "//- qsite.toml\ntitle = \"T\"\nfeed_filenames = [\"atom.xml\", \"../up.xml\"]\n\
         //- content/_index.md\n+++\ngenerate_feeds = true\n+++\n",
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::unsafe_path qsite.toml:2:1 the URL `/../up.xml` cannot be an output file: it contains `..`, which would leave the output folder"
        ]
    );
}

#[test]
fn two_taxonomies_of_one_url_are_named_each_by_its_list() {
    let diagnostics = diagnostics_of("//- qsite.toml\ntitle = \"T\"\ntaxonomies = [\"tags\", \"Tags\"]\n");
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate qsite.toml:2:1 two outputs claim the URL `/tags/`: the list of `tags` terms and the list of `Tags` terms"
        ]
    );
}

#[test]
fn a_slug_with_nothing_in_it_falls_back_to_the_file_name_with_a_warning() {
    let db = TestDb::with_site(
        r#"
//- content/blog/_index.md
+++
+++
//- content/blog/my-post.md
+++
title = "P"
slug = "!!!"
+++
"#,
    );
    let (outputs, diagnostics) = db.render_all();
    assert_eq!(
        located(&db, &diagnostics),
        [
            r#"Warning qsite::front_matter::empty_url content/blog/my-post.md:3:1 `slug = "!!!"` leaves nothing for the URL, so the file name is used instead"#
        ]
    );
    assert!(outputs.contains_key("blog/my-post/index.html"), "{:?}", outputs.keys());
}

#[test]
fn an_empty_path_falls_back_to_the_file_name_with_a_warning() {
    let db = TestDb::with_site("//- content/a.md\n+++\npath = \" \"\n+++\n");
    let (outputs, diagnostics) = db.render_all();
    assert_eq!(
        located(&db, &diagnostics),
        [
            r#"Warning qsite::front_matter::empty_url content/a.md:2:1 `path = " "` leaves nothing for the URL, so the file name is used instead"#
        ]
    );
    assert!(outputs.contains_key("a/index.html"));
}

#[test]
fn empty_tags_are_left_out_of_pages_and_listings_with_a_warning_at_the_tags_line() {
    let db = TestDb::with_site(
        r#"
//- content/a.md
+++
title = "A"
tags = ["", "???", "rust"]
+++
//- templates/page.html
{% for term in page.taxonomies.tags %}{{ term }},{% endfor %}
"#,
    );
    let (outputs, diagnostics) = db.render_all();
    assert_eq!(
        located(&db, &diagnostics),
        [
            r#"Warning qsite::taxonomies::empty_term content/a.md:3:1 the `tags` term "" has no letters or digits for a URL, so it is left out"#,
            r#"Warning qsite::taxonomies::empty_term content/a.md:3:1 the `tags` term "???" has no letters or digits for a URL, so it is left out"#,
        ]
    );
    let terms: Vec<&String> = outputs.keys().filter(|output| output.starts_with("tags/")).collect();
    assert_eq!(terms, ["tags/index.html", "tags/rust/index.html"]);
    assert_eq!(outputs["a/index.html"], "rust,\n", "the page lists only terms that have a page");
}

#[test]
fn a_byte_order_mark_before_front_matter_is_accepted() {
    let db = TestDb::with_site(
        "//- content/a.md\n\u{feff}+++\ntitle = \"A\"\n+++\nBody\n//- content/b.md\n\u{feff}---\ntitle: B\nslug: bee\n---\nBody\n//- qsite.toml\n\u{feff}title = \"T\"\n//- templates/page.html\n{{ page.title }}|{{ page.content }}|{{ config.title }}\n",
    );
    let (outputs, diagnostics) = db.render_all();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(outputs["a/index.html"], "A|<p>Body</p>\n|T\n");
    assert_eq!(outputs["bee/index.html"], "B|<p>Body</p>\n|T\n");
}

#[test]
fn nul_bytes_and_bad_utf8_are_reported_in_every_kind_of_text_file() {
    let mut db = TestDb::with_site(
        "//- content/a.md\n+++\ntitle = \"A\"\n+++\nA\0B\n//- templates/page.html\n{{ page.title }}\0\n//- data/d.toml\nx = 1\n",
    );
    let not_utf8 = |path: &str, bytes: &[u8]| {
        let error = std::str::from_utf8(bytes).expect_err("the test bytes are not UTF-8");
        let lossy = String::from_utf8_lossy(bytes);
        (path.into(), Some(FileText::NotUtf8 { lossy: lossy.into(), valid_up_to: error.valid_up_to() }))
    };
    db.apply(Change {
        files: vec![not_utf8("qsite.toml", b"title = \"T\xff\"\n"), not_utf8("data/d.toml", b"x = 1\n\xc3")],
        ..Change::default()
    });
    let (_outputs, diagnostics) = db.render_all();
    let found: Vec<(String, String)> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code.starts_with("qsite::encoding"))
        .map(|diagnostic| (diagnostic.file.to_string(), diagnostic.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("content/a.md".to_owned(), "this file holds a NUL byte (at byte 21), which is not text".to_owned()),
            ("data/d.toml".to_owned(), "this file is not valid UTF-8 (at byte 6)".to_owned()),
            ("qsite.toml".to_owned(), "this file is not valid UTF-8 (at byte 10)".to_owned()),
            ("templates/page.html".to_owned(), "this file holds a NUL byte (at byte 16), which is not text".to_owned()),
        ]
    );
    assert!(
        diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code.starts_with("qsite::encoding"))
            .all(Diagnostic::is_error)
    );
}

#[test]
fn the_paths_fuzz_site_puts_each_part_in_its_key() {
    let files =
        crate::whole_site::files_from_url_values(b"my/post\x01/p/\x01s\0\x01/old/\x02a\"b\\\x01rust\x01/blog/\x01/b/");
    let text = |path: &str| files.iter().find(|(file, _)| file == path).map(|(_, text)| text.as_str());
    assert_eq!(
        text("content/blog/mypost.md"),
        Some(
            "+++\ntitle = \"A\"\npath = \"/p/\"\nslug = \"s\\u0000\"\naliases = [\"/old/\", \"a\\\"b\\\\\"]\ntags = [\"rust\"]\n+++\nBody.\n"
        )
    );
    assert_eq!(
        text("content/blog/_index.md"),
        Some("+++\ntitle = \"Blog\"\npaginate_by = 1\npath = \"/blog/\"\n+++\n")
    );
    assert_eq!(
        text("content/blog/b.md"),
        Some("+++\ntitle = \"B\"\npath = \"/b/\"\n+++\nSee [a](@/blog/mypost.md).\n")
    );
}

#[test]
fn blank_lines_before_front_matter_are_accepted_as_zola_accepts_them() {
    let db = TestDb::with_site(
        "//- content/a.md\n\n  \n+++\ntitle = \"A\"\n+++\nBody\n//- qsite.toml\ntitle = \"T\"\n//- templates/page.html\n{{ page.title }}|{{ page.content }}",
    );
    let (outputs, diagnostics) = db.render_all();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(outputs["a/index.html"], "A|<p>Body</p>\n");
}
