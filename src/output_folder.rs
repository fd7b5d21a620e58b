//! Where a build may write: the output folder is checked once, before
//! anything is written, and every path written or deleted under it is
//! checked again on the way down, so that neither user text nor a symbolic
//! link can lead a write outside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};

use crate::folder::{Folder, Kind, kind_at};
use crate::site_folder::{CACHE_DIR, EnvironmentError, INPUT_DIRS};

/// An output folder checked before a build writes into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDir {
    /// Absolute, free of `.`, `..` and links.
    pub path: Utf8PathBuf,
    /// How the cache names it: the path under the site folder (`public`),
    /// or the absolute path of a folder outside it, so that a site folder
    /// moved with its cache and output still finds its records.
    pub key: String,
}

/// The output folder a request names, made absolute and free of `.` and
/// `..`, after refusing any folder that is, contains or lies inside the
/// site's sources or its root (a build there would overwrite or prune what
/// the user wrote), a folder inside the site that is a link out of it, and
/// a file.
pub fn checked_output_dir(
    root: &Utf8Path,
    config: &Utf8Path,
    output_dir: &Utf8Path,
) -> Result<OutputDir, EnvironmentError> {
    let root = resolved(root, Utf8Path::new("."))?;
    let output = resolved(&root, output_dir)?;
    let refuse = |reason: String| Err(EnvironmentError::UnsafeOutputDir { output: output_dir.to_owned(), reason });
    if output == root {
        return refuse("it is the site folder itself".to_owned());
    }
    if root.starts_with(&output) {
        return refuse(format!("it contains the site folder `{root}`"));
    }
    if normalized(&root, output_dir, false)?.starts_with(&root) && !output.starts_with(&root) {
        return refuse(format!("it is a symbolic link to `{output}`, outside the site folder"));
    }
    let sources = INPUT_DIRS.iter().chain(&[CACHE_DIR]).map(Utf8Path::new);
    for source in sources.chain([config]) {
        let source_path = resolved(&root, source)?;
        if output.starts_with(&source_path) {
            return refuse(format!("it is inside the site's sources (`{source}`)"));
        }
        if source_path.starts_with(&output) {
            return refuse(format!("it contains the site's sources (`{source}`)"));
        }
    }
    match kind_at(&output) {
        Ok(None | Some(Kind::Folder)) => {}
        Ok(Some(Kind::File)) => return refuse("it is a file".to_owned()),
        Ok(Some(_)) => return refuse("it is neither a folder nor a file".to_owned()),
        Err(source) => return Err(EnvironmentError::Write { path: output, source }),
    }
    let key = output.strip_prefix(&root).map_or_else(|_| output.to_string(), |inside| inside.to_string());
    Ok(OutputDir { path: output, key })
}

/// `path` (relative to `base`, or absolute) as an absolute path with every
/// existing part's symbolic links resolved and `.` and `..` taken away.
fn resolved(base: &Utf8Path, path: &Utf8Path) -> Result<Utf8PathBuf, EnvironmentError> {
    normalized(base, path, true)
}

/// `path` (relative to `base`, or absolute) as an absolute path with `.`
/// and `..` taken away, each existing part's links resolved as they appear
/// when `resolve_links` (where the system would go), else by their names
/// alone (where the user meant to go).
fn normalized(base: &Utf8Path, path: &Utf8Path, resolve_links: bool) -> Result<Utf8PathBuf, EnvironmentError> {
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
                if resolve_links && let Ok(real) = result.canonicalize_utf8() {
                    result = real;
                }
            }
        }
    }
    Ok(result)
}

/// Opens the folders between a folder qsite writes into (the output
/// folder; a new site for `init`, the site for `new`) and its files, one
/// name at a time and never through a link, so that neither writing nor
/// pruning can leave it. Shared by the threads that write; keeps
/// the handles of the first folders it opens (the sections every page sits
/// in), not of all of them, which would run out of file handles.
pub struct FolderGuard {
    output_dir: Utf8PathBuf,
    root: OnceLock<Arc<Folder>>,
    kept: Mutex<HashMap<String, Arc<Folder>>>,
}

