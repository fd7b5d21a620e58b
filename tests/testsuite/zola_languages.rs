//! Multilingual Zola sites: `a.fr.md` is the French version of `a.md`,
//! rendered under `/fr/`, with `lang`, `translations`, `trans()`,
//! per-language listings, taxonomies and feeds as Zola has them. Each scenario builds a site of
//! its own and ends equal to a clean build.

use camino::Utf8Path;
use qsite::workspace::Workspace;
use queries::BuildOptions;

use crate::support::{SiteTest, rendered_after};

const CONFIG: &str = "title = \"Site\"\nbase_url = \"https://zola.test\"\ntaxonomies = [{ name = \"tags\" }]\n\
    [translations]\nhello = \"Hello\"\n\
    [languages.fr]\ntitle = \"Le site\"\ntaxonomies = [{ name = \"tags\" }]\n\
    [languages.fr.translations]\nhello = \"Bonjour\"\n";

const PAGE: &str = "{{ lang }}|{{ page.lang }}|{{ page.title }}|{{ config.title }}|{{ trans(key=\"hello\", lang=lang) }}|\
    {% for t in page.translations %}{{ t.lang }}={{ t.permalink }} {{ t.title }} {{ t.path }};{% endfor %}|{{ page.content }}";

/// A site in English and French with a blog section in both.
fn bilingual_site() -> SiteTest {
    SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/_index.fr.md", "+++\ntitle = \"Blogue\"\n+++\n"),
        ("content/blog/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"rust\"]\n+++\nEnglish\n"),
        (
            "content/blog/a.fr.md",
            "+++\ntitle = \"A en français\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"rouille\"]\n+++\nFrançais\n",
        ),
        ("content/blog/b/index.md", "+++\ntitle = \"B\"\ndate = 2024-01-02\n+++\nB\n"),
        ("content/blog/b/index.fr.md", "+++\ntitle = \"B fr\"\ndate = 2024-01-02\n+++\nB fr\n"),
        ("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout\n"),
        ("templates/page.html", PAGE),
        (
            "templates/section.html",
            "{{ lang }}|{{ section.title }}|{% for p in section.pages %}{{ p.title }},{% endfor %}|\
             {% for t in section.translations %}{{ t.lang }} {% endfor %}|{{ get_url(path=\"@/blog/a.md\", lang=lang) }}",
        ),
        (
            "templates/index.html",
            "{{ lang }}|{{ config.title }}|{% for p in section.pages %}{{ p.title }},{% endfor %}|\
             {% for code, language in config.languages %}{{ code }}:{{ language.title }} {% endfor %}",
        ),
        ("templates/taxonomy_single.html", "{{ term.name }}:{% for p in term.pages %}{{ p.title }},{% endfor %}"),
    ])
}

#[test]
fn french_files_render_under_fr_with_their_translations() {
    let site = bilingual_site();
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(
        site.output("blog/a/index.html"),
        "en|en|A|Site|Hello|en=https://zola.test/blog/a/ A blog/a.md;\
         fr=https://zola.test/fr/blog/a/ A en français blog/a.fr.md;|<p>English</p>\n"
    );
    assert_eq!(
        site.output("fr/blog/a/index.html"),
        "fr|fr|A en français|Le site|Bonjour|en=https://zola.test/blog/a/ A blog/a.md;\
         fr=https://zola.test/fr/blog/a/ A en français blog/a.fr.md;|<p>Français</p>\n"
    );
    assert!(site.has_output("fr/blog/b/index.html"), "a bundle's `index.fr.md` is its French version");
    assert!(!site.has_output("blog/a.fr/index.html"));
    // A page with no translation lists itself alone.
    assert!(site.output("about/index.html").contains("|en=https://zola.test/about/ About about.md;|"));
}

#[test]
fn sections_list_the_pages_of_their_language() {
    let site = bilingual_site();
    site.build();
    assert_eq!(site.output("blog/index.html"), "en|Blog|A,B,|en fr |https://zola.test/blog/a/");
    assert_eq!(site.output("fr/blog/index.html"), "fr|Blogue|A en français,B fr,|en fr |https://zola.test/fr/blog/a/");
    // No `_index.fr.md` at the root: the French home is made, as in Zola.
    assert_eq!(site.output("fr/index.html"), "fr|Le site||en:Site ");
    assert_eq!(site.output("index.html"), "en|Site|About,|fr:Le site ");
    // French terms are not the default language's.
    assert_eq!(site.output("tags/rust/index.html"), "rust:A,");
    assert!(!site.has_output("tags/rouille/index.html"));
}

