//! A database for tests: a whole site described in one string, edits by
//! path, every output rendered in memory, and the log of what re-ran.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8PathBuf;

use crate::trace::{TraceEntry, current_hash};

use crate::{
    BuildOptions, Change, Diagnostic, ExecutionLog, FileHost, FileText, Inputs, QueryDb, Route, RouteKey,
    rendered_output, route_table,
};

/// A site held in a database, with the texts it was made from.
pub struct TestDb {
    db: QueryDb,
    log: ExecutionLog,
    inputs: Inputs,
    files: BTreeMap<Utf8PathBuf, String>,
    options: BuildOptions,
}

/// Splits a fixture (`//- path` lines, each followed by the file's text) into files.
fn parse_fixture(fixture: &str) -> BTreeMap<Utf8PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut current: Option<(Utf8PathBuf, String)> = None;
    for line in fixture.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.extend(current.take());
            current = Some((Utf8PathBuf::from(path.trim()), String::new()));
        } else if let Some((_, text)) = &mut current {
            text.push_str(line);
        }
    }
    files.extend(current);
    files
        .entry(Utf8PathBuf::from("qsite.toml"))
        .or_insert_with(|| "title = \"Test\"\nbase_url = \"https://example.com\"\n".to_owned());
    files
}

impl TestDb {
    /// A database holding the site the fixture describes.
    pub fn with_site(fixture: &str) -> TestDb {
        TestDb::with_files(parse_fixture(fixture), BuildOptions::default())
    }

    /// A database holding the site the fixture describes, whose queries ask
    /// `host` for the files a later change leaves unread.
    pub fn with_host(fixture: &str, host: impl FileHost) -> TestDb {
        let files = parse_fixture(fixture);
        let texts = files.iter().map(|(path, text)| (path.clone(), Arc::from(text.as_str())));
        let (db, log, inputs) = crate::whole_site::load_with_host(texts, BuildOptions::default(), host);
        TestDb { db, log, inputs, files, options: BuildOptions::default() }
    }

    fn with_files(files: BTreeMap<Utf8PathBuf, String>, options: BuildOptions) -> TestDb {
        let (db, log, inputs) = crate::whole_site::load_files(files.clone(), options.clone());
        TestDb { db, log, inputs, files, options }
    }

    /// The front matter of a file the database holds.
    pub fn front_matter(&self, path: &str) -> crate::FrontMatter {
        let file = self.inputs.file(camino::Utf8Path::new(path)).expect("the file exists");
        crate::front_matter::front_matter(&self.db, file).clone()
    }

    /// Writes a file, as an editor would.
    pub fn set_file(&mut self, path: &str, text: &str) {
        self.files.insert(path.into(), text.to_owned());
        Change { files: vec![(path.into(), Some(FileText::Text(text.into())))], options: None, ..Change::default() }
            .apply(&mut self.db, &mut self.inputs);
    }

    /// Deletes a file.
    pub fn remove_file(&mut self, path: &str) {
        self.files.remove(camino::Utf8Path::new(path));
        Change { files: vec![(path.into(), None)], options: None, ..Change::default() }
            .apply(&mut self.db, &mut self.inputs);
    }

    /// Renames a file in one change, as a watcher reports a move.
    pub fn rename_file(&mut self, from: &str, to: &str) {
        let text = self.files.remove(camino::Utf8Path::new(from)).expect("renamed file exists");
        self.files.insert(to.into(), text.clone());
        Change {
            files: vec![(from.into(), None), (to.into(), Some(FileText::Text(text.into())))],
            options: None,
            ..Change::default()
        }
        .apply(&mut self.db, &mut self.inputs);
    }

    /// Applies any change, as the host would.
    pub fn apply(&mut self, change: Change) {
        change.apply(&mut self.db, &mut self.inputs);
    }

    /// Changes the build options.
    pub fn set_options(&mut self, options: BuildOptions) {
        self.options = options.clone();
        Change { options: Some(options), ..Change::default() }.apply(&mut self.db, &mut self.inputs);
    }

    /// The current text of a file.
    pub fn file(&self, path: &str) -> &str {
        &self.files[camino::Utf8Path::new(path)]
    }

    /// Every output as text (copied files as `copy of <path>`), plus every diagnostic.
    pub fn render_all(&self) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
        crate::whole_site::render_everything(&self.db)
    }

    /// The database, for tests that compute values of their own.
    pub fn db(&self) -> &QueryDb {
        &self.db
    }

    /// The paths of the site's files.
    pub fn paths(&self) -> impl Iterator<Item = &Utf8PathBuf> {
        self.files.keys()
    }

    /// Every read that the site's renders, link checks and site check
    /// recorded.
    pub fn recorded_reads(&self) -> std::collections::BTreeSet<crate::trace::Read> {
        let db = &self.db;
        let checks =
            crate::diagnostics::linked_files(db).into_iter().map(|file| crate::link_check(db, file).trace.clone());
        let site = crate::site_check::site_check(db).trace.clone();
        self.traces().into_values().chain(checks).chain([site]).flatten().map(|(read, _)| read).collect()
    }

    /// Every rendered output's trace.
    pub fn traces(&self) -> BTreeMap<String, Vec<TraceEntry>> {
        let db = &self.db;
        route_table(db)
            .routes
            .iter()
            .filter(|(_, route)| !matches!(route, Route::Copy(_)))
            .map(|(output, route)| {
                (output.clone(), rendered_output(db, RouteKey::new(db, route.clone())).trace.clone())
            })
            .collect()
    }

    /// The outputs among `traces` whose trace no longer verifies against the
    /// database as it is now, or that are gone; sorted.
    pub fn stale(&self, traces: &BTreeMap<String, Vec<TraceEntry>>) -> Vec<String> {
        let routes = &route_table(&self.db).routes;
        traces
            .iter()
            .filter(|(output, trace)| {
                !routes.contains_key(*output) || trace.iter().any(|(read, hash)| current_hash(&self.db, read) != *hash)
            })
            .map(|(output, _)| output.clone())
            .collect()
    }

    /// Renders everything and returns the queries that executed, as `query(key)`.
    pub fn executed_by_render(&self) -> Vec<String> {
        self.log.take();
        self.render_all();
        self.log.take_described(&self.db, &self.inputs)
    }

    /// The outputs whose render re-ran in a full render, sorted.
    pub fn rerendered(&self) -> Vec<String> {
        rerendered(&self.executed_by_render())
    }

    /// Asserts that this database renders exactly what a fresh database of
    /// the same files renders: the promise of incremental builds.
    #[track_caller]
    pub fn assert_same_as_clean_build(&self) {
        let clean = TestDb::with_files(self.files.clone(), self.options.clone());
        let (outputs, diagnostics) = self.render_all();
        let (clean_outputs, clean_diagnostics) = clean.render_all();
        assert_eq!(
            outputs.keys().collect::<Vec<_>>(),
            clean_outputs.keys().collect::<Vec<_>>(),
            "output paths differ from a clean build"
        );
        for (path, text) in &outputs {
            assert_eq!(text, &clean_outputs[path], "`{path}` differs from a clean build");
        }
        assert_eq!(diagnostics, clean_diagnostics, "diagnostics differ from a clean build");
    }
}

/// The outputs among executed queries, sorted.
pub fn rerendered(executed: &[String]) -> Vec<String> {
    let mut outputs: Vec<String> = executed
        .iter()
        .filter_map(|entry| entry.strip_prefix("rendered_output(").map(|rest| rest.trim_end_matches(')').to_owned()))
        .collect();
    outputs.sort();
    outputs
}
