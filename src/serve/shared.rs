//! The database as request handlers see it.
//!
//! The writer thread owns the database and is the only one that sets inputs.
//! Handlers render from short-lived clones of a published seed. Setting an
//! input makes salsa cancel every clone still computing and wait until all
//! of them are dropped, so the writer withdraws the seed first; a cancelled
//! handler drops its clone, waits for the next seed and starts over. Every
//! answer is therefore computed on one revision: the old site or the new
//! one, never a mix.

use std::panic::AssertUnwindSafe;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use queries::{Cancelled, QueryDb};

/// The seed handlers clone their database from.
pub struct SharedDb {
    seed: Mutex<Option<QueryDb>>,
    published: Condvar,
}

impl SharedDb {
    /// Publishes `db` as the first seed.
    pub fn new(db: QueryDb) -> Self {
        SharedDb { seed: Mutex::new(Some(db)), published: Condvar::new() }
    }

    fn lock(&self) -> MutexGuard<'_, Option<QueryDb>> {
        self.seed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `read` on a clone of the current database, again on the next
    /// revision whenever a change cancels it midway.
    pub fn read<T>(&self, read: impl Fn(&QueryDb) -> T) -> T {
        loop {
            let db = {
                let mut seed = self.lock();
                loop {
                    match seed.as_ref() {
                        Some(db) => break db.clone(),
                        None => seed = self.published.wait(seed).unwrap_or_else(PoisonError::into_inner),
                    }
                }
            };
            // The clone is dropped before waiting again, so the writer's
            // pending change can go ahead.
            if let Ok(value) = Cancelled::catch(AssertUnwindSafe(|| read(&db))) {
                return value;
            }
        }
    }

    /// Takes the seed away: called by the writer before it sets inputs.
    pub fn withdraw(&self) {
        drop(self.lock().take());
    }

    /// Publishes the database after a change, waking waiting readers.
    pub fn publish(&self, db: QueryDb) {
        *self.lock() = Some(db);
        self.published.notify_all();
    }
}
