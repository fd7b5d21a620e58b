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
         words=10 minutes=1 authors=Ann,Bo mood=glad\n\
         summary=<p>One two three.</p>\n\
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

#[test]
fn zolas_section_and_page_front_matter_shapes_the_outputs() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        (
            "content/news/_index.md",
            "+++\ntitle = \"News\"\nsort_by = \"date\"\npaginate_by = 2\npaginate_path = \"p\"\n\
             paginate_reversed = true\naliases = [\"/old-news/\"]\ninsert_anchor_links = \"right\"\n\
             in_search_index = false\ngenerate_feeds = true\n+++\n",
        ),
        ("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\npath = \"2024/01/01/Rust-1.75.0\"\n+++\n"),
        ("content/news/b.md", "+++\ntitle = \"B\"\ndate = 2024-02-01\naliases = [\"/b.html\", \"/v1.0\"]\n+++\n"),
        ("content/news/hidden.md", "+++\ntitle = \"Hidden\"\ndate = 2024-03-01\nrender = false\n+++\n"),
        ("content/news/2023/_index.md", "+++\ntitle = \"2023\"\ntransparent = true\n+++\n"),
        ("content/news/2023/c.md", "+++\ntitle = \"C\"\ndate = 2023-06-01\n+++\n"),
        ("content/moved/_index.md", "+++\nredirect_to = \"news\"\n+++\n"),
        ("content/gone/_index.md", "+++\nrender = false\n+++\n"),
        ("content/gone/d.md", "+++\ntitle = \"D\"\n+++\n"),
        ("templates/index.html", "home"),
        (
            "templates/section.html",
            "{{ section.title }}: {% for p in section.pages %}{{ p.title }} {% endfor %}\
             | {% if paginator %}{{ paginator.current_index }}: {% for p in paginator.pages %}{{ p.title }} {% endfor %}\
             next={% if paginator.next %}{{ paginator.next }}{% else %}-{% endif %}{% endif %}",
        ),
        ("templates/page.html", "{{ page.title }} at {{ page.path }}"),
    ]);
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("unknown front matter key"), "{}", run.stderr);
    // A `path` with dots is a folder, as in Zola, never a file without an extension.
    assert_eq!(site.output("2024/01/01/Rust-1.75.0/index.html"), "A at /2024/01/01/Rust-1.75.0/");
    assert!(!site.has_output("news/hidden/index.html"), "`render = false` writes nothing");
    // Listed still, and transparent sections' pages in their parent's listing.
    assert_eq!(site.output("news/index.html"), "News: Hidden B A C | 1: C A next=https://zola.test/news/p/2/");
    assert_eq!(site.output("news/p/2/index.html"), "News: Hidden B A C | 2: B Hidden next=-");
    assert!(site.output("news/p/1/index.html").contains("https://zola.test/news/"));
    assert_eq!(site.output("news/2023/index.html"), "2023: C | ");
    // An alias ending in `.html` is that file; any other is a folder.
    assert!(site.output("b.html").contains("https://zola.test/news/b/"));
    assert!(site.output("v1.0/index.html").contains("https://zola.test/news/b/"));
    assert!(site.output("old-news/index.html").contains("https://zola.test/news/"));
    assert!(site.output("moved/index.html").contains("https://zola.test/news/"));
    assert!(!site.has_output("gone/index.html"), "a section with `render = false` has no page");
    assert_eq!(site.output("gone/d/index.html"), "D at /gone/d/");
    site.assert_same_as_clean_build();
    site.edit("content/news/2023/_index.md", "transparent = true", "transparent = false");
    site.edit("content/news/hidden.md", "render = false", "render = true");
    site.build();
    assert_eq!(site.output("news/index.html"), "News: Hidden B A | 1: A B next=https://zola.test/news/p/2/");
    assert_eq!(site.output("news/hidden/index.html"), "Hidden at /news/hidden/");
    site.assert_same_as_clean_build();
}

