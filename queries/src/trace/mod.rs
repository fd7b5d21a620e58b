//! Verifying traces: what a render read, named so that a later process can
//! read it again and tell whether the render would come out the same.
//!
//! Every value a render may read is declared once, in `reads.rs`, which
//! makes the [`Read`] kinds, their footprints, names and value hashes, and
//! the accessors render code reads through. Renders record a [`Read`] at the
//! same places that make salsa's edges, each with the stable hash of the
//! value it got. A new process that computes the same hashes for every read
//! of an output's trace knows the output is unchanged without rendering it.
//! Value hashes ([`crate::stable_hash`]) name files by path, never by salsa
//! id, so they mean the same in every process of the same qsite binary.

#[macro_use]
mod declare;
mod footprint;
pub mod reads;

use std::cell::RefCell;

use salsa::Database;

pub use crate::collections::listing_key;
use crate::collections::{Scope, Selector, TermKey, pages_matching, term_name};
use crate::front_matter::SortBy;
pub use crate::inputs::ListingKey;
use crate::inputs::{PreparedSite, SourceFile, TaxonomyId};
use crate::lookup::file_at;
use crate::site_paths::is_content;
pub use footprint::{CLOCK_SCOPE, Facet, Facets, Footprint, SETTINGS_SCOPE, SITE_SCOPE, changed_facets, facet_hashes};
pub use reads::Read;

impl Read {
    /// The read as text, to store in a cache.
    pub fn to_key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A read stored with [`Read::to_key`]; `None` for text from another
    /// version of this type, which then never verifies.
    pub fn from_key(key: &str) -> Option<Read> {
        serde_json::from_str(key).ok()
    }
}

/// The value of a whole-site read that a later process may be handed back
/// ([`crate::Site::prepared_site`]), as text: a listing's pages or a term's
/// name; `None` for other reads.
pub fn site_value(db: &dyn Database, read: &Read) -> Option<String> {
    match read {
        Read::PagesMatching(key) => {
            let pages = paths(db, pages_matching(db, selector(db, key)?));
            serde_json::to_string(&pages).ok()
        }
        Read::TermName(taxonomy, slug) => {
            serde_json::to_string(term_name(db, TermKey::new(db, taxonomy.clone(), slug.clone()))).ok()
        }
        _ => None,
    }
}

/// Whole-site values made by [`site_value`], by read key, as the database
/// takes them back; values that do not decode are left out.
pub fn prepared_site<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> PreparedSite {
    let mut prepared = PreparedSite::default();
    for (key, value) in values {
        match Read::from_key(key) {
            Some(Read::PagesMatching(listing)) => {
                if let Ok(pages) = serde_json::from_str::<Vec<String>>(value) {
                    prepared.listings.insert(listing, pages.into());
                }
            }
            Some(Read::TermName(taxonomy, slug)) => {
                if let Ok(name) = serde_json::from_str::<Option<String>>(value) {
                    prepared.term_names.insert((taxonomy, slug), name);
                }
            }
            _ => {}
        }
    }
    prepared
}

/// A read and the hash of the value it got.
pub type TraceEntry = (Read, [u8; 32]);

thread_local! {
    static RECORDER: RefCell<Option<Vec<TraceEntry>>> = const { RefCell::new(None) };
}

/// Runs `render` while recording its reads; returns its result and its trace,
/// sorted and without repeats. Renders run on one thread, inside one query.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<TraceEntry>) {
    let outer = RECORDER.with(|recorder| recorder.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut trace = RECORDER.with(|recorder| std::mem::replace(&mut *recorder.borrow_mut(), outer)).unwrap_or_default();
    trace.sort();
    trace.dedup();
    // A render reads the configuration hundreds of times: what is kept is
    // the few distinct reads, not the room the repeats took.
    trace.shrink_to_fit();
    (result, trace)
}

/// Records `read` on the render in progress, if any.
pub fn record(db: &dyn Database, read: Read) {
    let recording = RECORDER.with(|recorder| recorder.borrow().is_some());
    if recording {
        let hash = current_hash(db, &read);
        RECORDER.with(|recorder| {
            if let Some(trace) = recorder.borrow_mut().as_mut() {
                trace.push((read, hash));
            }
        });
    }
}

/// The content file at a path from the site root: `None` for a path
/// outside `content/`, so a read of a page never names another kind of file.
fn content_at(db: &dyn Database, path: &str) -> Option<SourceFile> {
    is_content(path).then(|| file_at(db, path)).flatten()
}

fn paths(db: &dyn Database, files: &[SourceFile]) -> Vec<String> {
    files.iter().map(|file| file.path(db).to_string()).collect()
}

fn selector<'db>(db: &'db dyn Database, key: &ListingKey) -> Option<Selector<'db>> {
    let scope = match (&key.section, &key.term, &key.lang) {
        (Some(section), _, _) => Scope::Section(content_at(db, section)?),
        (None, Some((taxonomy, term)), lang) => {
            Scope::Term(TaxonomyId { name: taxonomy.clone(), lang: lang.clone() }, term.clone())
        }
        (None, None, Some(lang)) => Scope::Language(lang.clone()),
        (None, None, None) => Scope::All,
    };
    let sort_by = SortBy::ALL.into_iter().find(|sort| format!("{sort:?}") == key.sort_by)?;
    Some(Selector::new(db, scope, sort_by, key.limit))
}

/// The key of [`read_hash`].
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct ReadKey<'db> {
    /// The read.
    #[returns(ref)]
    pub read: Read,
}

/// The hash of the value `read` names, computed now. A read whose key no
/// longer resolves (a deleted file) hashes as absent, so it never verifies
/// against a trace that saw it present.
pub fn current_hash(db: &dyn Database, read: &Read) -> [u8; 32] {
    read_hash(db, ReadKey::new(db, read.clone()))
}

/// [`current_hash`], memoized: a read that many renders share (the
/// configuration, a listing) is hashed once per revision, not once a render.
///
/// Invalidated by the queries the read names.
#[salsa::tracked(returns(copy))]
pub fn read_hash<'db>(db: &'db dyn Database, key: ReadKey<'db>) -> [u8; 32] {
    reads::value_hash(db, key.read(db))
}
