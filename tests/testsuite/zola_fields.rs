//! Zola's page and section fields, front matter keys and template functions
//! as a site written for Zola uses them. Each scenario builds a site of its
//! own with the real binary, edits it, and ends equal to a clean build.

use crate::support::{SiteTest, rendered_after};

const CONFIG: &str = "title = \"Zola\"\nbase_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n";

#[test]
fn pages_and_sections_have_zolas_path_fields_assets_and_a_nested_toc() {
    let page_template = "ancestors={{ page.ancestors | join(sep=\",\") }}\n\
        components={{ page.components | join(sep=\",\") }}\n\
        relative={{ page.relative_path }} colocated={% if page.colocated_path %}{{ page.colocated_path }}{% else %}none{% endif %}\n\
        assets={{ page.assets | join(sep=\",\") }}\n\
        words={{ page.word_count }} minutes={{ page.reading_time }} authors={{ page.authors | join(sep=\",\") }} \
        mood={{ page.extra.mood | default(value=\"-\") }}\n\
        summary={{ page.summary | default(value=\"none\") }}\n\
        {% for h in page.toc %}{{ h.level }}:{{ h.title }}[{% for c in h.children %}{{ c.level }}:{{ c.title }}\
        [{% for g in c.children %}{{ g.title }}{% endfor %}]{% endfor %}]{% endfor %}";
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/2024/_index.md", "+++\ntitle = \"2024\"\n+++\n"),
        ("content/blog/2024/cat.png", "not really a cat"),
        (
            "content/blog/2024/trip/index.md",
            "+++\ntitle = \"Trip\"\nauthors = [\"Ann\", \"Bo\"]\n[extra]\nmood = \"glad\"\n+++\n\
             One two three.\n<!-- more -->\n# Top\n## Mid\n### Low\n## Mid two\n# Again\n",
        ),
        ("content/blog/2024/trip/map.svg", "<svg/>"),
        ("content/blog/2024/trip/img/photo.jpg", "jpeg"),
        ("content/blog/loose.md", "+++\ntitle = \"Loose\"\n+++\n"),
        ("templates/index.html", "home"),
        (
            "templates/section.html",
            "{{ section.title }}: ancestors={{ section.ancestors | join(sep=\",\") }} \
             components={{ section.components | join(sep=\",\") }} assets={{ section.assets | join(sep=\",\") }}",
        ),
        ("templates/page.html", page_template),
        // The built-in theme's 404 and term list show which sections exist.
        ("templates/404.html", "404"),
        ("templates/taxonomy_list.html", "tags"),
    ]);
    site.build();
    assert_eq!(
        site.output("blog/2024/trip/index.html"),
        "ancestors=_index.md,blog/_index.md,blog/2024/_index.md\n\
         components=blog,2024,trip\n\
         relative=blog/2024/trip/index.md colocated=blog/2024/trip/\n\
         assets=/blog/2024/trip/img/photo.jpg,/blog/2024/trip/map.svg\n\
         words=9 minutes=1 authors=Ann,Bo mood=glad\n\
         summary=<p>One two three.</p>\n\n\
         1:Top[2:Mid[Low]2:Mid two[]]1:Again[]"
    );
    let loose = site.output("blog/loose/index.html");
    assert!(loose.starts_with(
        "ancestors=_index.md,blog/_index.md\ncomponents=blog,loose\nrelative=blog/loose.md colocated=none\nassets=\n"
    ), "{loose}");
    assert!(site.output("blog/loose/index.html").contains("words=0 minutes=0"), "no words, no minutes, as in Zola");
    assert_eq!(
        site.output("blog/2024/index.html"),
        "2024: ancestors=_index.md,blog/_index.md components=blog,2024 assets=/blog/2024/cat.png"
    );
    assert_eq!(site.output("blog/index.html"), "Blog: ancestors=_index.md components=blog assets=");
    // An asset added to the bundle reaches its page and the sitemap, which
    // lists every output, and nothing else.
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("content/blog/2024/trip/notes.txt", "notes");
    });
    assert_eq!(outputs, ["blog/2024/trip/index.html", "sitemap.xml"]);
    site.build().assert_same_as_clean_build();
    // A section removed from between the page and the home leaves its ancestors.
    site.remove("content/blog/2024/_index.md");
    site.build();
    assert!(site.output("blog/2024/trip/index.html").starts_with("ancestors=_index.md,blog/_index.md\n"));
    site.assert_same_as_clean_build();
}
