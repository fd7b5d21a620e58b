//! The shape of a Zola site as Zola reads it: the home without an
//! `_index.md`, the site's own 404 and taxonomy templates, subsections,
//! sorting, and dates in file names. Each scenario builds a site of its own,
//! edits it, and ends equal to a clean build.

use crate::support::{SiteTest, rendered_after};

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

#[test]
fn the_sites_own_404_and_taxonomy_templates_win() {
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/a.md", "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\nA\n"),
        ("templates/index.html", "home"),
        ("templates/page.html", "{{ page.title }}"),
        ("templates/404.html", "lost ({{ lang }}, {{ config.title }}){% if page or section %} context{% endif %}"),
        ("templates/taxonomy_list.html", "shared list {{ taxonomy.name }}"),
        ("templates/taxonomy_single.html", "shared single {{ term.name }}"),
    ]);
    site.build();
    assert_eq!(site.output("404.html"), "lost (en, Zola)");
    assert_eq!(site.output("tags/index.html"), "shared list tags");
    assert_eq!(site.output("tags/rust/index.html"), "shared single Rust");
    site.write(
        "templates/tags/list.html",
        "own list {{ taxonomy.name }}: {% for t in terms %}{{ t.name }} {{ t.pages | length }}{% endfor %}",
    );
    site.write(
        "templates/tags/single.html",
        "own single {{ term.name }}: {% for p in term.pages %}{{ p.title }}{% endfor %}{% if paginator %} paged{% endif %}",
    );
    site.build();
    assert_eq!(site.output("tags/index.html"), "own list tags: Rust 1");
    assert_eq!(site.output("tags/rust/index.html"), "own single Rust: A");
    site.assert_same_as_clean_build();
    site.remove("templates/tags/single.html");
    site.build();
    assert_eq!(site.output("tags/rust/index.html"), "shared single Rust");
    site.assert_same_as_clean_build();
}

#[test]
fn a_taxonomys_own_template_re_renders_only_its_pages() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/a.md", "+++\ntitle = \"A\"\ntags = [\"rust\"]\n+++\nA\n"),
        ("templates/page.html", "{{ page.title }}"),
    ]);
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("templates/tags/single.html", "{{ term.name }}");
    });
    assert_eq!(outputs, ["tags/rust/index.html"]);
    site.build().assert_same_as_clean_build();
}

#[test]
fn subsections_are_paths_by_weight_that_get_section_takes() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/alpha/_index.md", "+++\ntitle = \"Alpha\"\nweight = 3\n+++\n"),
        ("content/beta/_index.md", "+++\ntitle = \"Beta\"\nweight = 1\n+++\n"),
        ("content/gamma/_index.md", "+++\ntitle = \"Gamma\"\n+++\n"),
        (
            "templates/index.html",
            "{% for s in section.subsections %}{{ s }}={{ get_section(path=s).title }} {% endfor %}",
        ),
        ("templates/section.html", "{{ section.title }}"),
        // The built-in theme lists the home's subsections in its navigation.
        ("templates/404.html", "404"),
        ("templates/taxonomy_list.html", "tags"),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "gamma/_index.md=Gamma beta/_index.md=Beta alpha/_index.md=Alpha ");
    let mut workspace = site.load();
    // A subsection's weight reaches the home through the order, and that
    // section through its own metadata; nothing else re-renders.
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/alpha/_index.md", "weight = 3", "weight = -1");
    });
    assert_eq!(outputs, ["alpha/index.html", "index.html"]);
    assert_eq!(site.build().output("index.html"), "alpha/_index.md=Alpha gamma/_index.md=Gamma beta/_index.md=Beta ");
    site.assert_same_as_clean_build();
}

#[test]
fn every_zola_sort_by_orders_pages_and_pairs_lower_with_higher_as_zola_does() {
    let names = |sort_by: &str| {
        format!("{{% for p in get_pages(section=\"songs\", sort_by=\"{sort_by}\") %}}{{{{ p.title }}}},{{% endfor %}}")
    };
    let index = ["date", "update_date", "title", "title_bytes", "weight", "slug", "permalink"]
        .map(|sort_by| format!("{sort_by}: {}\n", names(sort_by)))
        .concat();
    let page = |title: &str, extra: &str| format!("+++\ntitle = \"{title}\"\n{extra}\n+++\n");
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        ("content/songs/_index.md", "+++\nsort_by = \"date\"\n+++\n"),
        ("content/songs/a.md", &page("Track-13", "date = 2024-01-01\nupdated = 2024-06-01\nweight = 2\nslug = \"z\"")),
        ("content/songs/b.md", &page("Track-2", "date = 2024-02-01\nweight = 1\nslug = \"y10\"")),
        ("content/songs/c.md", &page("Métro", "date = 2024-03-01\nweight = 3\nslug = \"y9\"")),
        ("content/songs/d.md", &page("bachata", "date = 2024-04-01\nslug = \"x\"")),
        ("content/unsorted/_index.md", "+++\nsort_by = \"none\"\n+++\n"),
        ("content/unsorted/e.md", &page("E", "")),
        ("content/unsorted/f.md", &page("F", "")),
        ("templates/index.html", &index),
        ("templates/section.html", ""),
        (
            "templates/page.html",
            "{% if page.lower %}{{ page.lower.title }}{% endif %} < {{ page.title }} < \
             {% if page.higher %}{{ page.higher.title }}{% endif %}",
        ),
    ]);
    site.build();
    assert_eq!(
        site.output("index.html"),
        "date: bachata,Métro,Track-2,Track-13,\n\
         update_date: Track-13,bachata,Métro,Track-2,\n\
         title: bachata,Métro,Track-2,Track-13,\n\
         title_bytes: Métro,Track-13,Track-2,bachata,\n\
         weight: Track-2,Track-13,Métro,bachata,\n\
         slug: bachata,Métro,Track-2,Track-13,\n\
         permalink: bachata,Track-2,Métro,Track-13,\n"
    );
    // By date, newest first: `lower` is the newer page, `higher` the older.
    assert_eq!(site.output("songs/y10/index.html"), "Métro < Track-2 < Track-13");
    assert_eq!(site.output("songs/x/index.html"), " < bachata < Métro");
    assert_eq!(site.output("unsorted/e/index.html"), " < E < ");
    site.edit("content/songs/a.md", "date = 2024-01-01", "date = 2024-05-01");
    site.build();
    assert_eq!(site.output("songs/y10/index.html"), "Métro < Track-2 < ");
    site.assert_same_as_clean_build();
}

