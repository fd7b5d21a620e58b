//! What the cache keeps of files between builds, keyed by their contents:
//! the content-addressed store of Markdown renderings (a page's HTML,
//! headings and links, under a key made of the qsite build, the rendering
//! step's and the highlighter's versions, the `[markdown]` settings and the
//! file's hash), and each content file's facts (see
//! `stored_facts`), so that a later process neither reads nor parses a file
//! that did not change. What this module hands the workspace and takes from it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use queries::route_names::is_page_route;
use queries::trace::Read;
use queries::{Markdown, Prepared};
use snapshots::{Cache, Fact, FileStat, Trace};

use crate::workspace::Workspace;

/// The store key of a Markdown file's rendering under the options whose
/// key is `options_key` (see `Workspace::markdown_options_key`): a setting
/// change renders each body once and stores it beside the old rendering.
pub fn store_key(build_id: &str, options_key: &[u8; 32], file_hash: &[u8; 32]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(build_id.as_bytes());
    hasher.update(queries::markdown::MARKDOWN_STEP.as_bytes());
    hasher.update(queries::highlight::HIGHLIGHTER_VERSION.as_bytes());
    hasher.update(options_key);
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

/// Hands the workspace the stored renderings of the `needed` files; returns
/// how many the store had. Each rendering is used only while its file has
/// the bytes it was made from; a render that needs a body the store lacks
/// has the workspace's host read its file.
pub fn prepare(
    workspace: &mut Workspace,
    cache: &Cache,
    build_id: &str,
    needed: &BTreeSet<String>,
    stats: &HashMap<String, FileStat>,
) -> usize {
    let options_key = workspace.markdown_options_key();
    let wanted: Vec<(String, [u8; 32], [u8; 32])> = needed
        .iter()
        .filter_map(|path| {
            let hash = stats.get(path)?.hash;
            Some((path.clone(), hash, store_key(build_id, &options_key, &hash)))
        })
        .collect();
    let keys: Vec<[u8; 32]> = wanted.iter().map(|(_, _, key)| *key).collect();
    let found = cache.stored(&keys).unwrap_or_default();
    let prepared: Vec<(Utf8PathBuf, Prepared<Arc<Markdown>>)> = wanted
        .into_iter()
        .filter_map(|(path, hash, key)| {
            let markdown: Markdown = serde_json::from_slice(found.get(&key)?).ok()?;
            Some((Utf8PathBuf::from(path), Prepared { content_hash: hash, value: Arc::new(markdown) }))
        })
        .collect();
    let count = prepared.len();
    workspace.prepare_markdown(prepared);
    count
}

/// Store entries for the bodies that this build's outputs read *of other
/// pages* (a feed, a listing of summaries) and that the store lacks. A page's
/// own body is stored only where bodies are expensive to render
/// (highlighted code): otherwise re-rendering it costs about what reading it
/// back would, while a listing that shows twenty bodies would render twenty.
pub fn new_entries<'a>(
    workspace: &Workspace,
    cache: &Cache,
    build_id: &str,
    traces: impl IntoIterator<Item = &'a Trace>,
    stats: &HashMap<String, FileStat>,
) -> Vec<([u8; 32], Vec<u8>)> {
    let own_too = queries::markdown::markdown_options(workspace.db()).is_expensive();
    let foreign: BTreeSet<String> = traces
        .into_iter()
        .flat_map(|trace| {
            bodies_read(trace.reads.iter().map(|read| &*read.key))
                .into_iter()
                .filter(move |path| own_too || !is_page_route(&trace.route, path))
        })
        .collect();
    let options_key = workspace.markdown_options_key();
    let keyed: Vec<(String, [u8; 32])> = foreign
        .into_iter()
        .filter_map(|path| {
            let key = store_key(build_id, &options_key, &stats.get(&path)?.hash);
            Some((path, key))
        })
        .collect();
    let keys: Vec<[u8; 32]> = keyed.iter().map(|(_, key)| *key).collect();
    let stored = cache.has_keys(&keys).unwrap_or_default();
    keyed
        .into_iter()
        .filter(|(_, key)| !stored.contains(key))
        .filter_map(|(path, key)| {
            let markdown = workspace.markdown(Utf8Path::new(&path))?;
            Some((key, serde_json::to_vec(&*markdown).ok()?))
        })
        .collect()
}

/// The store keys of renderings made from what `paths` held before this
/// build (`previous` stats), under the current options: edited or deleted,
/// nothing reads them now. (Renderings under options no longer set stay
/// until the build id changes.)
pub fn dead_keys<'a>(
    build_id: &str,
    options_key: &[u8; 32],
    paths: impl IntoIterator<Item = &'a str>,
    previous: &HashMap<String, FileStat>,
) -> Vec<[u8; 32]> {
    paths
        .into_iter()
        .filter(|path| queries::site_paths::is_content_markdown(path))
        .filter_map(|path| Some(store_key(build_id, options_key, &previous.get(path)?.hash)))
        .collect()
}

/// The facts of `paths` (Markdown content files) that differ from
/// `previous`: what the cache must hold so a later process can leave those
/// files unread.
pub fn new_facts<'a>(
    workspace: &Workspace,
    paths: impl IntoIterator<Item = &'a Utf8Path>,
    stats: &HashMap<String, FileStat>,
    previous: &HashMap<String, Fact>,
) -> Vec<(String, Fact)> {
    let paths: Vec<&Utf8Path> =
        paths.into_iter().filter(|path| path.starts_with("content") && path.extension() == Some("md")).collect();
    let mut facts = Vec::new();
    for (path, found) in paths.iter().zip(workspace.front_matter_facts(&paths)) {
        let (Some((value, meta)), Some(stat)) = (found, stats.get(path.as_str())) else { continue };
        let fact = Fact { hash: stat.hash, meta, value };
        if previous.get(path.as_str()) != Some(&fact) {
            facts.push((path.to_string(), fact));
        }
    }
    facts
}
