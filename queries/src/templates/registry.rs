//! The one table of the filters, tests and functions site templates can
//! name: the environment registers qsite's from it, and "did you mean" takes
//! its names from it, so a name cannot be offered without working or work
//! without being offered.
//!
//! minijinja's own filters, tests and functions are in the environment from
//! the start; the ones listed here are those "did you mean" offers. Rows of
//! one kind are in the order suggestions prefer on a tie: likelier first.

use std::fmt;
use std::sync::Arc;

use minijinja::functions::Function as Callable;
use minijinja::value::{FunctionArgs, FunctionResult, Object, ObjectRepr, Value};
use minijinja::{Environment, Error, State};

use crate::templates::{collections, content, data, dates, i18n, images, numbers, taxonomy, text, urls};
use Kind::{Filter, Function, Test};

/// What a name is in a template: `x | name`, `x is name` or `name(…)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Applied with `|`.
    Filter,
    /// Applied with `is`.
    Test,
    /// Called by name.
    Function,
}

/// Adds one of qsite's callables to the environment under the given name.
type Register = fn(&mut Environment<'static>, &'static str);

/// One name templates can use.
pub struct Entry {
    /// The name templates write.
    pub name: &'static str,
    /// How templates apply it.
    pub kind: Kind,
    /// How qsite adds it, or nothing for minijinja's own.
    register: Option<Register>,
    /// Whether "did you mean" offers it; a short second name is not offered.
    suggested: bool,
}

/// One of qsite's callables (or its replacement of minijinja's).
const fn qsite(kind: Kind, name: &'static str, register: Register) -> Entry {
    Entry { name, kind, register: Some(register), suggested: true }
}

/// A second name for one of qsite's callables, registered and not offered.
const fn alias(kind: Kind, name: &'static str, register: Register) -> Entry {
    Entry { name, kind, register: Some(register), suggested: false }
}

/// One of minijinja's own, listed to be offered.
const fn minijinja(kind: Kind, name: &'static str) -> Entry {
    Entry { name, kind, register: None, suggested: true }
}