#[test]
fn trans_names_a_missing_key_and_an_undeclared_language_is_an_error() {
    let site = bilingual_site();
    site.write("templates/page.html", "{{ trans(key=\"goodbye\", lang=lang) }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["goodbye", "fr"]);
    let site = bilingual_site();
    site.write("content/c.it.md", "+++\ntitle = \"C\"\n+++\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["`it`", "content/c.it.md"]);
}

#[test]
fn a_fr_file_on_a_site_of_one_language_is_a_page_of_its_own() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\n"),
        ("content/x.fr.md", "+++\ntitle = \"X\"\n+++\n"),
        ("templates/page.html", "{{ page.lang }} {{ page.translations | length }}"),
    ]);
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("x-fr/index.html"), "en 0");
}

/// The site loaded in this process from its `config.toml`, for tests that
/// count what an edit renders again.
pub fn workspace(site: &SiteTest) -> Workspace {
    let root = Utf8Path::from_path(site.root()).expect("UTF-8 temporary path");
    Workspace::load(root, Utf8Path::new("config.toml"), BuildOptions::default()).expect("site loads")
}

#[test]
fn a_french_body_edit_renders_the_french_page_alone() {
    let site = bilingual_site();
    let mut workspace = workspace(&site);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/a.fr.md", "Français", "Français, encore");
    });
    assert_eq!(outputs, ["fr/blog/a/index.html"]);
    site.build().assert_same_as_clean_build();
    assert!(site.output("fr/blog/a/index.html").contains("encore"));
}

#[test]
fn a_french_title_edit_reaches_its_translations_and_builds_as_a_clean_build() {
    let site = bilingual_site();
    site.build();
    site.edit("content/blog/a.fr.md", "A en français", "A, en français");
    site.build().assert_same_as_clean_build();
    assert!(site.output("blog/a/index.html").contains("A, en français blog/a.fr.md"));
    site.remove("content/blog/b/index.fr.md");
    site.build().assert_same_as_clean_build();
    assert!(!site.has_output("fr/blog/b/index.html"));
    site.write("content/_index.fr.md", "+++\ntitle = \"Accueil\"\n+++\n");
    site.build().assert_same_as_clean_build();
}

/// The bilingual site with feeds and term feeds in both languages, the
/// French ones asked for with the older `generate_feed`, and templates that
/// print the language and the pages of each taxonomy and feed.
fn bilingual_site_with_feeds() -> SiteTest {
    let site = bilingual_site();
    site.write(
        "config.toml",
        "title = \"Site\"\nbase_url = \"https://zola.test\"\ngenerate_feeds = true\n\
         feed_filenames = [\"atom.xml\", \"rss.xml\"]\ntaxonomies = [{ name = \"tags\" }]\n\
         [translations]\nhello = \"Hello\"\n\
         [languages.fr]\ntitle = \"Le site\"\ngenerate_feed = true\n\
         taxonomies = [{ name = \"tags\", feed = true }, { name = \"categories\" }]\n\
         [languages.fr.translations]\nhello = \"Bonjour\"\n",
    );
    site.write(
        "templates/taxonomy_list.html",
        "{{ lang }}|{{ config.title }}|{{ current_path }}|\
         {% for t in terms %}{{ t.name }}={{ t.permalink }} {{ t.page_count }};{% endfor %}",
    );
    site.write(
        "templates/taxonomy_single.html",
        "{{ lang }}|{{ term.name }}:{% for p in term.pages %}{{ p.title }},{% endfor %}|\
         {{ get_taxonomy_url(kind=taxonomy.name, name=term.name, lang=lang) }}",
    );
    site.write(
        "templates/atom.xml",
        "{{ lang }}|{{ config.title }}|{% for p in pages %}{{ p.title }}: {{ p.content }},{% endfor %}|{{ feed_url }}",
    );
    site
}

