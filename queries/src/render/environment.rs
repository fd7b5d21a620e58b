//! The minijinja environment site templates render in, one per thread.
//!
//! Its loader reads template text through salsa and attaches an up-to-date
//! check that re-reads it through salsa, so every lookup (`extends`,
//! `include`, `import` included) records the template it used on the render
//! that is running, while compiled templates stay cached. The environment
//! holds no site state: everything comes from the attached database. It is
//! per thread because two renders on different databases (tests, or two
//! revisions) could otherwise race in the shared template cache, where one
//! thread may be handed the template another just loaded.

use std::borrow::Cow;
use std::collections::BTreeMap;

use camino::Utf8Path;
use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{Environment, Error, ErrorKind, TemplateSource, UndefinedBehavior};
use salsa::Database;

use crate::collections::{Scope, Selector};
use crate::dates::parse_date;
use crate::front_matter::SortBy;
use crate::markdown::render_markdown;
use crate::render::expression_bounds::{OversizedExpression, oversized_expression};
use crate::render::objects::{
    ConfigObject, PageObject, SectionObject, selected_pages, taxonomy_value, term_value, with_db,
};
use crate::render::printing::json_text;
use crate::render::string_bounds::{self, output_within_limit, print_bounded, value_within_limit};
use crate::routes::term_path;
use crate::trace::reads::{config, content_file, data, page_location, taxonomy_index, template_text};

/// The steps one render may take (about one per instruction, and one per 64
/// bytes it prints or allocates): far more than any real page needs, and a
/// template loop that would never end stops within seconds, at its line.
pub const TEMPLATE_FUEL: u64 = 20_000_000;

/// The most numbers one `range` may count.
const MAX_RANGE: i64 = 1_000_000;

/// The functions site templates can call (qsite's and minijinja's), for
/// "did you mean" on an unknown one.
pub const FUNCTION_NAMES: &[&str] = &[
    "get_page",
    "get_section",
    "get_url",
    "get_pages",
    "get_taxonomy",
    "get_taxonomy_url",
    "load_data",
    "range",
    "dict",
    "debug",
    "namespace",
];

/// The filters site templates can use (qsite's and minijinja's), for "did
/// you mean" on an unknown one.
pub const FILTER_NAMES: &[&str] = &[
    "date",
    "slugify",
    "markdown",
    "json_encode",
    "tojson",
    "safe",
    "escape",
    "lower",
    "upper",
    "title",
    "capitalize",
    "length",
    "count",
    "items",
    "trim",
    "join",
    "split",
    "lines",
    "default",
    "round",
    "abs",
    "int",
    "float",
    "attr",
    "first",
    "last",
    "min",
    "max",
    "sort",
    "list",
    "string",
    "bool",
    "batch",
    "slice",
    "sum",
    "select",
    "reject",
    "selectattr",
    "rejectattr",
    "map",
    "unique",
    "reverse",
    "replace",
    "indent",
    "dictsort",
    "groupby",
    "urlencode",
    "format",
    "pprint",
    "chain",
    "zip",
];

thread_local! {
    static ENVIRONMENT: Environment<'static> = environment();
}

/// Renders the site template `name` with `context` in this thread's environment.
pub fn render_template(name: &str, context: Value) -> Result<String, Error> {
    let text = ENVIRONMENT.with(|env| env.get_template(name)?.render(context))?;
    output_within_limit(text.len())?;
    Ok(text)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(load_template);
    env.set_formatter(format_value);
    env.set_fuel(Some(TEMPLATE_FUEL));
    env.add_global("config", Value::from_object(ConfigObject));
    env.add_function("get_page", get_page);
    env.add_function("get_section", get_section);
    env.add_function("get_url", get_url);
    env.add_function("get_pages", get_pages);
    env.add_function("load_data", load_data);
    env.add_function("get_taxonomy", get_taxonomy);
    env.add_function("get_taxonomy_url", get_taxonomy_url);
    env.add_function("range", range);
    env.add_filter("json_encode", json_encode);
    env.add_filter("tojson", tojson);
    env.add_filter("date", date_filter);
    env.add_filter("slugify", |text: &str| slug::slugify(text));
    env.add_filter("markdown", markdown);
    // minijinja's own, replaced by versions that refuse an oversized result
    // before making it, and by a `debug` that prints the same every build.
    env.add_function("debug", debug);
    env.add_filter("format", string_bounds::format);
    env.add_filter("indent", string_bounds::indent);
    env.add_filter("join", string_bounds::join);
    env.add_filter("replace", string_bounds::replace);
    env.add_filter("escape", string_bounds::escape);
    env.add_filter("e", string_bounds::escape);
    env
}

