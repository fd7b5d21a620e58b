//! Persisted query results: a new process after an edit reads, parses and
//! renders what the edit touched, not the site. Each test builds a generated
//! site, edits it, builds again in a new process with `-v`, and counts the
//! work that build reports (content files read, front matter parsed,
//! Markdown rendered, stored traces verified, outputs rendered) before
//! comparing the output with a clean build.

use crate::support::{Run, SiteTest};

/// Pages per section of the generated site.
const PAGES: usize = 40;

/// Sections of the generated site.
const SECTIONS: [&str; 3] = ["blog", "notes", "talks"];

/// A site of `SECTIONS × PAGES` dated, tagged pages with paginated section
/// listings, tag pages, a feed and a home page that lists the newest ones.
fn generated_site() -> SiteTest {
    let mut files: Vec<(String, String)> = vec![
        (
            "qsite.toml".into(),
            "title = \"Generated\"\nbase_url = \"https://example.com\"\ntaxonomies = [\"tags\"]\n".into(),
        ),
        ("content/_index.md".into(), "+++\ntitle = \"Home\"\n+++\n".into()),
        (
            "templates/page.html".into(),
            "<h1>{{ page.title }}</h1><time>{{ page.date }}</time>{{ page.content | safe }}".into(),
        ),
        (
            "templates/section.html".into(),
            "<h1>{{ section.title }}</h1>{% for p in paginator.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}"
                .into(),
        ),
        (
            "templates/index.html".into(),
            "{% for p in get_pages(limit=5) %}<h2>{{ p.title }}</h2>{{ p.summary | safe }}{% endfor %}".into(),
        ),
    ];
    for (number, section) in SECTIONS.iter().enumerate() {
        files.push((
            format!("content/{section}/_index.md"),
            format!("+++\ntitle = \"{section}\"\npaginate_by = 10\n+++\n"),
        ));
        for page in 0..PAGES {
            let day = 1 + (page % 28);
            let month = 1 + number * 3 + page / 28;
            files.push((
                format!("content/{section}/page-{page:02}.md"),
                format!(
                    "+++\ntitle = \"{section} {page}\"\ndate = 2024-{month:02}-{day:02}\ntags = [\"t{}\", \"all\"]\n+++\n\
                     Page {page} of {section} begins.\n\n<!-- more -->\n\nThe rest of page {page}.\n",
                    page % 7
                ),
            ));
        }
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(path, text)| (path.as_str(), text.as_str())).collect();
    SiteTest::with_files(&borrowed)
}

/// What `build -v` said it did.
struct Work {
    content_read: usize,
    parsed: usize,
    markdown: usize,
    verified: usize,
    /// Stored traces loaded from the cache at all.
    loaded: usize,
    rendered: usize,
    reused: usize,
    /// What the build printed, shown when an assertion fails.
    said: String,
}

/// The first number after `label` in `line`'s words, as `build -v` prints
/// them (`1 content file read`, `rendered 3,`).
fn number_before(line: &str, label: &str) -> usize {
    let at = line.find(label).unwrap_or_else(|| panic!("`{label}` in `{line}`"));
    let before = line[..at].trim_end().rsplit(' ').next().unwrap_or_default();
    before.replace(',', "").parse().unwrap_or_else(|_| panic!("a number before `{label}` in `{line}`"))
}

fn number_after(line: &str, label: &str) -> usize {
    let at = line.find(label).unwrap_or_else(|| panic!("`{label}` in `{line}`")) + label.len();
    let digits: String = line[at..].trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    digits.replace(',', "").parse().unwrap_or_else(|_| panic!("a number after `{label}` in `{line}`"))
}

impl std::fmt::Debug for Work {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} content read, {} parsed, {} Markdown, {} verified of {} loaded, {} rendered, {} reused; the build said:\n{}",
            self.content_read,
            self.parsed,
            self.markdown,
            self.verified,
            self.loaded,
            self.rendered,
            self.reused,
            self.said
        )
    }
}

