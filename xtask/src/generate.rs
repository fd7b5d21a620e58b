//! A seeded, deterministic model of a blog of N pages, and writers that lay
//! it out as a qsite, Zola or Hugo site, so every tool builds the same thing.

use std::fmt::Write as _;
use std::path::Path;

use crate::features::{self, Features};

/// One page of the model.
#[derive(Clone)]
pub struct Page {
    pub section: usize,
    pub slug: String,
    pub title: String,
    /// Seconds since the Unix epoch; unique across the site.
    pub date: i64,
    pub tags: Vec<usize>,
    pub draft: bool,
    pub body: String,
    /// Indexes of the pages this one links to.
    pub links: Vec<usize>,
}

/// A whole generated site.
#[derive(Clone)]
pub struct Model {
    pub sections: Vec<String>,
    pub tags: Vec<String>,
    /// `None` for a deleted page, so indexes stay stable.
    pub pages: Vec<Option<Page>>,
    /// Bumped by the template-edit scenario.
    pub template_version: usize,
    /// Bumped by the config-edit scenario.
    pub config_version: usize,
    /// Set for the features site (`--site features`): Zola's layout plus
    /// shortcodes, Sass, highlighting and images.
    pub features: Option<Features>,
}

const WORDS: &[&str] = &[
    "query", "page", "site", "build", "cache", "render", "markdown", "section", "listing", "feed", "template", "value",
    "change", "edit", "output", "salsa", "index", "tag", "title", "date", "link", "static", "fast", "minimal", "work",
    "graph", "memo", "database", "browser", "reload", "server", "layout", "theme", "content", "writer", "reader",
];

/// Picks an index with probability proportional to 1/(rank+1): Zipf-like.
fn zipf(rng: &mut fastrand::Rng, count: usize) -> usize {
    let total: f64 = (1..=count).map(|rank| 1.0 / rank as f64).sum();
    let mut target = rng.f64() * total;
    for rank in 0..count {
        target -= 1.0 / (rank + 1) as f64;
        if target <= 0.0 {
            return rank;
        }
    }
    count - 1
}

fn sentence(rng: &mut fastrand::Rng) -> String {
    let length = rng.usize(8..18);
    let mut words: Vec<&str> = (0..length).map(|_| WORDS[rng.usize(..WORDS.len())]).collect();
    let first = words[0].to_owned();
    let capitalized = first[..1].to_uppercase() + &first[1..];
    words[0] = &capitalized;
    format!("{}.", words.join(" "))
}

fn paragraph(rng: &mut fastrand::Rng) -> String {
    (0..rng.usize(3..7)).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// A Markdown body of about 3 KB: paragraphs, a list, a code block, headings;
/// `<!-- more -->` after the first paragraph.
fn body(rng: &mut fastrand::Rng) -> String {
    let mut text = paragraph(rng);
    text.push_str("\n\n<!-- more -->\n\n");
    for block in 0..rng.usize(4..9) {
        let _ = write!(text, "## Part {block}\n\n{}\n\n", paragraph(rng));
        match rng.usize(..3) {
            0 => {
                for _ in 0..rng.usize(3..6) {
                    let _ = writeln!(text, "- {}", sentence(rng));
                }
                text.push('\n');
            }
            1 => {
                let _ = write!(text, "```rust\nfn part_{block}() -> u32 {{\n    {}\n}}\n```\n\n", rng.u32(..1000));
            }
            _ => {
                let _ = write!(text, "{}\n\n", paragraph(rng));
            }
        }
    }
    text
}

impl Model {
    /// The site of `n` pages from `seed`: 10 sections of uneven size, 50
    /// Zipf-popular tags (1-5 a page), about 3% drafts, 3 links a page to
    /// published pages, unique dates.
    pub fn generate(n: usize, seed: u64) -> Model {
        let mut rng = fastrand::Rng::with_seed(seed);
        let sections: Vec<String> = (0..10).map(|i| format!("section-{i}")).collect();
        let tags: Vec<String> = (0..50).map(|i| format!("tag-{i:02}")).collect();
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let mut pages: Vec<Page> = (0..n)
            .map(|i| {
                let mut page_tags: Vec<usize> = (0..rng.usize(1..=5)).map(|_| zipf(&mut rng, tags.len())).collect();
                page_tags.sort_unstable();
                page_tags.dedup();
                Page {
                    section: zipf(&mut rng, sections.len()),
                    slug: format!("page-{i}"),
                    title: format!("Page {i}: {}", WORDS[rng.usize(..WORDS.len())]),
                    date: 1_420_070_400 + order[i] as i64 * 21_600,
                    tags: page_tags,
                    draft: rng.f64() < 0.03,
                    body: body(&mut rng),
                    links: Vec::new(),
                }
            })
            .collect();
        let published: Vec<usize> = (0..n).filter(|&i| !pages[i].draft).collect();
        for page in &mut pages {
            page.links = (0..3).map(|_| published[rng.usize(..published.len())]).collect();
        }
        Model { sections, tags, pages: pages.into_iter().map(Some).collect(), template_version: 0, config_version: 0, features: None }
    }

    /// A published page nothing links to: deleting it breaks no link.
    pub fn unlinked_page(&self, skip: usize) -> usize {
        let mut linked = vec![false; self.pages.len()];
        for page in self.pages.iter().flatten() {
            for &target in &page.links {
                linked[target] = true;
            }
        }
        (0..self.pages.len())
            .filter(|&i| !linked[i] && self.pages[i].as_ref().is_some_and(|page| !page.draft))
            .nth(skip)
            .expect("a page without inbound links")
    }

    /// The URL path every generator gives `page`, for the serve bench to
    /// fetch: its file name is its slug, under its section.
    pub fn url_path(&self, page: &Page) -> String {
        format!("/{}/{}/", self.sections[page.section], page.slug)
    }

    /// The newest date in the site, for edits that move a page to the top.
    pub fn newest_date(&self) -> i64 {
        self.pages.iter().flatten().map(|page| page.date).max().unwrap_or(0)
    }
}

/// Which generator's layout to write.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    Qsite,
    /// qsite's format was modeled on Zola's, so this shares the content and
    /// most of the templates with `Qsite`; it differs where qsite added
    /// something Zola lacks (`get_pages`) or named something differently.
    Zola,
    Hugo,
}

