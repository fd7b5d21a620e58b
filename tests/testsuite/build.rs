//! A clean build of a real site folder produces the expected files and content.

use crate::support::SiteTest;

/// The `<li>` texts of an output, in order.
fn items(html: &str) -> Vec<String> {
    html.split("<li>").skip(1).map(|item| item.split('<').next().unwrap_or("").to_owned()).collect()
}

#[test]
fn blog_builds_with_the_expected_files() {
    let site = SiteTest::copy("blog");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Built 16 pages, 3 sections and 5 terms (1 draft left out) in "), "{}", run.stdout);
    for path in [
        "index.html",
        "blog/index.html",
        "blog/page/2/index.html",
        "blog/page/3/index.html",
        "blog/post-01/index.html",
        "notes/index.html",
        "notes/alpha/index.html",
        "about/index.html",
        "about/cat.txt",
        "tags/index.html",
        "tags/rust/index.html",
        "categories/howto/index.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
        "images/dot.txt",
    ] {
        assert!(site.has_output(path), "public/{path} missing");
    }
    assert!(!site.has_output("blog/draft-post/index.html"), "a draft was built");
    assert_eq!(site.output("style.css"), site.read_input("static/style.css"));
    assert_eq!(site.output("about/cat.txt"), "a colocated asset\n");
}

#[test]
fn tag_page_lists_exactly_its_pages_newest_first() {
    let site = SiteTest::copy("blog");
    site.build();
    let rust = site.output("tags/rust/index.html");
    assert_eq!(
        items(rust.split("<ol>").nth(1).unwrap()),
        ["Post 11", "Post 9", "Post 7", "Post 6", "Post 4", "Post 2", "Post 1"]
    );
    assert!(!rust.contains("A draft"));
}

#[test]
fn home_shows_the_ten_newest_posts() {
    let site = SiteTest::copy("blog");
    site.build();
    let home = site.output("index.html");
    let titles: Vec<&str> = home
        .split("\">")
        .skip(1)
        .filter_map(|part| part.split("</a>").next())
        .filter(|t| t.starts_with("Post"))
        .collect();
    assert_eq!(
        titles,
        ["Post 12", "Post 11", "Post 10", "Post 9", "Post 8", "Post 7", "Post 6", "Post 5", "Post 4", "Post 3"]
    );
}

#[test]
fn pagination_boundaries() {
    let site = SiteTest::copy("blog");
    site.build();
    let first = site.output("blog/index.html");
    assert_eq!(items(&first), ["Post 12", "Post 11", "Post 10", "Post 9", "Post 8"]);
    assert!(first.contains("1/3") && first.contains("href=\"https://blog.test/blog/page/2/\""));
    assert_eq!(items(&site.output("blog/page/2/index.html")), ["Post 7", "Post 6", "Post 5", "Post 4", "Post 3"]);
    let last = site.output("blog/page/3/index.html");
    assert_eq!(items(&last), ["Post 2", "Post 1"]);
    assert!(last.contains("3/3") && !last.contains("rel=\"next\""));
    assert!(
        site.output("blog/page/1/index.html").contains("https://blog.test/blog/"),
        "page 1 redirects to the section"
    );
    assert!(!site.has_output("blog/page/4/index.html"));
}

#[test]
fn weight_sorted_section_and_yaml_front_matter() {
    let site = SiteTest::copy("blog");
    site.build();
    assert_eq!(items(&site.output("notes/index.html")), ["Note alpha", "Note beta", "Note gamma"]);
}

#[test]
fn feed_entries_are_the_dated_pages_newest_first() {
    let site = SiteTest::copy("blog");
    site.build();
    let feed = site.output("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 12);
    let first = feed.split("<entry>").nth(1).unwrap();
    assert!(
        first.contains("<title>Post 12</title>") && first.contains("<id>https://blog.test/blog/post-12/</id>"),
        "{first}"
    );
    assert!(first.contains("<published>2024-01-12T00:00:00Z</published>"));
    assert!(!feed.contains("A draft"));
}

#[test]
fn internal_links_resolve_to_permalinks_and_titles() {
    let site = SiteTest::copy("blog");
    site.build();
    let post = site.output("blog/post-03/index.html");
    assert!(post.contains("<a href=\"https://blog.test/blog/post-01/\">the first post</a>"), "{post}");
    assert!(post.contains("<a href=\"https://blog.test/blog/post-02/#details\">Post 2</a>"), "{post}");
    assert!(post.contains("<h2 id=\"details\">Details</h2>"));
}

#[test]
fn sitemap_lists_pages_sections_and_terms() {
    let site = SiteTest::copy("blog");
    site.build();
    let sitemap = site.output("sitemap.xml");
    for loc in [
        "https://blog.test/about/",
        "https://blog.test/blog/post-01/",
        "https://blog.test/blog/",
        "https://blog.test/tags/rust/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{loc}</loc>")), "{loc} not in sitemap");
    }
    assert!(!sitemap.contains("draft-post"));
}

