//! A site loaded into the query database: reading the folder into inputs
//! (all of it, or from a scan, leaving unchanged files unread) and
//! refreshing them after edits. Rendering is in `rendering`, what the
//! workspace hands to and takes from the cache in `cache_values`, and what
//! queries ask of unread files in `host`.

mod cache_values;
mod host;
mod rendering;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use queries::words::counted;
use queries::{
    BuildClock, BuildOptions, Change, ExecutionLog, FileHost, FileText, HostHandle, Inputs, Markdown, Prepared,
    QueryDb, route_table,
};
use rayon::prelude::*;
use snapshots::{Fact, FactsReader, FileStat};

use self::host::FolderHost;
use crate::folder::Kind;
use crate::site_folder::{EnvironmentError, input_paths, input_paths_at, is_text_input, read_input};
use crate::stored_facts::{StoredFacts, prepared_front_matter};

pub use rendering::{IMAGE_ROUTE, OutputFile, RenderPlan, RenderedSite, SITE_CHECK, Selection};

/// A site folder held in a query database.
pub struct Workspace {
    root: Utf8PathBuf,
    config_path: Utf8PathBuf,
    db: QueryDb,
    log: ExecutionLog,
    inputs: Inputs,
    options: BuildOptions,
    /// What the database asks for the files it holds unread.
    host: Arc<FolderHost>,
    /// Content files read from disk so far, but for those the host read.
    content_read: usize,
    /// Entries of the input folders the walks skipped since last taken
    /// (links, FIFOs), for `serve` to warn about.
    skipped: Vec<(Utf8PathBuf, Kind)>,
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
    /// build verified value by value and of those it loaded from the cache
    /// at all (the others were left unread).
    pub fn line(&self, verified: usize, loaded: usize) -> String {
        format!(
            "work: {} read, {} parsed, {}, {} verified of {loaded} loaded",
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
        let mut workspace = Workspace::empty(root, config_path, options, true, None);
        workspace.refresh()?;
        Ok(workspace)
    }

    /// A workspace holding nothing yet, with its execution log, whose host
    /// fetches front matter through `facts`.
    fn empty(
        root: &Utf8Path,
        config_path: &Utf8Path,
        options: BuildOptions,
        logged: bool,
        facts: Option<FactsReader>,
    ) -> Self {
        let (db, log) = if logged { QueryDb::with_log() } else { QueryDb::without_log() };
        let host = Arc::new(FolderHost::new(root, config_path, facts));
        Workspace {
            root: root.to_owned(),
            config_path: config_path.to_owned(),
            db,
            log,
            inputs: Inputs::new(config_path, HostHandle::new(host.clone())),
            options,
            host,
            content_read: 0,
            skipped: Vec::new(),
        }
    }

    /// Loads the site at `root` from a scan of its files: a Markdown file
    /// whose `facts` (an earlier build's front matter) were made from its
    /// current bytes is left unread, and a copied file is known by the hash
    /// the scan took; every other file is read. A query that needs an unread
    /// file's front matter or text after all asks the workspace's host, which
    /// fetches the one or reads the other then; [`Workspace::confirm_unchanged`]
    /// says whether the file still had the bytes the scan hashed.
    /// With `logged`, query executions are recorded for [`Workspace::work`];
    /// without, it counts nothing.
    ///
    /// # Performance
    /// Reads only the files without facts: after an edit, the edited ones.
    pub fn from_scan(
        root: &Utf8Path,
        config_path: &Utf8Path,
        options: BuildOptions,
        files: &[(Utf8PathBuf, FileStat)],
        facts: &StoredFacts,
        logged: bool,
    ) -> Result<Self, EnvironmentError> {
        let mut workspace = Workspace::empty(root, config_path, options.clone(), logged, facts.reader.clone());
        let mut change = Change { options: Some(options), clock: Some(build_clock()), ..Change::default() };
        let texts: Vec<FileText> = files
            .par_iter()
            .map(|(path, stat)| {
                if !is_text_input(path, config_path) {
                    return Ok(FileText::Opaque { hash: stat.hash, len: stat.size });
                }
                match facts.hash(path.as_str()) {
                    Some(hash) if hash == stat.hash => Ok(FileText::Unread { hash: stat.hash }),
                    _ => read_input(root, path, config_path),
                }
            })
            .collect::<Result<_, _>>()?;
        workspace.content_read =
            files.iter().zip(&texts).filter(|((path, _), text)| path.starts_with("content") && is_read(text)).count();
        for ((path, stat), text) in files.iter().zip(texts) {
            if let FileText::Unread { .. } = text
                && let Some(prepared) =
                    facts.loaded.get(path.as_str()).and_then(|fact| prepared_front_matter(fact, stat.hash))
            {
                change.prepared_front_matter.push((path.clone(), prepared));
            }
            change.files.push((path.clone(), Some(text)));
        }
        change.apply(&mut workspace.db, &mut workspace.inputs);
        Ok(workspace)
    }

    /// Hands over the front matter of the unread files among `facts` whose
    /// facts were made from their bytes: all at once, for a build that
    /// computes listings over every page.
    pub fn hand_over_facts(&mut self, facts: &HashMap<String, Fact>) {
        let mut change = Change::default();
        for (path, fact) in facts {
            let path = Utf8Path::new(path);
            if let Some(file) = self.inputs.file(path)
                && let FileText::Unread { hash } = file.text(&self.db)
                && let Some(prepared) = prepared_front_matter(fact, *hash)
            {
                change.prepared_front_matter.push((path.to_path_buf(), prepared));
            }
        }
        change.apply(&mut self.db, &mut self.inputs);
    }

    /// Fails when a file the database holds unread could not be given to a
    /// query (it changed since the scan, or can no longer be read): what was
    /// computed without it must be neither written nor saved.
    pub fn confirm_unchanged(&self) -> Result<(), EnvironmentError> {
        self.host.take_problem().map_or(Ok(()), Err)
    }

    /// Re-reads the folder and applies what changed; returns whether anything did.
    pub fn refresh(&mut self) -> Result<bool, EnvironmentError> {
        if !self.root.join(&self.config_path).is_file() {
            return Err(EnvironmentError::MissingConfig { root: self.root.clone(), path: self.config_path.clone() });
        }
        let walk = input_paths(&self.root)?;
        self.skipped.extend(walk.skipped);
        let mut paths = walk.paths;
        paths.push(self.config_path.clone());
        let present: HashSet<&Utf8Path> = paths.iter().map(Utf8PathBuf::as_path).collect();
        let mut change =
            Change { options: Some(self.options.clone()), clock: Some(build_clock()), ..Change::default() };
        // Reading is most of a cold start's IO; the files are independent.
        let texts: Vec<FileText> =
            paths.par_iter().map(|path| read_input(&self.root, path, &self.config_path)).collect::<Result<_, _>>()?;
        self.content_read +=
            paths.iter().zip(&texts).filter(|(path, text)| path.starts_with("content") && is_read(text)).count();
        change.files.extend(paths.iter().cloned().zip(texts.into_iter().map(Some)));
        for known in self.inputs.paths() {
            if !present.contains(known) {
                change.files.push((known.to_path_buf(), None));
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
            let found = if *path == self.config_path {
                if self.root.join(path).is_file() { vec![path.clone()] } else { Vec::new() }
            } else {
                // The same rules as a build's walk, for a file as for a folder.
                let walk = input_paths_at(&self.root, path)?;
                self.skipped.extend(walk.skipped);
                walk.paths
            };
            let found: HashSet<Utf8PathBuf> = found.into_iter().collect();
            gone.extend(
                self.inputs
                    .paths()
                    .filter(|known| known.starts_with(path) && !found.contains(*known))
                    .map(Utf8Path::to_path_buf),
            );
            present.extend(found);
        }
        if !present.contains(&self.config_path) && gone.contains(&self.config_path) {
            return Err(EnvironmentError::MissingConfig { root: self.root.clone(), path: self.config_path.clone() });
        }
        let mut change = Change { clock: Some(build_clock()), ..Change::default() };
        for path in present {
            let text = read_input(&self.root, &path, &self.config_path)?;
            change.files.push((path, Some(text)));
        }
        change.files.extend(gone.into_iter().map(|path| (path, None)));
        Ok(change.apply(&mut self.db, &mut self.inputs))
    }

    /// The entries of the input folders that walks skipped since the last
    /// call: not inputs, never read (see [`input_paths`]).
    pub fn take_skipped(&mut self) -> Vec<(Utf8PathBuf, Kind)> {
        std::mem::take(&mut self.skipped)
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
        let content_read = self.content_read + self.host.content_read();
        Work { content_read, front_matter_parsed, markdown_rendered }
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
    /// it, or as the host reads it for a file it left unread.
    pub fn file_text(&self, relative: &Utf8Path) -> Option<String> {
        let file = self.inputs.file(relative)?;
        match file.text(&self.db) {
            FileText::Opaque { .. } => None,
            FileText::Unread { hash } => self.host.text(relative, *hash).map(|text| text.to_string()),
            text => Some(text.as_str().to_owned()),
        }
    }

    /// Whether the site has this input file.
    pub fn has_file(&self, relative: &Utf8Path) -> bool {
        self.inputs.file(relative).is_some()
    }

    /// The bytes of an input file, checked against the hash the database
    /// holds: what the host encodes a resized image from. `None` when the
    /// file is gone, changed since it was hashed, or is text that was not
    /// UTF-8.
    pub fn file_bytes(&self, relative: &Utf8Path) -> Option<Arc<[u8]>> {
        let file = self.inputs.file(relative)?;
        match file.text(&self.db) {
            FileText::Opaque { hash, .. } | FileText::Unread { hash } => self.host.bytes(relative, *hash),
            FileText::NotUtf8 { .. } => None,
            text => Some(Arc::from(text.as_str().as_bytes())),
        }
    }

    /// Hands the database renderings found in the content-addressed store.
    pub fn prepare_markdown(&mut self, prepared: Vec<(Utf8PathBuf, Prepared<Arc<Markdown>>)>) {
        if !prepared.is_empty() {
            Change { prepared_markdown: prepared, ..Change::default() }.apply(&mut self.db, &mut self.inputs);
        }
    }

    /// The key of the configured Markdown options, part of every rendering's
    /// store key.
    pub fn markdown_options_key(&self) -> [u8; 32] {
        queries::markdown::options_key(&self.db)
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
}

/// Whether the host read this text from disk (rather than only knowing its hash).
fn is_read(text: &FileText) -> bool {
    !matches!(text, FileText::Opaque { .. } | FileText::Unread { .. })
}

/// The host's clock and time zone now, for templates that print `now()`.
fn build_clock() -> BuildClock {
    let now = jiff::ZonedDateTime::now();
    BuildClock { seconds: now.timestamp().as_second(), offset_seconds: now.offset().seconds() }
}
