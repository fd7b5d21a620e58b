//! Rendering a workspace's outputs in parallel: every output of the route
//! table but those reused, or only those a build found stale when the route
//! table is the last build's; the site check and link checks alike; and the
//! traces that a later process verifies.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use queries::diagnostics::{linked_files, sort_diagnostics};
use queries::route_names::route_key;
use queries::site_check::site_check;
use queries::trace::{Read, current_hash};
use queries::{
    Diagnostic, Route, RouteKey, RouteStats, SourceFile, check_links, link_check, render_output, rendered_output,
    route_table,
};
use rayon::prelude::*;
use snapshots::{Trace, TraceRead};

use super::Workspace;
use crate::progress::Progress;
use crate::site_folder::EnvironmentError;

/// One output file of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// Rendered text.
    Text(Arc<str>),
    /// A file copied byte for byte from this path (relative to the site root).
    Copy(Utf8PathBuf),
    /// Bytes made by the host: a resized image.
    Bytes(Arc<[u8]>),
}

/// Everything a build produces, by path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedSite {
    /// Every output path of the site, reused ones included.
    pub produced: BTreeSet<String>,
    /// The outputs rendered (and copied files): path → contents; sorted, so
    /// writing is deterministic.
    pub files: BTreeMap<String, OutputFile>,
    /// What each rendered output's render read, to persist.
    pub traces: Vec<(String, Trace)>,
    /// Every file whose links this build checked (reused or not).
    pub checked: Vec<String>,
    /// Link checks run by this build: file, trace, diagnostics as JSON.
    pub checks: Vec<(String, Trace, String)>,
    /// Every diagnostic of the site, sorted.
    pub diagnostics: Arc<[Diagnostic]>,
    /// Counts for the summary line.
    pub stats: RouteStats,
    /// Outputs whose render ran in this call.
    pub rendered: usize,
    /// Rendered outputs whose memoized result was still valid.
    pub reused: usize,
}

impl Workspace {
    /// Renders every output except `reused`, checks the links of every file
    /// but those in `checked` (whose diagnostics it takes as they are), in
    /// parallel, and gathers all diagnostics. The outputs and checks stay
    /// memoized, for a process that renders again after an edit. For a
    /// workspace whose every file was read ([`Workspace::load`]).
    pub fn render(&self, reused: &HashSet<String>, checked: &HashMap<String, Vec<Diagnostic>>) -> RenderedSite {
        let plan = RenderPlan { selection: Selection::Table { reused: reused.clone() }, checked: checked.clone() };
        self.render_once(&plan, &Progress::hidden(), Memo::Keep)
    }

    /// Renders what `plan` selects, once each, ticking `progress` once per
    /// output. The outputs and checks are not memoized: the process writes
    /// them and ends. Fails when a file left unread changed before the
    /// render needed it ([`Workspace::confirm_unchanged`]), so nothing made
    /// without it is written.
    pub fn render_plan(&self, plan: &RenderPlan, progress: &Progress) -> Result<RenderedSite, EnvironmentError> {
        let site = self.render_once(plan, progress, Memo::Drop);
        self.confirm_unchanged()?;
        Ok(site)
    }