#[test]
fn drafts_flag_builds_drafts() {
    let site = SiteTest::copy("blog");
    site.qsite(&["build", "--drafts"]).assert_code(0);
    assert!(site.output("blog/draft-post/index.html").contains("A draft"));
    assert!(site.output("tags/rust/index.html").contains("A draft"));
}

#[test]
fn base_url_flag_replaces_the_configured_one() {
    let site = SiteTest::copy("blog");
    site.qsite(&["build", "--base-url", "http://localhost:8000/"]).assert_code(0);
    assert!(site.output("index.html").contains("href=\"http://localhost:8000/blog/post-12/\""));
}

#[test]
fn output_dir_flag_writes_elsewhere() {
    let site = SiteTest::copy("blog");
    site.qsite(&["build", "--output-dir", "dist"]).assert_code(0);
    assert!(site.root().join("dist/index.html").is_file());
    assert!(!site.has_output("index.html"));
}

#[test]
fn rebuild_writes_nothing_when_nothing_changed() {
    let site = SiteTest::copy("blog");
    site.build();
    let modified = std::fs::metadata(site.root().join("public/index.html")).unwrap().modified().unwrap();
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("nothing changed\n36 outputs up to date"), "{}", run.stdout);
    assert_eq!(std::fs::metadata(site.root().join("public/index.html")).unwrap().modified().unwrap(), modified);
}

#[test]
fn stale_outputs_are_deleted_and_foreign_files_kept() {
    let site = SiteTest::copy("blog");
    site.build();
    site.write("public/mine.txt", "not qsite's");
    site.remove("content/blog/post-12.md");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!site.has_output("blog/post-12/index.html"));
    assert!(!site.root().join("public/blog/post-12").exists(), "empty directory left behind");
    assert_eq!(site.output("mine.txt"), "not qsite's");
    assert!(run.stdout.contains("1 deleted"), "{}", run.stdout);
}

#[test]
fn check_writes_nothing() {
    let site = SiteTest::copy("blog");
    let run = site.qsite(&["check"]);
    run.assert_code(0);
    assert!(run.stdout.contains("no errors"));
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_site_without_templates_gets_the_built_in_theme() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", "title = \"Plain\"\nbase_url = \"https://plain.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello *there*.\n"),
        ("content/posts/_index.md", "+++\ntitle = \"Posts\"\n+++\n"),
        ("content/posts/one.md", "+++\ntitle = \"One <&>\"\ndate = 2024-03-01\ntags = [\"a b\"]\n+++\nBody.\n"),
    ]);
    site.build();
    let page = site.output("posts/one/index.html");
    assert!(page.contains("One &#60;&#38;&#62;") || page.contains("One &lt;&amp;&gt;"), "{page}");
    assert!(page.contains("<p>Body.</p>"));
    assert!(page.contains("https://plain.test/tags/a-b/"));
    assert!(site.output("index.html").contains("<em>there</em>"));
    assert!(site.output("tags/a-b/index.html").contains("One"));
    assert!(site.output("404.html").contains("https://plain.test/"));
}

#[test]
fn a_zola_site_folder_is_built_from_its_own_configuration_file() {
    for config in ["config.toml", "zola.toml"] {
        let site = SiteTest::with_files(&[
            (config, "title = \"Zola site\"\nbase_url = \"https://zola.test\"\ncompile_sass = false\n"),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
        ]);
        site.build();
        assert!(site.output("post/index.html").contains("Post"), "built with {config}");
    }
}

#[test]
fn a_folder_with_no_configuration_says_which_files_were_looked_for() {
    let site = SiteTest::with_files(&[("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")]);
    site.qsite(&["build"]).assert_code(2).assert_stderr_has(&["qsite.toml", "zola.toml", "config.toml", "qsite init"]);
}