/// Every name site templates can use that qsite registers or offers.
pub const REGISTRY: &[Entry] = &[
    qsite(Function, "get_page", |env, name| add_function(env, name, content::get_page)),
    qsite(Function, "get_section", |env, name| add_function(env, name, content::get_section)),
    qsite(Function, "get_url", |env, name| add_function(env, name, urls::get_url)),
    qsite(Function, "get_pages", |env, name| add_function(env, name, content::get_pages)),
    qsite(Function, "get_taxonomy", |env, name| add_function(env, name, taxonomy::get_taxonomy)),
    qsite(Function, "get_taxonomy_term", |env, name| add_function(env, name, taxonomy::get_taxonomy_term)),
    qsite(Function, "get_taxonomy_url", |env, name| add_function(env, name, taxonomy::get_taxonomy_url)),
    qsite(Function, "load_data", |env, name| add_function(env, name, data::load_data)),
    qsite(Function, "trans", |env, name| add_function(env, name, i18n::trans)),
    qsite(Function, "range", |env, name| add_function(env, name, collections::range)),
    qsite(Function, "now", |env, name| add_function(env, name, dates::now)),
    qsite(Function, "get_hash", |env, name| add_function(env, name, data::get_hash)),
    qsite(Function, "get_file_hash", |env, name| add_function(env, name, data::get_file_hash)),
    qsite(Function, "resize_image", |env, name| add_function(env, name, images::resize_image)),
    qsite(Function, "get_image_metadata", |env, name| add_function(env, name, images::get_image_metadata)),
    qsite(Function, "throw", |env, name| add_function(env, name, data::throw)),
    minijinja(Function, "dict"),
    qsite(Function, "debug", |env, name| add_function(env, name, data::debug)),
    minijinja(Function, "namespace"),
    qsite(Filter, "date", |env, name| env.add_filter(name, dates::date)),
    qsite(Filter, "slugify", |env, name| env.add_filter(name, text::slugify)),
    qsite(Filter, "markdown", |env, name| env.add_filter(name, content::markdown)),
    qsite(Filter, "json_encode", |env, name| env.add_filter(name, data::json_encode)),
    qsite(Filter, "tojson", |env, name| env.add_filter(name, data::tojson)),
    minijinja(Filter, "safe"),
    qsite(Filter, "escape", |env, name| env.add_filter(name, text::escape)),
    alias(Filter, "e", |env, name| env.add_filter(name, text::escape)),
    minijinja(Filter, "lower"),
    minijinja(Filter, "upper"),
    qsite(Filter, "title", |env, name| env.add_filter(name, text::title)),
    minijinja(Filter, "capitalize"),
    minijinja(Filter, "length"),
    minijinja(Filter, "count"),
    minijinja(Filter, "items"),
    minijinja(Filter, "trim"),
    qsite(Filter, "join", |env, name| env.add_filter(name, collections::join)),
    qsite(Filter, "split", |env, name| env.add_filter(name, text::split)),
    minijinja(Filter, "lines"),
    qsite(Filter, "default", |env, name| env.add_filter(name, text::default)),
    qsite(Filter, "round", |env, name| env.add_filter(name, numbers::round)),
    minijinja(Filter, "abs"),
    qsite(Filter, "int", |env, name| env.add_filter(name, numbers::int)),
    qsite(Filter, "float", |env, name| env.add_filter(name, numbers::float)),
    minijinja(Filter, "attr"),
    minijinja(Filter, "first"),
    minijinja(Filter, "last"),
    minijinja(Filter, "min"),
    minijinja(Filter, "max"),
    minijinja(Filter, "sort"),
    minijinja(Filter, "list"),
    minijinja(Filter, "string"),
    minijinja(Filter, "bool"),
    minijinja(Filter, "batch"),
    qsite(Filter, "slice", |env, name| env.add_filter(name, collections::slice)),
    minijinja(Filter, "sum"),
    minijinja(Filter, "select"),
    minijinja(Filter, "reject"),
    minijinja(Filter, "selectattr"),
    minijinja(Filter, "rejectattr"),
    qsite(Filter, "map", |env, name| env.add_filter(name, collections::map)),
    minijinja(Filter, "unique"),
    minijinja(Filter, "reverse"),
    qsite(Filter, "replace", |env, name| env.add_filter(name, text::replace)),
    qsite(Filter, "indent", |env, name| env.add_filter(name, text::indent)),
    minijinja(Filter, "dictsort"),
    minijinja(Filter, "groupby"),
    qsite(Filter, "format", |env, name| env.add_filter(name, text::format)),
    minijinja(Filter, "pprint"),
    minijinja(Filter, "chain"),
    minijinja(Filter, "zip"),
    qsite(Filter, "trim_start_matches", |env, name| env.add_filter(name, text::trim_start_matches)),
    qsite(Filter, "trim_end_matches", |env, name| env.add_filter(name, text::trim_end_matches)),
    qsite(Filter, "wordcount", |env, name| env.add_filter(name, text::wordcount)),
    qsite(Filter, "linebreaksbr", |env, name| env.add_filter(name, text::linebreaksbr)),
    qsite(Filter, "as_str", |env, name| env.add_filter(name, text::as_str)),
    qsite(Filter, "nth", |env, name| env.add_filter(name, collections::nth)),
    qsite(Filter, "concat", |env, name| env.add_filter(name, collections::concat)),
    qsite(Filter, "get", |env, name| env.add_filter(name, collections::get)),
    qsite(Filter, "group_by", |env, name| env.add_filter(name, collections::group_by)),
    qsite(Filter, "filter", |env, name| env.add_filter(name, collections::filter)),
    qsite(Filter, "urlencode", |env, name| env.add_filter(name, urls::urlencode)),
    qsite(Filter, "urlencode_strict", |env, name| env.add_filter(name, urls::urlencode_strict)),
    qsite(Filter, "pluralize", |env, name| env.add_filter(name, numbers::pluralize)),
    qsite(Filter, "filesizeformat", |env, name| env.add_filter(name, numbers::filesizeformat)),
    qsite(Filter, "num_format", |env, name| env.add_filter(name, numbers::num_format)),
    qsite(Filter, "truncate", |env, name| env.add_filter(name, text::truncate)),
    qsite(Filter, "striptags", |env, name| env.add_filter(name, text::striptags)),
    qsite(Filter, "escape_xml", |env, name| env.add_filter(name, text::escape_xml)),
    qsite(Filter, "base64_encode", |env, name| env.add_filter(name, text::base64_encode)),
    qsite(Filter, "base64_decode", |env, name| env.add_filter(name, text::base64_decode)),
    minijinja(Test, "defined"),
    minijinja(Test, "undefined"),
    minijinja(Test, "none"),
    minijinja(Test, "odd"),
    minijinja(Test, "even"),
    minijinja(Test, "divisibleby"),
    qsite(Test, "number", |env, name| env.add_test(name, numbers::number)),
    minijinja(Test, "integer"),
    minijinja(Test, "float"),
    minijinja(Test, "string"),
    minijinja(Test, "boolean"),
    minijinja(Test, "sequence"),
    qsite(Test, "iterable", |env, name| env.add_test(name, collections::iterable)),
    minijinja(Test, "mapping"),
    qsite(Test, "object", |env, name| env.add_test(name, collections::object)),
    minijinja(Test, "startingwith"),
    minijinja(Test, "endingwith"),
    minijinja(Test, "in"),
    minijinja(Test, "lower"),
    minijinja(Test, "upper"),
    minijinja(Test, "safe"),
    minijinja(Test, "escaped"),
    minijinja(Test, "true"),
    minijinja(Test, "false"),
    minijinja(Test, "eq"),
    minijinja(Test, "ne"),
    minijinja(Test, "lt"),
    minijinja(Test, "le"),
    minijinja(Test, "gt"),
    minijinja(Test, "ge"),
    minijinja(Test, "sameas"),
    qsite(Test, "starting_with", |env, name| env.add_test(name, text::starting_with)),
    qsite(Test, "ending_with", |env, name| env.add_test(name, text::ending_with)),
    qsite(Test, "containing", |env, name| env.add_test(name, collections::containing)),
    qsite(Test, "matching", |env, name| env.add_test(name, text::matching)),
];

