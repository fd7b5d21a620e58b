//! What queries ask the host for when a warm build left a file unread: its
//! text, read from the site folder the first time a query needs it, and its
//! front matter as the last build stored it, fetched from the cache; and
//! the bytes of a file queries otherwise only know the hash of (a static
//! file a template hashes). Each
//! answer is checked against the hash the scan took and kept, so a file is
//! read (and its facts fetched) at most once however many queries ask.
//!
//! A file whose bytes no longer hash as the scan found them changed during
//! the build: queries get no text for it, and the build stops with
//! [`EnvironmentError::ChangedDuringBuild`] before it writes anything
//! computed from it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use camino::{Utf8Path, Utf8PathBuf};
use queries::FileHost;
use snapshots::FactsReader;

use crate::site_folder::{EnvironmentError, read_source};
use crate::stored_facts::prepared_front_matter;

/// The host of a workspace's database: the site folder, and the cache the
/// build started from.
pub struct FolderHost {
    root: Utf8PathBuf,
    config_path: Utf8PathBuf,
    /// The last build's facts, when the build left their fetching to
    /// queries; `None` when every file's were handed over with the files.
    facts: Option<FactsReader>,
    texts: Answers<Option<Arc<str>>>,
    front_matters: Answers<Option<Arc<[u8]>>>,
    /// Content files read, for [`crate::workspace::Work::content_read`].
    content_read: AtomicUsize,
    /// Why a file could not be given to queries, by path.
    problems: Mutex<BTreeMap<Utf8PathBuf, EnvironmentError>>,
}

/// Answers by file and content hash, each computed once: a second asker
/// waits for the first one's answer rather than computing it again.
struct Answers<T>(Mutex<HashMap<Asked, Arc<OnceLock<T>>>>);

/// What a query asks about: a file by path, with the hash of its bytes.
type Asked = (Utf8PathBuf, [u8; 32]);

impl<T: Clone> Answers<T> {
    fn new() -> Self {
        Answers(Mutex::new(HashMap::new()))
    }

    /// The answer for `path` with bytes hashing to `hash`, computed by
    /// `compute` if nobody asked before.
    fn get(&self, path: &Utf8Path, hash: [u8; 32], compute: impl FnOnce() -> T) -> T {
        let cell = {
            let mut answers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(answers.entry((path.to_owned(), hash)).or_default())
        };
        // Outside the map's lock: other files are answered meanwhile.
        cell.get_or_init(compute).clone()
    }
}

impl FolderHost {
    /// A host reading the site at `root`, whose configuration file is
    /// `config_path`, and fetching front matter through `facts`.
    pub fn new(root: &Utf8Path, config_path: &Utf8Path, facts: Option<FactsReader>) -> Self {
        FolderHost {
            root: root.to_owned(),
            config_path: config_path.to_owned(),
            facts,
            texts: Answers::new(),
            front_matters: Answers::new(),
            content_read: AtomicUsize::new(0),
            problems: Mutex::new(BTreeMap::new()),
        }
    }

    /// How many content files queries had this host read.
    pub fn content_read(&self) -> usize {
        self.content_read.load(Ordering::Relaxed)
    }

    /// The files whose text queries had this host read, sorted.
    pub fn read_paths(&self) -> Vec<Utf8PathBuf> {
        let answers = self.texts.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut paths: Vec<Utf8PathBuf> = answers
            .iter()
            .filter(|(_, answer)| answer.get().is_some_and(Option::is_some))
            .map(|((path, _), _)| path.clone())
            .collect();
        paths.sort();
        paths
    }

    /// Takes the first (by path) reason a file could not be given to
    /// queries since the last call: then what was computed without it must
    /// not be written or saved.
    pub fn take_problem(&self) -> Option<EnvironmentError> {
        self.problems.lock().unwrap_or_else(PoisonError::into_inner).pop_first().map(|(_, problem)| problem)
    }

