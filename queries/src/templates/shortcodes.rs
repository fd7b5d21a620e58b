//! Filling a page's shortcodes: each call left as a placeholder by the
//! Markdown step is rendered with its template, where the page's content is
//! produced for a render.
//!
//! Rendering here, inside the render that prints the content, puts what a
//! shortcode reads (its template, another page's title, a data file) on that
//! render's trace and in salsa's edges alike, so a shortcode edit re-renders
//! exactly the outputs that print a calling page's content.
//!
//! A `.md` shortcode prints Markdown, which must be rendered with the page:
//! when a body calls one, the body is rendered again here, from its text
//! with the shortcode's output in place. That rendering is never stored; it
//! is made inside the render, from reads the render's trace records (the
//! body's text, the templates), so it is never served stale.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::{Error, ErrorKind, Value};
use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;
use crate::links::PageContent;
use crate::markdown::{markdown_options, render_markdown};
use crate::page::PageKind;
use crate::shortcodes::{ShortcodeCall, placeholder, placeholders, replace_placeholders, scan};
use crate::templates::errors;
use crate::templates::objects::{PageObject, SectionObject};
use crate::templates::render_template;
use crate::trace::reads::{body_source, filled_links, markdown, page_content, page_language, page_meta, template_file};

/// A page's content and summary, links and shortcodes filled in; a
/// diagnostic when a call names no shortcode, its body is unbalanced, or
/// its template fails.
pub fn content_with_shortcodes(db: &dyn Database, file: SourceFile) -> Result<Arc<PageContent>, Diagnostic> {
    let markdown = markdown(db, file);
    let shortcodes = &markdown.shortcodes;
    if let Some(problem) = &shortcodes.problem {
        return Err(Diagnostic::error(
            file.path(db).clone(),
            problem.range.clone(),
            "qsite::shortcodes::unbalanced",
            problem.message.clone(),
        ));
    }
    if shortcodes.calls.is_empty() {
        return Ok(page_content(db, file));
    }
    let Some(_filling) = Filling::enter(file) else {
        return Err(Diagnostic::error(
            file.path(db).clone(),
            shortcodes.calls[0].range.clone(),
            "qsite::shortcodes::cycle",
            format!("a shortcode reads the content of {}, which its own output is part of", file.path(db)),
        )
        .with_help("a shortcode may print a page's title or other fields, but not the content it is rendered into"));
    };
    let mut filler = Filler { db, file, calls: &shortcodes.calls, rendered: vec![None; shortcodes.calls.len()] };
    let markdown_calls: Vec<usize> = placeholders(&markdown.html)
        .into_iter()
        .map(|(index, _)| index)
        .filter(|&index| filler.template(index).is_ok_and(|(_, is_markdown)| is_markdown))
        .collect();
    let content = if markdown_calls.is_empty() {
        page_content(db, file)
    } else {
        let (text, offset) = body_source(db, file);
        let scanned = scan(&text[offset..], offset);
        let expanded = filler.fill(&scanned.text, |index| markdown_calls.contains(&index))?;
        filled_links(db, &render_markdown(&expanded, 0, markdown_options(db)))
    };
    let summary = content.summary.as_deref().map(|summary| filler.fill(summary, |_| true)).transpose()?;
    Ok(Arc::new(PageContent {
        content: filler.fill(&content.content, |_| true)?.into(),
        summary: summary.map(|summary| Arc::from(summary.trim_end())),
    }))
}

thread_local! {
    /// The files whose shortcodes are being rendered on this thread, outermost first.
    static FILLING: RefCell<Vec<SourceFile>> = const { RefCell::new(Vec::new()) };
}

/// A file whose shortcodes are being rendered: while it lives, a shortcode
/// that reads that file's content (its own page's, or through another
/// page's shortcode) is a cycle, not an endless recursion.
struct Filling(SourceFile);

impl Filling {
    /// `None` when `file`'s shortcodes are already being rendered.
    fn enter(file: SourceFile) -> Option<Filling> {
        FILLING.with(|filling| {
            let mut filling = filling.borrow_mut();
            (!filling.contains(&file)).then(|| {
                filling.push(file);
                Filling(file)
            })
        })
    }
}

