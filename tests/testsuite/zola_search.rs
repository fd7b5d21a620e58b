//! The search index (`build_search_index = true`), as Zola writes it for
//! themes' `elasticlunr.min.js` or Fuse.js to read: the fixture
//! `tests/sites/zola-search` against what Zola 0.22.1 wrote for it
//! (`tests/sites/zola-search.expected/`), and the index re-rendered only
//! when a value it holds changes, in the same process and in a new one.

use std::path::Path;

use crate::support::{SiteTest, rendered, rendered_after};

/// What Zola wrote for the fixture, by path under the expected folder.
fn expected(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/zola-search.expected").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A Fuse.js index's documents sorted by URL: Zola lists sections in the
/// order of a hash map, which changes from run to run, so only the
/// documents and their fields can be compared.
fn fuse_documents(json: &str) -> Vec<serde_json::Value> {
    let mut documents: Vec<serde_json::Value> = serde_json::from_str(json).expect("a JSON list");
    documents.sort_by_key(|document| document["url"].as_str().unwrap_or_default().to_owned());
    documents
}

/// The outputs a `qsite build -v` in a new process rendered.
fn rendered_by_new_process(site: &SiteTest) -> Vec<String> {
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    let mut rendered: Vec<String> =
        run.stdout.lines().filter_map(|line| Some(line.split_once(": rendered")?.0.to_owned())).collect();
    rendered.sort();
    rendered
}

#[test]
fn the_search_index_is_zolas_in_both_formats_with_every_option() {
    let site = SiteTest::copy("zola-search");
    site.build();
    assert_eq!(site.output("search_index.en.js"), expected("search_index.en.js"));
    assert!(site.output("index.html").contains("search true elasticlunr_javascript"));
    site.assert_same_as_clean_build();

    site.edit("config.toml", "\"elasticlunr_javascript\"", "\"fuse_json\"");
    site.build();
    assert!(!site.has_output("search_index.en.js"), "the other format's file is deleted");
    assert_eq!(
        fuse_documents(&site.output("search_index.en.json")),
        fuse_documents(&expected("fuse_json/search_index.en.json"))
    );
    site.assert_same_as_clean_build();

    // A page that leaves the index, and a draft published, in a new process.
    site.edit("content/blog/second.md", "+++\n", "+++\nin_search_index = false\n");
    site.edit("content/blog/draft.md", "draft = true", "draft = false");
    site.build();
    let index = site.output("search_index.en.json");
    assert!(!index.contains("/blog/second/") && index.contains("/blog/draft/"), "{index}");
    site.assert_same_as_clean_build();
    site.qsite(&["build", "--verify"]).assert_code(0);
}

const PAGE: &str = "+++\ntitle = \"A\"\ndescription = \"About A\"\n+++\nThe first body.\n";

/// A small site whose index holds `[search]`'s `options`.
fn small_site(options: &str) -> SiteTest {
    SiteTest::with_files(&[
        (
            "qsite.toml",
            &format!(
                "base_url = \"https://small.test\"\ngenerate_feeds = false\nbuild_search_index = true\n[search]\n{options}\n"
            ),
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", PAGE),
        ("content/blog/b.md", "+++\ntitle = \"B\"\n+++\nAnother body.\n"),
        ("templates/index.html", "home"),
        ("templates/section.html", "{% for page in section.pages %}{{ page.title }} {% endfor %}"),
        ("templates/page.html", "{{ page.content | safe }}"),
    ])
}

#[test]
fn without_content_a_body_edit_leaves_the_index_alone() {
    let site = small_site("include_content = false");
    site.build();
    assert!(!site.output("search_index.en.js").contains("first body"));
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/a.md", "The first body.", "The first body, edited.");
    });
    assert_eq!(outputs, ["blog/a/index.html"]);
    // A description the index does not hold leaves it alone too.
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/a.md", "About A", "All about A");
    });
    assert!(!outputs.contains(&"search_index.en.js".to_owned()), "{outputs:?}");
    site.build();
    site.edit("content/blog/a.md", "edited", "edited twice");
    assert_eq!(rendered_by_new_process(&site), ["blog/a/index.html"]);
    site.assert_same_as_clean_build();
}

#[test]
fn with_content_a_body_edit_re_renders_the_index_and_the_page_alone() {
    let site = small_site("include_content = true\ninclude_description = true");
    site.build();
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/a.md", "The first body.", "The first body, edited.");
    });
    assert_eq!(outputs, ["blog/a/index.html", "search_index.en.js"]);
    // Of the texts the index holds, only the edited one is made plain again.
    site.edit("content/blog/a.md", "edited.", "edited again.");
    workspace.refresh().expect("refresh");
    workspace.take_executed();
    rendered(&workspace);
    let executed = workspace.take_executed();
    let texts: Vec<&String> = executed.iter().filter(|entry| entry.starts_with("search_text(")).collect();
    assert_eq!(texts, ["search_text(content/blog/a.md)"]);
    site.build();
    assert!(site.output("search_index.en.js").contains("The first body, edited again."));
    site.edit("content/blog/a.md", "edited again", "edited twice");
    assert_eq!(rendered_by_new_process(&site), ["blog/a/index.html", "search_index.en.js"]);
    assert!(site.output("search_index.en.js").contains("edited twice"));
    // A description it holds re-renders it, in a new process too.
    site.edit("content/blog/a.md", "About A", "All about A");
    assert!(rendered_by_new_process(&site).contains(&"search_index.en.js".to_owned()));
    assert!(site.output("search_index.en.js").contains("All about A"));
    site.assert_same_as_clean_build();
}

#[test]
fn each_language_that_asks_has_its_own_index_and_an_unknown_one_is_an_error() {
    let site = SiteTest::with_files(&[
        (
            "config.toml",
            "base_url = \"https://langs.test\"\nbuild_search_index = true\n[languages.fr]\nbuild_search_index = true\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/_index.fr.md", "+++\ntitle = \"Accueil\"\n+++\n"),
        ("content/hello.md", "+++\ntitle = \"Hello\"\n+++\nGood morning.\n"),
        ("content/hello.fr.md", "+++\ntitle = \"Bonjour\"\n+++\nBonjour à tous.\n"),
        ("templates/index.html", "home"),
        ("templates/page.html", "{{ page.content | safe }}"),
    ]);
    site.build();
    let (english, french) = (site.output("search_index.en.js"), site.output("search_index.fr.js"));
    assert!(english.contains("Good morning.") && !english.contains("Bonjour"), "{english}");
    assert!(french.contains("Bonjour à tous.") && !french.contains("Good morning"), "{french}");
    site.assert_same_as_clean_build();

    // Zola's per-language `[search]` is named, not silently ignored.
    site.write("config.toml", &format!("{}[languages.fr.search]\ninclude_path = true\n", site.read_input("config.toml")));
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&["qsite ignores `languages.fr.search`"]);

    site.edit("config.toml", "[languages.fr]", "[languages.xx]");
    site.edit("config.toml", "[languages.fr.search]", "[languages.xx.search]");
    site.rename("content/hello.fr.md", "content/hello.xx.md");
    site.rename("content/_index.fr.md", "content/_index.xx.md");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["search index", "`xx`"]);
}
