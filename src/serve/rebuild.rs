//! The writer thread of `qsite serve`: the only code that sets inputs.
//!
//! For each batch of file events it applies one change, tells the tabs
//! whose page changed to reload (the latency users feel), then checks the
//! whole site on the new revision, whose memoized renders make that cheap,
//! to print its problems and update the error overlay.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use queries::Diagnostic;
use queries::words::counted;

use crate::processed_images::ImageRequests;
use crate::report::{overlay_html, render_diagnostics, stderr_is_colored};
use crate::serve::answer::answer;
use crate::serve::http::Server;
use crate::serve::watch::{Batch, Watcher};
use crate::site_folder::skipped_warning;
use crate::workspace::Workspace;

/// The writer thread's state.
pub struct Rebuilder {
    workspace: Workspace,
    server: Arc<Server>,
    watcher: Watcher,
    diagnostics: Arc<[Diagnostic]>,
    /// Whether the last batch failed to apply, so the next reads everything.
    failed: bool,
}

impl Rebuilder {
    /// A writer for `workspace`, publishing to `server`.
    pub fn new(workspace: Workspace, server: Arc<Server>, watcher: Watcher) -> Self {
        Rebuilder { workspace, server, watcher, diagnostics: Arc::from([]), failed: false }
    }

    /// Renders every output (memoized ones cost a verification), prints the
    /// site's problems when they changed, sets the overlay, and forgets the
    /// resized images the site no longer asks for. Returns
    /// whether the site has errors.
    pub fn check_site(&mut self) -> bool {
        let site = self.workspace.render(&HashSet::new(), &HashMap::new());
        let has_errors = site.diagnostics.iter().any(Diagnostic::is_error);
        self.server.images.keep_wanted(self.workspace.db(), &ImageRequests::asked_by(&site).wanted());
        if site.diagnostics != self.diagnostics {
            let had_errors = self.diagnostics.iter().any(Diagnostic::is_error);
            eprint!("{}", render_diagnostics(&self.workspace, &site.diagnostics, stderr_is_colored()));
            if had_errors && !has_errors {
                eprintln!("The site has no errors any more.");
            }
            self.server.live.set_overlay(overlay_html(&self.workspace, &site.diagnostics).map(Arc::from));
            self.diagnostics = site.diagnostics;
        }
        has_errors
    }

    /// Applies batches until the watcher stops. A bug in one rebuild is
    /// reported and the server goes on with the next.
    pub fn run(mut self, batches: Receiver<Batch>) {
        while let Ok(mut batch) = batches.recv() {
            // Events that arrived during the last rebuild make one change.
            while let Ok(later) = batches.try_recv() {
                batch.merge(later);
            }
            if catch_unwind(AssertUnwindSafe(|| self.rebuild(&batch))).is_err() {
                eprintln!("error: qsite hit a bug while rebuilding; the server keeps running");
                self.server.db.publish(self.workspace.db().clone());
            }
        }
    }

    fn rebuild(&mut self, batch: &Batch) {
        self.watcher.watch_input_folders();
        self.workspace.clear_log();
        // Readers give up their clones before the inputs change.
        self.server.db.withdraw();
        // After a batch that failed (the configuration file briefly gone
        // mid-save), the whole folder is read again: the events of that
        // batch are not repeated.
        let applied = if batch.rescan || self.failed {
            self.workspace.refresh()
        } else {
            self.workspace.refresh_paths(&batch.paths)
        };
        self.server.db.publish(self.workspace.db().clone());
        for (path, kind) in self.workspace.take_skipped() {
            eprintln!("{}", skipped_warning(&path, kind));
        }
        self.failed = applied.is_err();
        match applied {
            Ok(true) => {}
            // An unchanged save starts no work.
            Ok(false) => return,
            Err(error) => {
                eprintln!("error: {error}; the server keeps the site as it was until the next change");
                return;
            }
        }
        let db = self.workspace.db();
        let current: HashMap<String, String> = self
            .server
            .live
            .open_paths()
            .into_iter()
            .map(|path| {
                let fingerprint = answer(db, &path).fingerprint();
                (path, fingerprint)
            })
            .collect();
        // A Sass source changes only the stylesheets compiled from it.
        let stylesheets = batch.paths.iter().any(|path| matches!(path.extension(), Some("css" | "scss" | "sass")));
        let notified = self.server.live.notify(&current, stylesheets);
        let reload_ms = batch.first_event.elapsed().as_millis();
        let check_started = Instant::now();
        let has_errors = self.check_site();
        let what: Vec<&str> = batch.paths.iter().take(3).map(|path| path.as_str()).collect();
        let more = batch.paths.len().saturating_sub(what.len());
        let rendered = self.workspace.rendered_count();
        println!(
            "[{}] {}{} changed: {} re-rendered, {} reloaded, {} restyled, {} ms after the change; site checked in {} ms{}",
            jiff::ZonedDateTime::now().strftime("%H:%M:%S"),
            if batch.rescan { "the site folder".to_owned() } else { what.join(", ") },
            if more > 0 { format!(" and {more} more") } else { String::new() },
            counted(rendered, "output"),
            counted(notified.reloaded, "tab"),
            notified.restyled,
            reload_ms,
            check_started.elapsed().as_millis(),
            if has_errors { ", with errors (shown in the browser)" } else { "" },
        );
    }
}