#[test]
fn get_taxonomy_term_reads_one_term_and_get_section_takes_metadata_only() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\ntags = [\"Rust Lang\"]\n+++\n"),
        ("content/blog/b.md", "+++\ntitle = \"B\"\ndate = 2024-02-01\ntags = [\"Rust Lang\", \"Go\"]\n+++\n"),
        ("content/blog/c.md", "+++\ntitle = \"C\"\ntags = [\"Go\"]\n+++\n"),
        (
            "templates/index.html",
            "{% set t = get_taxonomy_term(kind=\"tags\", term=\"Rust Lang\") %}\
             {{ t.name }} {{ t.slug }} {{ t.permalink }} {{ t.page_count }}: \
             {% for p in t.pages %}{{ p.title }} {% endfor %}\
             {% set bare = get_taxonomy_term(kind=\"tags\", term=\"rust-lang\", include_pages=false) %}\
             [{{ bare.pages | length }}/{{ bare.page_count }}] \
             {% if get_taxonomy_term(kind=\"tags\", term=\"Zig\", required=false) %}zig{% else %}no zig{% endif %} \
             {{ get_section(path=\"blog/_index.md\", metadata_only=true).title }}",
        ),
        ("templates/section.html", "{{ section.title }}"),
        ("templates/page.html", "{{ page.title }}"),
        ("templates/404.html", "404"),
        ("templates/taxonomy_list.html", "tags"),
        ("templates/taxonomy_single.html", "{{ term.name }}"),
    ]);
    site.build();
    assert_eq!(
        site.output("index.html"),
        "Rust Lang rust-lang https://zola.test/tags/rust-lang/ 2: B A [0/2] no zig Blog"
    );
    let mut workspace = site.load();
    // Another term's pages reach the home no more.
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/c.md", "tags = [\"Go\"]", "tags = [\"Go\", \"Python\"]");
    });
    assert!(!outputs.contains(&"index.html".to_owned()), "{outputs:?}");
    site.build().assert_same_as_clean_build();
    let run = site
        .write("templates/index.html", "{{ get_taxonomy_term(kind=\"tags\", term=\"Nope\").name }}")
        .qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["`tags` term `Nope` does not exist"]);
}

#[test]
fn a_files_hash_is_zolas_and_an_edit_of_that_file_re_renders_only_the_page_that_printed_it() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", CONFIG),
        ("static/js/app.js", "Hello World"),
        ("static/other.css", "body {}"),
        ("content/_index.md", "+++\n+++\n"),
        ("content/a.md", "+++\ntitle = \"A\"\ntemplate = \"hashed.html\"\n+++\n"),
        ("content/b.md", "+++\ntitle = \"B\"\n+++\n"),
        (
            "templates/hashed.html",
            "{{ get_hash(path=\"static/js/app.js\", sha_type=256, base64=false) }}\n\
             {{ get_hash(path=\"js/app.js\", sha_type=256) }}\n\
             {{ get_file_hash(path=\"js/app.js\", sha_type=256, base64=false) }}\n\
             {{ get_hash(path=\"@/a.md\", sha_type=256) | length }}",
        ),
        ("templates/page.html", "{{ page.title }}"),
        ("templates/index.html", "home"),
    ]);
    site.build();
    assert_eq!(
        site.output("a/index.html"),
        "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e\n\
         pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4=\n\
         a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e\n44"
    );
    // A new process: the hashed file is known by its hash only until read.
    site.write("static/js/app.js", "Hello World!");
    site.build();
    assert!(!site.output("a/index.html").contains("a591a6d4"), "the new bytes' digest");
    site.assert_same_as_clean_build();
    let mut workspace = site.load();
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("static/js/app.js", "Hello again");
    });
    assert_eq!(outputs, ["a/index.html"]);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("static/other.css", "p {}");
    });
    assert!(outputs.is_empty(), "{outputs:?}");
    site.build().assert_same_as_clean_build();
    let run = site.write("templates/hashed.html", "{{ get_hash(path=\"missing.js\") }}").qsite(&["build"]);
    run.assert_code(1).assert_stderr_has(&["file `missing.js` does not exist"]);
}
