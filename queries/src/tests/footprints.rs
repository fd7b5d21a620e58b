//! Footprints are honest: an edit outside a read's footprint never changes
//! the read's value hash. A host skips verifying exactly those reads, so a
//! footprint that forgets an input leaves a stale page in the next process;
//! this test finds it on random sites and random edits, whatever the feature.
//!
//! Every footprint also depends on the configuration, the build options and
//! the set of files, so an edit of the configuration or one that adds or
//! removes a file may change any read; what is checked is every other edit:
//! a file's text changed in place.

use std::collections::BTreeSet;

use fastrand::Rng;

use crate::test_db::TestDb;
use crate::trace::{Facets, Footprint, Read, changed_facets, current_hash, facet_hashes};

const TITLES: [&str; 5] = ["Alpha", "beta", "Gamma", "delta", "Alpha"];
const TAGS: [&str; 4] = ["rust", "web", "Rust", "notes"];
const SORTS: [&str; 4] = ["date", "title", "weight", "none"];

/// A random page: front matter from small pools, so pages tie and collide,
/// and a body that links to other pages by path, by URL and by anchor.
fn page(rng: &mut Rng, pages: usize) -> String {
    let mut text = String::from("+++\n");
    text += &format!("title = \"{}\"\n", TITLES[rng.usize(..TITLES.len())]);
    if rng.bool() {
        text += &format!("date = 2024-0{}-0{}\n", rng.u8(1..=9), rng.u8(1..=9));
    }
    if rng.u8(..4) == 0 {
        text += &format!("updated = 2025-01-0{}\n", rng.u8(1..=9));
    }
    if rng.bool() {
        text += &format!("weight = {}\n", rng.i64(-2..5));
    }
    if rng.u8(..5) == 0 {
        text += "draft = true\n";
    }
    if rng.u8(..6) == 0 {
        text += &format!("slug = \"s{}\"\n", rng.u8(..3));
    }
    if rng.u8(..6) == 0 {
        text += &format!("aliases = [\"/old/{}/\"]\n", rng.u8(..3));
    }
    let tags: Vec<String> = (0..rng.usize(..3)).map(|_| format!("\"{}\"", TAGS[rng.usize(..TAGS.len())])).collect();
    if !tags.is_empty() {
        text += &format!("tags = [{}]\n", tags.join(", "));
    }
    text += "+++\n";
    text += &format!("# Heading {}\n\nSome text {}.\n\n", rng.u8(..3), rng.u32(..));
    for _ in 0..rng.usize(..3) {
        let target = rng.usize(..pages);
        text += &match rng.u8(..3) {
            0 => format!("See [](@/blog/p{target}.md).\n"),
            1 => format!("See [x](@/notes/p{target}.md#heading-{}).\n", rng.u8(..3)),
            _ => format!("See [y](/blog/p{target}/).\n"),
        };
    }
    if rng.bool() {
        text += "\n<!-- more -->\n\nThe rest.\n";
    }
    text
}

fn section(rng: &mut Rng, title: &str) -> String {
    let mut text = format!("+++\ntitle = \"{title}\"\nsort_by = \"{}\"\n", SORTS[rng.usize(..SORTS.len())]);
    if rng.bool() {
        text += &format!("paginate_by = {}\n", rng.usize(1..4));
    }
    text + "+++\nIntro.\n"
}

fn config(rng: &mut Rng) -> String {
    let mut text = String::from("title = \"Site\"\nbase_url = \"https://example.test\"\ntaxonomies = [\"tags\"]\n");
    if rng.bool() {
        text += "paginate_by = 2\n";
    }
    text + &format!("[extra]\nmotto = \"m{}\"\n", rng.u8(..3))
}

