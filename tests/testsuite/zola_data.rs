//! Zola's `load_data`: a file found where Zola looks (the site root,
//! `static/`, `content/`, the theme's `static/`), read in Zola's formats by
//! extension or `format=`, `literal=`, `required=false`, and `url=` refused.
//! Each scenario builds a real site folder with the binary and ends equal to
//! a clean build.

use crate::support::SiteTest;

const CONFIG: &str = "base_url = \"https://zola.test\"\ntheme = \"plain\"\n";

#[test]
fn load_data_finds_files_where_zola_looks_and_reads_them_in_its_formats() {
    let template = "{% set toml = load_data(path=\"content/blog/story/data.toml\") %}toml={{ toml.title }} {{ toml.meta.year }}\n\
        {% set csv = load_data(path=\"@/blog/story/data.csv\") %}csv={{ csv.headers | join(sep=\",\") }};{{ csv.records[1][1] }}\n\
        static={{ load_data(path=\"people.json\").names | join(sep=\",\") }}\n\
        yaml={{ load_data(path=\"data/site.yml\").owner }} shorthand={{ load_data(path=\"legacy.toml\").name }}\n\
        theme={{ load_data(path=\"palette.json\").color }}\n\
        plain={{ load_data(path=\"notes.txt\") }} as-plain={{ load_data(path=\"static/people.json\", format=\"plain\") | length }}\n\
        as-json={{ load_data(path=\"static/json.txt\", format=\"JSON\").a }}\n\
        literal={{ load_data(literal='{\"name\": \"bob\"}', format=\"json\").name }} {{ load_data(literal=\"a = 1\") }}\n\
        missing={{ load_data(path=\"absent.toml\", required=false) is none }}";
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("themes/plain/theme.toml", "name = \"plain\"\n"),
        ("themes/plain/static/palette.json", "{\"color\": \"blue\"}"),
        ("content/_index.md", "+++\n+++\n"),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/story/index.md", "+++\ntitle = \"Story\"\ntemplate = \"story.html\"\n+++\n"),
        ("content/blog/story/data.toml", "title = \"Gutenberg\"\n[meta]\nyear = 1450\n"),
        ("content/blog/story/data.csv", "Number,Title\n1,Gutenberg\n2,Printing\n"),
        ("static/people.json", "{\"names\": [\"Ann\", \"Bo\"]}"),
        ("static/notes.txt", "plain words"),
        ("static/json.txt", "{\"a\": 7}"),
        ("data/site.yml", "owner: Tess\n"),
        ("static/data/site.yml", "owner: static\n"),
        ("data/legacy.toml", "name = \"old\"\n"),
        ("templates/story.html", template),
        ("templates/index.html", "home"),
        ("templates/section.html", "{{ section.title }}"),
    ]);
    site.build();
    assert_eq!(
        site.output("blog/story/index.html"),
        "toml=Gutenberg 1450\ncsv=Number,Title;Printing\nstatic=Ann,Bo\nyaml=Tess shorthand=old\n\
         theme=blue\nplain=plain words as-plain=24\nas-json=7\nliteral=bob a = 1\nmissing=true"
    );
    // Only the site's own folders are searched: a file at the root is not one.
    site.write("people.json", "{\"names\": [\"root\"]}");
    site.build();
    assert!(site.output("blog/story/index.html").contains("static=Ann,Bo\n"));
    // A file removed from where the search found it is looked for further on.
    site.remove("data/site.yml");
    site.build();
    assert!(site.output("blog/story/index.html").contains("yaml=static "));
    site.assert_same_as_clean_build();
}