/// A function as templates see it: called as minijinja calls any function,
/// and printed (by `{{ get_page }}` or `debug()`) as its name. minijinja
/// prints a function as the Rust path of its code, which would change pages
/// whenever qsite's code moved.
#[derive(Debug)]
struct NamedFunction {
    name: &'static str,
    function: Value,
}

impl Object for NamedFunction {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn call(self: &Arc<Self>, state: &mut State<'_, '_>, args: &[Value]) -> Result<Value, Error> {
        self.function.call(state, args)
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Adds `function` to `env` as the function `name`.
fn add_function<F, Rv, Args>(env: &mut Environment<'static>, name: &'static str, function: F)
where
    F: Callable<Rv, Args>,
    Rv: FunctionResult,
    Args: for<'a> FunctionArgs<'a>,
{
    env.add_global(name, Value::from_object(NamedFunction { name, function: Value::from_function(function) }));
}

/// Adds qsite's filters, tests and functions to `env`.
pub fn register(env: &mut Environment<'static>) {
    for entry in REGISTRY {
        if let Some(register) = entry.register {
            register(env, entry.name);
        }
    }
}

/// The names of `kind` that "did you mean" offers, likelier first.
pub fn suggested_names(kind: Kind) -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().filter(move |entry| entry.kind == kind && entry.suggested).map(|entry| entry.name)
}

/// An environment with every callable the registry lists and nothing else
/// of qsite's (no loader, no formatter): for the families' unit tests,
/// which render through the names templates use.
#[cfg(test)]
pub fn test_environment() -> Environment<'static> {
    let mut env = Environment::new();
    register(&mut env);
    env
}
