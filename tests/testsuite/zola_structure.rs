//! The shape of a Zola site as Zola reads it: the home without an
//! `_index.md`, the site's own 404 and taxonomy templates, subsections,
//! sorting, and dates in file names. Each scenario builds a site of its own,
//! edits it, and ends equal to a clean build.

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Zola\"\nbase_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n";

#[test]
fn a_home_without_an_index_file_renders_with_the_pages_at_the_root() {
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nA\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/b.md", "+++\ntitle = \"B\"\n+++\nB\n"),
        (
            "templates/index.html",
            "[{{ section.title }}] {% for p in section.pages %}{{ p.title }} {% endfor %}{{ current_path }}",
        ),
        ("templates/section.html", "{{ section.title }}"),
        ("templates/page.html", "{{ page.title }}"),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "[] A /");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    site.build();
    assert_eq!(site.output("index.html"), "[Home] A /");
    site.assert_same_as_clean_build();
    site.remove("content/_index.md");
    site.build();
    assert_eq!(site.output("index.html"), "[] A /");
    site.assert_same_as_clean_build();
}
