//! Writing a rendered site into the output directory, which is a mirror,
//! never a source of truth.
//!
//! A file is written only when its bytes differ from what qsite last wrote
//! there (or the file was edited or deleted by hand, which repairs it),
//! through a temporary file and a rename, so a reader never sees half a file
//! and unchanged files keep their modification times. Files qsite wrote
//! before and no longer produces are deleted; files it never wrote are left
//! alone. The manifest of what qsite wrote lives in the cache.

use std::collections::HashMap;
use std::io;
use std::time::UNIX_EPOCH;

use camino::{Utf8Path, Utf8PathBuf};
use snapshots::OutputRecord;

use crate::site_folder::EnvironmentError;
use crate::workspace::{OutputFile, RenderedSite};

/// qsite's own folder under the site root: the cache and temporary files.
pub const CACHE_DIR: &str = ".qsite";

/// What writing did, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or changed.
    pub written: usize,
    /// Files whose bytes were already right.
    pub unchanged: usize,
    /// Files qsite wrote before and no longer produces.
    pub deleted: usize,
    /// Files edited or deleted by hand in the output and written back.
    pub repaired: usize,
}

/// What writing changed in the manifest.
#[derive(Debug, Default)]
pub struct ManifestChanges {
    /// Outputs written or confirmed, with what is now on disk.
    pub outputs: Vec<(String, OutputRecord)>,
    /// Outputs deleted.
    pub removed: Vec<String>,
}

/// Identifies this qsite binary: a cache written by another one is not
/// reused. Its version, size and modification time change with every build
/// of it, and reading them costs nothing next to hashing the binary.
pub fn build_id() -> String {
    let stamp = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|metadata| format!("{}-{}", metadata.len(), mtime_ns(&metadata)))
        .unwrap_or_default();
    format!("{}-{stamp}", env!("CARGO_PKG_VERSION"))
}

/// Nanoseconds since the Unix epoch of a file's modification time.
pub fn mtime_ns(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
}

/// Whether the file at `path` is still exactly what `record` says qsite wrote.
pub fn matches_record(path: &Utf8Path, record: &OutputRecord) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.len() == record.size && mtime_ns(&metadata) == record.mtime_ns)
}

fn write_error(path: &Utf8Path) -> impl FnOnce(io::Error) -> EnvironmentError + '_ {
    move |source| EnvironmentError::Write { path: path.to_owned(), source }
}

/// The bytes and hash of one output; a copied file's hash is its source's,
/// known from the stat cache, so an unchanged copy is never read.
struct Contents<'a> {
    hash: [u8; 32],
    text: Option<&'a str>,
    source: Option<Utf8PathBuf>,
}

/// Whether the file at `path` holds exactly the bytes whose hash is `hash`:
/// what `--clean` checks instead of trusting the manifest's record.
fn holds_bytes(path: &Utf8Path, hash: &[u8; 32]) -> bool {
    std::fs::read(path).is_ok_and(|bytes| blake3::hash(&bytes).as_bytes() == hash)
}

/// Writes `site` into `output_dir` against the `manifest` of the last build.
/// `source_hashes` gives the hash of every input file, for copied outputs.
/// With `trust_records` false (`--clean`), an output whose manifest record
/// matches is still read back and compared, so a damaged record cannot hide
/// a wrong file.
pub fn write_site(
    root: &Utf8Path,
    output_dir: &Utf8Path,
    site: &RenderedSite,
    manifest: &HashMap<String, Option<OutputRecord>>,
    source_hashes: &HashMap<String, [u8; 32]>,
    trust_records: bool,
    register: &mut dyn FnMut(&[&str]),
) -> Result<(WriteStats, ManifestChanges), EnvironmentError> {
    // Outputs not yet in the manifest are registered before they are written,
    // so an interrupted build never leaves files qsite does not know it owns.
    let new: Vec<&str> = site.files.keys().filter(|path| !manifest.contains_key(*path)).map(String::as_str).collect();
    register(&new);
    let mut stats = WriteStats::default();
    let mut changes = ManifestChanges::default();
    for (relative, file) in &site.files {
        let contents = match file {
            OutputFile::Text(text) => {
                Contents { hash: *blake3::hash(text.as_bytes()).as_bytes(), text: Some(text), source: None }
            }
            OutputFile::Copy(source) => Contents {
                hash: source_hashes.get(source.as_str()).copied().unwrap_or_default(),
                text: None,
                source: Some(root.join(source)),
            },
        };
        let target = output_dir.join(relative);
        let previous = manifest.get(relative).copied().flatten();
        if let Some(record) = previous
            && record.hash == contents.hash
        {
            if matches_record(&target, &record) && (trust_records || holds_bytes(&target, &record.hash)) {
                stats.unchanged += 1;
                continue;
            }
            stats.repaired += 1;
        } else {
            stats.written += 1;
        }
        let bytes = match (contents.text, &contents.source) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(source)) => std::fs::read(source)
                .map_err(|error| EnvironmentError::UnreadableFile { path: source.clone(), source: error })?,
            (None, None) => Vec::new(),
        };
        let hash = *blake3::hash(&bytes).as_bytes();
        let metadata = write_atomically(&target, &bytes)?;
        changes
            .outputs
            .push((relative.clone(), OutputRecord { size: metadata.len(), mtime_ns: mtime_ns(&metadata), hash }));
    }
    // Reused outputs were verified on disk and are left alone.
    stats.unchanged += site.produced.len() - site.files.len();
    for stale in manifest.keys().filter(|path| !site.produced.contains(*path)) {
        if remove_output(output_dir, stale)? {
            stats.deleted += 1;
        }
        changes.removed.push(stale.clone());
    }
    Ok((stats, changes))
}

/// Deletes one output file qsite wrote, and the directories it leaves empty.
/// Returns whether there was a file to delete.
pub fn remove_output(output_dir: &Utf8Path, relative: &str) -> Result<bool, EnvironmentError> {
    let path = output_dir.join(relative);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            remove_empty_parents(output_dir, &path);
            Ok(true)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(write_error(&path)(error)),
    }
}

/// Writes through a temporary file next to the target (`.name.qsite-tmp`)
/// and renames it over the target, so the file is either old or new, never
/// half written. A build killed between the two leaves the temporary file;
/// the next build sweeps those (see [`sweep_temporary_files`]).
fn write_atomically(target: &Utf8Path, bytes: &[u8]) -> Result<std::fs::Metadata, EnvironmentError> {
    let parent = target.parent().unwrap_or(Utf8Path::new("."));
    std::fs::create_dir_all(parent).map_err(write_error(parent))?;
    let temporary = temporary_path(target);
    std::fs::write(&temporary, bytes).map_err(write_error(&temporary))?;
    std::fs::rename(&temporary, target).map_err(write_error(target))?;
    std::fs::metadata(target).map_err(write_error(target))
}

fn temporary_path(target: &Utf8Path) -> Utf8PathBuf {
    let parent = target.parent().unwrap_or(Utf8Path::new("."));
    parent.join(format!(".{}.qsite-tmp", target.file_name().unwrap_or("output")))
}

/// Removes the temporary files an interrupted build may have left next to
/// the outputs it was writing.
pub fn sweep_temporary_files<'a>(output_dir: &Utf8Path, outputs: impl IntoIterator<Item = &'a String>) {
    for relative in outputs {
        let _ = std::fs::remove_file(temporary_path(&output_dir.join(relative)));
    }
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
