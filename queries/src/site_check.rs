//! `site_check`: every problem in the site that neither rendering nor link
//! checks find, gathered with the trace of what gathering them read.

use std::sync::Arc;

use salsa::Database;

use crate::diagnostic::Diagnostic;
use crate::diagnostics::sort_diagnostics;
use crate::inputs::Site;
use crate::sections::is_markdown;
use crate::trace::reads::{file_diagnostics, route_diagnostics, site_files};
use crate::trace::{TraceEntry, recording};

/// Every diagnostic of the site that neither rendering nor link checks find
/// (configuration, front matter, URLs, encodings), with the trace of what
/// gathering them read, so a later process reuses them while the trace
/// verifies. Render errors come with each [`crate::RenderedOutput`] and
/// broken links with each [`crate::links::link_check`] (of the files
/// [`crate::diagnostics::linked_files`] lists); the host merges them all with
/// [`sort_diagnostics`].
///
/// # Performance
/// O(text files) reads of [`file_diagnostics`]; no body is read.
#[salsa::tracked(returns(ref))]
pub fn site_check(db: &dyn Database) -> SiteCheck {
    let (diagnostics, trace) = recording(|| {
        let files = site_files(db);
        let text_files = files.content.values().filter(|file| is_markdown(file.path(db)));
        let text_files = text_files.chain(files.templates.values()).chain(files.data.values());
        let mut all = Vec::new();
        for &file in text_files.chain([Site::get(db).config_file(db)]) {
            all.extend(file_diagnostics(db, file).iter().cloned());
        }
        all.extend(route_diagnostics(db).iter().cloned());
        sort_diagnostics(&mut all);
        Arc::from(all)
    });
    SiteCheck { diagnostics, trace }
}

/// What [`site_check`] found, and what it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteCheck {
    /// The diagnostics, sorted.
    pub diagnostics: Arc<[Diagnostic]>,
    /// What gathering them read, with the hashes of the values it got.
    pub trace: Vec<TraceEntry>,
}
