//! The facts the last build left of each content file (its front matter and
//! the hash of its metadata, checked against the file's hash): what a warm
//! workspace is loaded from, so that it neither reads nor parses a file that
//! did not change.

use std::collections::HashMap;
use std::sync::Arc;

use queries::Prepared;
use snapshots::{Cache, Fact, FactsReader};

/// The facts the last build left, as far as this build loaded them: which
/// bytes each file's facts were made from, and the facts of every file or
/// only of those asked for; the others are fetched through `reader` when a
/// query needs one (see [`queries::FileHost::stored_front_matter`]).
#[derive(Debug, Default)]
pub struct StoredFacts {
    /// Which bytes each file's facts were made from, when not `complete`.
    hashes: HashMap<String, [u8; 32]>,
    /// The facts loaded, by path.
    pub loaded: HashMap<String, Fact>,
    /// Whether `loaded` holds every file's facts.
    pub complete: bool,
    /// Fetches the facts not loaded, while the cache is open.
    pub reader: Option<FactsReader>,
}

impl StoredFacts {
    /// Every file's facts: for a build after which every file's are compared.
    pub fn all(cache: &Cache) -> StoredFacts {
        StoredFacts { hashes: HashMap::new(), loaded: cache.facts().unwrap_or_default(), complete: true, reader: None }
    }

    /// Which bytes every file's facts were made from, and the facts of
    /// `paths` (the files an edit changed).
    pub fn of<'a>(cache: &Cache, paths: impl IntoIterator<Item = &'a str>) -> StoredFacts {
        StoredFacts {
            hashes: cache.fact_hashes().unwrap_or_default(),
            loaded: cache.facts_of(paths).unwrap_or_default(),
            complete: false,
            reader: Some(cache.facts_reader()),
        }
    }

    /// Which bytes the facts of `path` were made from, if it has any.
    pub fn hash(&self, path: &str) -> Option<[u8; 32]> {
        self.loaded.get(path).map(|fact| fact.hash).or_else(|| self.hashes.get(path).copied())
    }
}

/// A file's stored front matter for queries, if its facts were made from
/// the bytes whose hash is `content_hash`.
pub fn prepared_front_matter(fact: &Fact, content_hash: [u8; 32]) -> Option<Prepared<Arc<[u8]>>> {
    (fact.hash == content_hash).then(|| Prepared { content_hash, value: Arc::from(fact.value.as_slice()) })
}
