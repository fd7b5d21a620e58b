//! A site loaded into the query database: reading the folder into inputs,
//! refreshing them after edits, and rendering every output in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use queries::diagnostics::{linked_files, sort_diagnostics};
use queries::trace::{Footprint, Read, current_hash, route_key};
use queries::{
    BuildOptions, Change, Diagnostic, ExecutionLog, FileText, Inputs, Markdown, PreparedMarkdown, QueryDb, Route,
    RouteKey, RouteStats, SourceFile, link_check, rendered_output, route_table,
};
use rayon::prelude::*;
use snapshots::{ReadTable, StoredTrace, Trace};

use crate::progress::Progress;
use crate::site_folder::{EnvironmentError, input_paths, input_paths_at, read_input};

/// One output file of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// Rendered text.
    Text(Arc<str>),
    /// A file copied byte for byte from this path (relative to the site root).
    Copy(Utf8PathBuf),
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

/// A site folder held in a query database.
pub struct Workspace {
    root: Utf8PathBuf,
    config_path: Utf8PathBuf,
    db: QueryDb,
    log: ExecutionLog,
    inputs: Inputs,
    options: BuildOptions,
}

impl Workspace {
    /// Loads the site at `root`, whose configuration file is `config_path`
    /// (relative to the root).
    pub fn load(root: &Utf8Path, config_path: &Utf8Path, options: BuildOptions) -> Result<Self, EnvironmentError> {
        if !root.is_dir() {
            let source = std::fs::metadata(root).err().unwrap_or_else(|| std::io::Error::other("not a directory"));
            return Err(EnvironmentError::UnreadableRoot { root: root.to_owned(), source });
        }
        if !root.join(config_path).is_file() {
            return Err(EnvironmentError::MissingConfig { root: root.to_owned(), path: config_path.to_owned() });
        }
        let (db, log) = QueryDb::with_log();
        let mut workspace = Workspace {
            root: root.to_owned(),
            config_path: config_path.to_owned(),
            db,
            log,
            inputs: Inputs::new(config_path),
            options,
        };
        workspace.refresh()?;
        Ok(workspace)
    }

    /// Re-reads the folder and applies what changed; returns whether anything did.
    pub fn refresh(&mut self) -> Result<bool, EnvironmentError> {
        if !self.root.join(&self.config_path).is_file() {
            return Err(EnvironmentError::MissingConfig { root: self.root.clone(), path: self.config_path.clone() });
        }
        let mut paths = input_paths(&self.root)?;
        paths.push(self.config_path.clone());
        let present: HashSet<&Utf8PathBuf> = paths.iter().collect();
        let mut change = Change { options: Some(self.options.clone()), ..Change::default() };
        // Reading is most of a cold start's IO; the files are independent.
        let texts: Vec<FileText> =
            paths.par_iter().map(|path| read_input(&self.root, path, &self.config_path)).collect::<Result<_, _>>()?;
        change.files.extend(paths.iter().cloned().zip(texts.into_iter().map(Some)));
        for known in self.inputs.paths() {
            if !present.contains(known) {
                change.files.push((known.clone(), None));
            }
        }
        Ok(change.apply(&mut self.db, &mut self.inputs))
    }