/// A section's paginated listing; qsite and Zola give it the same context.
const TERA_SECTION_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul>{% if paginator.next %}<a href=\"{{ paginator.next }}\">older</a>{% endif %}{% endblock %}\n";

/// One tag's paginated listing; qsite and Zola give it the same context.
const TERA_TAXONOMY_SINGLE_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% if paginator.next %}<a href=\"{{ paginator.next }}\">older</a>{% endif %}{% endblock %}\n";

/// Every tag with its page count; qsite and Zola give it the same context.
const TERA_TAXONOMY_LIST_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}<ul>{% for t in terms %}<li><a href=\"{{ t.permalink }}\">{{ t.name }}</a> {{ t.pages | length }}</li>{% endfor %}</ul>{% endblock %}\n";

/// Writes `text` to `relative` under `root`, making its folders.
pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create directory");
    std::fs::write(path, text).expect("write generated file");
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).expect("valid date").strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Layout {
    /// Path of a page's file.
    pub fn page_path(self, model: &Model, index: usize) -> String {
        let page = model.pages[index].as_ref().expect("page exists");
        format!("content/{}/{}.md", model.sections[page.section], page.slug)
    }

    /// Writes one page.
    pub fn write_page(self, root: &Path, model: &Model, index: usize) {
        let page = model.pages[index].as_ref().expect("page exists");
        let tags: Vec<String> = page.tags.iter().map(|&tag| format!("\"{}\"", model.tags[tag])).collect();
        let links: Vec<String> = page
            .links
            .iter()
            .filter_map(|&target| model.pages[target].as_ref())
            .map(|target| match self {
                Layout::Qsite | Layout::Zola => {
                    format!("[{}](@/{}/{}.md)", target.title, model.sections[target.section], target.slug)
                }
                Layout::Hugo => format!("[{}](/{}/{}/)", target.title, model.sections[target.section], target.slug),
            })
            .collect();
        let body = match self {
            Layout::Zola if model.features.is_some() => page.body.clone() + &features::page_extras(index),
            Layout::Qsite | Layout::Zola => page.body.clone(),
            Layout::Hugo => page.body.replace("<!-- more -->", "<!--more-->"),
        };
        // Zola reads terms only from a `[taxonomies]` table, which TOML
        // requires to come after the plain keys.
        let tags_front_matter = match self {
            Layout::Qsite | Layout::Hugo => format!("tags = [{}]\n", tags.join(", ")),
            Layout::Zola => format!("[taxonomies]\ntags = [{}]\n", tags.join(", ")),
        };
        let text = format!(
            "+++\ntitle = \"{}\"\ndate = {}\ndraft = {}\n{tags_front_matter}+++\n{body}\nSee also {}.\n",
            page.title,
            rfc3339(page.date),
            page.draft,
            links.join(", ")
        );
        write(root, &self.page_path(model, index), &text);
    }

    /// Deletes one page's file.
    pub fn remove_page(self, root: &Path, model: &Model, index: usize) {
        std::fs::remove_file(root.join(self.page_path(model, index))).expect("remove page");
    }

    /// Writes the configuration.
    pub fn write_config(self, root: &Path, model: &Model) {
        let title = format!("Bench site {}", model.config_version);
        match self {
            Layout::Qsite => write(
                root,
                "qsite.toml",
                &format!(
                    "title = \"{title}\"\nbase_url = \"https://bench.test\"\ntaxonomies = [{{ name = \"tags\", paginate_by = 10 }}]\nfeed_limit = 20\n"
                ),
            ),
            // Feeds on and search and Sass off, so Zola writes what qsite
            // writes: pages, listings, one Atom feed, sitemap and robots.
            Layout::Zola => write(
                root,
                "config.toml",
                &format!(
                    "title = \"{title}\"\nbase_url = \"https://bench.test\"\nbuild_search_index = false\ngenerate_feeds = true\nfeed_limit = 20\ntaxonomies = [{{ name = \"tags\", paginate_by = 10, feed = false }}]\n{}",
                    if model.features.is_some() { features::CONFIG } else { "compile_sass = false\n" }
                ),
            ),
            Layout::Hugo => write(
                root,
                "hugo.toml",
                &format!(
                    "baseURL = \"https://bench.test/\"\ntitle = \"{title}\"\npaginate = 10\nrssLimit = 20\n[taxonomies]\ntag = \"tags\"\n"
                ),
            ),
        }
    }

    /// Writes the templates: every page shows a sidebar of the five newest
    /// posts, the case that makes generators re-render everything.
    pub fn write_templates(self, root: &Path, model: &Model) {
        let version = model.template_version;
        match self {
            Layout::Qsite => {
                write(
                    root,
                    "templates/base.html",
                    "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock %}</title></head><body>\n<aside><h2>Recent</h2><ul>{% for p in get_pages(limit=5) %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul></aside>\n<main>{% block content %}{% endblock %}</main></body></html>\n",
                );
                write(
                    root,
                    "templates/page.html",
                    &format!(
                        "{{% extends \"base.html\" %}}{{% block title %}}{{{{ page.title }}}}{{% endblock %}}{{% block content %}}<article><h1>{{{{ page.title }}}}</h1><time>{{{{ page.date }}}}</time>{{{{ page.content | safe }}}}<p>{{% for t in page.tags %}}<a href=\"{{{{ config.base_url }}}}/tags/{{{{ t | slugify }}}}/\">{{{{ t }}}}</a> {{% endfor %}}</p></article><!-- v{version} -->{{% endblock %}}\n"
                    ),
                );
                write(root, "templates/section.html", TERA_SECTION_TEMPLATE);
                write(
                    root,
                    "templates/index.html",
                    "{% extends \"base.html\" %}{% block content %}<h1>{{ config.title }}</h1>{% for p in get_pages(limit=10) %}<h2><a href=\"{{ p.permalink }}\">{{ p.title }}</a></h2>{{ p.summary | safe }}{% endfor %}{% endblock %}\n",
                );
                write(root, "templates/taxonomy_single.html", TERA_TAXONOMY_SINGLE_TEMPLATE);
                write(root, "templates/taxonomy_list.html", TERA_TAXONOMY_LIST_TEMPLATE);
            }
            Layout::Zola => {
                // Zola has no `get_pages`. The sections are transparent, so
                // the root section holds every published page, sorted newest
                // first; `get_section` hands it over, but serializes all of
                // its pages, bodies included, on every call: the sidebar
                // costs Zola O(N) a page and O(N²) a build. Any listing Zola
                // templates can reach costs the same, so this is what the
                // sidebar costs in Zola, not a handicap the bench adds.
                let stylesheet = if model.features.is_some() { features::STYLESHEET_LINK } else { "" };
                write(
                    root,
                    "templates/base.html",
                    &format!("<!doctype html><html><head><title>{{% block title %}}{{{{ config.title }}}}{{% endblock %}}</title>{stylesheet}</head><body>\n<aside><h2>Recent</h2><ul>{{% set root_section = get_section(path=\"_index.md\") %}}{{% for p in root_section.pages | slice(end=5) %}}<li><a href=\"{{{{ p.permalink }}}}\">{{{{ p.title }}}}</a></li>{{% endfor %}}</ul></aside>\n<main>{{% block content %}}{{% endblock %}}</main></body></html>\n"),
                );
                write(
                    root,
                    "templates/page.html",
                    &format!(
                        "{{% extends \"base.html\" %}}{{% block title %}}{{{{ page.title }}}}{{% endblock %}}{{% block content %}}<article><h1>{{{{ page.title }}}}</h1><time>{{{{ page.date }}}}</time>{{{{ page.content | safe }}}}<p>{{% for t in page.taxonomies.tags %}}<a href=\"{{{{ get_taxonomy_url(kind=\"tags\", name=t) }}}}\">{{{{ t }}}}</a> {{% endfor %}}</p></article><!-- v{version} -->{{% endblock %}}\n"
                    ),
                );
                write(root, "templates/section.html", TERA_SECTION_TEMPLATE);
                // Here `section` is the root section, already the whole site.
                write(
                    root,
                    "templates/index.html",
                    "{% extends \"base.html\" %}{% block content %}<h1>{{ config.title }}</h1>{% for p in section.pages | slice(end=10) %}<h2><a href=\"{{ p.permalink }}\">{{ p.title }}</a></h2>{{ p.summary | safe }}{% endfor %}{% endblock %}\n",
                );
                // Zola 0.22 looks for `<taxonomy>/single.html` first and
                // keeps `taxonomy_single.html` only as a fallback.
                write(root, "templates/tags/single.html", TERA_TAXONOMY_SINGLE_TEMPLATE);
                write(root, "templates/tags/list.html", TERA_TAXONOMY_LIST_TEMPLATE);
            }
            Layout::Hugo => {
                write(
                    root,
                    "layouts/_default/baseof.html",
                    "<!doctype html><html><head><title>{{ block \"title\" . }}{{ .Site.Title }}{{ end }}</title></head><body>\n<aside><h2>Recent</h2><ul>{{ range first 5 .Site.RegularPages.ByDate.Reverse }}<li><a href=\"{{ .Permalink }}\">{{ .Title }}</a></li>{{ end }}</ul></aside>\n<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
                );
                write(
                    root,
                    "layouts/_default/single.html",
                    &format!(
                        "{{{{ define \"title\" }}}}{{{{ .Title }}}}{{{{ end }}}}{{{{ define \"main\" }}}}<article><h1>{{{{ .Title }}}}</h1><time>{{{{ .Date.Format \"2006-01-02T15:04:05Z07:00\" }}}}</time>{{{{ .Content }}}}<p>{{{{ range .Params.tags }}}}<a href=\"{{{{ \"tags/\" | absURL }}}}{{{{ . | urlize }}}}/\">{{{{ . }}}}</a> {{{{ end }}}}</p></article><!-- v{version} -->{{{{ end }}}}\n"
                    ),
                );
                write(
                    root,
                    "layouts/_default/list.html",
                    "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .Permalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02T15:04:05Z07:00\" }}</li>{{ end }}</ul>{{ with .Paginator.Next }}<a href=\"{{ .URL }}\">older</a>{{ end }}{{ end }}\n",
                );
                write(
                    root,
                    "layouts/index.html",
                    "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1>{{ range first 10 .Site.RegularPages.ByDate.Reverse }}<h2><a href=\"{{ .Permalink }}\">{{ .Title }}</a></h2>{{ .Summary }}{{ end }}{{ end }}\n",
                );
                write(
                    root,
                    "layouts/_default/terms.html",
                    "{{ define \"main\" }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.Permalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
                );
            }
        }
    }

    /// Writes the whole site into an empty `root`.
    pub fn write_site(self, root: &Path, model: &Model) {
        self.write_config(root, model);
        self.write_templates(root, model);
        if let Some(features) = &model.features {
            features::write_all(root, features);
        }
        let home_front = match self {
            Layout::Qsite | Layout::Hugo => "+++\ntitle = \"Home\"\n+++\n",
            // Sorted, so the templates can take the newest pages from the front.
            Layout::Zola => "+++\ntitle = \"Home\"\nsort_by = \"date\"\n+++\n",
        };
        write(root, "content/_index.md", &format!("{home_front}Welcome.\n"));
        for section in &model.sections {
            let front = match self {
                Layout::Qsite => format!("+++\ntitle = \"{section}\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n"),
                // Transparent: its pages also join the root section, the only
                // site-wide page list Zola's templates can read.
                Layout::Zola => format!(
                    "+++\ntitle = \"{section}\"\nsort_by = \"date\"\npaginate_by = 10\ntransparent = true\n+++\n"
                ),
                Layout::Hugo => format!("+++\ntitle = \"{section}\"\n+++\n"),
            };
            write(root, &format!("content/{section}/_index.md"), &front);
        }
        for index in 0..model.pages.len() {
            if model.pages[index].is_some() {
                self.write_page(root, model, index);
            }
        }
    }
}
