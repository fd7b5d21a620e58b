//! The manifest in the output folder: the list of files qsite wrote there.
//!
//! It lives with the folder it describes, so building into `-o a` and then
//! `-o b` keeps each folder's own list, and a build that lost `.qsite/`
//! still knows what it may prune. It lists paths only, sorted, so a clean
//! build and an incremental build write the same bytes. While a build
//! writes, it also names that build's temporary-file token, so the next
//! build can sweep what a killed one left.

use std::collections::BTreeSet;

use camino::Utf8Path;

use crate::site_folder::EnvironmentError;

/// The manifest's file name in the output folder. Output paths may not use
/// the `.qsite-` prefix, so no page can overwrite it.
pub const MANIFEST_FILE: &str = ".qsite-manifest";

const HEADER: &str = "# Written by qsite: the files it wrote in this folder. `qsite build` deletes only these.";
const WRITING: &str = "writing ";

/// What one output folder's manifest says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every file qsite wrote there, relative to the folder.
    pub paths: BTreeSet<String>,
    /// Set while a build writes: the token in its temporary files' names.
    pub writing: Option<String>,
}

impl Manifest {
    /// The manifest of `output_dir`; empty when there is none. Lines that
    /// are not safe relative paths are dropped, so a damaged or hand-edited
    /// manifest can never make qsite delete outside the folder.
    pub fn read(output_dir: &Utf8Path) -> Manifest {
        let Ok(text) = std::fs::read_to_string(output_dir.join(MANIFEST_FILE)) else {
            return Manifest::default();
        };
        let mut manifest = Manifest::default();
        for line in text.lines().filter(|line| !line.starts_with('#') && !line.is_empty()) {
            if let Some(token) = line.strip_prefix(WRITING) {
                manifest.writing = Some(token.to_owned());
            } else if queries::check_relative_path(line).is_ok() {
                manifest.paths.insert(line.to_owned());
            }
        }
        manifest
    }

    /// Replaces the manifest of `output_dir` in one rename, so it is always
    /// either the old list or the new one.
    pub fn write(&self, output_dir: &Utf8Path) -> Result<(), EnvironmentError> {
        let mut text = String::with_capacity(self.paths.iter().map(|path| path.len() + 1).sum::<usize>() + 128);
        text.push_str(HEADER);
        text.push('\n');
        if let Some(token) = &self.writing {
            text.push_str(WRITING);
            text.push_str(token);
            text.push('\n');
        }
        for path in &self.paths {
            text.push_str(path);
            text.push('\n');
        }
        let target = output_dir.join(MANIFEST_FILE);
        let temporary = output_dir.join(format!("{MANIFEST_FILE}-new"));
        let error = |source| EnvironmentError::Write { path: target.clone(), source };
        std::fs::create_dir_all(output_dir).map_err(error)?;
        std::fs::write(&temporary, text).map_err(error)?;
        std::fs::rename(&temporary, &target).map_err(error)
    }

    /// Removes the manifest (`qsite clean`).
    pub fn remove(output_dir: &Utf8Path) {
        let _ = std::fs::remove_file(output_dir.join(MANIFEST_FILE));
    }
}
