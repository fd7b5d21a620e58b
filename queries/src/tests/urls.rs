//! URLs made from user text: every diagnostic about one points at the key
//! that made it, a value with nothing usable in it falls back with a warning,
//! and two claims on one URL name both claimants. See issue "Nothing outside
//! the output folder is ever touched".

use crate::Diagnostic;
use crate::test_db::TestDb;

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
        "//- content/a.md\n+++\npath = \"/tags/\"\n+++\n//- content/b.md\n+++\npath = \"/atom.xml\"\n+++\n",
    );
    assert_eq!(
        diagnostics,
        [
            "Error qsite::routes::duplicate content/a.md:2:1 two outputs claim the URL `/tags/`: the list of `tags` terms and `content/a.md`",
            "Error qsite::routes::duplicate content/b.md:2:1 two outputs claim the URL `/atom.xml`: the Atom feed and `content/b.md`",
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
fn empty_tags_are_left_out_with_a_warning_at_the_tags_line() {
    let db = TestDb::with_site(
        r#"
//- content/a.md
+++
title = "A"
tags = ["", "???", "rust"]
+++
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
}