/// Prints a value: booleans as `true`/`false`, as Tera does; HTML-escaped
/// values in HTML templates leave `/` as it is (minijinja's default writes
/// `&#x2f;`, which makes every URL unreadable in the page source); values
/// and outputs past the size limits are errors at their line; everything else
/// is minijinja's default.
fn format_value(out: &mut minijinja::Output, state: &mut minijinja::State, value: &Value) -> Result<(), Error> {
    // Tera (and so every Zola theme) prints `true`, minijinja `True`.
    if value.kind() == minijinja::value::ValueKind::Bool {
        let text = if value.is_true() { "true" } else { "false" };
        return out.write_str(text).map_err(|error| Error::new(ErrorKind::WriteFailure, error.to_string()));
    }
    if value.is_none() || value.is_undefined() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.as_str().map_or_else(|| Cow::Owned(value.to_string()), Cow::Borrowed);
    print_bounded(out, state, value, &text)
}

/// `markdown`: Markdown text as HTML, refused past the size limit.
fn markdown(text: &str) -> Result<Value, Error> {
    let html = render_markdown(text, 0).html;
    value_within_limit("this markdown", html.len())?;
    Ok(Value::from_safe_string(html.to_string()))
}

/// `debug()`: every variable the template can see, sorted by name, or
/// `debug(value)`: that value. minijinja's own prints its environment too,
/// whose cache of loaded templates depends on which pages this thread
/// rendered before, so its output changed from build to build.
fn debug(state: &minijinja::State, values: Rest<Value>) -> String {
    match values.as_slice() {
        [] => {
            let variables: BTreeMap<String, Value> = state
                .known_variables()
                .into_iter()
                .filter_map(|name| state.lookup(&name).map(|value| (name.into_owned(), value)))
                .collect();
            format!("{variables:#?}")
        }
        [value] => format!("{value:#?}"),
        values => format!("{values:#?}"),
    }
}

/// Whether the site has a template of this name (else the built-in one serves).
pub fn has_template(db: &dyn Database, name: &str) -> bool {
    template_text(db, name).is_some()
}

fn outside_render() -> Error {
    Error::new(ErrorKind::InvalidOperation, "site templates can only render inside a qsite build")
}

fn load_template(name: &str) -> Result<Option<TemplateSource>, Error> {
    let text = with_db(|db| template_text(db, name)).ok_or_else(outside_render)?;
    if let Some(range) = text.as_deref().and_then(oversized_expression) {
        let problem = OversizedExpression { template: name.to_owned(), range };
        return Err(Error::new(ErrorKind::SyntaxError, problem.to_string()).with_source(problem));
    }
    Ok(text.map(|text| {
        let name = name.to_owned();
        let source = text.to_string();
        TemplateSource::new(source).with_uptodate_check(move || {
            with_db(|db| template_text(db, &name).as_deref() == Some(&*text)).unwrap_or(false)
        })
    }))
}

/// The string keyword argument `name`, if given. Anything else (a page or
/// section object, a number) is an error saying what was given instead.
fn text_argument(kwargs: &Kwargs, name: &str) -> Result<Option<String>, Error> {
    let Some(value) = kwargs.get::<Option<Value>>(name)? else { return Ok(None) };
    if value.is_none() || value.is_undefined() {
        return Ok(None);
    }
    let given = if value.downcast_object_ref::<PageObject>().is_some() {
        "a page (use its `relative_path`)".to_owned()
    } else if value.downcast_object_ref::<SectionObject>().is_some() {
        "a section (use its `relative_path`)".to_owned()
    } else {
        format!("a {}", value.kind())
    };
    value
        .as_str()
        .map(|text| Some(text.to_owned()))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("`{name}` must be a string, but it is {given}")))
}