    /// Re-reads only `paths` (files or folders, relative to the root, as a
    /// watcher reports them) and applies what changed: files at or below each
    /// path are read again, known files no longer there are removed. Returns
    /// whether anything changed.
    ///
    /// # Performance
    /// O(files under the paths) reads, plus one pass over the known paths to
    /// find deletions; an edit to a known file reads that file alone.
    pub fn refresh_paths<'a>(
        &mut self,
        paths: impl IntoIterator<Item = &'a Utf8PathBuf>,
    ) -> Result<bool, EnvironmentError> {
        let mut present = BTreeSet::new();
        let mut gone = BTreeSet::new();
        for path in paths {
            let full = self.root.join(path);
            let found = if *path == self.config_path || (self.inputs.file(path).is_some() && full.is_file()) {
                if full.is_file() { vec![path.clone()] } else { Vec::new() }
            } else {
                input_paths_at(&self.root, path)?
            };
            let found: HashSet<Utf8PathBuf> = found.into_iter().collect();
            gone.extend(
                self.inputs.paths().filter(|known| known.starts_with(path) && !found.contains(*known)).cloned(),
            );
            present.extend(found);
        }
        if !present.contains(&self.config_path) && gone.contains(&self.config_path) {
            return Err(EnvironmentError::MissingConfig { root: self.root.clone(), path: self.config_path.clone() });
        }
        let mut change = Change::default();
        for path in present {
            let text = read_input(&self.root, &path, &self.config_path)?;
            change.files.push((path, Some(text)));
        }
        change.files.extend(gone.into_iter().map(|path| (path, None)));
        Ok(change.apply(&mut self.db, &mut self.inputs))
    }

    /// The database, for readers that clone it (the development server's
    /// request handlers).
    pub fn db(&self) -> &QueryDb {
        &self.db
    }

    /// How many outputs the site has (copied files included), for the
    /// progress bar's length.
    pub fn output_count(&self) -> usize {
        route_table(&self.db).routes.len()
    }

    /// How many outputs rendered since the log was last taken.
    pub fn rendered_count(&self) -> usize {
        self.log.count("rendered_output")
    }

    /// Empties the execution log, which otherwise grows with every change a
    /// long-running process applies.
    pub fn clear_log(&self) {
        self.log.take();
    }

    /// The site root.
    pub fn root(&self) -> &Utf8Path {
        &self.root
    }

    /// The text of an input file as the database holds it, for diagnostics.
    pub fn file_text(&self, relative: &Utf8Path) -> Option<String> {
        let file = self.inputs.file(relative)?;
        match file.text(&self.db) {
            FileText::Opaque { .. } => None,
            text => Some(text.as_str().to_owned()),
        }
    }

    /// Hands the database renderings found in the content-addressed store.
    pub fn prepare_markdown(&mut self, prepared: Vec<(Utf8PathBuf, PreparedMarkdown)>) {
        if !prepared.is_empty() {
            Change { prepared, ..Change::default() }.apply(&mut self.db, &mut self.inputs);
        }
    }

    /// The rendering of a content file's body (memoized).
    pub fn markdown(&self, relative: &Utf8Path) -> Option<Arc<Markdown>> {
        let file = self.inputs.file(relative)?;
        Some(queries::markdown::markdown(&self.db, file).clone())
    }

    /// Takes the queries that executed since the last call, as
    /// `query(key)`: the proof of minimal work that tests assert.
    pub fn take_executed(&self) -> Vec<String> {
        self.log.take_described(&self.db, &self.inputs)
    }

    /// The outputs among `candidates` (output path → the trace its last
    /// render left) whose trace still verifies: rendering them again would
    /// give the same bytes.
    pub fn verified_outputs(
        &self,
        candidates: &HashMap<&str, &StoredTrace>,
        verifier: &mut Verifier,
    ) -> HashSet<String> {
        verifier.precompute(&self.db, candidates.values().flat_map(|trace| &trace.reads));
        let table = route_table(&self.db);
        table
            .routes
            .iter()
            .filter(|(output, route)| {
                candidates.get(output.as_str()).is_some_and(|trace| {
                    trace.route == route_key(&self.db, route) && verifier.holds(&self.db, &trace.reads)
                })
            })
            .map(|(output, _)| output.clone())
            .collect()
    }

    /// The link checks among `cached` (file path → trace and stored
    /// diagnostics) whose trace still verifies, with their diagnostics.
    pub fn verified_checks(
        &self,
        cached: &HashMap<String, (StoredTrace, String)>,
        verifier: &mut Verifier,
    ) -> HashMap<String, Vec<Diagnostic>> {
        verifier.precompute(&self.db, cached.values().flat_map(|(trace, _)| &trace.reads));
        cached
            .iter()
            .filter(|(_, (trace, _))| verifier.holds(&self.db, &trace.reads))
            .filter_map(|(path, (_, result))| Some((path.clone(), serde_json::from_str(result).ok()?)))
            .collect()
    }

    /// Renders every output except `reused`, checks the links of every file
    /// but those in `checked` (whose diagnostics it takes as they are), in
    /// parallel, and gathers all diagnostics.
    ///
    /// Each rayon worker works on its own clone of the database, so the
    /// queries run concurrently and salsa still memoizes every result once.
    pub fn render(&self, reused: &HashSet<String>, checked: &HashMap<String, Vec<Diagnostic>>) -> RenderedSite {
        self.render_counting(reused, checked, &Progress::hidden())
    }

    /// [`Workspace::render`], ticking `progress` once per output rendered.
    pub fn render_counting(
        &self,
        reused: &HashSet<String>,
        checked: &HashMap<String, Vec<Diagnostic>>,
        progress: &Progress,
    ) -> RenderedSite {
        let rendered_before = self.log.count("rendered_output");
        let table = route_table(&self.db).clone();
        // A database is Send but not Sync: workers clone theirs from a shared seed.
        let seed = Mutex::new(self.db.clone());
        let rendered: Vec<(String, OutputFile, Option<Trace>, Vec<Diagnostic>)> = table
            .routes
            .par_iter()
            .filter(|(output, _)| !reused.contains(*output))
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (output, route)| {
                    progress.tick();
                    match route {
                        Route::Copy(file) => {
                            (output.clone(), OutputFile::Copy(file.path(db).clone()), None, Vec::new())
                        }
                        route => {
                            let rendered = rendered_output(db, RouteKey::new(db, route.clone()));
                            let trace = Trace {
                                route: route_key(db, route),
                                reads: rendered.trace.iter().map(|(read, hash)| (read.to_key(), *hash)).collect(),
                            };
                            (
                                output.clone(),
                                OutputFile::Text(rendered.text.clone()),
                                Some(trace),
                                rendered.diagnostics.clone(),
                            )
                        }
                    }
                },
            )
            .collect();
        let mut diagnostics = queries::diagnostics::site_diagnostics(&self.db).to_vec();
        let mut checks = Vec::new();
        let linked = linked_files(&self.db);
        let keys: Vec<String> = linked.iter().map(|file| file.path(&self.db).to_string()).collect();
        let to_check: Vec<(String, SourceFile)> = keys
            .iter()
            .zip(&linked)
            .filter(|(key, _)| !checked.contains_key(*key))
            .map(|(key, file)| (key.clone(), *file))
            .collect();
        let fresh: Vec<(String, Vec<Diagnostic>, Trace)> = to_check
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (key, file)| {
                    let check = link_check(db, *file);
                    let trace = Trace {
                        route: "links".to_owned(),
                        reads: check.trace.iter().map(|(read, hash)| (read.to_key(), *hash)).collect(),
                    };
                    (key.clone(), check.diagnostics.clone(), trace)
                },
            )
            .collect();
        for (key, found, trace) in fresh {
            checks.push((key, trace, serde_json::to_string(&found).unwrap_or_default()));
            diagnostics.extend(found);
        }
        for key in &keys {
            if let Some(found) = checked.get(key) {
                diagnostics.extend(found.iter().cloned());
            }
        }
        let mut files = BTreeMap::new();
        let mut traces = Vec::new();
        for (output, file, trace, render_diagnostics) in rendered {
            diagnostics.extend(render_diagnostics);
            if let Some(trace) = trace {
                traces.push((output.clone(), trace));
            }
            files.insert(output, file);
        }
        sort_diagnostics(&mut diagnostics);
        let rendered_count = self.log.count("rendered_output") - rendered_before;
        let text_routes = table.routes.values().filter(|route| !matches!(route, Route::Copy(_))).count();
        RenderedSite {
            checked: keys,
            checks,
            produced: table.routes.keys().cloned().collect(),
            files,
            traces,
            diagnostics: diagnostics.into(),
            stats: table.stats,
            rendered: rendered_count,
            reused: text_routes.saturating_sub(rendered_count),
        }
    }
}

