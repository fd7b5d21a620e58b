//! A seeded random site and random edits to it, for the differential tests.
//!
//! The model holds the site as values (pages with titles, dates, tags,
//! drafts, slugs, links; template and configuration variants; a data file
//! and a stylesheet) and writes it out as files. Every [`Edit`] names what
//! it touches by index, taken modulo what exists when it is applied, so any
//! subsequence of a failing sequence still applies: that is what lets a
//! failure shrink to a minimal case.

use std::collections::BTreeMap;
use std::fmt;

/// The sections pages live in; the last one is nested.
const SECTIONS: [&str; 3] = ["blog", "notes", "docs/guide"];
/// File names pages take, so that a deleted page can come back.
const NAMES: [&str; 8] = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
const TAGS: [&str; 5] = ["rust", "web", "notes", "misc", "cooking"];

/// How a page links to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkStyle {
    /// `[text](@/section/name.md)`
    ByFile,
    /// `[](@/section/name.md)`: takes the target's title.
    EmptyText,
    /// `[text](/section/name/)`
    ByUrl,
    /// `[text](@/section/name.md#details)`
    WithAnchor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Page {
    section: usize,
    name: &'static str,
    title: String,
    day: u32,
    tags: Vec<&'static str>,
    draft: bool,
    slug: Option<String>,
    paragraphs: Vec<String>,
    /// Targets as `section/name.md`, which may not exist.
    links: Vec<(String, LinkStyle)>,
}

impl Page {
    fn path(&self) -> String {
        format!("content/{}/{}.md", SECTIONS[self.section], self.name)
    }

    fn text(&self) -> String {
        let mut text =
            format!("+++\ntitle = \"{}\"\ndate = 2024-{:02}-{:02}\n", self.title, 1 + self.day / 28, 1 + self.day % 28);
        if self.draft {
            text.push_str("draft = true\n");
        }
        if let Some(slug) = &self.slug {
            text.push_str(&format!("slug = \"{slug}\"\n"));
        }
        let tags: Vec<String> = self.tags.iter().map(|tag| format!("\"{tag}\"")).collect();
        text.push_str(&format!("[taxonomies]\ntags = [{}]\n+++\n", tags.join(", ")));
        text.push_str(&self.paragraphs[0]);
        text.push_str("\n\n<!-- more -->\n\n## Details\n\n");
        for paragraph in &self.paragraphs[1..] {
            text.push_str(paragraph);
            text.push_str("\n\n");
        }
        for (target, style) in &self.links {
            let url = format!("/{}/", target.trim_end_matches(".md"));
            text.push_str(&match style {
                LinkStyle::ByFile => format!("See [this](@/{target}).\n"),
                LinkStyle::EmptyText => format!("See [](@/{target}).\n"),
                LinkStyle::ByUrl => format!("See [that]({url}).\n"),
                LinkStyle::WithAnchor => format!("See [details](@/{target}#details).\n"),
            });
        }
        text
    }
}

/// A whole site as values.
#[derive(Debug, Clone)]
pub struct Model {
    pages: Vec<Page>,
    site_title: String,
    paginate_by: Option<usize>,
    base_variant: usize,
    page_variant: usize,
    section_variant: usize,
    owner: String,
    css: String,
    counter: usize,
}

/// One random change to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Body(usize),
    Title(usize),
    Date(usize, u32),
    TagAdded(usize, usize),
    TagRemoved(usize),
    DraftToggled(usize),
    Slug(usize),
    PageAdded(usize, usize, u32),
    PageDeleted(usize),
    PageRenamed(usize, usize),
    PageMoved(usize, usize),
    LinkAdded(usize, usize, usize),
    LinkRemoved(usize),
    BaseTemplate,
    PageTemplate,
    SectionTemplate,
    Config,
    Data,
    Stylesheet,
}

impl fmt::Display for Edit {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Edit::{self:?}")
    }
}

impl Edit {
    /// A random edit.
    pub fn random(rng: &mut fastrand::Rng) -> Edit {
        let (a, b, c) = (rng.usize(..64), rng.usize(..64), rng.u32(..300));
        match rng.usize(..19) {
            0 => Edit::Body(a),
            1 => Edit::Title(a),
            2 => Edit::Date(a, c),
            3 => Edit::TagAdded(a, b),
            4 => Edit::TagRemoved(a),
            5 => Edit::DraftToggled(a),
            6 => Edit::Slug(a),
            7 => Edit::PageAdded(a, b, c),
            8 => Edit::PageDeleted(a),
            9 => Edit::PageRenamed(a, b),
            10 => Edit::PageMoved(a, b),
            11 => Edit::LinkAdded(a, b, c as usize),
            12 => Edit::LinkRemoved(a),
            13 => Edit::BaseTemplate,
            14 => Edit::PageTemplate,
            15 => Edit::SectionTemplate,
            16 => Edit::Config,
            17 => Edit::Data,
            _ => Edit::Stylesheet,
        }
    }
}

