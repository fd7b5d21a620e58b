//! Writing a rendered site into the output directory, which is a mirror,
//! never a source of truth.
//!
//! A file is written only when its bytes differ from what qsite last wrote
//! there (or the file was edited or deleted by hand, which repairs it),
//! through a temporary file and a rename, so a reader never sees half a file
//! and unchanged files keep their modification times. Files qsite wrote
//! before and no longer produces are deleted, on two witnesses (see
//! [`remove_written`]); files it never wrote are left alone. The list of
//! what qsite wrote lives in the output folder (see [`crate::manifest`]),
//! the record of each file's size, time and hash in the cache. Every file
//! is reached through [`FolderGuard`], never through a link.

use std::collections::{BTreeSet, HashMap};
use std::io;

use camino::Utf8Path;
use queries::output_paths::{MAX_SEGMENT_BYTES, RESERVED_PREFIX};
use rayon::prelude::*;
use snapshots::{FileStat, OutputRecord};

use crate::folder::{Folder, Stat};
use crate::manifest::Manifest;
use crate::output_folder::FolderGuard;
use crate::site_folder::{EnvironmentError, read_source};
use crate::workspace::{OutputFile, RenderedSite};

/// What writing did, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or changed.
    pub written: usize,
    /// Files whose bytes were already right.
    pub unchanged: usize,
    /// Files qsite wrote before and no longer produces.
    pub deleted: usize,
    /// Files qsite wrote into this folder, edited or deleted by hand since,
    /// and written back.
    pub repaired: usize,
}

/// What writing changed in the manifest.
#[derive(Debug, Default)]
pub struct ManifestChanges {
    /// Outputs written or confirmed, with what is now on disk.
    pub outputs: Vec<(String, OutputRecord)>,
    /// Outputs deleted.
    pub removed: Vec<String>,
    /// Files qsite did not write that this build replaced.
    pub replaced: Vec<String>,
    /// Files qsite no longer produces but left in place, since it cannot
    /// show it wrote them as they are (see [`remove_written`]).
    pub left: Vec<String>,
}

/// Identifies this qsite binary: a cache written by another one is not
/// reused. Its version, size and modification time change with every build
/// of it, and reading them costs nothing next to hashing the binary.
pub fn build_id() -> String {
    let stamp = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|metadata| format!("{}-{}", metadata.len(), Stat::of(&metadata).mtime_ns))
        .unwrap_or_default();
    format!("{}-{stamp}", env!("CARGO_PKG_VERSION"))
}

/// Whether the file at `relative` in the output folder (`None` when it
/// could not be opened) is still exactly what `record` says qsite wrote,
/// by its stat: a link or anything but a regular file put in its place
/// never is.
pub fn matches_record(folder: Option<&Folder>, relative: &str, record: &OutputRecord) -> bool {
    folder
        .and_then(|folder| folder.file_stat(relative).ok())
        .is_some_and(|stat| stat.size == record.size && stat.mtime_ns == record.mtime_ns)
}

fn write_error(path: &Utf8Path) -> impl FnOnce(io::Error) -> EnvironmentError + '_ {
    move |source| EnvironmentError::Write { path: path.to_owned(), source }
}

/// Whether the output file at `relative` is a regular file holding exactly
/// the bytes whose hash is `hash`: what `--clean` checks instead of
/// trusting the record, and what a deletion checks before it deletes.
fn holds_bytes(guard: &FolderGuard, relative: &str, hash: &[u8; 32]) -> bool {
    let Ok(Some((folder, name))) = guard.target(relative, false) else { return false };
    folder.read(name).ok().flatten().is_some_and(|bytes| blake3::hash(&bytes).as_bytes() == hash)
}

/// Whether anything (a file, a folder, a link) stands at `relative`.
fn exists(guard: &FolderGuard, relative: &str) -> bool {
    guard.target(relative, false).ok().flatten().is_some_and(|(folder, name)| folder.stat_entry(name).is_ok())
}

/// What the last build left in the output folder, as this build sees it.
pub struct PreviousOutput<'a> {
    /// The folder's manifest as read before the build.
    pub manifest: &'a Manifest,
    /// Every file qsite wrote there: the manifest's and those whose cache
    /// record still matches the file.
    pub owned: &'a BTreeSet<String>,
    /// The cache's record of each file it wrote into this folder.
    pub records: &'a HashMap<String, OutputRecord>,
}