/// Verifies stored traces against the database, computing each distinct
/// read's current hash once for all the traces that share it.
pub struct Verifier {
    table: ReadTable,
    verdicts: HashMap<i64, bool>,
    changed: Option<HashSet<String>>,
}

impl Verifier {
    /// A verifier for traces whose reads are in `table`.
    ///
    /// `changed` is `Some` when the host knows that the configuration, the
    /// build options and the set of files are those the traces were made
    /// with: it names the files whose contents changed, and a read scoped to
    /// another single file (its [`Footprint`]) holds without being computed.
    pub fn new(table: ReadTable, changed: Option<HashSet<String>>) -> Self {
        Verifier { table, verdicts: HashMap::new(), changed }
    }

    /// A stored read, key and hash, if the table has it.
    pub fn entry(&self, id: i64) -> Option<&(String, [u8; 32])> {
        self.table.get(&id)
    }

    /// The key of a stored read, if the table has it.
    pub fn key(&self, id: i64) -> Option<&str> {
        self.table.get(&id).map(|(key, _)| key.as_str())
    }

    /// Computes, in parallel, whether each of `reads` still has its hash,
    /// so that [`Verifier::holds`] then only looks verdicts up. Reads are
    /// independent queries, so each worker hashes its share on its own
    /// clone of the database and salsa memoizes what they share once.
    ///
    /// # Performance
    /// O(distinct reads): on a warm start this is most of an incremental
    /// build's work.
    pub fn precompute<'a>(&mut self, db: &QueryDb, reads: impl IntoIterator<Item = &'a i64>) {
        let pending: Vec<(i64, &String, &[u8; 32])> = reads
            .into_iter()
            .filter(|id| !self.verdicts.contains_key(*id))
            .collect::<HashSet<_>>()
            .into_iter()
            .filter_map(|id| self.table.get(id).map(|(key, hash)| (*id, key, hash)))
            .collect();
        let seed = Mutex::new(db.clone());
        let changed = self.changed.as_ref();
        let verdicts: Vec<(i64, bool)> = pending
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (id, key, hash)| (*id, still_holds(db, key, hash, changed)),
            )
            .collect();
        self.verdicts.extend(verdicts);
    }

    /// The keys of the reads among `reads` found changed (or unknown), in
    /// order: after [`Verifier::holds`] has looked at them.
    pub fn failing<'a>(&'a self, reads: &'a [i64]) -> impl Iterator<Item = &'a str> {
        reads
            .iter()
            .filter(|id| self.verdicts.get(*id) != Some(&true))
            .map(|id| self.key(*id).unwrap_or("(a read this qsite does not know)"))
    }

    /// Whether every read still has the hash it had.
    pub fn holds(&mut self, db: &QueryDb, reads: &[i64]) -> bool {
        reads.iter().all(|id| {
            let (table, changed) = (&self.table, self.changed.as_ref());
            *self
                .verdicts
                .entry(*id)
                .or_insert_with(|| table.get(id).is_some_and(|(key, hash)| still_holds(db, key, hash, changed)))
        })
    }
}

/// Whether the stored read `key` still hashes to `hash`: known without
/// computing it when its footprint is settled (see [`Verifier::new`]).
fn still_holds(db: &QueryDb, key: &str, hash: &[u8; 32], changed: Option<&HashSet<String>>) -> bool {
    let Some(read) = Read::from_key(key) else { return false };
    let settled = changed.is_some_and(|changed| match read.footprint() {
        Footprint::Settings => true,
        Footprint::File(path) => !changed.contains(&path),
        Footprint::Site => false,
    });
    settled || current_hash(db, &read) == *hash
}