#[test]
fn french_terms_have_pages_under_fr_and_the_default_languages_list_english_pages_alone() {
    let site = bilingual_site_with_feeds();
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("tags/index.html"), "en|Site|/tags/|rust=https://zola.test/tags/rust/ 1;");
    assert_eq!(site.output("fr/tags/index.html"), "fr|Le site|/fr/tags/|rouille=https://zola.test/fr/tags/rouille/ 1;");
    assert_eq!(
        site.output("fr/tags/rouille/index.html"),
        "fr|rouille:A en français,|https://zola.test/fr/tags/rouille/"
    );
    assert_eq!(site.output("tags/rust/index.html"), "en|rust:A,|https://zola.test/tags/rust/");
    assert!(!site.has_output("tags/rouille/index.html") && !site.has_output("fr/tags/rust/index.html"));
    // A French taxonomy the default language lacks has its list all the same.
    assert_eq!(site.output("fr/categories/index.html"), "fr|Le site|/fr/categories/|");
    assert!(!site.has_output("categories/index.html"));
    site.edit(
        "content/blog/b/index.fr.md",
        "date = 2024-01-02",
        "date = 2024-01-02\n[taxonomies]\ncategories = [\"Langue\"]",
    );
    site.build().assert_same_as_clean_build();
    assert_eq!(
        site.output("fr/categories/langue/index.html"),
        "fr|Langue:B fr,|https://zola.test/fr/categories/langue/"
    );
}

#[test]
fn each_language_has_its_own_feeds_of_its_own_pages() {
    let site = bilingual_site_with_feeds();
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("atom.xml"), "en|Site|B: <p>B</p>\n,A: <p>English</p>\n,|https://zola.test/atom.xml");
    assert_eq!(
        site.output("fr/atom.xml"),
        "fr|Le site|B fr: <p>B fr</p>\n,A en français: <p>Français</p>\n,|https://zola.test/fr/atom.xml"
    );
    assert!(site.output("fr/rss.xml").contains("<link>https://zola.test/fr/</link>"));
    assert!(!site.output("rss.xml").contains("français"));
    // The French `tags` ask for term feeds; the default language's do not.
    assert_eq!(
        site.output("fr/tags/rouille/atom.xml"),
        "fr|Le site|A en français: <p>Français</p>\n,|https://zola.test/fr/tags/rouille/atom.xml"
    );
    assert!(!site.has_output("tags/rust/atom.xml"));
    site.edit("config.toml", "generate_feed = true", "generate_feed = false");
    site.build().assert_same_as_clean_build();
    assert!(!site.has_output("fr/atom.xml") && site.has_output("atom.xml"));
}

#[test]
fn a_french_body_edit_renders_what_shows_that_page_alone() {
    let site = bilingual_site_with_feeds();
    let mut workspace = workspace(&site);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/blog/a.fr.md", "Français", "Français, encore");
    });
    assert_eq!(
        outputs,
        ["fr/atom.xml", "fr/blog/a/index.html", "fr/rss.xml", "fr/tags/rouille/atom.xml", "fr/tags/rouille/rss.xml"]
    );
    site.build().assert_same_as_clean_build();
}

#[test]
fn a_taxonomy_is_checked_against_the_pages_own_language() {
    let site = bilingual_site_with_feeds();
    site.write("content/c.md", "+++\ntitle = \"C\"\n[taxonomies]\ncategories = [\"x\"]\n+++\n");
    site.write(
        "content/c.fr.md",
        "+++\ntitle = \"C fr\"\n[taxonomies]\ncategories = [\"y\"]\nauthors = [\"z\"]\n+++\n",
    );
    let run = site.qsite(&["build"]);
    run.assert_code(0).assert_stderr_has(&[
        "the taxonomy `categories` is not configured, so",
        "the taxonomy `authors` is not configured for `fr`",
        "`taxonomies` under `[languages.fr]`",
    ]);
    assert!(!run.stderr.contains("`categories` is not configured for `fr`"), "{}", run.stderr);
    assert!(site.has_output("fr/categories/y/index.html"));
}

#[test]
fn a_declared_language_without_content_has_its_home() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\n[languages.de]\ntitle = \"Die Seite\"\n"),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\n"),
        ("templates/index.html", "{{ lang }}|{{ config.title }}|{{ section.pages | length }}"),
        ("templates/page.html", "{{ page.title }}"),
    ]);
    site.qsite(&["build"]).assert_code(0);
    assert_eq!(site.output("de/index.html"), "de|Die Seite|0");
    // A new process renders an edited page alone: the made home's trace verifies.
    site.edit("content/a.md", "title = \"A\"", "title = \"A2\"");
    let run = site.qsite(&["build", "-v"]);
    assert!(run.assert_code(0).stdout.contains("rendered 1,"), "{}", run.stdout);
    site.edit("config.toml", "[languages.de]", "[languages.it]");
    site.build().assert_same_as_clean_build();
    assert!(!site.has_output("de/index.html"));
    assert_eq!(site.output("it/index.html"), "it|Die Seite|0");
}