/// The string keyword argument `name`, which must be given.
fn required_text(kwargs: &Kwargs, name: &str) -> Result<String, Error> {
    text_argument(kwargs, name)?.ok_or_else(|| Error::new(ErrorKind::MissingArgument, format!("`{name}` is required")))
}

fn not_found(what: &str, path: &str) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{what} `{path}` does not exist"))
}

/// `get_page(path="blog/a.md")`.
fn get_page(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let file = content_file(db, path.trim_start_matches("@/"));
        file.map(|file| Value::from_object(PageObject(file))).ok_or_else(|| not_found("page", &path))
    })
    .ok_or_else(outside_render)?
}

/// `get_section(path="blog/_index.md")`.
fn get_section(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let file = content_file(db, path.trim_start_matches("@/"));
        file.filter(|_| path.ends_with("_index.md"))
            .map(|file| Value::from_object(SectionObject(file)))
            .ok_or_else(|| not_found("section", &path))
    })
    .ok_or_else(outside_render)?
}

/// `get_url(path="@/blog/a.md")` for a content file, `get_url(path="style.css")`
/// for anything else under the site root URL (`trailing_slash=true` ends
/// it with `/`, as in Zola).
fn get_url(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let trailing_slash: Option<bool> = kwargs.get("trailing_slash")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        if let Some(content_path) = path.strip_prefix("@/") {
            let (content_path, anchor) =
                content_path.split_once('#').map_or((content_path, None), |(path, anchor)| (path, Some(anchor)));
            let file = content_file(db, content_path).ok_or_else(|| not_found("content file", &path))?;
            let mut url = page_location(db, file).permalink.clone();
            if let Some(anchor) = anchor {
                url.push('#');
                url.push_str(anchor);
            }
            Ok(Value::from(url))
        } else {
            let mut url = format!("{}/{}", config(db).config.base_url, path.trim_start_matches('/'));
            if trailing_slash == Some(true) && !url.ends_with('/') {
                url.push('/');
            }
            Ok(Value::from(url))
        }
    })
    .ok_or_else(outside_render)?
}