impl Model {
    /// A random starting site.
    pub fn random(rng: &mut fastrand::Rng) -> Model {
        let mut model = Model {
            pages: Vec::new(),
            site_title: "Random site".to_owned(),
            paginate_by: None,
            base_variant: 0,
            page_variant: 0,
            section_variant: 0,
            owner: "Ada".to_owned(),
            css: "body { margin: 0; }\n".to_owned(),
            counter: 0,
        };
        for _ in 0..rng.usize(4..10) {
            model.apply(Edit::PageAdded(rng.usize(..64), rng.usize(..64), rng.u32(..300)));
        }
        for _ in 0..rng.usize(2..8) {
            model.apply(Edit::LinkAdded(rng.usize(..64), rng.usize(..64), rng.usize(..64)));
        }
        model
    }

    fn next_word(&mut self) -> String {
        self.counter += 1;
        format!("w{}", self.counter)
    }

    /// Applies an edit; one that finds nothing to act on does nothing.
    pub fn apply(&mut self, edit: Edit) {
        let count = self.pages.len();
        let word = self.next_word();
        match edit {
            Edit::Body(i) if count > 0 => self.pages[i % count].paragraphs.push(format!("More text {word}.")),
            Edit::Title(i) if count > 0 => self.pages[i % count].title = format!("Title {word}"),
            Edit::Date(i, day) if count > 0 => self.pages[i % count].day = day,
            Edit::TagAdded(i, tag) if count > 0 => {
                let page = &mut self.pages[i % count];
                let tag = TAGS[tag % TAGS.len()];
                if !page.tags.contains(&tag) {
                    page.tags.push(tag);
                }
            }
            Edit::TagRemoved(i) if count > 0 => {
                self.pages[i % count].tags.pop();
            }
            Edit::DraftToggled(i) if count > 0 => self.pages[i % count].draft ^= true,
            Edit::Slug(i) if count > 0 => {
                let page = &mut self.pages[i % count];
                page.slug = if page.slug.is_some() { None } else { Some(format!("s-{word}")) };
            }
            Edit::PageAdded(section, name, day) => {
                let section = section % SECTIONS.len();
                let name = NAMES[name % NAMES.len()];
                if !self.pages.iter().any(|page| page.section == section && page.name == name) {
                    self.pages.push(Page {
                        section,
                        name,
                        title: format!("Page {name} {word}"),
                        day,
                        tags: vec![TAGS[day as usize % TAGS.len()]],
                        draft: false,
                        slug: None,
                        paragraphs: vec![format!("Summary of {name}."), format!("Body of {name} {word}.")],
                        links: Vec::new(),
                    });
                }
            }
            Edit::PageDeleted(i) if count > 0 => {
                self.pages.remove(i % count);
            }
            Edit::PageRenamed(i, name) if count > 0 => {
                let name = NAMES[name % NAMES.len()];
                let section = self.pages[i % count].section;
                if !self.pages.iter().any(|page| page.section == section && page.name == name) {
                    self.pages[i % count].name = name;
                }
            }
            Edit::PageMoved(i, section) if count > 0 => {
                let section = section % SECTIONS.len();
                let name = self.pages[i % count].name;
                if !self.pages.iter().any(|page| page.section == section && page.name == name) {
                    self.pages[i % count].section = section;
                }
            }
            Edit::LinkAdded(i, section, name) if count > 0 => {
                let target = format!("{}/{}.md", SECTIONS[section % SECTIONS.len()], NAMES[name % NAMES.len()]);
                let style = [LinkStyle::ByFile, LinkStyle::EmptyText, LinkStyle::ByUrl, LinkStyle::WithAnchor]
                    [(section + name) % 4];
                self.pages[i % count].links.push((target, style));
            }
            Edit::LinkRemoved(i) if count > 0 => {
                self.pages[i % count].links.pop();
            }
            Edit::BaseTemplate => self.base_variant = (self.base_variant + 1) % 3,
            Edit::PageTemplate => self.page_variant = (self.page_variant + 1) % 3,
            Edit::SectionTemplate => self.section_variant = (self.section_variant + 1) % 2,
            Edit::Config => {
                self.site_title = format!("Site {word}");
                self.paginate_by = match self.paginate_by {
                    None => Some(2),
                    Some(2) => Some(3),
                    Some(_) => None,
                };
            }
            Edit::Data => self.owner = format!("Owner {word}"),
            Edit::Stylesheet => self.css = format!("body {{ margin: {}px; }}\n", self.counter),
            _ => {}
        }
    }

