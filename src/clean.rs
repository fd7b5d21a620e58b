//! `qsite clean`: removes `.qsite/` and every output file qsite wrote, and
//! nothing else.

use camino::Utf8Path;
use snapshots::Cache;

use crate::output::{CACHE_DIR, build_id, remove_output};
use crate::site_folder::EnvironmentError;

/// What `clean` removed.
pub struct Cleaned {
    /// Output files deleted.
    pub outputs: usize,
    /// Whether the manifest could be read (if not, only `.qsite/` was removed).
    pub had_manifest: bool,
}

/// Deletes the outputs the cache lists under `output_dir`, then the cache.
pub fn clean(root: &Utf8Path, output_dir: &Utf8Path) -> Result<Cleaned, EnvironmentError> {
    let cache_dir = root.join(CACHE_DIR);
    let mut cleaned = Cleaned { outputs: 0, had_manifest: false };
    if cache_dir.join(snapshots::CACHE_FILE).is_file() {
        let (cache, reason) = Cache::open(&cache_dir, &build_id());
        // Another binary's cache is cleared on open, so only a warm one lists outputs.
        if reason.is_none()
            && let Ok(outputs) = cache.outputs()
        {
            cleaned.had_manifest = true;
            for path in outputs.keys() {
                if remove_output(output_dir, path)? {
                    cleaned.outputs += 1;
                }
            }
        }
    }
    match std::fs::remove_dir_all(&cache_dir) {
        Ok(()) => Ok(cleaned),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(cleaned),
        Err(source) => Err(EnvironmentError::Write { path: cache_dir, source }),
    }
}
