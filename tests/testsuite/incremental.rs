//! Rebuilds after every kind of edit equal a clean build: in one process
//! (the library's `Workspace`, as `serve` will hold it) and in a new process.

use qsite::workspace::Workspace;

use crate::support::SiteTest;

/// Every output of a workspace as bytes.
fn outputs(workspace: &Workspace) -> std::collections::BTreeMap<String, Vec<u8>> {
    crate::support::rendered(workspace).0
}

fn load(site: &SiteTest) -> Workspace {
    site.load()
}

/// Runs `edit` on a built copy of the blog, then checks both an in-process
/// refresh and a new `qsite build` process against a clean build.
fn scenario(edit: impl Fn(&SiteTest)) {
    let site = SiteTest::copy("blog");
    site.build();
    let mut workspace = load(&site);
    outputs(&workspace);
    edit(&site);
    workspace.refresh().expect("refresh");
    let incremental = outputs(&workspace);
    assert_eq!(incremental, outputs(&load(&site)), "in-process rebuild differs from a fresh load");
    site.build().assert_same_as_clean_build();
}

#[test]
fn body_edit() {
    scenario(|site| {
        site.edit("content/blog/post-05.md", "More about post 5.", "Much more about post 5.");
    });
}

#[test]
fn title_edit() {
    scenario(|site| {
        site.edit("content/blog/post-01.md", "title = \"Post 1\"", "title = \"First!\"");
    });
}

#[test]
fn date_edit_that_reorders() {
    scenario(|site| {
        site.edit("content/blog/post-01.md", "date = 2024-01-01", "date = 2024-03-01");
    });
}

#[test]
fn tag_added_and_removed() {
    scenario(|site| {
        site.edit("content/blog/post-08.md", "tags = [\"misc\"]", "tags = [\"misc\", \"fresh\"]");
    });
    scenario(|site| {
        site.edit("content/blog/post-08.md", "tags = [\"misc\"]", "tags = []");
        site.edit("content/blog/post-12.md", "tags = [\"misc\", \"web\"]", "tags = [\"web\"]");
    });
}

#[test]
fn draft_toggled() {
    scenario(|site| {
        site.edit("content/blog/draft-post.md", "draft = true", "draft = false");
    });
    scenario(|site| {
        site.edit("content/blog/post-12.md", "date = 2024-01-12", "date = 2024-01-12\ndraft = true");
    });
}

#[test]
fn page_added_deleted_and_renamed() {
    scenario(|site| {
        site.write(
            "content/blog/post-13.md",
            "+++\ntitle = \"Post 13\"\ndate = 2024-01-13\ntags = [\"new\"]\n+++\nNew.\n",
        );
    });
    scenario(|site| {
        site.remove("content/blog/post-02.md");
        site.edit("content/blog/post-03.md", "[](@/blog/post-02.md#details)", "post two");
    });
    scenario(|site| {
        site.rename("content/blog/post-04.md", "content/blog/renamed.md");
    });
}

#[test]
fn template_edits() {
    scenario(|site| {
        site.edit("templates/partials/nav.html", "<nav>", "<nav class=\"top\">");
    });
    scenario(|site| {
        site.edit("templates/section.html", "<li>", "<li class=\"post\">");
    });
    scenario(|site| {
        site.remove("templates/page.html");
    });
}

#[test]
fn config_data_and_static_edits() {
    scenario(|site| {
        site.edit("qsite.toml", "https://blog.test", "https://other.test");
    });
    scenario(|site| {
        site.edit("data/authors.toml", "Tess Tester", "T. Tester");
    });
    scenario(|site| {
        site.write("static/style.css", "body { color: red; }\n");
        site.write("static/new.css", "p {}\n");
    });
}

#[test]
fn file_edited_and_restored() {
    scenario(|site| {
        let original = site.read_input("content/blog/post-06.md");
        site.edit("content/blog/post-06.md", "Post 6", "Six");
        site.write("content/blog/post-06.md", &original);
    });
}

#[test]
fn in_process_body_edit_renders_one_page_and_the_feed() {
    let site = SiteTest::copy("blog");
    let mut workspace = load(&site);
    outputs(&workspace);
    site.edit("content/blog/post-05.md", "More about post 5.", "Much more about post 5.");
    workspace.refresh().expect("refresh");
    workspace.take_executed();
    let rendered = workspace.render(&Default::default(), &Default::default());
    let executed = workspace.take_executed();
    let mut outputs: Vec<&str> = executed
        .iter()
        .filter_map(|entry| entry.strip_prefix("rendered_output("))
        .map(|rest| rest.trim_end_matches(')'))
        .collect();
    outputs.sort();
    assert_eq!(outputs, ["atom.xml", "blog/post-05/index.html"]);
    assert_eq!(rendered.rendered, 2);
}
