//! Writing a rendered site into the output directory.
//!
//! A file is written only when its bytes change, through a temporary file and
//! a rename, so a reader never sees half a file and unchanged files keep
//! their modification times. Files qsite wrote in an earlier build and no
//! longer produces are deleted; files it never wrote are left alone.

use std::io;

use camino::{Utf8Path, Utf8PathBuf};

use crate::site_folder::EnvironmentError;
use crate::workspace::{OutputFile, RenderedSite};

/// Where qsite remembers which output files it wrote, relative to the site root.
pub const MANIFEST: &str = ".qsite/outputs";

/// What writing did, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or changed.
    pub written: usize,
    /// Files whose bytes were already right.
    pub unchanged: usize,
    /// Files qsite wrote before and no longer produces.
    pub deleted: usize,
}

fn write_error(path: &Utf8Path) -> impl FnOnce(io::Error) -> EnvironmentError + '_ {
    move |source| EnvironmentError::Write { path: path.to_owned(), source }
}

/// Writes `site` into `output_dir`, keeping the manifest under `root`.
pub fn write_site(root: &Utf8Path, output_dir: &Utf8Path, site: &RenderedSite) -> Result<WriteStats, EnvironmentError> {
    let mut stats = WriteStats::default();
    for (relative, file) in &site.files {
        let target = output_dir.join(relative);
        let bytes = match file {
            OutputFile::Text(text) => text.as_bytes().to_vec(),
            OutputFile::Copy(source) => {
                let source = root.join(source);
                std::fs::read(&source)
                    .map_err(|error| EnvironmentError::UnreadableFile { path: source.clone(), source: error })?
            }
        };
        if std::fs::read(&target).is_ok_and(|existing| existing == bytes) {
            stats.unchanged += 1;
            continue;
        }
        write_atomically(&target, &bytes)?;
        stats.written += 1;
    }
    let manifest_path = root.join(MANIFEST);
    let previous = std::fs::read_to_string(&manifest_path).unwrap_or_default();
    for stale in previous.lines().filter(|line| !line.is_empty() && !site.files.contains_key(*line)) {
        let path = output_dir.join(stale);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                stats.deleted += 1;
                remove_empty_parents(output_dir, &path);
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(write_error(&path)(error)),
        }
    }
    let mut manifest = String::new();
    for relative in site.files.keys() {
        manifest.push_str(relative);
        manifest.push('\n');
    }
    write_atomically(&manifest_path, manifest.as_bytes())?;
    Ok(stats)
}

/// Writes through a temporary file in the same directory and renames it over
/// the target, so the file is either old or new, never half written.
fn write_atomically(target: &Utf8Path, bytes: &[u8]) -> Result<(), EnvironmentError> {
    let parent = target.parent().unwrap_or(Utf8Path::new("."));
    std::fs::create_dir_all(parent).map_err(write_error(parent))?;
    let name = target.file_name().unwrap_or("output");
    let temporary: Utf8PathBuf = parent.join(format!(".{name}.qsite-tmp"));
    std::fs::write(&temporary, bytes).map_err(write_error(&temporary))?;
    std::fs::rename(&temporary, target).map_err(write_error(target))
}

/// Removes directories left empty by a deletion, up to the output directory.
fn remove_empty_parents(output_dir: &Utf8Path, path: &Utf8Path) {
    let mut current = path.parent();
    while let Some(directory) = current {
        if directory == output_dir || !directory.starts_with(output_dir) || std::fs::remove_dir(directory).is_err() {
            break;
        }
        current = directory.parent();
    }
}
