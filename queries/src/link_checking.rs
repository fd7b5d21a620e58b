//! `link_check`: every internal link and anchor of a content file checked,
//! with the trace of what checking read.

use salsa::Database;

use crate::body::MissingLanguage;
use crate::diagnostic::Diagnostic;
use crate::inputs::SourceFile;
use crate::site_paths::{CONTENT, under};
use crate::suggest::nearest;
use crate::trace::reads::{config, is_hidden, link_target, markdown, route_table, section_tree};
use crate::trace::{TraceEntry, recording};

/// The link check of one content file: its broken links and anchors, and
/// the trace of what the check read, so a later process can reuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    /// Broken links and anchors (errors, or warnings with `broken = "warn"`).
    pub diagnostics: Vec<Diagnostic>,
    /// What the check read.
    pub trace: Vec<TraceEntry>,
}

/// Broken internal links and anchors of a content file.
///
/// Invalidated by the file's body and by its targets' URLs, titles and draft
/// flags; reads a target's body only for links with an anchor.
#[salsa::tracked(returns(ref))]
pub fn link_check(db: &dyn Database, file: SourceFile) -> LinkCheck {
    check_links(db, file)
}

/// [`link_check`], not memoized: a build checks each file once.
pub fn check_links(db: &dyn Database, file: SourceFile) -> LinkCheck {
    let (diagnostics, trace) = recording(|| broken_links(db, file));
    LinkCheck { diagnostics, trace }
}

fn broken_links(db: &dyn Database, file: SourceFile) -> Vec<Diagnostic> {
    let markdown = markdown(db, file);
    let path = file.path(db);
    let config = &config(db).config;
    let mut diagnostics: Vec<Diagnostic> =
        markdown.missing_languages.iter().map(|missing| missing_language(path, missing)).collect();
    for link in &markdown.links {
        let resolved = link_target(db, &link.destination);
        let problem = match resolved.file {
            Some(target) if is_hidden(db, target) => {
                Some(format!("`{}` is a draft, which this build leaves out", target.path(db)))
            }
            Some(target) => match &resolved.anchor {
                Some(anchor) if !anchor.is_empty() && !markdown_has_anchor(db, target, anchor) => Some(format!(
                    "`{}` has no heading with the anchor `#{anchor}`",
                    under(target.path(db), CONTENT).unwrap_or(target.path(db))
                )),
                _ => None,
            },
            None if !link.destination.starts_with("@/") && is_other_output(db, &link.destination) => None,
            None => Some(format!("broken internal link: nothing in the site is at `{}`", link.destination)),
        };
        if let Some(message) = problem {
            let code = "qsite::links::broken";
            let fix = "fix the link, or set `[links] broken = \"warn\"` in qsite.toml to only warn";
            let help = match nearest_content_file(db, &link.destination) {
                Some(near) if resolved.file.is_none() => format!("did you mean `@/{near}`? Or {fix}"),
                _ => fix.to_owned(),
            };
            // Zola checks only `@/` links when it builds: a root-relative
            // link to nothing in a Zola site is a warning, not a failed build.
            let unchecked_by_zola = config.zola && resolved.file.is_none() && !link.destination.starts_with("@/");
            let diagnostic = if config.broken_links_are_errors && !unchecked_by_zola {
                Diagnostic::error(path.clone(), link.range.clone(), code, message)
            } else {
                Diagnostic::warning(path.clone(), link.range.clone(), code, message)
            };
            diagnostics.push(diagnostic.with_help(help));
        }
    }
    diagnostics
}

/// A code block left plain because its language has no grammar.
fn missing_language(path: &camino::Utf8PathBuf, missing: &MissingLanguage) -> Diagnostic {
    let code = "qsite::markdown::missing_language";
    let message = format!("no grammar highlights `{}`: the code block is plain text", missing.language);
    let diagnostic = match missing.is_error {
        true => Diagnostic::error(path.clone(), missing.range.clone(), code, message),
        false => Diagnostic::warning(path.clone(), missing.range.clone(), code, message),
    };
    diagnostic.with_help("name a language giallo knows (such as `rust`, `toml`, `sh`), or `txt` for plain text")
}

/// For a broken `@/` link, the content file whose path is nearest to it.
/// Only a broken link reads the site's whole file list (recorded, so a
/// persisted check is redone when a page is added or removed).
fn nearest_content_file(db: &dyn Database, destination: &str) -> Option<String> {
    let wanted = destination.strip_prefix("@/")?.split('#').next()?;
    let tree = section_tree(db);
    let paths: Vec<String> = tree
        .pages
        .iter()
        .chain(tree.sections.values().map(|entry| &entry.file))
        .map(|file| under(file.path(db), CONTENT).unwrap_or(file.path(db)).to_string())
        .collect();
    nearest(wanted, paths.iter().map(String::as_str)).map(str::to_owned)
}

fn markdown_has_anchor(db: &dyn Database, target: SourceFile, anchor: &str) -> bool {
    markdown(db, target).headings.iter().any(|heading| heading.id == anchor)
}

/// Whether a root-relative link names an output that is not a page: a static
/// file, a feed, a term page.
fn is_other_output(db: &dyn Database, destination: &str) -> bool {
    let path = destination.split(['#', '?']).next().unwrap_or(destination);
    let table = route_table(db);
    let wanted = path.trim_start_matches('/');
    table.routes.contains_key(wanted)
        || table.routes.contains_key(&format!("{}/index.html", wanted.trim_end_matches('/')))
}
