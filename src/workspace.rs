//! A site loaded into the query database: reading the folder into inputs,
//! refreshing them after edits, and rendering every output in parallel.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use queries::{
    BuildOptions, Change, Diagnostic, ExecutionLog, FileText, Inputs, QueryDb, Route, RouteKey, RouteStats,
    rendered_output, route_table,
};
use rayon::prelude::*;

use crate::site_folder::{EnvironmentError, input_paths, read_input};

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
    /// Output path → contents; sorted, so writing is deterministic.
    pub files: BTreeMap<String, OutputFile>,
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
        for path in &paths {
            change.files.push((path.clone(), Some(read_input(&self.root, path, &self.config_path)?)));
        }
        for known in self.inputs.paths() {
            if !present.contains(known) {
                change.files.push((known.clone(), None));
            }
        }
        Ok(change.apply(&mut self.db, &mut self.inputs))
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

    /// Takes the queries that executed since the last call, as
    /// `query(key)`: the proof of minimal work that tests assert.
    pub fn take_executed(&self) -> Vec<String> {
        self.log.take_described(&self.db, &self.inputs)
    }

    /// Renders every output, in parallel, and gathers all diagnostics.
    ///
    /// Each rayon worker renders on its own clone of the database, so the
    /// queries run concurrently and salsa still memoizes every result once.
    pub fn render(&self) -> RenderedSite {
        let rendered_before = self.log.count("rendered_output");
        let table = route_table(&self.db).clone();
        // A database is Send but not Sync: workers clone theirs from a shared seed.
        let seed = Mutex::new(self.db.clone());
        let rendered: Vec<(String, OutputFile)> = table
            .routes
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (output, route)| {
                    let file = match route {
                        Route::Copy(file) => OutputFile::Copy(file.path(db).clone()),
                        route => OutputFile::Text(rendered_output(db, RouteKey::new(db, route.clone())).text.clone()),
                    };
                    (output.clone(), file)
                },
            )
            .collect();
        let diagnostics = queries::diagnostics::diagnostics(&self.db).clone();
        let rendered_count = self.log.count("rendered_output") - rendered_before;
        let text_routes = table.routes.values().filter(|route| !matches!(route, Route::Copy(_))).count();
        RenderedSite {
            files: rendered.into_iter().collect(),
            diagnostics,
            stats: table.stats,
            rendered: rendered_count,
            reused: text_routes.saturating_sub(rendered_count),
        }
    }
}
