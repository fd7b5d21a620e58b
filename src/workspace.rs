//! A site loaded into the query database: reading the folder into inputs
//! (all of it, or from a scan, leaving unchanged files unread), refreshing
//! them after edits, and rendering outputs in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use queries::diagnostics::{linked_files, site_check, sort_diagnostics};
use queries::trace::{Facets, Footprint, Read, current_hash, route_key};
use queries::{
    BuildOptions, Change, Diagnostic, ExecutionLog, FileText, Inputs, Markdown, Prepared, QueryDb, Route, RouteKey,
    RouteStats, SourceFile, link_check, rendered_output, route_table,
};
use rayon::prelude::*;
use snapshots::{Fact, FileStat, Trace, TraceRead};

use queries::words::counted;

use crate::progress::Progress;
use crate::site_folder::{EnvironmentError, input_paths, input_paths_at, is_text_input, read_input};

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
    /// Content files read from disk so far.
    content_read: usize,
}

/// What a workspace did so far, as `build -v` reports it and tests assert:
/// the proof that a warm build does only what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Content files read from disk (templates, data and the configuration
    /// are always read: they are few, and most renders need them).
    pub content_read: usize,
    /// Front matter blocks parsed (not taken from the cache).
    pub front_matter_parsed: usize,
    /// Markdown bodies rendered (not taken from the store).
    pub markdown_rendered: usize,
}