    /// The site's files: path → text.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let paginate = self.paginate_by.map(|by| format!("paginate_by = {by}\n")).unwrap_or_default();
        files.insert(
            "qsite.toml".to_owned(),
            format!(
                "title = \"{}\"\nbase_url = \"https://random.test\"\ntaxonomies = [\"tags\"]\n\n[links]\nbroken = \"warn\"\n",
                self.site_title
            ),
        );
        files.insert("content/_index.md".to_owned(), "+++\ntitle = \"Home\"\n+++\nWelcome.\n".to_owned());
        for (index, section) in SECTIONS.iter().enumerate() {
            let sort = ["date", "title", "date"][index];
            files.insert(
                format!("content/{section}/_index.md"),
                format!("+++\ntitle = \"Section {section}\"\nsort_by = \"{sort}\"\n{paginate}+++\nAbout {section}.\n"),
            );
        }
        for page in &self.pages {
            files.insert(page.path(), page.text());
        }
        files.insert("templates/base.html".to_owned(), BASE[self.base_variant].to_owned());
        files.insert("templates/page.html".to_owned(), PAGE[self.page_variant].to_owned());
        files.insert("templates/section.html".to_owned(), SECTION[self.section_variant].to_owned());
        files.insert("templates/index.html".to_owned(), INDEX.to_owned());
        files.insert("templates/taxonomy_single.html".to_owned(), TERM.to_owned());
        files.insert("templates/partials/nav.html".to_owned(), NAV.to_owned());
        files.insert("templates/partials/recent.html".to_owned(), RECENT.to_owned());
        files.insert("data/site.toml".to_owned(), format!("owner = \"{}\"\n", self.owner));
        files.insert("static/style.css".to_owned(), self.css.clone());
        files
    }
}

const BASE: [&str; 3] = [
    r#"<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock %}</title><link rel="stylesheet" href="{{ get_url(path='style.css') }}"></head>
<body>{% include "partials/nav.html" %}<aside>{% include "partials/recent.html" %}</aside>
<main>{% block content %}{% endblock %}</main><footer>{{ load_data(path="data/site.toml").owner }}</footer></body></html>
"#,
    r#"<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body>{% include "partials/nav.html" %}<main>{% block content %}{% endblock %}</main></body></html>
"#,
    r#"<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body><aside><ol>{% for p in get_pages(limit=3, sort_by="title") %}<li>{{ p.title }} {{ p.date }}</li>{% endfor %}</ol></aside>
<main>{% block content %}{% endblock %}</main><footer>{{ load_data(path="data/site.toml").owner }}</footer></body></html>
"#,
];

const PAGE: [&str; 3] = [
    r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}<p>{% for tag in page.tags %}{{ tag }} {% endfor %}</p>{% endblock %}
"#,
    r#"{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1><time>{{ page.date }}</time>
{{ page.summary | safe }}<p>{% if page.lower %}{{ page.lower.title }}{% endif %} | {% if page.higher %}{{ page.higher.title }}{% endif %}</p>{% endblock %}
"#,
    r#"{% extends "base.html" %}{% block content %}<article>{{ page.content | safe }}</article>{% endblock %}
"#,
];

const SECTION: [&str; 2] = [
    r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>
<ul>{% for p in (paginator.pages if paginator else section.pages) %}<li>{{ p.title }}</li>{% endfor %}</ul>{% endblock %}
"#,
    r#"{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1>
<ul>{% for p in (paginator.pages if paginator else section.pages) %}<li>{{ p.date }}: {{ p.title }} {{ p.summary | safe }}</li>{% endfor %}</ul>{% endblock %}
"#,
];

const INDEX: &str = r#"{% extends "base.html" %}{% block content %}<ul>{% for p in get_pages(limit=4) %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
"#;

const TERM: &str = r#"{% extends "base.html" %}{% block content %}<h1>{{ term.name }}</h1><ol>{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}</ol>{% endblock %}
"#;

const NAV: &str = r#"<nav><a href="{{ config.base_url }}/">{{ config.title }}</a></nav>"#;

const RECENT: &str = r#"<ul>{% for p in get_pages(limit=3) %}<li>{{ p.title }}</li>{% endfor %}</ul>"#;
