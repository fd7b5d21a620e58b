//! The execution log read in terms of the site: which files' front matter
//! and Markdown were computed from text, and what re-ran, named by path.
//! What `build -v` counts and the minimal-work tests assert.

use std::collections::HashMap;

use crate::change::Inputs;
use crate::database::{ExecutionLog, QueryDb};
use crate::inputs::{SourceFile, content_hash, stored_front_matter};
use crate::routes::{RouteKey, route_table};

impl ExecutionLog {
    /// How many front matter blocks were parsed and Markdown bodies
    /// rendered from a file's text since the log was last taken, rather than
    /// taken from what an earlier process stored ([`crate::Prepared`]
    /// values, or front matter the host fetched): what a warm build proves
    /// it did not redo.
    pub fn computed_from_text(&self, db: &QueryDb, inputs: &Inputs) -> (usize, usize) {
        use salsa::plumbing::AsId;
        let files: HashMap<salsa::Id, SourceFile> =
            inputs.paths().filter_map(|path| inputs.file(path)).map(|file| (file.as_id(), file)).collect();
        // Copied out: computing a hash below logs, and the log is not reentrant.
        let log = self.entries();
        let computed = |query: &str, prepared: &dyn Fn(SourceFile) -> bool| {
            let executed = log.iter().filter(|(name, _)| &**name == query).filter_map(|(_, id)| files.get(id));
            executed.filter(|file| !prepared(**file)).count()
        };
        // Asking the host again costs nothing: it keeps what it answered.
        let front_matter = computed("front_matter", &|file| stored_front_matter(db, file).is_some());
        let markdown = computed("markdown", &|file| {
            file.prepared_markdown(db).as_ref().is_some_and(|prepared| prepared.content_hash == content_hash(db, file))
        });
        (front_matter, markdown)
    }

    /// Takes what was logged, each entry as `query(key)` with the key named
    /// for people: a file by its path, an output by its output path. Other
    /// keys (listings' selectors, the site) show the query's name alone.
    pub fn take_described(&self, db: &QueryDb, inputs: &Inputs) -> Vec<String> {
        use salsa::plumbing::AsId;
        let executed = self.take();
        let mut names: HashMap<salsa::Id, String> = HashMap::new();
        for path in inputs.paths() {
            if let Some(file) = inputs.file(path) {
                names.insert(file.as_id(), path.to_string());
            }
        }
        if inputs.site().is_some() {
            for (output, route) in &route_table(db).routes {
                names.insert(RouteKey::new(db, route.clone()).as_id(), output.clone());
            }
        }
        executed
            .into_iter()
            .map(|(query, id)| match names.get(&id) {
                Some(key) => format!("{query}({key})"),
                None => query,
            })
            .collect()
    }
}
