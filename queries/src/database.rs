//! The concrete salsa database, and the execution log that proves minimal work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use salsa::{Database, EventKind};

/// The database every qsite process and test uses.
///
/// Cloning is cheap and shares the memoized values: the host clones it once
/// per rendering thread.
#[salsa::db]
#[derive(Clone)]
pub struct QueryDb {
    storage: salsa::Storage<Self>,
}

/// The queries that executed (rather than being reused), in order, as
/// `(query name, salsa id of the key)`. Tests and the CLI's counters read it.
/// A build executes millions of queries: an entry shares its query's name
/// rather than holding its own copy.
#[derive(Clone, Default)]
pub struct ExecutionLog(Arc<Mutex<Vec<Executed>>>);

/// One execution: the query's name and the salsa id of its key.
type Executed = (Arc<str>, salsa::Id);

impl ExecutionLog {
    /// How many times `query` executed since the log was last taken.
    pub fn count(&self, query: &str) -> usize {
        self.0.lock().unwrap_or_else(|poison| poison.into_inner()).iter().filter(|(name, _)| &**name == query).count()
    }

    /// Takes what was logged so far, leaving the log empty.
    pub fn take(&self) -> Vec<(String, salsa::Id)> {
        let taken = std::mem::take(&mut *self.0.lock().unwrap_or_else(|poison| poison.into_inner()));
        taken.into_iter().map(|(name, id)| (name.to_string(), id)).collect()
    }

    /// A copy of what was logged so far, left in the log.
    pub(crate) fn entries(&self) -> Vec<(Arc<str>, salsa::Id)> {
        self.0.lock().unwrap_or_else(|poison| poison.into_inner()).clone()
    }
}

impl QueryDb {
    /// A database that records nothing, and its log, which stays empty: a
    /// build that reports no counts is spared a log entry (and a lock shared
    /// by every rendering thread) per query execution, of which a
    /// 10,000-page build makes over a million.
    pub fn without_log() -> (Self, ExecutionLog) {
        (QueryDb { storage: salsa::Storage::new(None) }, ExecutionLog::default())
    }

    /// A database that records every query execution into the returned log.
    pub fn with_log() -> (Self, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let names: Mutex<HashMap<salsa::IngredientIndex, Arc<str>>> = Mutex::default();
        let callback = Box::new(move |event: salsa::Event| {
            if let EventKind::WillExecute { database_key } = event.kind {
                let ingredient = database_key.ingredient_index();
                let mut names = names.lock().unwrap_or_else(|poison| poison.into_inner());
                let name = match names.get(&ingredient) {
                    Some(name) => name.clone(),
                    None => {
                        let name: Arc<str> =
                            salsa::with_attached_database(|db| Arc::from(db.ingredient_debug_name(ingredient)))
                                .unwrap_or_else(|| Arc::from(""));
                        names.insert(ingredient, name.clone());
                        name
                    }
                };
                drop(names);
                sink.0.lock().unwrap_or_else(|poison| poison.into_inner()).push((name, database_key.key_index()));
            }
        });
        let db = QueryDb { storage: salsa::Storage::new(Some(callback)) };
        (db, log)
    }
}

#[salsa::db]
impl Database for QueryDb {}