/// Templates that between them read every kind of value: pages' fields,
/// listings, terms, other pages and sections, URLs and data.
const TEMPLATES: [(&str, &str); 7] = [
    ("templates/base.html", "<html>{{ config.extra.motto }}{% block content %}{% endblock %}</html>\n"),
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.date }} \
         {{ page.content | safe }}{% for t in page.taxonomies.tags | default([]) %}{{ t }}{% endfor %}\
         {% if page.lower %}{{ page.lower.title }}{% endif %}{% endblock %}\n",
    ),
    (
        "templates/section.html",
        "{% extends \"base.html\" %}{% block content %}{% for p in paginator.pages %}<li>{{ p.title }} \
         {{ p.summary | default(\"\") | safe }}</li>{% endfor %}{% endblock %}\n",
    ),
    (
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{% for p in get_pages(section=\"notes/_index.md\", \
         limit=3) %}{{ p.title }}{% endfor %}{{ get_section(path=\"blog/_index.md\").title }}\
         {{ get_url(path=\"@/blog/p0.md\") }}{{ load_data(path=\"data/authors.toml\").name }}\
         {% for t in get_taxonomy(kind=\"tags\").items %}{{ t.name }}{% endfor %}{% endblock %}\n",
    ),
    ("templates/taxonomy_single.html", "{{ term.name }}{% for p in term.pages %}{{ p.title }} {% endfor %}\n"),
    ("templates/taxonomy_list.html", "{% for t in terms %}{{ t.name }} {% endfor %}\n"),
    ("templates/partial.html", "unused {{ config.title }}\n"),
];

/// A random site of two sections.
fn site(rng: &mut Rng) -> String {
    let pages = rng.usize(2..6);
    let mut fixture = format!("//- qsite.toml\n{}", config(rng));
    fixture += "//- content/_index.md\n+++\ntitle = \"Home\"\n+++\n";
    fixture += &format!("//- content/blog/_index.md\n{}", section(rng, "Blog"));
    fixture += &format!("//- content/notes/_index.md\n{}", section(rng, "Notes"));
    for index in 0..pages {
        fixture += &format!("//- content/blog/p{index}.md\n{}", page(rng, pages));
        fixture += &format!("//- content/notes/p{index}.md\n{}", page(rng, pages));
    }
    for (path, text) in TEMPLATES {
        if rng.u8(..5) != 0 {
            fixture += &format!("//- {path}\n{text}");
        }
    }
    fixture += &format!("//- data/authors.toml\nname = \"n{}\"\n", rng.u8(..3));
    fixture += "//- static/style.css\nbody {}\n";
    fixture
}

/// A random edit of one file's text in place: a page's front matter or
/// body, a section, a template, the data file or a static file.
fn edit(rng: &mut Rng, db: &TestDb) -> (String, String) {
    let paths: Vec<String> = db.paths().map(ToString::to_string).filter(|path| path != "qsite.toml").collect();
    let path = paths[rng.usize(..paths.len())].clone();
    let pages = paths.iter().filter(|path| path.starts_with("content/blog/p")).count();
    let text = if path.ends_with("_index.md") {
        let title = TITLES[rng.usize(..TITLES.len())];
        section(rng, title)
    } else if path.starts_with("content/") {
        let old = db.file(&path);
        match rng.u8(..3) {
            // The body alone.
            0 => match old.rfind("+++\n") {
                Some(end) => format!("{}Only a new body {}.\n", &old[..end + 4], rng.u32(..)),
                None => page(rng, pages),
            },
            _ => page(rng, pages),
        }
    } else if path.starts_with("templates/") {
        let old = db.file(&path);
        if rng.bool() { format!("{old}<!-- {} -->\n", rng.u32(..)) } else { "{{ config.title }}\n".to_owned() }
    } else if path.starts_with("data/") {
        format!("name = \"n{}\"\n", rng.u8(..5))
    } else {
        format!("p {{ margin: {}px }}\n", rng.u8(..9))
    };
    (path, text)
}

/// Every read whose hash the test follows: what the renders recorded, and
/// every read of one file's query for every file.
fn reads(db: &TestDb) -> BTreeSet<Read> {
    let mut reads = db.recorded_reads();
    for path in db.paths() {
        reads.extend(Read::each_of_file(path.as_str()));
    }
    reads
}

/// Which facets of a content page's metadata an edit of `path` changed.
fn facets_changed(path: &str, before: &[u8], after: &[u8]) -> Facets {
    if path.starts_with("content/") && path.ends_with(".md") {
        changed_facets(before, after)
    } else {
        Facets::default()
    }
}

/// Whether an edit of `path`'s text that changed `facets` may change a read
/// of this footprint.
fn may_change(footprint: &Footprint, path: &str, facets: Facets) -> bool {
    match footprint {
        Footprint::Settings | Footprint::Clock => false,
        Footprint::File(file) => file == path,
        Footprint::Site(depends) => depends.meets(facets),
    }
}

#[test]
fn an_edit_outside_a_reads_footprint_leaves_its_hash() {
    let mut checked = 0;
    for seed in 0..48 {
        let mut rng = Rng::with_seed(seed);
        let mut db = TestDb::with_site(&site(&mut rng));
        for step in 0..6 {
            db.render_all();
            let reads = reads(&db);
            let before: Vec<[u8; 32]> = reads.iter().map(|read| current_hash(db.db(), read)).collect();
            let (path, text) = edit(&mut rng, &db);
            let facets_before = facet_hashes(db.db(), &path);
            db.set_file(&path, &text);
            let facets = facets_changed(&path, &facets_before, &facet_hashes(db.db(), &path));
            for (read, hash) in reads.iter().zip(before) {
                if !may_change(&read.footprint(), &path, facets) {
                    checked += 1;
                    assert_eq!(
                        current_hash(db.db(), read),
                        hash,
                        "seed {seed}, step {step}: editing `{path}` changed `{read}`, outside its footprint \
                         {:?}; the new text:\n{text}",
                        read.footprint()
                    );
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} reads were checked");
}