/// How many folder handles a guard keeps open.
const KEPT_FOLDERS: usize = 256;

impl FolderGuard {
    /// A guard for the files under `output_dir` (for the output folder,
    /// one [`checked_output_dir`] returned).
    pub fn new(output_dir: &Utf8Path) -> FolderGuard {
        FolderGuard { output_dir: output_dir.to_owned(), root: OnceLock::new(), kept: Mutex::default() }
    }

    /// The output folder.
    pub fn output_dir(&self) -> &Utf8Path {
        &self.output_dir
    }

    /// The output folder itself, created (with the folders above it) when
    /// `create`; `None` when it is missing and `create` is false.
    pub fn root(&self, create: bool) -> Result<Option<Arc<Folder>>, EnvironmentError> {
        if let Some(root) = self.root.get() {
            return Ok(Some(Arc::clone(root)));
        }
        let refused = |refusal| EnvironmentError::refused(self.output_dir.clone(), refusal);
        let opened = match Folder::open_real(&self.output_dir) {
            Err(refusal) if refusal.is_not_found() && create => {
                std::fs::create_dir_all(&self.output_dir)
                    .map_err(|source| EnvironmentError::Write { path: self.output_dir.clone(), source })?;
                Folder::open_real(&self.output_dir).map_err(refused)?
            }
            Err(refusal) if refusal.is_not_found() => return Ok(None),
            opened => opened.map_err(refused)?,
        };
        Ok(Some(Arc::clone(self.root.get_or_init(|| Arc::new(opened)))))
    }

    /// The folder `relative` (`/`-separated, `""` for the output folder),
    /// each folder on the way a real folder (created when `create`); `None`
    /// when one is missing and `create` is false.
    pub fn folder(&self, relative: &str, create: bool) -> Result<Option<Arc<Folder>>, EnvironmentError> {
        let Some(mut folder) = self.root(create)? else { return Ok(None) };
        if relative.is_empty() {
            return Ok(Some(folder));
        }
        let mut end = 0;
        for name in relative.split('/') {
            end += name.len() + usize::from(end > 0);
            let path = &relative[..end];
            let kept = self.kept.lock().unwrap_or_else(|poison| poison.into_inner()).get(path).cloned();
            folder = match kept {
                Some(kept) => kept,
                None => {
                    let refused = |refusal| EnvironmentError::refused(self.output_dir.join(path), refusal);
                    let Some(opened) = folder.folder(name, create).map_err(refused)? else { return Ok(None) };
                    let opened = Arc::new(opened);
                    let mut kept = self.kept.lock().unwrap_or_else(|poison| poison.into_inner());
                    if kept.len() < KEPT_FOLDERS {
                        kept.insert(path.to_owned(), Arc::clone(&opened));
                    }
                    opened
                }
            };
        }
        Ok(Some(folder))
    }

    /// The folder holding the file `relative` and the file's name in it,
    /// once `relative` is checked to be a safe path under the output folder.
    pub fn target<'a>(
        &self,
        relative: &'a str,
        create: bool,
    ) -> Result<Option<(Arc<Folder>, &'a str)>, EnvironmentError> {
        if queries::check_relative_path(relative).is_err() {
            return Err(EnvironmentError::OutsideOutput { path: self.output_dir.join(relative) });
        }
        let (parent, name) = relative.rsplit_once('/').unwrap_or(("", relative));
        Ok(self.folder(parent, create)?.map(|folder| (folder, name)))
    }

    /// Forgets the handles of `relative` and the folders under it, after
    /// it was deleted.
    pub fn forget(&self, relative: &str) {
        let mut kept = self.kept.lock().unwrap_or_else(|poison| poison.into_inner());
        kept.retain(|path, _| {
            !(path == relative || path.starts_with(relative) && path[relative.len()..].starts_with('/'))
        });
    }
}
