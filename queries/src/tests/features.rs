//! Site features as users write them, checked on rendered outputs.

use crate::test_db::TestDb;

fn outputs(fixture: &str) -> std::collections::BTreeMap<String, String> {
    let db = TestDb::with_site(fixture);
    let (outputs, diagnostics) = db.render_all();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    outputs
}

#[test]
fn nested_sections_nest_urls_and_list_subsections() {
    let outputs = outputs(
        r#"
//- content/_index.md
+++
+++
//- content/docs/_index.md
+++
title = "Docs"
+++
//- content/docs/guide/_index.md
+++
title = "Guide"
+++
//- content/docs/guide/install.md
+++
title = "Install"
+++
//- templates/section.html
{{ section.title }}:{% for s in section.subsections %} sub={{ get_section(path=s).title }}{% endfor %}{% for p in section.pages %} page={{ p.path }}{% endfor %}
"#,
    );
    assert_eq!(outputs["docs/index.html"], "Docs: sub=Guide\n");
    assert_eq!(outputs["docs/guide/index.html"], "Guide: page=/docs/guide/install/\n");
    assert!(outputs.contains_key("docs/guide/install/index.html"));
}

#[test]
fn zola_front_matter_path_slug_aliases_authors_extra() {
    let outputs = outputs(
        r#"
//- content/_index.md
+++
+++
//- content/blog/_index.md
+++
+++
//- content/blog/a.md
+++
title = "A"
slug = "Custom Slug"
aliases = ["/old/a/", "older.html"]
authors = ["Ann"]
[extra]
mood = "calm"
+++
//- content/blog/b.md
+++
title = "B"
path = "/elsewhere/b"
+++
//- templates/page.html
{{ page.permalink }} {{ page.authors | join(",") }} {{ page.extra.mood | default("") }}
"#,
    );
    assert_eq!(outputs["blog/custom-slug/index.html"], "https://example.com/blog/custom-slug/ Ann calm\n");
    assert_eq!(outputs["elsewhere/b/index.html"], "https://example.com/elsewhere/b/  \n");
    assert!(outputs["old/a/index.html"].contains("https://example.com/blog/custom-slug/"));
    assert!(outputs["older.html"].contains("https://example.com/blog/custom-slug/"));
}

#[test]
fn page_bundles_copy_their_assets_beside_the_page() {
    let db = TestDb::with_site(
        r#"
//- content/_index.md
+++
+++
//- content/blog/_index.md
+++
+++
//- content/blog/trip/index.md
+++
title = "Trip"
+++
![photo](photo.jpg)
//- content/blog/trip/photo.jpg
JPEG
//- content/blog/trip/maps/day-1/route.svg
SVG
//- content/blog/notes/loose.txt
Not beside any page or section.
"#,
    );
    let (outputs, _) = db.render_all();
    assert_eq!(outputs["blog/trip/photo.jpg"], "copy of content/blog/trip/photo.jpg");
    assert_eq!(outputs["blog/trip/maps/day-1/route.svg"], "copy of content/blog/trip/maps/day-1/route.svg");
    assert!(!outputs.contains_key("blog/notes/loose.txt"), "a file in a folder that is neither a bundle nor a section");
    assert!(outputs["blog/trip/index.html"].contains("<img src=\"photo.jpg\" alt=\"photo\" />"));
}

#[test]
fn term_pages_paginate() {
    let mut fixture = String::from(
        "//- qsite.toml\nbase_url = \"https://t.test\"\ntaxonomies = [{ name = \"tags\", paginate_by = 2 }]\n//- content/_index.md\n+++\n+++\n//- templates/taxonomy_single.html\n{{ paginator.current_index }}/{{ paginator.number_pagers }}:{% for p in paginator.pages %} {{ p.title }}{% endfor %}\n",
    );
    for day in 1..=5 {
        fixture.push_str(&format!(
            "//- content/p{day}.md\n+++\ntitle = \"P{day}\"\ndate = 2024-01-0{day}\ntags = [\"t\"]\n+++\n"
        ));
    }
    let outputs = outputs(&fixture);
    assert_eq!(outputs["tags/t/index.html"], "1/3: P5 P4\n");
    assert_eq!(outputs["tags/t/page/2/index.html"], "2/3: P3 P2\n");
    assert_eq!(outputs["tags/t/page/3/index.html"], "3/3: P1\n");
}

#[test]
fn functions_get_section_get_page_get_url_and_get_pages() {
    let outputs = outputs(
        r#"
//- content/_index.md
+++
+++
//- content/blog/_index.md
+++
title = "Blog"
+++
//- content/blog/a.md
+++
title = "Alpha"
date = 2024-01-02
tags = ["x"]
+++
//- content/blog/b.md
+++
title = "Beta"
date = 2024-01-01
tags = ["x"]
+++
//- templates/index.html
{{ get_section(path="blog/_index.md").title }}|{{ get_page(path="blog/b.md").title }}|{{ get_url(path="@/blog/a.md#top") }}|{{ get_url(path="css/site.css") }}|{% for p in get_pages(term="x", sort_by="title", limit=1) %}{{ p.title }}{% endfor %}|{{ "**b**" | markdown }}|{{ "Hello World" | slugify }}|{{ get_page(path="blog/a.md").date | date(format="%d %B %Y") }}|{{ get_taxonomy_url(kind="tags", name="X") }}|{% for t in get_taxonomy(kind="tags").items %}{{ t.name }}={{ t.pages | length }}{% endfor %}
"#,
    );
    assert_eq!(
        outputs["index.html"],
        "Blog|Beta|https://example.com/blog/a/#top|https://example.com/css/site.css|Alpha|<p><strong>b</strong></p>\n|hello-world|02 January 2024|https://example.com/tags/x/|x=2\n"
    );
}

#[test]
fn yaml_front_matter_reads_like_toml() {
    let outputs = outputs(
        r#"
//- content/_index.md
+++
+++
//- content/y.md
---
title: "Yaml page"
date: 2024-02-03T10:00:00Z
taxonomies:
  tags: [one]
---
Body
//- templates/page.html
{{ page.title }} {{ page.date }} {{ page.tags | join(",") }}
"#,
    );
    assert_eq!(outputs["y/index.html"], "Yaml page 2024-02-03T10:00:00Z one\n");
}