    /// Each rayon worker works on its own clone of the database, so the
    /// queries run concurrently and salsa still memoizes every query they
    /// call once.
    fn render_once(&self, plan: &RenderPlan, progress: &Progress, memo: Memo) -> RenderedSite {
        // Counting scans the whole log: only a memoized render needs it.
        let rendered_before = matches!(memo, Memo::Keep).then(|| self.log.count("rendered_output"));
        let (todo, produced, stats, linked) = match &plan.selection {
            Selection::Table { reused } => {
                let table = route_table(&self.db).clone();
                let todo: Vec<(String, Route)> = table
                    .routes
                    .iter()
                    .filter(|(output, _)| !reused.contains(*output))
                    .map(|(output, route)| (output.clone(), route.clone()))
                    .collect();
                (todo, table.routes.keys().cloned().collect(), table.stats, linked_files(&self.db))
            }
            Selection::Known { redo, produced, linked, stats } => {
                let linked = linked.iter().filter_map(|path| self.inputs.file(Utf8Path::new(path))).collect();
                (redo.clone(), produced.clone(), *stats, linked)
            }
        };
        let rendered_texts = todo.iter().filter(|(_, route)| !matches!(route, Route::Copy(_))).count();
        // A database is Send but not Sync: workers clone theirs from a shared seed.
        let seed = Mutex::new(self.db.clone());
        let names = ReadNames::default();
        let rendered: Vec<(String, OutputFile, Trace, Vec<Diagnostic>)> = todo
            .into_par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (output, route)| {
                    progress.tick();
                    let route_name = route_key(db, &route);
                    match route {
                        Route::Copy(file) => {
                            let read = Read::Bytes(file.path(db).to_string());
                            let trace = Trace {
                                route: route_name,
                                reads: vec![names.trace_read(&read, current_hash(db, &read))],
                            };
                            (output, OutputFile::Copy(file.path(db).clone()), trace, Vec::new())
                        }
                        route => {
                            let owned;
                            let rendered = match memo {
                                Memo::Keep => rendered_output(db, RouteKey::new(db, route)),
                                Memo::Drop => {
                                    owned = render_output(db, &route);
                                    &owned
                                }
                            };
                            let reads =
                                rendered.trace.iter().map(|(read, hash)| names.trace_read(read, *hash)).collect();
                            let trace = Trace { route: route_name, reads };
                            (output, OutputFile::Text(rendered.text.clone()), trace, rendered.diagnostics.clone())
                        }
                    }
                },
            )
            .collect();
        let mut diagnostics = Vec::new();
        let mut checks = Vec::new();
        match plan.checked.get(SITE_CHECK) {
            Some(found) => diagnostics.extend(found.iter().cloned()),
            None => {
                let check = site_check(&self.db);
                diagnostics.extend(check.diagnostics.iter().cloned());
                let found: Vec<&Diagnostic> = check.diagnostics.iter().collect();
                let reads = check.trace.iter().map(|(read, hash)| names.trace_read(read, *hash)).collect();
                let trace = Trace { route: SITE_CHECK.to_owned(), reads };
                checks.push((SITE_CHECK.to_owned(), trace, serde_json::to_string(&found).unwrap_or_default()));
            }
        }
        let keys: Vec<String> = linked.iter().map(|file| file.path(&self.db).to_string()).collect();
        let to_check: Vec<(String, SourceFile)> = keys
            .iter()
            .zip(&linked)
            .filter(|(key, _)| !plan.checked.contains_key(*key))
            .map(|(key, file)| (key.clone(), *file))
            .collect();
        let fresh: Vec<(String, Vec<Diagnostic>, Trace)> = to_check
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (key, file)| {
                    let owned;
                    let check = match memo {
                        Memo::Keep => link_check(db, *file),
                        Memo::Drop => {
                            owned = check_links(db, *file);
                            &owned
                        }
                    };
                    let reads = check.trace.iter().map(|(read, hash)| names.trace_read(read, *hash)).collect();
                    (key.clone(), check.diagnostics.clone(), Trace { route: "links".to_owned(), reads })
                },
            )
            .collect();
        for (key, found, trace) in fresh {
            checks.push((key, trace, serde_json::to_string(&found).unwrap_or_default()));
            diagnostics.extend(found);
        }
        for key in &keys {
            if let Some(found) = plan.checked.get(key) {
                diagnostics.extend(found.iter().cloned());
            }
        }
        let mut files = BTreeMap::new();
        let mut traces = Vec::new();
        for (output, file, trace, render_diagnostics) in rendered {
            diagnostics.extend(render_diagnostics);
            traces.push((output.clone(), trace));
            files.insert(output, file);
        }
        sort_diagnostics(&mut diagnostics);
        let rendered_count = match rendered_before {
            Some(before) => self.log.count("rendered_output") - before,
            None => rendered_texts,
        };
        let mut all_checked = keys;
        all_checked.push(SITE_CHECK.to_owned());
        RenderedSite {
            checked: all_checked,
            checks,
            produced,
            files,
            traces,
            diagnostics: diagnostics.into(),
            stats,
            rendered: rendered_count,
            reused: stats.text_outputs.saturating_sub(rendered_count),
        }
    }
}

/// Whether a render keeps its outputs and link checks memoized.
#[derive(Clone, Copy)]
enum Memo {
    /// For a process that renders again after an edit (`serve`).
    Keep,
    /// For a build, which renders each once.
    Drop,
}

/// The key under which the cache keeps the site check
/// ([`queries::site_check::site_check()`]) among the link checks, which are
/// keyed by content file path: no such path is `site`.
pub const SITE_CHECK: &str = "site";

/// The route key of a resized image's trace, which reads its source's
/// bytes alone: no route of the route table makes it, the renders that ask
/// for it do (see `processed_images`).
pub const IMAGE_ROUTE: &str = "image";

/// The names of reads as the cache stores them, made once per distinct
/// read: thousands of traces share the configuration, a template, a listing.
#[derive(Default)]
struct ReadNames(Mutex<HashMap<Read, KeyAndScope>>);

/// A read's key and scope, as [`TraceRead`] holds them.
type KeyAndScope = (Arc<str>, Arc<str>);

impl ReadNames {
    /// A read as the cache stores it: its key and scope, shared.
    fn trace_read(&self, read: &Read, hash: [u8; 32]) -> TraceRead {
        let mut names = self.0.lock().unwrap_or_else(|poison| poison.into_inner());
        let (key, scope) = names
            .entry(read.clone())
            .or_insert_with(|| (Arc::from(read.to_key()), Arc::from(read.footprint().scope())))
            .clone();
        TraceRead { key, scope, hash }
    }
}

/// What a build renders: which outputs, and which checks it takes as the
/// last build left them.
pub struct RenderPlan {
    /// Which outputs.
    pub selection: Selection,
    /// Link checks (by file) and the site check ([`SITE_CHECK`]) whose trace
    /// verified, with their diagnostics: not run again.
    pub checked: HashMap<String, Vec<Diagnostic>>,
}

/// Which outputs a build renders.
pub enum Selection {
    /// Every output of the route table but `reused`, whose trace verified.
    Table {
        /// Outputs not rendered.
        reused: HashSet<String>,
    },
    /// The route table is the last build's (nothing it depends on changed):
    /// only `redo` is rendered, and the rest stays as that build left it.
    Known {
        /// Outputs to render, with their routes.
        redo: Vec<(String, Route)>,
        /// Every output of the site.
        produced: BTreeSet<String>,
        /// Every file whose links are checked.
        linked: Vec<String>,
        /// The last build's counts.
        stats: RouteStats,
    },
}
