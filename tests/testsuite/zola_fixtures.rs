//! Whole Zola sites of our own (`tests/sites/zola-*`) built with the real
//! binary and compared, file by file, with what Zola 0.22.1 wrote for them
//! (`tests/sites/zola-*.expected/`, its HTML, XML and CSS outputs): qsite's goal
//! is that a Zola site builds unchanged into the site Zola gives.
//!
//! To refresh an expected folder, build a copy of the site with Zola 0.22.1
//! and keep every `.html`, `.xml` and `.css` file of its `public/`.
//!
//! Before comparing, both sides go through [`normalized`], which undoes one
//! deliberate, invisible difference and nothing else: how a template's
//! escaped value spells its escaped characters. Tera escapes `/` as `&#x2F;`
//! and writes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#x27;`; minijinja leaves
//! `/` alone and writes `&#38;`, `&#60;`, `&#62;`, `&#34;`, `&#39;`. Each
//! pair is one character to a browser or an XML reader, so every spelling is
//! rewritten to one. Anything else a reader could see or a program could
//! read is compared as written.
//!
//! Files Zola wrote that qsite does not yet write the same are listed in
//! [`NOT_YET`], each with the reason; everything else must match.

use std::path::Path;

use crate::support::{SiteTest, tree};

/// Expected files left out of the comparison, by site, each with what
/// qsite writes differently today. Remove a line when qsite catches up.
const NOT_YET: &[(&str, &str, &str)] = &[
    (
        "zola-structure",
        "news/launch.html",
        "an alias page: the same visible text, but Zola's markup also redirects with a script",
    ),
    ("zola-structure", "old/launch/index.html", "an alias page, as above"),
    ("zola-structure", "news/page/1/index.html", "the redirect from a section's first pager, as above"),
    ("zola-structure", "authors/ann/page/1/index.html", "a term's first-pager redirect, as above"),
    ("zola-structure", "authors/bo/page/1/index.html", "a term's first-pager redirect, as above"),
    ("zola-structure", "sitemap.xml", "Zola lists the first-pager redirects (`…/page/1/`) in its sitemap"),
    (
        "zola-shortcodes",
        "notes/code/index.html",
        "a call in code: Zola 0.22 prints its internal placeholder there, qsite the call as written",
    ),
];

/// Tera's spelling of each escaped character, and minijinja's.
const ESCAPES: &[(&str, &str)] = &[
    ("&#x2F;", "/"),
    ("&#38;", "&amp;"),
    ("&#60;", "&lt;"),
    ("&#62;", "&gt;"),
    ("&#34;", "&quot;"),
    ("&#39;", "&#x27;"),
];

/// An output with every escaped character spelled one way (see the module
/// documentation).
fn normalized(text: &str) -> String {
    ESCAPES.iter().fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
}

/// Builds a copy of the site `name` and compares it with Zola's output;
/// returns the site for further steps.
#[track_caller]
pub fn assert_builds_as_zola_does(name: &str) -> SiteTest {
    let site = SiteTest::copy(name);
    site.build();
    let expected = tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(format!("{name}.expected")));
    assert!(!expected.is_empty(), "no expected files for {name}");
    let mut differences = Vec::new();
    for (path, bytes) in &expected {
        if NOT_YET.iter().any(|(site, file, _)| *site == name && file == path) {
            continue;
        }
        let zola = normalized(&String::from_utf8_lossy(bytes));
        if !site.has_output(path) {
            differences.push(format!("public/{path}: Zola writes it, qsite does not"));
            continue;
        }
        let qsite = normalized(&site.output(path));
        if qsite != zola {
            differences.push(format!("public/{path}:\n--- Zola\n{zola}\n--- qsite\n{qsite}"));
        }
    }
    assert!(differences.is_empty(), "{name} differs from Zola's build:\n{}", differences.join("\n"));
    site
}

#[test]
fn a_theme_with_macros_blocks_and_teras_filters_builds_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-tera");
    site.edit("content/blog/second.md", "A short one.", "A short one, now a little longer.");
    site.edit("themes/ledger/templates/macros.html", "upper", "lower");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn nested_sorted_paginated_sections_bundles_aliases_and_feeds_build_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-structure");
    site.edit("content/docs/setup.md", "weight = 2", "weight = 4");
    site.rename("content/news/2024-03-02_update.md", "content/news/2024-03-09_update.md");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn stylesheets_with_site_and_theme_partials_compile_as_zola_compiles_them() {
    let site = assert_builds_as_zola_does("zola-sass");
    site.edit("sass/_layout.scss", "40rem", "42rem");
    site.edit("themes/ink/sass/ink.scss", "black", "gray");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn a_site_in_english_and_french_builds_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-languages");
    site.edit("config.toml", "read_more = \"Lire la suite\"", "read_more = \"Lire plus\"");
    site.remove("content/posts/hello.fr.md");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn code_blocks_in_several_languages_with_line_options_highlight_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-highlight");
    site.edit("config.toml", "Notes with code", "Notes");
    site.edit("content/notes/lines.md", "let b = 2;", "let b = 3;");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

#[test]
fn every_markdown_setting_and_anchor_placement_builds_as_zola_does() {
    let site = assert_builds_as_zola_does("zola-markdown");
    site.edit("content/left/second.md", "### Deep heading", "### Deeper heading");
    site.edit("config.toml", "render_emoji = true", "render_emoji = false");
    site.build().assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}