/// Writes `site` into the output folder of `guard` against what the last
/// build left there. `inputs` gives the stat (and hash) of every input
/// file, for copied outputs. With `trust_records` false (`--clean`), an
/// output whose record matches is still read back and compared, so a
/// damaged record cannot hide a wrong file.
///
/// The folder's manifest is written first with every file about to be
/// written, so an interrupted build never leaves files qsite does not know
/// it owns, and last with exactly what the site produces.
pub fn write_site(
    root: &Utf8Path,
    guard: &FolderGuard,
    site: &RenderedSite,
    previous: &PreviousOutput,
    inputs: &HashMap<String, FileStat>,
    trust_records: bool,
) -> Result<(WriteStats, ManifestChanges), EnvironmentError> {
    if let Some(token) = &previous.manifest.writing {
        sweep_temporary_files(guard, token, &previous.manifest.paths);
    }
    let output = guard.root(true)?.expect("created when missing");
    let mut stats = WriteStats::default();
    let mut changes = ManifestChanges::default();
    let mut pending = Vec::new();
    for (relative, file) in &site.files {
        // A copied file's hash is its source's, known from the stat cache,
        // so an unchanged copy is never read.
        let hash = match file {
            OutputFile::Text(text) => *blake3::hash(text.as_bytes()).as_bytes(),
            OutputFile::Copy(source) => inputs.get(source.as_str()).map(|stat| stat.hash).unwrap_or_default(),
            OutputFile::Bytes(bytes) => *blake3::hash(bytes).as_bytes(),
        };
        match previous.records.get(relative) {
            Some(record) if record.hash == hash => {
                if matches_record(Some(&output), relative, record)
                    && (trust_records || holds_bytes(guard, relative, &record.hash))
                {
                    stats.unchanged += 1;
                    continue;
                }
                // Repaired: qsite wrote it here and it was edited or deleted
                // since. A file missing from a folder qsite never wrote (a
                // fresh or copied output folder) is simply written.
                if exists(guard, relative) || previous.manifest.paths.contains(relative) {
                    stats.repaired += 1;
                } else {
                    stats.written += 1;
                }
            }
            _ if !previous.owned.contains(relative) && exists(guard, relative) => {
                if holds_bytes(guard, relative, &hash) {
                    // Already what qsite would write: it is qsite's from now on.
                    let stat = output.stat_entry(relative).map_err(write_error(&guard.output_dir().join(relative)))?;
                    let record = OutputRecord { size: stat.size, mtime_ns: stat.mtime_ns, hash };
                    changes.outputs.push((relative.clone(), record));
                    stats.unchanged += 1;
                    continue;
                }
                changes.replaced.push(relative.clone());
                stats.written += 1;
            }
            _ => stats.written += 1,
        }
        pending.push((relative, file, hash));
    }
    // Both sorted: one walk through the two, not a search per path.
    let stale: Vec<&String> = previous.owned.difference(&site.produced).collect();
    let token = (!pending.is_empty()).then(temporary_token);
    let staged = token.is_some() || !stale.is_empty();
    if staged {
        let mut paths = previous.owned.clone();
        paths.extend(pending.iter().map(|(relative, _, _)| (*relative).clone()));
        Manifest { paths, writing: token.clone() }.write(&output, guard.output_dir())?;
    }
    // In parallel: creating files and folders waits on the file system.
    let token = token.as_deref().unwrap_or_default();
    let written: Vec<(String, OutputRecord)> = pending
        .into_par_iter()
        .map(|(relative, file, hash)| {
            let (stat, hash) = match file {
                OutputFile::Text(text) => (write_atomically(guard, relative, token, text.as_bytes())?, hash),
                OutputFile::Bytes(bytes) => (write_atomically(guard, relative, token, bytes)?, hash),
                OutputFile::Copy(source) => {
                    let bytes = read_source(root, source, Utf8Path::new(""))?;
                    // What is written is hashed: the source may have changed since the scan.
                    (write_atomically(guard, relative, token, &bytes)?, *blake3::hash(&bytes).as_bytes())
                }
            };
            Ok((relative.clone(), OutputRecord { size: stat.size, mtime_ns: stat.mtime_ns, hash }))
        })
        .collect::<Result<_, EnvironmentError>>()?;
    changes.outputs.extend(written);
    // Reused outputs were verified on disk and are left alone.
    stats.unchanged += site.produced.len() - site.files.len();
    for relative in stale {
        match remove_written(guard, relative, previous.manifest, previous.records)? {
            Removal::Deleted => stats.deleted += 1,
            Removal::Gone => {}
            Removal::Left => changes.left.push(relative.clone()),
        }
        changes.removed.push(relative.clone());
    }
    let produced = Manifest { paths: site.produced.iter().cloned().collect(), writing: None };
    if staged || produced != *previous.manifest {
        produced.write(&output, guard.output_dir())?;
    }
    Ok((stats, changes))
}

