//! `qsite clean`: removes `.qsite/` and every output file qsite wrote, and
//! nothing else.

use camino::Utf8Path;
use snapshots::Cache;

use crate::manifest::Manifest;
use crate::output::{Removal, remove_written};
use crate::output_folder::{FolderGuard, checked_output_dir};
use crate::site_folder::{CACHE_DIR, EnvironmentError};
use crate::site_lock::{SiteLock, cache_folder};

/// What `clean` removed.
pub struct Cleaned {
    /// Output files deleted.
    pub outputs: usize,
    /// Output files the manifest lists but qsite cannot show it wrote as
    /// they are (no record in the cache, or edited since): left in place.
    pub left: usize,
    /// Whether the output folder had a manifest (if not, only `.qsite/`
    /// was removed).
    pub had_manifest: bool,
}

/// Deletes the files that both the output folder's manifest and the
/// cache's records say qsite wrote, then the manifest and the cache.
pub fn clean(root: &Utf8Path, config: &Utf8Path, output_dir: &Utf8Path) -> Result<Cleaned, EnvironmentError> {
    let output = checked_output_dir(root, config, output_dir)?;
    let lock = SiteLock::acquire(root)?;
    let records = Cache::open_read_only(&root.join(CACHE_DIR))
        .and_then(|cache| cache.outputs(&output.key).ok())
        .unwrap_or_default();
    let guard = FolderGuard::new(&output.path);
    let folder = guard.root(false)?;
    let manifest = match &folder {
        Some(folder) => Manifest::read(folder, &output.path)?,
        None => Manifest::default(),
    };
    let mut cleaned = Cleaned { outputs: 0, left: 0, had_manifest: !manifest.paths.is_empty() };
    for path in &manifest.paths {
        match remove_written(&guard, path, &manifest, &records)? {
            Removal::Deleted => cleaned.outputs += 1,
            Removal::Gone => {}
            Removal::Left => cleaned.left += 1,
        }
    }
    if let Some(folder) = &folder {
        Manifest::remove(folder);
    }
    drop(lock);
    // Checked again: `.qsite` must still be a folder of the site's own.
    if cache_folder(root, false)?.is_none() {
        return Ok(cleaned);
    }
    match std::fs::remove_dir_all(root.join(CACHE_DIR)) {
        Ok(()) => Ok(cleaned),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(cleaned),
        Err(source) => Err(EnvironmentError::Write { path: root.join(CACHE_DIR), source }),
    }
}