#[test]
fn a_date_at_the_start_of_a_file_name_is_the_pages_date_and_not_its_slug() {
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        ("content/blog/_index.md", "+++\nsort_by = \"date\"\n+++\n"),
        ("content/blog/2024-01-05-first.md", "+++\ntitle = \"First\"\n+++\n"),
        ("content/blog/2024-02-01_second.md", "+++\ntitle = \"Second\"\ndate = 2023-06-01\n+++\n"),
        ("content/blog/2024-03-01T09:30:00Z - third/index.md", "+++\ntitle = \"Third\"\n+++\n"),
        ("content/blog/2024-04-01.md", "+++\ntitle = \"Fourth\"\n+++\n"),
        ("content/blog/2024-13-01-not-a-date.md", "+++\ntitle = \"Fifth\"\n+++\n"),
        ("templates/index.html", ""),
        (
            "templates/section.html",
            "{% for p in section.pages %}{{ p.path }} {% if p.date %}{{ p.date }}{% endif %}\n{% endfor %}",
        ),
        ("templates/page.html", "{{ page.slug }}"),
    ]);
    site.build();
    assert_eq!(
        site.output("blog/index.html"),
        "/blog/2024-04-01/ 2024-04-01\n/blog/third/ 2024-03-01T09:30:00Z\n\
         /blog/first/ 2024-01-05\n/blog/second/ 2023-06-01\n/blog/2024-13-01-not-a-date/ \n"
    );
    assert_eq!(site.output("blog/first/index.html"), "first");
    site.rename("content/blog/2024-01-05-first.md", "content/blog/2024-05-01-first.md");
    site.build();
    assert!(site.output("blog/index.html").starts_with("/blog/first/ 2024-05-01\n"));
    site.assert_same_as_clean_build();
}

#[test]
fn a_paginated_section_of_one_page_still_has_its_first_pager_as_a_redirect() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\", paginate_by = 2 }]\n"),
        ("content/_index.md", "+++\npaginate_by = 5\n+++\n"),
        ("content/a.md", "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"x\"]\n+++\n"),
        ("templates/index.html", "{% for page in paginator.pages %}{{ page.title }}{% endfor %}"),
        ("templates/page.html", ""),
        ("templates/taxonomy_list.html", ""),
        ("templates/taxonomy_single.html", ""),
    ]);
    site.build();
    assert_eq!(site.output("index.html"), "A");
    assert!(site.output("page/1/index.html").contains("https://zola.test/"), "Zola writes `/page/1/` as a redirect");
    assert!(site.output("tags/x/page/1/index.html").contains("https://zola.test/tags/x/"), "a term's too");
    site.assert_same_as_clean_build();
}

#[test]
fn a_bundles_assets_are_copied_next_to_its_page_wherever_its_url_puts_it() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\n"),
        ("content/themes/Dark Mode/index.md", "+++\ntitle = \"Dark\"\n+++\n![shot](shot.png)\n"),
        ("content/themes/Dark Mode/shot.png", "png"),
        ("content/themes/Dark Mode/img/big.png", "big"),
        ("content/moved/index.md", "+++\ntitle = \"Moved\"\npath = \"elsewhere/here\"\n+++\n"),
        ("content/moved/note.txt", "note"),
        ("templates/index.html", ""),
        ("templates/page.html", "{{ page.content | safe }}"),
    ]);
    site.build();
    assert_eq!(site.output("themes/dark-mode/shot.png"), "png");
    assert_eq!(site.output("themes/dark-mode/img/big.png"), "big");
    assert_eq!(site.output("elsewhere/here/note.txt"), "note");
    assert!(!site.has_output("themes/Dark Mode/shot.png"));
    site.rename("content/moved/index.md", "content/moved/index.md.bak");
    site.build();
    assert_eq!(site.output("moved/note.txt"), "note", "with no bundle left, the file keeps its path");
    site.assert_same_as_clean_build();
}
