//! One writer per site: `qsite build` holds `.qsite/lock` while it reads
//! the cache, writes the output and saves the cache, so a second build on
//! the same site waits for the first instead of writing beside it. And
//! `.qsite/` itself, which must be a real folder of the site: a link there
//! would lead the cache's writes out of it.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};

use camino::Utf8Path;

use crate::folder::{Folder, Refusal};
use crate::site_folder::{CACHE_DIR, EnvironmentError};

/// The site's `.qsite/` folder, created when `create`; `None` when it is
/// missing and `create` is false. A link or a file there is refused.
pub fn cache_folder(root: &Utf8Path, create: bool) -> Result<Option<Folder>, EnvironmentError> {
    let path = root.join(CACHE_DIR);
    let root_folder = Folder::open(root).map_err(|source| cache_error(&path, Refusal::Io(source)))?;
    root_folder.folder(CACHE_DIR, create).map_err(|refusal| cache_error(&path, refusal))
}

/// Why qsite cannot use its own file or folder at `path` in `.qsite/`.
fn cache_error(path: &Utf8Path, refusal: Refusal) -> EnvironmentError {
    match refusal {
        Refusal::Io(source) => EnvironmentError::CacheUnwritable { path: path.to_owned(), source },
        refusal => EnvironmentError::Refused { path: path.to_owned(), refusal },
    }
}

/// The lock's file name inside `.qsite/`.
const LOCK_FILE: &str = "lock";

/// Held for as long as this process writes the site; the system releases
/// it when the process ends, however it ends.
pub struct SiteLock {
    _file: File,
}

impl SiteLock {
    /// Takes the lock in the `.qsite/` folder of the site at `root`, waiting
    /// (and saying so) while another qsite process holds it.
    pub fn acquire(root: &Utf8Path) -> Result<SiteLock, EnvironmentError> {
        let path = root.join(CACHE_DIR).join(LOCK_FILE);
        let error = |source| EnvironmentError::CacheUnwritable { path: path.clone(), source };
        let folder = cache_folder(root, true)?.ok_or_else(|| error(std::io::ErrorKind::NotFound.into()))?;
        let mut file = folder.open_file(LOCK_FILE).map_err(|refusal| cache_error(&path, refusal))?;
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
