//! The content-addressed store of Markdown renderings: a page's HTML,
//! headings and links, kept in the cache under a key made of the qsite build,
//! the rendering step's version and the file's hash, so that an output
//! rendered again in a later process (because a listing it shows changed,
//! say) takes its unchanged bodies from the store instead of rendering them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use camino::Utf8PathBuf;
use queries::trace::Read;
use queries::{Markdown, PreparedMarkdown, markdown_text_hash};
use snapshots::{Cache, FileStat, Trace};

use crate::workspace::Workspace;

/// The store key of a Markdown file's rendering.
pub fn store_key(build_id: &str, file_hash: &[u8; 32]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(build_id.as_bytes());
    hasher.update(queries::markdown::MARKDOWN_STEP.as_bytes());
    hasher.update(file_hash);
    *hasher.finalize().as_bytes()
}

/// The content files whose bodies these reads (by key) name.
pub fn bodies_read<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    keys.into_iter()
        .filter_map(|key| match Read::from_key(key) {
            Some(Read::Body(path)) => Some(path),
            _ => None,
        })
        .collect()
}

/// Hands the workspace the stored renderings of `needed` files that did not
/// change since the last build; returns how many it found.
pub fn prepare(
    workspace: &mut Workspace,
    cache: &Cache,
    build_id: &str,
    needed: &BTreeSet<String>,
    stats: &HashMap<String, FileStat>,
    changed: &HashSet<&str>,
) -> usize {
    let wanted: Vec<(String, [u8; 32])> = needed
        .iter()
        .filter(|path| !changed.contains(path.as_str()))
        .filter_map(|path| Some((path.clone(), store_key(build_id, &stats.get(path)?.hash))))
        .collect();
    let keys: Vec<[u8; 32]> = wanted.iter().map(|(_, key)| *key).collect();
    let found = cache.stored(&keys).unwrap_or_default();
    let prepared = wanted
        .into_iter()
        .filter_map(|(path, key)| {
            let markdown: Markdown = serde_json::from_slice(found.get(&key)?).ok()?;
            let text = workspace.file_text(camino::Utf8Path::new(&path))?;
            Some((
                Utf8PathBuf::from(path),
                PreparedMarkdown { text_hash: markdown_text_hash(&text), markdown: Arc::new(markdown) },
            ))
        })
        .collect::<Vec<_>>();
    let count = prepared.len();
    workspace.prepare_markdown(prepared);
    count
}

/// Store entries for the bodies that this build's outputs read *of other
/// pages* (a feed, a listing of summaries) and that the store lacks. A page's
/// own body is not stored: re-rendering it costs about what reading it back
/// would, while a listing that shows twenty bodies would render twenty.
pub fn new_entries<'a>(
    workspace: &Workspace,
    stored: &HashSet<[u8; 32]>,
    build_id: &str,
    traces: impl IntoIterator<Item = &'a Trace>,
    stats: &HashMap<String, FileStat>,
) -> Vec<([u8; 32], Vec<u8>)> {
    let foreign: BTreeSet<String> = traces
        .into_iter()
        .flat_map(|trace| {
            bodies_read(trace.reads.iter().map(|(key, _)| key.as_str()))
                .into_iter()
                .filter(move |path| trace.route != format!("page {path}"))
        })
        .collect();
    foreign
        .into_iter()
        .filter_map(|path| {
            let key = store_key(build_id, &stats.get(&path)?.hash);
            if stored.contains(&key) {
                return None;
            }
            let markdown = workspace.markdown(camino::Utf8Path::new(&path))?;
            Some((key, serde_json::to_vec(&*markdown).ok()?))
        })
        .collect()
}

/// The keys of every current Markdown file's rendering: the rest are dropped.
pub fn live_keys(build_id: &str, stats: &HashMap<String, FileStat>) -> HashSet<[u8; 32]> {
    stats
        .iter()
        .filter(|(path, _)| path.starts_with("content/") && path.ends_with(".md"))
        .map(|(_, stat)| store_key(build_id, &stat.hash))
        .collect()
}