#[test]
fn the_built_in_theme_speaks_in_words() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", "title = \"Words\"\nbase_url = \"https://words.test\"\ntaxonomies = [{ name = \"tags\" }]\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\ndate = 2026-12-03\ntags = [\"Rust\"]\n+++\nText\n"),
    ]);
    site.build();
    assert!(site.output("post/index.html").contains(r#"<time datetime="2026-12-03">3 December 2026</time>"#));
    assert!(site.output("tags/rust/index.html").contains("<h1>Tagged “Rust”</h1>"));
    assert!(site.output("tags/index.html").contains("<h1>Tags</h1>"));
}

#[test]
fn the_built_in_home_lists_the_newest_posts_of_its_sections() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", "title = \"Home\"\nbase_url = \"https://home.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/old.md", "+++\ntitle = \"Old post\"\ndate = 2026-01-01\n+++\nOld\n"),
        ("content/blog/new.md", "+++\ntitle = \"New post\"\ndate = 2026-12-01\n+++\nNew\n"),
        ("content/blog/draft.md", "+++\ntitle = \"Draft post\"\ndate = 2026-12-02\ndraft = true\n+++\nDraft\n"),
    ]);
    site.build();
    let home = site.output("index.html");
    assert!(home.contains("<h2>Recent posts</h2>"), "{home}");
    let (new, old) = (home.find("New post").expect("new"), home.find("Old post").expect("old"));
    assert!(new < old, "newest first");
    assert!(!home.contains("Draft post"));
    site.edit("content/blog/old.md", "title = \"Old post\"", "title = \"Older post\"");
    site.build();
    assert!(site.output("index.html").contains("Older post"));
    site.assert_same_as_clean_build();
}

#[test]
fn the_built_in_theme_links_the_sites_own_stylesheet() {
    let site = SiteTest::with_files(&[
        ("qsite.toml", "title = \"Styled\"\nbase_url = \"https://styled.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n+++\nText\n"),
    ]);
    site.build();
    let link = r#"<link rel="stylesheet" href="https://styled.test/style.css">"#;
    assert!(!site.output("post/index.html").contains(link));
    // Added later, in a new process: the pages that link it are rebuilt.
    site.write("static/style.css", "body { color: navy; }\n");
    site.build();
    assert!(site.output("post/index.html").contains(link));
    assert!(site.output("index.html").contains(link));
    site.assert_same_as_clean_build();
    site.remove("static/style.css");
    site.build();
    assert!(!site.output("post/index.html").contains(link));
    site.assert_same_as_clean_build();
}

// See issue #27.
#[test]
fn hidden_files_in_static_are_copied_as_zola_copies_them() {
    let site = SiteTest::copy("blog");
    site.write("static/.well-known/security.txt", "Contact: mailto:security@example.test\n");
    site.write("static/.htaccess", "ErrorDocument 404 /404.html\n");
    site.write("content/.hidden-draft.md", "+++\ntitle = \"Hidden\"\n+++\nNot a page.\n");
    site.build();
    assert_eq!(site.output(".well-known/security.txt"), "Contact: mailto:security@example.test\n");
    assert_eq!(site.output(".htaccess"), "ErrorDocument 404 /404.html\n");
    assert!(!site.has_output(".hidden-draft/index.html"), "hidden content is not a page");
    site.edit("static/.htaccess", "404", "410");
    site.build().assert_same_as_clean_build();
}

#[test]
fn a_bundles_files_in_subfolders_are_copied_beside_the_page_and_follow_edits() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Trips\"\nbase_url = \"https://trips.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/trips/_index.md", "+++\ntitle = \"Trips\"\n+++\n"),
        ("content/trips/alps/index.md", "+++\ntitle = \"Alps\"\n+++\n![route](maps/day-1/route.svg)\n"),
        ("content/trips/alps/maps/day-1/route.svg", "<svg>day 1</svg>\n"),
    ]);
    site.build();
    assert_eq!(site.output("trips/alps/maps/day-1/route.svg"), "<svg>day 1</svg>\n");
    assert!(site.output("trips/alps/index.html").contains("maps/day-1/route.svg"));
    site.write("content/trips/alps/maps/day-1/route.svg", "<svg>day 1, rerouted</svg>\n").build();
    assert_eq!(site.output("trips/alps/maps/day-1/route.svg"), "<svg>day 1, rerouted</svg>\n");
    site.remove("content/trips/alps/maps/day-1/route.svg").build();
    assert!(!site.has_output("trips/alps/maps/day-1/route.svg"), "a removed asset's copy stays");
    site.assert_same_as_clean_build();
}

#[test]
fn a_zola_configuration_without_taxonomies_makes_no_term_pages_as_zola_does() {
    let site = SiteTest::with_files(&[
        ("config.toml", "title = \"Zola site\"\nbase_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/post.md", "+++\ntitle = \"Post\"\n[taxonomies]\ntags = [\"rust\"]\n+++\nText\n"),
    ]);
    site.build();
    assert!(site.has_output("post/index.html"));
    assert!(!site.public().keys().any(|path| path.starts_with("tags/")), "term pages without a configured taxonomy");
    site.write(
        "config.toml",
        "title = \"Zola site\"\nbase_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n",
    )
    .build();
    assert!(site.output("tags/rust/index.html").contains("Post"));
    site.assert_same_as_clean_build();
}
