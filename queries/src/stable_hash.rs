//! Value hashes that mean the same in every process of one qsite binary:
//! what a verifying trace stores beside each read, and what a later process
//! computes again to tell whether the read would give the same value.
//!
//! [`StableHash`] is derived field by field (`#[derive(StableHash)]`, from
//! `queries-derive`), so a field added to a type reaches its hash without
//! anyone remembering to. It is deliberately not `std::hash::Hash`: a salsa
//! id implements `Hash`, and its number differs from one process to the
//! next. Here a [`SourceFile`] hashes as the path it stands for, and interned
//! keys (selectors, term keys, route keys) do not implement the trait at all,
//! so no id can reach a hash another process compares. Every value is fed
//! with its length or variant first, so two different values never feed the
//! same bytes.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use salsa::Database;

use crate::inputs::{SourceFile, TaxonomyId};

pub use queries_derive::StableHash;

/// A value whose hash is the same in every process: see the module header.
pub trait StableHash {
    /// Feeds this value to `hasher`.
    fn stable_hash(&self, hasher: &mut StableHasher<'_>);
}

/// Where [`StableHash`] values are fed: blake3, with the database that turns
/// a file handle into its path.
pub struct StableHasher<'db> {
    blake3: blake3::Hasher,
    db: &'db dyn Database,
}

impl<'db> StableHasher<'db> {
    /// An empty hasher that names files through `db`.
    pub fn new(db: &'db dyn Database) -> Self {
        StableHasher { blake3: blake3::Hasher::new(), db }
    }

    /// Feeds raw bytes, as they are: callers feed a length first.
    pub fn write(&mut self, bytes: &[u8]) {
        self.blake3.update(bytes);
    }

    /// The hash of what was fed.
    pub fn finish(&self) -> [u8; 32] {
        *self.blake3.finalize().as_bytes()
    }
}

/// The stable hash of `value`.
pub fn stable_hash(db: &dyn Database, value: &(impl StableHash + ?Sized)) -> [u8; 32] {
    let mut hasher = StableHasher::new(db);
    value.stable_hash(&mut hasher);
    hasher.finish()
}

macro_rules! integers {
    ($($integer:ty),*) => {$(
        impl StableHash for $integer {
            fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
                hasher.write(&self.to_le_bytes());
            }
        }
    )*};
}

integers!(u8, u16, u32, u64, i32, i64);

/// As a `u64`, so a hash does not depend on the platform's word size.
impl StableHash for usize {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        (*self as u64).stable_hash(hasher);
    }
}

impl StableHash for bool {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        u8::from(*self).stable_hash(hasher);
    }
}

impl StableHash for str {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.len().stable_hash(hasher);
        hasher.write(self.as_bytes());
    }
}

impl StableHash for String {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.as_str().stable_hash(hasher);
    }
}

impl StableHash for Utf8Path {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.as_str().stable_hash(hasher);
    }
}

impl StableHash for Utf8PathBuf {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.as_str().stable_hash(hasher);
    }
}

/// A fixed-size digest, as its bytes.
impl StableHash for [u8; 32] {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        hasher.write(self);
    }
}

impl<T: StableHash> StableHash for [T] {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.len().stable_hash(hasher);
        for item in self {
            item.stable_hash(hasher);
        }
    }
}

impl<T: StableHash> StableHash for Vec<T> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.as_slice().stable_hash(hasher);
    }
}

impl<T: StableHash + ?Sized> StableHash for &T {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        (**self).stable_hash(hasher);
    }
}

impl<T: StableHash + ?Sized> StableHash for Arc<T> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        (**self).stable_hash(hasher);
    }
}

impl<T: StableHash> StableHash for Option<T> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        match self {
            None => 0u8.stable_hash(hasher),
            Some(value) => {
                1u8.stable_hash(hasher);
                value.stable_hash(hasher);
            }
        }
    }
}

