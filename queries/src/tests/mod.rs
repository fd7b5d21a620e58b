//! Query-level tests: incremental results equal a clean build, and edits
//! re-run only what their values reach.

mod features;
mod footprints;
mod incremental;
mod minimal_work;
mod traces;
mod urls;

/// A small blog whose templates print exactly what each test needs: the
/// section and term listings print titles only, pages print their content,
/// the home prints the newest posts' titles through `get_pages`.
pub const BLOG: &str = r#"
//- qsite.toml
title = "T"
base_url = "https://t.test"
taxonomies = ["tags"]
//- content/_index.md
+++
title = "Home"
+++
//- content/blog/_index.md
+++
title = "Blog"
paginate_by = 2
+++
//- content/blog/a.md
+++
title = "A"
date = 2024-01-01
tags = ["x"]
+++
A body.
//- content/blog/b.md
+++
title = "B"
date = 2024-01-02
tags = ["x", "y"]
+++
B links to [](@/blog/a.md).
//- content/blog/c.md
+++
title = "C"
date = 2024-01-03
tags = ["y"]
+++
C summary.

<!-- more -->

C rest.
//- content/blog/d.md
+++
title = "D"
date = 2024-01-04
draft = true
tags = ["x"]
+++
Draft.
//- templates/base.html
<html>{% block content %}{% endblock %}</html>
//- templates/index.html
{% extends "base.html" %}{% block content %}{% for p in get_pages(section="blog/_index.md", limit=10) %}<a href="{{ p.permalink }}">{{ p.title }}</a>{% endfor %}{% endblock %}
//- templates/section.html
{% extends "base.html" %}{% block content %}{% for p in paginator.pages %}<li>{{ p.title }}</li>{% endfor %}{% endblock %}
//- templates/page.html
{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock %}
//- templates/taxonomy_single.html
{% for p in term.pages %}{{ p.title }} {% endfor %}
//- templates/taxonomy_list.html
{% for t in terms %}{{ t.name }} {% endfor %}
//- static/s.css
body {}
"#;

/// Replaces the first `from` in `text` with `to`, failing loudly if absent.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not in {text}");
    text.replacen(from, to, 1)
}

/// Feeds of the site, of a section and of each term, in two formats; every
/// listing template prints titles only, so only feeds show bodies.
pub const FEEDS: &str = r#"
//- qsite.toml
title = "T"
base_url = "https://t.test"
feed_filenames = ["atom.xml", "rss.xml"]
taxonomies = [{ name = "tags", feed = true }]
//- content/_index.md
+++
title = "Home"
+++
//- content/news/_index.md
+++
title = "News"
generate_feeds = true
+++
//- content/news/a.md
+++
title = "A"
date = 2024-01-01
tags = ["x"]
+++
A body.
//- content/notes/_index.md
+++
title = "Notes"
+++
//- content/notes/b.md
+++
title = "B"
date = 2024-01-02
tags = ["y"]
+++
B body.
//- templates/index.html
{{ section.title }}
//- templates/section.html
{% for p in section.pages %}{{ p.title }}{% endfor %}
//- templates/page.html
{{ page.content }}
//- templates/taxonomy_list.html
{% for t in terms %}{{ t.name }}{% endfor %}
//- templates/taxonomy_single.html
{% for p in term.pages %}{{ p.title }}{% endfor %}
"#;
