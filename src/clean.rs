//! `qsite clean`: removes `.qsite/` and every output file qsite wrote, and
//! nothing else.

use camino::Utf8Path;

use crate::manifest::Manifest;
use crate::output::{CACHE_DIR, remove_output};
use crate::output_folder::{FolderGuard, checked_output_dir};
use crate::site_folder::EnvironmentError;
use crate::site_lock::SiteLock;

/// What `clean` removed.
pub struct Cleaned {
    /// Output files deleted.
    pub outputs: usize,
    /// Whether the output folder had a manifest (if not, only `.qsite/`
    /// was removed).
    pub had_manifest: bool,
}

/// Deletes the files the output folder's manifest lists, the manifest,
/// then the cache.
pub fn clean(root: &Utf8Path, config: &Utf8Path, output_dir: &Utf8Path) -> Result<Cleaned, EnvironmentError> {
    let output_dir = checked_output_dir(root, config, output_dir)?;
    let cache_dir = root.join(CACHE_DIR);
    let lock = SiteLock::acquire(&cache_dir)?;
    let manifest = Manifest::read(&output_dir);
    let mut cleaned = Cleaned { outputs: 0, had_manifest: !manifest.paths.is_empty() };
    let guard = FolderGuard::new(&output_dir);
    for path in &manifest.paths {
        if remove_output(&guard, path)? {
            cleaned.outputs += 1;
        }
    }
    Manifest::remove(&output_dir);
    drop(lock);
    match std::fs::remove_dir_all(&cache_dir) {
        Ok(()) => Ok(cleaned),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(cleaned),
        Err(source) => Err(EnvironmentError::Write { path: cache_dir, source }),
    }
}
