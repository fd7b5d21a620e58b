//! Where a build may write: the output folder is checked once, before
//! anything is written, and every path written or deleted under it is
//! checked again on the way down, so that neither user text nor a symbolic
//! link can lead a write outside it.

use std::collections::HashSet;
use std::io;
use std::sync::{Mutex, OnceLock};

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};

use crate::output::CACHE_DIR;
use crate::site_folder::{EnvironmentError, INPUT_DIRS};

/// Site folders that are sources though builds do not read them all yet.
const OTHER_SOURCE_DIRS: [&str; 2] = ["themes", "sass"];

/// The output folder a request names, made absolute and free of `.` and
/// `..`, after refusing any folder that is, contains or lies inside the
/// site's sources or its root: a build there would overwrite or prune
/// what the user wrote.
pub fn checked_output_dir(
    root: &Utf8Path,
    config: &Utf8Path,
    output_dir: &Utf8Path,
) -> Result<Utf8PathBuf, EnvironmentError> {
    let root = resolved(root, Utf8Path::new("."))?;
    let output = resolved(&root, output_dir)?;
    let refuse = |reason: String| Err(EnvironmentError::UnsafeOutputDir { output: output_dir.to_owned(), reason });
    if output == root {
        return refuse("it is the site folder itself".to_owned());
    }
    if root.starts_with(&output) {
        return refuse(format!("it contains the site folder `{root}`"));
    }
    let sources = INPUT_DIRS.iter().chain(&OTHER_SOURCE_DIRS).chain(&[CACHE_DIR]).map(Utf8Path::new);
    for source in sources.chain([config]) {
        let source_path = resolved(&root, source)?;
        if output.starts_with(&source_path) {
            return refuse(format!("it is inside the site's sources (`{source}`)"));
        }
        if source_path.starts_with(&output) {
            return refuse(format!("it contains the site's sources (`{source}`)"));
        }
    }
    Ok(output)
}

/// `path` (relative to `base`, or absolute) as an absolute path with every
/// existing part's symbolic links resolved and `.` and `..` taken away.
fn resolved(base: &Utf8Path, path: &Utf8Path) -> Result<Utf8PathBuf, EnvironmentError> {
    let joined = base.join(path);
    let absolute = if joined.is_absolute() {
        joined
    } else {
        let current = std::env::current_dir()
            .map_err(|source| EnvironmentError::UnreadableRoot { root: base.to_owned(), source })?;
        Utf8PathBuf::from_path_buf(current)
            .map_err(|path| EnvironmentError::NonUtf8Path(path.display().to_string()))?
            .join(joined)
    };
    let mut result = Utf8PathBuf::new();
    for component in absolute.components() {
        match component {
            Utf8Component::ParentDir => {
                result.pop();
            }
            Utf8Component::CurDir => {}
            other => {
                result.push(other);
                // Resolve links as soon as they appear, as the system would.
                if let Ok(real) = result.canonicalize_utf8() {
                    result = real;
                }
            }
        }
    }
    Ok(result)
}

/// Checks the folders between the output folder and one of its files, as
/// writing and pruning walk them, so that neither follows a symbolic link
/// out of the output folder. Folders already checked in this build are
/// remembered. Shared by the threads that write.
pub struct FolderGuard {
    output_dir: Utf8PathBuf,
    real_output_dir: OnceLock<Utf8PathBuf>,
    checked: Mutex<HashSet<Utf8PathBuf>>,
}

impl FolderGuard {
    /// A guard for the files under `output_dir`.
    pub fn new(output_dir: &Utf8Path) -> FolderGuard {
        FolderGuard { output_dir: output_dir.to_owned(), real_output_dir: OnceLock::new(), checked: Mutex::default() }
    }

    /// The path of `relative` under the output folder, once every folder
    /// on the way is a real folder inside it (created when `create`), or
    /// `None` when a folder on the way is missing and `create` is false.
    pub fn target(&self, relative: &str, create: bool) -> Result<Option<Utf8PathBuf>, EnvironmentError> {
        let outside = |path: &Utf8Path| EnvironmentError::OutsideOutput { path: path.to_owned() };
        if queries::check_relative_path(relative).is_err() {
            return Err(outside(&self.output_dir.join(relative)));
        }
        let target = self.output_dir.join(relative);
        if create && !self.output_dir.is_dir() {
            std::fs::create_dir_all(&self.output_dir)
                .map_err(|source| EnvironmentError::Write { path: self.output_dir.clone(), source })?;
        }
        let mut folder = self.output_dir.clone();
        let parents: Vec<&str> = relative.split('/').collect();
        for name in &parents[..parents.len() - 1] {
            folder.push(name);
            if self.checked.lock().unwrap_or_else(|poison| poison.into_inner()).contains(&folder) {
                continue;
            }
            match std::fs::symlink_metadata(&folder) {
                Ok(metadata) if metadata.is_dir() => {}
                Ok(metadata) if metadata.is_symlink() => {
                    let real = folder.canonicalize_utf8().map_err(|_| outside(&folder))?;
                    if !real.is_dir() || !real.starts_with(self.real_output_dir()?) {
                        return Err(outside(&folder));
                    }
                }
                Ok(_) => {
                    // A file where a folder must go: removing it is the user's call.
                    let source = io::Error::other("a file is in the way of a folder");
                    return Err(EnvironmentError::Write { path: folder, source });
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound && create => {
                    match std::fs::create_dir(&folder) {
                        Ok(()) => {}
                        // Another thread writing into the same folder made it first.
                        Err(error)
                            if error.kind() == io::ErrorKind::AlreadyExists
                                && std::fs::symlink_metadata(&folder).is_ok_and(|metadata| metadata.is_dir()) => {}
                        Err(source) => return Err(EnvironmentError::Write { path: folder, source }),
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(source) => return Err(EnvironmentError::Write { path: folder, source }),
            }
            self.checked.lock().unwrap_or_else(|poison| poison.into_inner()).insert(folder.clone());
        }
        Ok(Some(target))
    }

    /// The output folder.
    pub fn output_dir(&self) -> &Utf8Path {
        &self.output_dir
    }

    fn real_output_dir(&self) -> Result<&Utf8Path, EnvironmentError> {
        if let Some(real) = self.real_output_dir.get() {
            return Ok(real);
        }
        let real = self
            .output_dir
            .canonicalize_utf8()
            .map_err(|source| EnvironmentError::Write { path: self.output_dir.clone(), source })?;
        Ok(self.real_output_dir.get_or_init(|| real))
    }
}
