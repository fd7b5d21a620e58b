//! How queries reach what the host left out of the inputs: the text of a
//! file it did not read, the bytes of a file queries otherwise never read
//! (a static file a template hashes), and the front matter an earlier
//! process stored for it. Queries never do IO; they ask the host through [`FileHost`], which
//! reaches them as a field of the [`crate::Site`] singleton, because queries
//! see the database only as `&dyn salsa::Database`.
//!
//! Every answer is keyed by the file's content hash, an input: the host
//! answers only with what those very bytes hold, so a memoized result stays
//! right for as long as the input does.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};

/// What the host provides to queries on demand, for files it left unread
/// ([`crate::FileText::Unread`]) so that a warm build reads only the files
/// something needs.
pub trait FileHost: Send + Sync + 'static {
    /// The text of the file at `path` (relative to the site root) whose bytes
    /// hash to `content_hash` ([`crate::content_hash`]); `None` when the file
    /// no longer has those bytes or cannot be read. The host then fails the
    /// build, so what a query computed without the text is never written.
    fn text(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<str>>;

    /// The bytes of the file at `path` whose bytes hash to `content_hash`:
    /// for a file handed over as [`crate::FileText::Opaque`] or unread that a
    /// template hashes (`get_hash(path=…)`). `None` as for [`FileHost::text`].
    fn bytes(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>>;

    /// The front matter an earlier process encoded
    /// ([`crate::front_matter::encode`]) from the file at `path` when its
    /// bytes hashed to `content_hash`; `None` when the host has none for
    /// those bytes.
    fn stored_front_matter(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>>;
}

/// The host as a salsa input value: set once when the site is first loaded,
/// with high durability, and never changed.
#[derive(Clone)]
pub struct HostHandle(Arc<dyn FileHost>);

impl HostHandle {
    /// A handle on `host`.
    pub fn new(host: Arc<dyn FileHost>) -> Self {
        HostHandle(host)
    }
}

impl std::ops::Deref for HostHandle {
    type Target = dyn FileHost;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl fmt::Debug for HostHandle {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("HostHandle")
    }
}

/// A host whose files are held in memory: for a database made without a
/// site folder (query tests, fuzzing), and for tests that leave files
/// unread as a new process would, with front matter as an earlier one
/// stored it.
pub struct MemoryHost {
    /// Text by path relative to the site root.
    texts: HashMap<Utf8PathBuf, Arc<str>>,
    /// Encoded front matter by path, with the hash of the bytes it was made from.
    front_matter: HashMap<Utf8PathBuf, ([u8; 32], Arc<[u8]>)>,
}

impl MemoryHost {
    /// A host holding these files' texts, by path relative to the site root.
    pub fn new(texts: impl IntoIterator<Item = (Utf8PathBuf, Arc<str>)>) -> Self {
        MemoryHost { texts: texts.into_iter().collect(), front_matter: HashMap::new() }
    }

    /// The same host, also holding the front matter an earlier process
    /// encoded from the file at `path` when its bytes hashed to `content_hash`.
    pub fn with_front_matter(mut self, path: Utf8PathBuf, content_hash: [u8; 32], encoded: Arc<[u8]>) -> Self {
        self.front_matter.insert(path, (content_hash, encoded));
        self
    }
}

impl FileHost for MemoryHost {
    fn text(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<str>> {
        self.texts.get(path).filter(|text| *blake3::hash(text.as_bytes()).as_bytes() == content_hash).cloned()
    }

    fn bytes(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        self.text(path, content_hash).map(|text| Arc::from(text.as_bytes()))
    }

    fn stored_front_matter(&self, path: &Utf8Path, content_hash: [u8; 32]) -> Option<Arc<[u8]>> {
        let (hash, encoded) = self.front_matter.get(path)?;
        (*hash == content_hash).then(|| encoded.clone())
    }
}
