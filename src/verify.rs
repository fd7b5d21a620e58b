//! `qsite build --verify`: after an incremental build, a clean build of the
//! same site in memory, compared file by file with the output directory.
//!
//! For users who distrust the cache, and for qsite's own tests: a difference
//! is named by file, with the values its trace claimed unchanged that a
//! clean computation no longer agrees with, so a stale output points at the
//! query that let it through.

use std::collections::{BTreeMap, HashMap, HashSet};

use camino::Utf8Path;
use queries::BuildOptions;
use queries::trace::{Read, current_hash};

use crate::manifest::MANIFEST_FILE;
use crate::processed_images::{ImageRequests, add_images};
use crate::site_folder::EnvironmentError;
use crate::workspace::{OutputFile, Workspace};

/// One output that is not what a clean build makes.
#[derive(Debug)]
pub struct Difference {
    /// Relative to the output directory.
    pub path: String,
    /// What is wrong with it.
    pub problem: Problem,
    /// Values its trace recorded whose hash a clean computation disputes.
    pub disputed: Vec<String>,
}

/// How an output differs from a clean build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Its bytes are not a clean build's.
    Differs,
    /// A clean build makes it and the output directory lacks it.
    Missing,
    /// qsite wrote it and a clean build does not make it.
    LeftOver,
    /// In the output folder, not written by qsite, and not made by a clean
    /// build either: a clean build into an empty folder would lack it.
    NotWritten,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Problem::Differs => "differs from a clean build",
            Problem::Missing => "is missing",
            Problem::LeftOver => "is left over: a clean build does not make it",
            Problem::NotWritten => "was not written by qsite, and a clean build does not make it",
        })
    }
}

/// Builds the site at `root` from scratch in memory and compares every
/// output with the files in `output_dir`; `written` is every file qsite
/// wrote there, `traces` what each output's render read (key, hash).
///
/// # Performance
/// A whole clean build, and a read of every output file.
pub fn verify(
    root: &Utf8Path,
    config: &Utf8Path,
    options: BuildOptions,
    output_dir: &Utf8Path,
    written: &HashSet<String>,
    traces: &HashMap<String, Vec<(String, [u8; 32])>>,
) -> Result<Vec<Difference>, EnvironmentError> {
    let workspace = Workspace::load(root, config, options)?;
    let mut clean = workspace.render(&HashSet::new(), &HashMap::new());
    // A clean build encodes every image its pages ask for.
    add_images(&workspace, &mut clean, &ImageRequests::default(), |_| false);
    let mut differences = BTreeMap::new();
    for (path, file) in &clean.files {
        let expected = match file {
            OutputFile::Text(text) => text.as_bytes().to_vec(),
            OutputFile::Bytes(bytes) => bytes.to_vec(),
            OutputFile::Copy(source) => std::fs::read(root.join(source))
                .map_err(|error| EnvironmentError::UnreadableFile { path: root.join(source), source: error })?,
        };
        let problem = match std::fs::read(output_dir.join(path)) {
            Ok(actual) if actual == expected => continue,
            Ok(_) => Problem::Differs,
            Err(_) => Problem::Missing,
        };
        let disputed = traces
            .get(path)
            .into_iter()
            .flatten()
            .filter_map(|(key, hash)| {
                let read = Read::from_key(key)?;
                (current_hash(workspace.db(), &read) != *hash).then(|| read.to_string())
            })
            .collect();
        differences.insert(path.clone(), Difference { path: path.clone(), problem, disputed });
    }
    for path in written.iter().filter(|path| !clean.produced.contains(*path)) {
        if output_dir.join(path).exists() {
            differences.insert(
                path.clone(),
                Difference { path: path.clone(), problem: Problem::LeftOver, disputed: Vec::new() },
            );
        }
    }
    for path in files_under(output_dir)? {
        if !clean.produced.contains(&path) && !differences.contains_key(&path) && path != MANIFEST_FILE {
            let problem = if written.contains(&path) { Problem::LeftOver } else { Problem::NotWritten };
            differences.insert(path.clone(), Difference { path, problem, disputed: Vec::new() });
        }
    }
    Ok(differences.into_values().collect())
}

/// Every file under `dir`, hidden ones included, relative to it.
fn files_under(dir: &Utf8Path) -> Result<Vec<String>, EnvironmentError> {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).standard_filters(false).build() {
        let entry = entry.map_err(|error| EnvironmentError::UnreadableRoot {
            root: dir.to_owned(),
            source: std::io::Error::other(error),
        })?;
        if entry.file_type().is_some_and(|kind| kind.is_file())
            && let Ok(relative) = entry.path().strip_prefix(dir)
            && let Some(relative) = relative.to_str()
        {
            files.push(relative.to_owned());
        }
    }
    Ok(files)
}

/// The report `--verify` prints for its differences.
pub fn report(differences: &[Difference]) -> String {
    let mut lines =
        vec![format!("error: the incremental output differs from a clean build in {} file(s):", differences.len())];
    for difference in differences {
        lines.push(format!("  {} {}", difference.path, difference.problem));
        if difference.disputed.is_empty() {
            if difference.problem == Problem::NotWritten {
                lines.push("    qsite leaves files it did not write alone; remove it if it does not belong".to_owned());
            } else if difference.problem != Problem::LeftOver {
                lines.push(
                    "    every value its trace recorded still holds: the cache's record of the file is wrong"
                        .to_owned(),
                );
            }
        } else {
            lines.push("    its trace recorded values a clean build computes differently:".to_owned());
            lines.extend(difference.disputed.iter().map(|read| format!("      {read}")));
        }
    }
    lines.push("Run `qsite build --clean` to rebuild everything.".to_owned());
    lines.join("\n")
}
