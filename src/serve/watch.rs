//! Watching the site folder with the notify debouncer: events on the input
//! folders and the configuration file become one [`Batch`] of paths per
//! quiet period, sent to the writer thread.
//!
//! The input folders are watched recursively and the root alone, so that
//! `public/`, `.qsite/` and anything else in the site folder cost nothing.
//! Which of the reported paths are really inputs (hidden, ignored) is
//! decided when the batch is applied, by the same rules as a build's walk.

use std::collections::BTreeSet;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use camino::{Utf8Path, Utf8PathBuf};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::site_folder::{EnvironmentError, INPUT_DIRS};

/// How long the debouncer waits for a burst of events (an editor's atomic
/// save, a `git checkout`) to end before it reports them.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The changes of one quiet period.
#[derive(Debug)]
pub struct Batch {
    /// Paths relative to the root (files or folders) that changed, were
    /// created, deleted or moved.
    pub paths: BTreeSet<Utf8PathBuf>,
    /// An ignore file changed or the watcher lost events: read the whole
    /// site again.
    pub rescan: bool,
    /// When the first of these events happened, for the latency report.
    pub first_event: Instant,
}

impl Batch {
    /// Folds a later batch into this one.
    pub fn merge(&mut self, later: Batch) {
        self.paths.extend(later.paths);
        self.rescan |= later.rescan;
        self.first_event = self.first_event.min(later.first_event);
    }
}

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    root: Utf8PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching the site at `root` (an absolute path), whose
    /// configuration file is `config` (relative to the root).
    pub fn start(root: &Utf8Path, config: &Utf8Path, sender: Sender<Batch>) -> Result<Self, EnvironmentError> {
        let handler_root = root.to_owned();
        let config = config.to_owned();
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            if let Some(batch) = batch(&handler_root, &config, result) {
                let _ = sender.send(batch);
            }
        })
        .map_err(|error| EnvironmentError::Watch { root: root.to_owned(), message: error.to_string() })?;
        let mut watcher = Watcher { root: root.to_owned(), debouncer, watched: BTreeSet::new() };
        watcher
            .debouncer
            .watch(root.as_std_path(), RecursiveMode::NonRecursive)
            .map_err(|error| EnvironmentError::Watch { root: root.to_owned(), message: error.to_string() })?;
        watcher.watch_input_folders();
        Ok(watcher)
    }

    /// Watches input folders created since the last call (a site may gain
    /// its `static/` while served). Their files arrive through the folder's
    /// own event, which the writer reads recursively.
    pub fn watch_input_folders(&mut self) {
        for dir in INPUT_DIRS {
            let path = self.root.join(dir);
            if !self.watched.contains(dir)
                && path.is_dir()
                && self.debouncer.watch(path.as_std_path(), RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
        self.watched.retain(|dir| self.root.join(dir).is_dir());
    }
}

/// The batch for one debounced result, or `None` if nothing in it concerns
/// the site's inputs.
fn batch(root: &Utf8Path, config: &Utf8Path, result: DebounceEventResult) -> Option<Batch> {
    let events = match result {
        Ok(events) => events,
        // The watcher failed (a queue overflow): trust nothing it said.
        Err(_) => return Some(Batch { paths: BTreeSet::new(), rescan: true, first_event: Instant::now() }),
    };
    let mut batch = Batch { paths: BTreeSet::new(), rescan: false, first_event: Instant::now() };
    for event in events {
        // Opening and reading a file changes nothing, and the server's own
        // reads would otherwise come back as events.
        if event.kind.is_access() {
            continue;
        }
        batch.rescan |= event.need_rescan();
        let mut relevant = false;
        for path in &event.paths {
            let Some(relative) = Utf8Path::from_path(path).and_then(|path| path.strip_prefix(root).ok()) else {
                continue;
            };
            // An ignore file, at the root or in an input folder, changes
            // which files are inputs.
            if matches!(relative.file_name(), Some(".gitignore" | ".ignore")) {
                batch.rescan = true;
                relevant = true;
            }
            let is_input = relative == config
                || relative.components().next().is_some_and(|first| INPUT_DIRS.contains(&first.as_str()));
            if is_input {
                relevant = true;
                batch.paths.insert(relative.to_owned());
            }
        }
        if relevant || event.need_rescan() {
            batch.first_event = batch.first_event.min(event.time);
        }
    }
    (batch.rescan || !batch.paths.is_empty()).then_some(batch)
}
