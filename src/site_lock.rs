//! One writer per site: `qsite build` holds `.qsite/lock` while it reads
//! the cache, writes the output and saves the cache, so a second build on
//! the same site waits for the first instead of writing beside it.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};

use camino::Utf8Path;

use crate::site_folder::EnvironmentError;

/// The lock's file name inside `.qsite/`.
const LOCK_FILE: &str = "lock";

/// Held for as long as this process writes the site; the system releases
/// it when the process ends, however it ends.
pub struct SiteLock {
    _file: File,
}

impl SiteLock {
    /// Takes the lock in `cache_dir`, waiting (and saying so) while another
    /// qsite process holds it.
    pub fn acquire(cache_dir: &Utf8Path) -> Result<SiteLock, EnvironmentError> {
        let path = cache_dir.join(LOCK_FILE);
        let error = |source| EnvironmentError::CacheUnwritable { path: path.clone(), source };
        std::fs::create_dir_all(cache_dir).map_err(error)?;
        let mut file =
            File::options().read(true).write(true).create(true).truncate(false).open(&path).map_err(error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { String::new() } else { format!(" (process {holder})") };
                eprintln!("note: another qsite process{who} is writing this site; waiting for it to finish");
                file.lock().map_err(error)?;
            }
            Err(TryLockError::Error(source)) => return Err(error(source)),
        }
        // Who holds it, for the message a waiting process prints.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(SiteLock { _file: file })
    }
}