impl Work {
    /// The line `build -v` prints, with the number of stored traces the
    /// build verified value by value.
    pub fn line(&self, verified: usize) -> String {
        format!(
            "work: {} read, {} parsed, {}, {} verified",
            counted(self.content_read, "content file"),
            counted(self.front_matter_parsed, "front matter block"),
            counted(self.markdown_rendered, "Markdown rendering"),
            counted(verified, "trace"),
        )
    }
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
            content_read: 0,
        };
        workspace.refresh()?;
        Ok(workspace)
    }

    /// Loads the site at `root` from a scan of its files: a Markdown file
    /// whose `facts` (an earlier build's front matter) were made from its
    /// current bytes is left unread, and a copied file is known by the hash
    /// the scan took; every other file is read. A query that needs an unread
    /// file's text after all asks for it, and [`Workspace::render_plan`] reads it.
    ///
    /// # Performance
    /// Reads only the files without facts: after an edit, the edited ones.
    pub fn from_scan(
        root: &Utf8Path,
        config_path: &Utf8Path,
        options: BuildOptions,
        files: &[(Utf8PathBuf, FileStat)],
        facts: &HashMap<String, Fact>,
    ) -> Result<Self, EnvironmentError> {
        let (db, log) = QueryDb::with_log();
        let mut workspace = Workspace {
            root: root.to_owned(),
            config_path: config_path.to_owned(),
            db,
            log,
            inputs: Inputs::new(config_path),
            options: options.clone(),
            content_read: 0,
        };
        let mut change = Change { options: Some(options), ..Change::default() };
        let texts: Vec<FileText> = files
            .par_iter()
            .map(|(path, stat)| {
                if !is_text_input(path, config_path) {
                    return Ok(FileText::Opaque { hash: stat.hash, len: stat.size });
                }
                match facts.get(path.as_str()) {
                    Some(fact) if fact.hash == stat.hash => Ok(FileText::Unread { hash: stat.hash }),
                    _ => read_input(root, path, config_path),
                }
            })
            .collect::<Result<_, _>>()?;
        workspace.content_read =
            files.iter().zip(&texts).filter(|((path, _), text)| path.starts_with("content") && is_read(text)).count();
        for ((path, stat), text) in files.iter().zip(texts) {
            if let FileText::Unread { .. } = text
                && let Some(fact) = facts.get(path.as_str())
            {
                let value = Arc::from(fact.value.as_slice());
                change.prepared_front_matter.push((path.clone(), Prepared { content_hash: stat.hash, value }));
            }
            change.files.push((path.clone(), Some(text)));
        }
        change.apply(&mut workspace.db, &mut workspace.inputs);
        Ok(workspace)
    }

    /// Reads the files that queries found they needed unread since the last
    /// call; returns whether there were any (then what was computed without
    /// them is computed again on the next request).
    pub fn load_wanted(&mut self) -> Result<bool, EnvironmentError> {
        let wanted = queries::take_wanted();
        if wanted.is_empty() {
            return Ok(false);
        }
        self.read_unread(wanted)?;
        Ok(true)
    }

    /// Reads those of `paths` that the database holds unread.
    pub fn read_unread(&mut self, paths: impl IntoIterator<Item = Utf8PathBuf>) -> Result<(), EnvironmentError> {
        let unread: Vec<Utf8PathBuf> = paths
            .into_iter()
            .filter(|path| {
                self.inputs.file(path).is_some_and(|file| matches!(file.text(&self.db), FileText::Unread { .. }))
            })
            .collect();
        if unread.is_empty() {
            return Ok(());
        }
        let texts: Vec<FileText> =
            unread.par_iter().map(|path| read_input(&self.root, path, &self.config_path)).collect::<Result<_, _>>()?;
        self.content_read += unread.iter().filter(|path| path.starts_with("content")).count();
        let change =
            Change { files: unread.into_iter().zip(texts.into_iter().map(Some)).collect(), ..Change::default() };
        change.apply(&mut self.db, &mut self.inputs);
        Ok(())
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
        self.content_read +=
            paths.iter().zip(&texts).filter(|(path, text)| path.starts_with("content") && is_read(text)).count();
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

    /// What this workspace did so far: files read, and front matter and
    /// Markdown computed rather than taken from the cache (since the log was
    /// last taken).
    pub fn work(&self) -> Work {
        let (front_matter_parsed, markdown_rendered) = self.log.computed_from_text(&self.db, &self.inputs);
        Work { content_read: self.content_read, front_matter_parsed, markdown_rendered }
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

    /// The text of an input file, for diagnostics: as the database holds
    /// it, or from disk for a file it left unread.
    pub fn file_text(&self, relative: &Utf8Path) -> Option<String> {
        let file = self.inputs.file(relative)?;
        match file.text(&self.db) {
            FileText::Opaque { .. } => None,
            FileText::Unread { .. } => std::fs::read_to_string(self.root.join(relative)).ok(),
            text => Some(text.as_str().to_owned()),
        }
    }

    /// Hands the database renderings found in the content-addressed store.
    pub fn prepare_markdown(&mut self, prepared: Vec<(Utf8PathBuf, Prepared<Arc<Markdown>>)>) {
        if !prepared.is_empty() {
            Change { prepared_markdown: prepared, ..Change::default() }.apply(&mut self.db, &mut self.inputs);
        }
    }

    /// Each content file's front matter as the cache keeps it between
    /// builds, with the hashes of its metadata's facets
    /// ([`queries::trace::facet_hashes`]); `None` for a file the database
    /// lacks, one that is not sound text, or one whose front matter would not
    /// read back the same.
    ///
    /// # Performance
    /// One encode and decode per file, in parallel.
    pub fn front_matter_facts(&self, paths: &[&Utf8Path]) -> Vec<Option<(Vec<u8>, Vec<u8>)>> {
        let seed = Mutex::new(self.db.clone());
        let inputs = &self.inputs;
        paths
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, path| {
                    let file = inputs.file(path)?;
                    if !matches!(file.text(db), FileText::Text(_) | FileText::Unread { .. }) {
                        return None;
                    }
                    let encoded = queries::front_matter::encode(queries::front_matter::front_matter(db, file))?;
                    Some((encoded, queries::trace::facet_hashes(db, path.as_str())))
                },
            )
            .collect()
    }

    /// Hands the database the whole-site values of an earlier build (by read
    /// key) that depend on none of the `changed` facets of the site's
    /// metadata, for a build that knows the rest of it unchanged since.
    pub fn prepare_site(&mut self, values: &[(String, String)], changed: Facets) {
        let holds = |key: &str| {
            Read::from_key(key).is_some_and(|read| match read.footprint() {
                Footprint::Site(facets) => !facets.meets(changed),
                Footprint::Settings | Footprint::File(_) => false,
            })
        };
        let still = values.iter().filter(|(key, _)| holds(key)).map(|(key, value)| (key.as_str(), value.as_str()));
        let prepared = queries::trace::prepared_site(still);
        Change { prepared_site: Some(Arc::new(prepared)), ..Change::default() }.apply(&mut self.db, &mut self.inputs);
    }

    /// The whole-site values of the reads among `keys` that have one
    /// ([`queries::trace::site_value`]), by read key; with `new_only`, those
    /// of reads the database was not handed ([`Workspace::prepare_site`]).
    pub fn site_values<'a>(&self, keys: impl IntoIterator<Item = &'a str>, new_only: bool) -> Vec<(String, String)> {
        let prepared = queries::Site::get(&self.db).prepared_site(&self.db).clone().unwrap_or_default();
        let known = |read: &Read| match read {
            Read::PagesMatching(listing) => prepared.listings.contains_key(listing),
            Read::TermName(taxonomy, slug) => prepared.term_names.contains_key(&(taxonomy.clone(), slug.clone())),
            _ => false,
        };
        let keys: BTreeSet<&str> = keys.into_iter().collect();
        keys.into_iter()
            .filter_map(|key| Some((key, Read::from_key(key)?)))
            .filter(|(_, read)| !(new_only && known(read)))
            .filter_map(|(key, read)| Some((key.to_owned(), queries::trace::site_value(&self.db, &read)?)))
            .collect()
    }

    /// The Markdown content files this workspace read from disk (rather than
    /// leaving them unread with the cache's facts).
    pub fn read_content(&self) -> Vec<&Utf8Path> {
        let mut paths: Vec<&Utf8Path> = self
            .inputs
            .paths()
            .filter(|path| path.starts_with("content") && path.extension() == Some("md"))
            .filter(|path| self.inputs.file(path).is_some_and(|file| is_read(file.text(&self.db))))
            .map(Utf8PathBuf::as_path)
            .collect();
        paths.sort();
        paths
    }

    /// The hashes of a content file's metadata, facet by facet
    /// ([`queries::trace::facet_hashes`]).
    pub fn facet_hashes(&self, relative: &Utf8Path) -> Vec<u8> {
        queries::trace::facet_hashes(&self.db, relative.as_str())
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

    /// Renders every output except `reused`, checks the links of every file
    /// but those in `checked` (whose diagnostics it takes as they are), in
    /// parallel, and gathers all diagnostics. For a workspace whose every
    /// file was read ([`Workspace::load`]).
    pub fn render(&self, reused: &HashSet<String>, checked: &HashMap<String, Vec<Diagnostic>>) -> RenderedSite {
        let plan = RenderPlan { selection: Selection::Table { reused: reused.clone() }, checked: checked.clone() };
        self.render_once(&plan, &Progress::hidden())
    }

    /// Renders what `plan` selects, ticking `progress` once per output, and
    /// reads the files the render found it needed unread until it needs none
    /// (see [`Workspace::from_scan`]).
    pub fn render_plan(&mut self, plan: &RenderPlan, progress: &Progress) -> Result<RenderedSite, EnvironmentError> {
        let logged = self.log.len();
        loop {
            let mut site = self.render_once(plan, progress);
            if !self.load_wanted()? {
                // Outputs rendered again for a file read late count once.
                let rendered = self.log.distinct_since(logged, "rendered_output");
                site.reused = (site.reused + site.rendered).saturating_sub(rendered);
                site.rendered = rendered;
                return Ok(site);
            }
        }
    }

    /// Each rayon worker works on its own clone of the database, so the
    /// queries run concurrently and salsa still memoizes every result once.
    fn render_once(&self, plan: &RenderPlan, progress: &Progress) -> RenderedSite {
        let rendered_before = self.log.count("rendered_output");
        let (todo, produced, stats, linked, text_outputs) = match &plan.selection {
            Selection::Table { reused } => {
                let table = route_table(&self.db).clone();
                let todo: Vec<(String, Route)> = table
                    .routes
                    .iter()
                    .filter(|(output, _)| !reused.contains(*output))
                    .map(|(output, route)| (output.clone(), route.clone()))
                    .collect();
                let text_outputs = table.routes.values().filter(|route| !matches!(route, Route::Copy(_))).count();
                (todo, table.routes.keys().cloned().collect(), table.stats, linked_files(&self.db), text_outputs)
            }
            Selection::Known { redo, produced, linked, stats, text_outputs } => {
                let linked = linked.iter().filter_map(|path| self.inputs.file(Utf8Path::new(path))).collect();
                (redo.clone(), produced.clone(), *stats, linked, *text_outputs)
            }
        };
        // A database is Send but not Sync: workers clone theirs from a shared seed.
        let seed = Mutex::new(self.db.clone());
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
                            let trace =
                                Trace { route: route_name, reads: vec![trace_read(&read, current_hash(db, &read))] };
                            (output, OutputFile::Copy(file.path(db).clone()), trace, Vec::new())
                        }
                        route => {
                            let rendered = rendered_output(db, RouteKey::new(db, route));
                            let reads = rendered.trace.iter().map(|(read, hash)| trace_read(read, *hash)).collect();
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
                let reads = check.trace.iter().map(|(read, hash)| trace_read(read, *hash)).collect();
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
                    let check = link_check(db, *file);
                    let reads = check.trace.iter().map(|(read, hash)| trace_read(read, *hash)).collect();
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
        let rendered_count = self.log.count("rendered_output") - rendered_before;
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
            reused: text_outputs.saturating_sub(rendered_count),
        }
    }
}

/// Whether the host read this text from disk (rather than only knowing its hash).
fn is_read(text: &FileText) -> bool {
    !matches!(text, FileText::Opaque { .. } | FileText::Unread { .. })
}

/// The key under which the cache keeps the site check
/// ([`queries::diagnostics::site_check`]) among the link checks, which are
/// keyed by content file path: no such path is `site`.
pub const SITE_CHECK: &str = "site";

/// A read as the cache stores it.
pub fn trace_read(read: &Read, hash: [u8; 32]) -> TraceRead {
    TraceRead { key: read.to_key(), scope: read.footprint().scope(), hash }
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
        /// How many outputs are rendered text (not copies).
        text_outputs: usize,
    },
}