#[test]
fn editing_a_loaded_file_re_renders_only_the_pages_that_loaded_it() {
    let site = SiteTest::with_files(&[
        ("config.toml", CONFIG),
        ("content/_index.md", "+++\n+++\n"),
        ("content/a/index.md", "+++\ntitle = \"A\"\ntemplate = \"loads.html\"\n+++\n"),
        ("content/a/numbers.json", "[1, 2]"),
        ("content/b.md", "+++\ntitle = \"B\"\n+++\n"),
        ("static/other.json", "[3]"),
        ("data/b.toml", "n = 1\n"),
        (
            "templates/loads.html",
            "{{ load_data(path=\"@/a/numbers.json\") | join(sep=\"+\") }} {{ load_data(path=\"palette.json\") }}",
        ),
        ("themes/plain/theme.toml", "name = \"plain\"\n"),
        ("themes/plain/static/palette.json", "\"theme\""),
        ("templates/page.html", "{{ page.title }}={{ load_data(path=\"data/b.toml\").n }}"),
        ("templates/index.html", "home"),
    ]);
    site.build();
    assert_eq!(site.output("a/index.html"), "1+2 theme");
    assert_eq!(site.output("b/index.html"), "B=1");

    // A page's asset, known to queries by its hash only until it is loaded.
    site.write("content/a/numbers.json", "[1, 2, 3]");
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    assert!(run.stdout.contains("rendered 1,"), "{}", run.stdout);
    assert_eq!(site.output("a/index.html"), "1+2+3 theme");

    site.write("data/b.toml", "n = 2\n");
    let run = site.qsite(&["build", "-v"]);
    assert!(run.stdout.contains("rendered 1,"), "{}", run.stdout);
    assert_eq!(site.output("b/index.html"), "B=2");

    site.write("static/other.json", "[4]");
    let run = site.qsite(&["build", "-v"]);
    assert!(run.stdout.contains("rendered 0,"), "{}", run.stdout);
    site.assert_same_as_clean_build();

    // A copy where the search looks first takes the place of the theme's.
    // The page and the sitemap, whose `palette.json` now comes from the site.
    site.write("static/palette.json", "\"site\"");
    let run = site.qsite(&["build", "-v"]);
    assert!(run.stdout.contains("a/index.html: rendered") && !run.stdout.contains("b/index.html"), "{}", run.stdout);
    assert!(run.stdout.contains("rendered 2,"), "{}", run.stdout);
    assert_eq!(site.output("a/index.html"), "1+2+3 site");
    site.assert_same_as_clean_build();
}

#[test]
fn load_data_errors_name_the_url_the_file_and_the_template_line() {
    let site = SiteTest::with_files(&[
        ("config.toml", "base_url = \"https://zola.test\"\n"),
        ("content/_index.md", "+++\n+++\n"),
        ("static/notes.txt", "not json"),
        ("static/refs.bibtex", "@misc{a, title = \"Zola\"}\n"),
    ]);
    for (call, expected) in [
        (
            "load_data(url=\"https://api.example.com/data.json\", format=\"json\")",
            "qsite does not fetch remote data (`load_data(url=\"https://api.example.com/data.json\")`)",
        ),
        ("load_data(path=\"absent.toml\")", "data file `absent.toml` does not exist"),
        (
            "load_data(path=\"notes.txt\", format=\"json\")",
            "invalid JSON in data file `static/notes.txt` at line 1, column 2",
        ),
        ("load_data(path=\"refs.bibtex\")", "qsite cannot read BibTeX data yet"),
        ("load_data(path=\"notes.txt\", format=\"ini\")", "`format` is toml, json, csv, bibtex, yaml, xml or plain"),
        ("load_data(literal=\"a = \", format=\"toml\")", "invalid TOML in `literal` at line 1"),
        ("load_data()", "`load_data` takes one of `path`, `url` or `literal`"),
    ] {
        site.write("templates/index.html", &format!("<p>\n{{{{ {call} }}}}</p>\n"));
        site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[expected, "templates/index.html:2:"]);
    }
    site.write("templates/index.html", "{{ load_data(path=\"notes.txt\") }}");
    site.build().assert_same_as_clean_build();
}