fn work(run: &Run) -> Work {
    run.assert_code(0);
    let line = |start: &str| {
        run.stdout.lines().find(|line| line.starts_with(start)).unwrap_or_else(|| panic!("{}", run.stdout)).to_owned()
    };
    let work = line("work: ");
    let counts = run.stdout.lines().find(|line| line.starts_with("rendered ")).unwrap_or("rendered 0, reused 0");
    Work {
        content_read: number_before(&work, "content file"),
        parsed: number_before(&work, "front matter block"),
        markdown: number_before(&work, "Markdown rendering"),
        verified: number_before(&work, "trace"),
        loaded: number_before(&work, "loaded"),
        rendered: number_after(counts, "rendered"),
        reused: number_after(counts, "reused"),
        said: run.stdout.clone(),
    }
}

fn warm_build(site: &SiteTest) -> Work {
    work(&site.qsite(&["build", "-v"]))
}

#[test]
fn a_cold_build_reads_and_parses_every_file_and_a_no_op_reads_none() {
    let site = generated_site();
    let cold = warm_build(&site);
    assert_eq!(cold.content_read, 1 + SECTIONS.len() * (PAGES + 1), "{cold:?}");
    assert_eq!(cold.parsed, cold.content_read, "{cold:?}");
    let again = warm_build(&site);
    assert_eq!((again.content_read, again.parsed, again.markdown, again.verified), (0, 0, 0, 0), "{again:?}");
}

#[test]
fn a_body_edit_reads_parses_and_renders_one_page_in_a_new_process() {
    let site = generated_site();
    site.build();
    site.edit("content/notes/page-17.md", "The rest of page 17.", "The rest of page 17, edited.");
    let warm = warm_build(&site);
    assert_eq!(warm.content_read, 1, "only the edited file is read: {warm:?}");
    assert_eq!(warm.parsed, 1, "{warm:?}");
    assert_eq!(warm.markdown, 1, "{warm:?}");
    // What shows its body: the page, the feed, its two tag pages' summaries.
    assert!(warm.rendered <= 4, "{warm:?}");
    assert!(warm.said.contains(", 2 files written,"), "the page and the feed changed: {warm:?}");
    // The traces that read the file: those, its listing page and the
    // sitemap; not the other hundred and forty outputs.
    assert!(warm.verified <= 8, "{warm:?}");
    // The reverse index names them: no other trace is even loaded.
    assert_eq!(warm.loaded, warm.verified, "{warm:?}");
    assert!(warm.reused > 100, "{warm:?}");
    site.assert_same_as_clean_build();
}

#[test]
fn a_title_edit_re_renders_the_listings_that_show_it_and_reads_one_file() {
    let site = generated_site();
    site.build();
    site.edit("content/talks/page-03.md", "title = \"talks 3\"", "title = \"Retitled talk\"");
    let warm = warm_build(&site);
    assert_eq!(warm.content_read, 1, "{warm:?}");
    assert_eq!(warm.parsed, 1, "{warm:?}");
    // Its page, its section's listing page, its two tag pages, the feed.
    assert!((4..=6).contains(&warm.rendered), "{warm:?}");
    // A title is no part of the route table or of listings by date: only
    // the outputs that read something of the file are looked at.
    assert!(warm.verified <= 8, "{warm:?}");
    site.assert_same_as_clean_build();
    assert!(site.output("talks/page/4/index.html").contains("Retitled talk"));
}

#[test]
fn a_listing_that_shows_other_bodies_takes_them_from_the_store() {
    let site = generated_site();
    site.build();
    // The home shows the five newest summaries; a new newest page changes
    // it and the set of files, so every stored read is verified.
    site.edit("content/talks/page-05.md", "date = 2024-07-06", "date = 2025-01-01");
    let warm = warm_build(&site);
    assert_eq!(warm.content_read, 1, "{warm:?}");
    assert!(warm.markdown <= 1, "the other four summaries come from the store: {warm:?}");
    site.assert_same_as_clean_build();
}

#[test]
fn facts_that_no_longer_decode_are_recomputed_from_the_file() {
    let site = generated_site();
    site.build();
    let connection = rusqlite::Connection::open(site.root().join(".qsite/cache.sqlite")).unwrap();
    connection.execute("UPDATE facts SET value = x'00ff'", []).unwrap();
    drop(connection);
    site.edit("content/blog/page-02.md", "The rest of page 2.", "The rest of page 2, edited.");
    let warm = warm_build(&site);
    assert!(warm.content_read > 1, "files whose facts are garbage are read: {warm:?}");
    site.assert_same_as_clean_build();
    // And the next build has sound facts again.
    site.edit("content/blog/page-02.md", "edited.", "edited twice.");
    assert_eq!(warm_build(&site).content_read, 1);
}