impl<T: StableHash, E: StableHash> StableHash for Result<T, E> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        match self {
            Ok(value) => {
                0u8.stable_hash(hasher);
                value.stable_hash(hasher);
            }
            Err(error) => {
                1u8.stable_hash(hasher);
                error.stable_hash(hasher);
            }
        }
    }
}

impl<T: StableHash> StableHash for Range<T> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.start.stable_hash(hasher);
        self.end.stable_hash(hasher);
    }
}

macro_rules! tuples {
    ($(($($name:ident),+)),*) => {$(
        impl<$($name: StableHash),+> StableHash for ($($name,)+) {
            #[allow(non_snake_case, reason = "the bindings are named for their types")]
            fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
                let ($($name,)+) = self;
                $($name.stable_hash(hasher);)+
            }
        }
    )*};
}

tuples!((A, B), (A, B, C), (A, B, C, D), (A, B, C, D, E));

impl<K: StableHash, V: StableHash> StableHash for BTreeMap<K, V> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.len().stable_hash(hasher);
        for entry in self {
            entry.stable_hash(hasher);
        }
    }
}

/// In no particular order: each entry is hashed on its own and the entries'
/// hashes are fed sorted, so the iteration order of the map cannot reach
/// the hash.
impl<K: StableHash, V: StableHash, S> StableHash for HashMap<K, V, S> {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        let mut entries: Vec<[u8; 32]> = self.iter().map(|entry| stable_hash(hasher.db, &entry)).collect();
        entries.sort_unstable();
        entries.stable_hash(hasher);
    }
}

/// As the path it stands for, never as its salsa id.
impl StableHash for SourceFile {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        let path = self.path(hasher.db);
        path.stable_hash(hasher);
    }
}

/// As its name and language, field by field (it stands below this module,
/// so it cannot derive the trait).
impl StableHash for TaxonomyId {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        self.name.stable_hash(hasher);
        self.lang.stable_hash(hasher);
    }
}

/// As seconds and nanoseconds since the Unix epoch.
impl StableHash for jiff::Timestamp {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        (self.as_second(), self.subsec_nanosecond()).stable_hash(hasher);
    }
}

/// As its JSON text: data files and `[extra]` tables keep the order they
/// were written in, and JSON writes every value the same way each time.
impl StableHash for minijinja::Value {
    fn stable_hash(&self, hasher: &mut StableHasher<'_>) {
        serde_json::to_string(self).unwrap_or_else(|error| format!("unhashable: {error}")).stable_hash(hasher);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QueryDb;

    #[derive(StableHash)]
    enum Shape {
        Empty,
        Pair(String, String),
        Named { first: String, second: String },
    }

    #[test]
    fn values_that_differ_hash_apart() {
        let (db, _) = QueryDb::without_log();
        let hash = |value: &dyn Fn(&mut StableHasher<'_>)| {
            let mut hasher = StableHasher::new(&db);
            value(&mut hasher);
            hasher.finish()
        };
        let pair = |a: &str, b: &str| hash(&|h| Shape::Pair(a.into(), b.into()).stable_hash(h));
        assert_ne!(pair("ab", "c"), pair("a", "bc"), "strings are fed with their lengths");
        assert_ne!(
            pair("a", "b"),
            hash(&|h| Shape::Named { first: "a".into(), second: "b".into() }.stable_hash(h)),
            "variants are fed by index"
        );
        assert_ne!(hash(&|h| Shape::Empty.stable_hash(h)), hash(&|h| None::<u32>.stable_hash(h)));
        let map = |entries: &[(u32, u32)]| {
            let map: HashMap<u32, u32> = entries.iter().copied().collect();
            hash(&|h| map.stable_hash(h))
        };
        assert_eq!(map(&[(1, 2), (3, 4)]), map(&[(3, 4), (1, 2)]));
        assert_ne!(map(&[(1, 2), (3, 4)]), map(&[(1, 4), (3, 2)]));
    }
}