    /// Reads the file at `path`, which must still hash to `hash`.
    fn read(&self, path: &Utf8Path, hash: [u8; 32]) -> Option<Vec<u8>> {
        let bytes = read_source(&self.root, path, &self.config_path);
        if bytes.is_ok() && path.starts_with("content") {
            self.content_read.fetch_add(1, Ordering::Relaxed);
        }
        let problem = match bytes {
            Ok(bytes) if *blake3::hash(&bytes).as_bytes() == hash => return Some(bytes),
            Ok(_) => EnvironmentError::ChangedDuringBuild { path: self.root.join(path) },
            Err(error) => error,
        };
        self.problems.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_owned(), problem);
        None
    }
}

impl FileHost for FolderHost {
    fn text(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<str>> {
        self.texts.get(path, content_hash, || {
            // Its facts were made from text, so these bytes are UTF-8.
            self.read(path, content_hash).map(|bytes| Arc::from(String::from_utf8_lossy(&bytes)))
        })
    }

    fn bytes(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        // Not kept: the query that asks for them is memoized, and keeps only a digest.
        self.read(path, content_hash).map(Arc::from)
    }

    fn stored_front_matter(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        let facts = self.facts.as_ref()?;
        self.front_matters.get(path, content_hash, || {
            // A cache that cannot be read gives nothing: the text is read instead.
            let fact = facts.fact_of(path.as_str()).ok().flatten()?;
            prepared_front_matter(&fact, content_hash).map(|prepared| prepared.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> (tempfile::TempDir, Utf8PathBuf, [u8; 32]) {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(dir.path().to_owned()).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), text).unwrap();
        (dir, root, *blake3::hash(text.as_bytes()).as_bytes())
    }

    #[test]
    fn a_text_is_read_once_however_often_it_is_asked_for() {
        let (_dir, root, hash) = site("+++\ntitle = \"A\"\n+++\nA body.\n");
        let host = FolderHost::new(&root, Utf8Path::new("qsite.toml"), None);
        let path = Utf8Path::new("content/a.md");
        let texts: Vec<Option<Arc<str>>> = std::thread::scope(|scope| {
            let askers: Vec<_> = (0..4).map(|_| scope.spawn(|| host.text(path, hash))).collect();
            askers.into_iter().map(|asker| asker.join().unwrap()).collect()
        });
        assert!(texts.iter().all(|text| text.as_deref() == Some("+++\ntitle = \"A\"\n+++\nA body.\n")));
        assert_eq!(host.content_read(), 1);
        assert_eq!(host.read_paths(), [path]);
        assert!(host.take_problem().is_none());
    }

    #[test]
    fn a_file_edited_since_the_scan_gives_no_text_and_a_problem() {
        let (_dir, root, hash) = site("+++\ntitle = \"A\"\n+++\nA body.\n");
        std::fs::write(root.join("content/a.md"), "+++\ntitle = \"Edited\"\n+++\n").unwrap();
        let host = FolderHost::new(&root, Utf8Path::new("qsite.toml"), None);
        assert_eq!(host.text(Utf8Path::new("content/a.md"), hash), None);
        assert!(host.read_paths().is_empty());
        let problem = host.take_problem().expect("the edit is reported");
        assert!(matches!(problem, EnvironmentError::ChangedDuringBuild { .. }), "{problem}");
        assert!(host.take_problem().is_none(), "taken once");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_an_unread_file_is_not_followed() {
        let (_dir, root, hash) = site("+++\ntitle = \"A\"\n+++\n");
        std::fs::write(root.join("elsewhere.md"), "+++\ntitle = \"A\"\n+++\n").unwrap();
        std::fs::remove_file(root.join("content/a.md")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere.md"), root.join("content/a.md")).unwrap();
        let host = FolderHost::new(&root, Utf8Path::new("qsite.toml"), None);
        assert_eq!(host.text(Utf8Path::new("content/a.md"), hash), None);
        assert!(host.take_problem().is_some());
    }
}