/// What became of an output file qsite no longer produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Deleted.
    Deleted,
    /// Already gone.
    Gone,
    /// Left in place: qsite cannot show it wrote the file as it is now.
    Left,
}

/// Deletes the output file `relative`, and the folders it leaves empty,
/// only on two witnesses that agree: the folder's manifest lists it, the
/// cache's record says qsite wrote it, and its bytes are still those the
/// record's hash names. A manifest planted or copied from elsewhere, a
/// lost cache or a file edited since leave it where it is. Never through a
/// link.
pub fn remove_written(
    guard: &FolderGuard,
    relative: &str,
    manifest: &Manifest,
    records: &HashMap<String, OutputRecord>,
) -> Result<Removal, EnvironmentError> {
    let Some((folder, name)) = guard.target(relative, false)? else { return Ok(Removal::Gone) };
    if folder.stat_entry(name).is_err() {
        return Ok(Removal::Gone);
    }
    let witnessed = manifest.paths.contains(relative)
        && records.get(relative).is_some_and(|record| holds_bytes(guard, relative, &record.hash));
    if !witnessed {
        return Ok(Removal::Left);
    }
    if !folder.remove_file(name).map_err(write_error(&guard.output_dir().join(relative)))? {
        return Ok(Removal::Gone);
    }
    // The folders left empty, up to the output folder.
    let mut emptied = relative.rsplit_once('/').map_or("", |(parent, _)| parent);
    while !emptied.is_empty() {
        let (above, name) = emptied.rsplit_once('/').unwrap_or(("", emptied));
        let Ok(Some(parent)) = guard.folder(above, false) else { break };
        if !parent.remove_empty_folder(name) {
            break;
        }
        guard.forget(emptied);
        emptied = above;
    }
    Ok(Removal::Deleted)
}

/// A token unique to one build, in the names of its temporary files.
fn temporary_token() -> String {
    let seed = format!("{}-{:?}", std::process::id(), std::time::SystemTime::now());
    blake3::hash(seed.as_bytes()).to_hex()[..16].to_owned()
}

/// Writes through a temporary file next to the target
/// (`.qsite-tmp-<token>-<name>`, a name no output may take) and renames it
/// over the target, so the file is either old or new, never half written.
/// A build killed between the two leaves the temporary file; the next
/// build sweeps those (see [`sweep_temporary_files`]).
fn write_atomically(guard: &FolderGuard, relative: &str, token: &str, bytes: &[u8]) -> Result<Stat, EnvironmentError> {
    let (folder, name) = guard.target(relative, true)?.expect("folders are created on the way");
    folder
        .replace(name, &temporary_name(name, token), bytes)
        .map_err(|refusal| EnvironmentError::refused(guard.output_dir().join(relative), refusal))
}

fn temporary_name(name: &str, token: &str) -> String {
    let temporary = format!("{RESERVED_PREFIX}tmp-{token}-{name}");
    if temporary.len() <= MAX_SEGMENT_BYTES {
        return temporary;
    }
    // A name near the limit leaves no room for the prefix: its hash stands in.
    format!("{RESERVED_PREFIX}tmp-{token}-{}", &blake3::hash(name.as_bytes()).to_hex()[..32])
}

/// Removes the temporary files an interrupted build, whose token is
/// `token`, may have left next to the outputs it was writing.
fn sweep_temporary_files(guard: &FolderGuard, token: &str, outputs: &BTreeSet<String>) {
    for relative in outputs {
        if let Ok(Some((folder, name))) = guard.target(relative, false) {
            let _ = folder.remove_file(&temporary_name(name, token));
        }
    }
}