impl Drop for Filling {
    fn drop(&mut self) {
        FILLING.with(|filling| filling.borrow_mut().retain(|&file| file != self.0));
    }
}

/// Renders the calls of one body, each once.
struct Filler<'a> {
    db: &'a dyn Database,
    file: SourceFile,
    calls: &'a [ShortcodeCall],
    rendered: Vec<Option<String>>,
}

impl Filler<'_> {
    /// `text` with the placeholders of the calls `chosen` picks replaced by
    /// their output; the others are left in place.
    fn fill(&mut self, text: &str, chosen: impl Fn(usize) -> bool) -> Result<String, Diagnostic> {
        let mut failure = None;
        let filled = replace_placeholders(text, |index| {
            if !chosen(index) {
                return placeholder(index);
            }
            self.render(index).unwrap_or_else(|diagnostic| {
                failure.get_or_insert(diagnostic);
                String::new()
            })
        });
        failure.map_or(Ok(filled), Err)
    }

    /// The template of call `index` and whether it is a `.md` one: the
    /// site's, else its theme's, `.md` first.
    fn template(&self, index: usize) -> Result<(String, bool), Diagnostic> {
        let call = &self.calls[index];
        for (extension, is_markdown) in [("md", true), ("html", false)] {
            let name = format!("shortcodes/{}.{extension}", call.name);
            if template_file(self.db, &name).is_some() {
                return Ok((name, is_markdown));
            }
        }
        Err(Diagnostic::error(
            self.file.path(self.db).clone(),
            call.range.clone(),
            "qsite::shortcodes::unknown",
            format!("there is no shortcode named `{}`", call.name),
        )
        .with_help(format!(
            "add `templates/shortcodes/{0}.html` or `templates/shortcodes/{0}.md`, or write the call as \
             `{{{{/* {0}(…) */}}}}` to show it as text",
            call.name
        )))
    }

    /// What call `index` prints: its template rendered with its arguments,
    /// `body` (its calls filled in), `nth`, and the page's context.
    fn render(&mut self, index: usize) -> Result<String, Diagnostic> {
        if let Some(done) = &self.rendered[index] {
            return Ok(done.clone());
        }
        let (template, _) = self.template(index)?;
        let call = &self.calls[index];
        let mut context: BTreeMap<String, Value> =
            call.arguments.iter().map(|(key, value)| (key.clone(), value.to_value())).collect();
        if let Some(body) = &call.body {
            let filled = self.fill(body, |_| true)?;
            context.insert("body".to_owned(), Value::from(filled.trim_end()));
        }
        context.insert("nth".to_owned(), Value::from(call.nth));
        let db = self.db;
        let (key, object) = match page_meta(db, self.file).kind {
            PageKind::Page => ("page", Value::from_object(PageObject(self.file))),
            PageKind::Section => ("section", Value::from_object(SectionObject(self.file))),
        };
        context.insert(key.to_owned(), object);
        context.insert("lang".to_owned(), Value::from(page_language(db, self.file).as_str()));
        let output = render_template(&template, Value::from(context)).map_err(|error| {
            let mut diagnostic = errors::diagnostic(db, &template, &error);
            diagnostic.message =
                format!("{} (in the shortcode `{}` that {} calls)", diagnostic.message, call.name, self.file.path(db));
            diagnostic
        })?;
        let output = output.replace("\r\n", "\n");
        self.rendered[index] = Some(output.clone());
        Ok(output)
    }
}

/// A shortcode's failure while a template reads a page's `content`: carried
/// in the template's error so the render reports the shortcode's own
/// diagnostic, not the template's line.
#[derive(Debug)]
pub struct ShortcodeFailure(pub Diagnostic);

impl fmt::Display for ShortcodeFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0.message)
    }
}

impl std::error::Error for ShortcodeFailure {}

/// The value a template gets for a content field whose shortcodes failed:
/// printing it fails the render with the shortcode's diagnostic.
pub fn failed_content(diagnostic: Diagnostic) -> Value {
    let message = diagnostic.message.clone();
    Value::from(Error::new(ErrorKind::InvalidOperation, message).with_source(ShortcodeFailure(diagnostic)))
}