#[test]
fn a_file_whose_facts_are_of_other_bytes_is_read() {
    let site = generated_site();
    site.build();
    let connection = rusqlite::Connection::open(site.root().join(".qsite/cache.sqlite")).unwrap();
    let changed =
        connection.execute("UPDATE facts SET hash = zeroblob(32) WHERE path LIKE 'content/notes/%'", []).unwrap();
    assert_eq!(changed, PAGES + 1);
    drop(connection);
    site.edit("content/blog/page-02.md", "The rest of page 2.", "The rest of page 2, edited.");
    let warm = warm_build(&site);
    assert_eq!(warm.content_read, PAGES + 2, "{warm:?}");
    site.assert_same_as_clean_build();
}

#[test]
fn stored_listings_that_no_longer_decode_are_computed_again() {
    let site = generated_site();
    site.build();
    let connection = rusqlite::Connection::open(site.root().join(".qsite/cache.sqlite")).unwrap();
    let damaged = connection.execute("UPDATE site_values SET value = 'not json'", []).unwrap();
    assert!(damaged > 0, "the listings of the home and sections are stored");
    drop(connection);
    // A body edit keeps the site's metadata, so the stored listings are used
    // where they decode; the home lists the newest pages.
    site.edit("content/talks/page-39.md", "The rest of page 39.", "The rest of page 39, edited.");
    warm_build(&site);
    site.assert_same_as_clean_build();
}

#[test]
fn a_title_edit_reaches_the_pages_whose_links_show_that_title() {
    let site = generated_site();
    site.write(
        "content/blog/linking.md",
        "+++\ntitle = \"Linking\"\ndate = 2024-03-03\n+++\nSee [](@/notes/page-05.md).\n",
    );
    site.build();
    site.edit("content/notes/page-05.md", "title = \"notes 5\"", "title = \"Renamed note\"");
    let warm = warm_build(&site);
    assert!(warm.said.contains("blog/linking/index.html: rendered"), "{warm:?}");
    assert!(site.output("blog/linking/index.html").contains("Renamed note"));
    site.assert_same_as_clean_build();
}

#[test]
fn a_file_edited_after_the_scan_left_it_unread_stops_the_build_before_it_renders_from_it() {
    use std::collections::{HashMap, HashSet};

    use camino::Utf8Path;
    use qsite::progress::Progress;
    use qsite::site_folder::{EnvironmentError, scan};
    use qsite::stored_facts::StoredFacts;
    use qsite::workspace::{RenderPlan, Selection, Workspace};
    use snapshots::Cache;

    let site = generated_site();
    site.build();
    // The next build's start, in this process: every page is unchanged,
    // so each is left unread with its stored front matter.
    let root = Utf8Path::from_path(site.root()).expect("UTF-8 temporary path");
    let dir = root.join(".qsite");
    let build_id = Cache::open_read_only(&dir).and_then(|cache| cache.meta("build_id").ok().flatten());
    let (cache, cold) = Cache::open(&dir, &build_id.expect("the build left its cache"));
    assert_eq!(cold, None);
    let config = Utf8Path::new("qsite.toml");
    let scan = scan(root, config, &cache.files().unwrap(), i64::MAX).unwrap();
    assert!(scan.changed.is_empty());
    let facts = StoredFacts::all(&cache);
    let workspace = Workspace::from_scan(root, config, Default::default(), &scan.files, &facts, true).unwrap();
    // Saved while the build runs, before a render needs the page's body.
    site.edit("content/notes/page-11.md", "The rest of page 11.", "Saved during the build.");
    let everything = RenderPlan { selection: Selection::Table { reused: HashSet::new() }, checked: HashMap::new() };
    let error = workspace.render_plan(&everything, &Progress::hidden()).expect_err("the page changed");
    assert!(matches!(error, EnvironmentError::ChangedDuringBuild { .. }), "{error}");
    assert!(error.to_string().contains("content/notes/page-11.md"), "{error}");
    drop(cache);
    // The next build sees the edit.
    let warm = warm_build(&site);
    assert_eq!(warm.content_read, 1, "{warm:?}");
    site.assert_same_as_clean_build();
    assert!(site.output("notes/page-11/index.html").contains("Saved during the build."));
}