/// `get_pages(section=, taxonomy=, term=, sort_by=, limit=)`: any listing of
/// the site through [`crate::pages_matching`]; without `section` or `term`,
/// every page.
fn get_pages(kwargs: Kwargs) -> Result<Value, Error> {
    let section = text_argument(&kwargs, "section")?;
    let taxonomy = text_argument(&kwargs, "taxonomy")?;
    let term = text_argument(&kwargs, "term")?;
    let sort_by = text_argument(&kwargs, "sort_by")?;
    let limit: Option<usize> = kwargs.get("limit")?;
    kwargs.assert_all_used()?;
    let sort_by = match sort_by.as_deref() {
        None | Some("date") => SortBy::Date,
        Some("title") => SortBy::Title,
        Some("weight") => SortBy::Weight,
        Some("none") => SortBy::None,
        Some(other) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("unknown sort_by `{other}`: use date, title, weight or none"),
            ));
        }
    };
    with_db(|db| {
        let scope = match (section, term) {
            (Some(section), None) => {
                let path = section.trim_start_matches("@/");
                let path = if path.ends_with("_index.md") {
                    path.to_owned()
                } else {
                    format!("{}/_index.md", path.trim_end_matches('/'))
                };
                let file = content_file(db, &path).ok_or_else(|| not_found("section", &path))?;
                Scope::Section(file)
            }
            (None, Some(term)) => Scope::Term(taxonomy.unwrap_or_else(|| "tags".to_owned()), slug::slugify(term)),
            (None, None) => Scope::All,
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "get_pages takes either `section` or `term`, not both",
                ));
            }
        };
        Ok(selected_pages(db, Selector::new(db, scope, sort_by, limit)))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy(kind="tags")`: the taxonomy and all its terms, as Zola has it.
fn get_taxonomy(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let index = taxonomy_index(db);
        let terms = index.get(&kind).ok_or_else(|| not_found("taxonomy", &kind))?;
        let items: Vec<Value> = terms.values().map(|term| term_value(db, &kind, &term.slug, &term.name).0).collect();
        Ok(Value::from(BTreeMap::from([("kind", taxonomy_value(db, &kind)), ("items", Value::from(items))])))
    })
    .ok_or_else(outside_render)?
}

/// `get_taxonomy_url(kind="tags", name="Rust")`: the URL of a term's page.
fn get_taxonomy_url(kwargs: Kwargs) -> Result<Value, Error> {
    let kind = required_text(&kwargs, "kind")?;
    let name = required_text(&kwargs, "name")?;
    kwargs.assert_all_used()?;
    with_db(|db| Value::from(format!("{}{}", config(db).config.base_url, term_path(&kind, &slug::slugify(&name)))))
        .ok_or_else(outside_render)
}

/// `load_data(path="data/authors.toml")`: TOML, JSON, YAML, CSV or plain text.
fn load_data(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let path = Utf8Path::new(path.trim_start_matches('/'));
        // Relative to the site root, or to `data/`.
        let value = match path.starts_with("data") {
            true => data(db, path),
            false => data(db, &Utf8Path::new("data").join(path)),
        };
        let value = value.ok_or_else(|| not_found("data file", path.as_str()))?;
        value.clone().map_err(|diagnostic| Error::new(ErrorKind::InvalidOperation, diagnostic.message))
    })
    .ok_or_else(outside_render)?
}

/// `range(end=5)`, `range(start=2, end=9, step_by=3)` as Zola writes it, and
/// `range(4)`, `range(1, 9, 3)` as minijinja does: the numbers from `start`
/// (0) up to, not including, `end`, `step_by` (1) apart.
fn range(start: Option<i64>, end: Option<i64>, step: Option<i64>, kwargs: Kwargs) -> Result<Value, Error> {
    let named = |name: &str| kwargs.get::<Option<i64>>(name);
    let (start, end) = match (start, end) {
        (Some(end), None) => (named("start")?.unwrap_or(0), end),
        (Some(start), Some(end)) => (start, end),
        _ => (
            named("start")?.unwrap_or(0),
            named("end")?.ok_or_else(|| Error::new(ErrorKind::MissingArgument, "range needs `end`"))?,
        ),
    };
    let step = match step {
        Some(step) => step,
        None => named("step_by")?.unwrap_or(1),
    };
    kwargs.assert_all_used()?;
    if step == 0 {
        return Err(Error::new(ErrorKind::InvalidOperation, "range cannot count with `step_by=0`"));
    }
    let count = (i128::from(end) - i128::from(start) + i128::from(step) - i128::from(step.signum())) / i128::from(step);
    if count > i128::from(MAX_RANGE) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("range({start}, {end}, {step}) would count {count} numbers; one range counts at most {MAX_RANGE}"),
        ));
    }
    let numbers = (0..count.max(0)).map(|index| i128::from(start) + index * i128::from(step));
    Ok(Value::from(numbers.filter_map(|number| i64::try_from(number).ok()).map(Value::from).collect::<Vec<_>>()))
}

/// `json_encode(pretty=true)`: a value as JSON, as Tera prints it; pages and
/// sections print a bounded form.
fn json_encode(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let pretty: Option<bool> = kwargs.get("pretty")?;
    kwargs.assert_all_used()?;
    json_text(value, pretty.unwrap_or(false).then_some(2))
}

/// `tojson(indent=2)`: minijinja's JSON filter, safe to put in HTML and in a
/// `<script>` (`<`, `>`, `&` and `'` are written as escapes), bounded as
/// `json_encode` is.
fn tojson(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    kwargs.assert_all_used()?;
    let text = json_text(value, indent)?;
    let mut safe = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\'' => safe.push_str("\\u0027"),
            other => safe.push(other),
        }
    }
    Ok(Value::from_safe_string(safe))
}

/// `date(format="%B %-d, %Y")`: formats a front matter date with strftime.
fn date_filter(value: &str, kwargs: Kwargs) -> Result<String, Error> {
    let format = text_argument(&kwargs, "format")?;
    kwargs.assert_all_used()?;
    let date = parse_date(value)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("`{value}` is not a date: {error}")))?;
    let format = format.as_deref().unwrap_or("%Y-%m-%d");
    jiff::fmt::strtime::format(format, date.timestamp)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, format!("bad date format `{format}`: {error}")))
}
