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

use crate::folder::Folder;
use crate::site_folder::EnvironmentError;

/// The manifest's file name in the output folder. Output paths may not use
/// the `.qsite-` prefix, so no page can overwrite it.
pub const MANIFEST_FILE: &str = ".qsite-manifest";

const HEADER: &str = "# Written by qsite: the files it wrote in this folder. `qsite build` deletes only these.";
const WRITING: &str = "writing ";
/// What begins each path's line: no relative path begins with it.
const PATH_MARK: &str = "/";

/// What one output folder's manifest says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every file qsite wrote there, relative to the folder.
    pub paths: BTreeSet<String>,
    /// Set while a build writes: the token in its temporary files' names.
    pub writing: Option<String>,
}

impl Manifest {
    /// The manifest of the output folder `folder` (at `output_dir`); empty
    /// when there is none. Lines that are not safe relative paths are
    /// dropped, so a damaged or hand-edited manifest can never make qsite
    /// delete outside the folder. A manifest that is a link, a FIFO or a
    /// device is refused, never read.
    pub fn read(folder: &Folder, output_dir: &Utf8Path) -> Result<Manifest, EnvironmentError> {
        let bytes = folder
            .read(MANIFEST_FILE)
            .map_err(|refusal| EnvironmentError::refused(output_dir.join(MANIFEST_FILE), refusal))?;
        let Some(text) = bytes.and_then(|bytes| String::from_utf8(bytes).ok()) else {
            return Ok(Manifest::default());
        };
        let mut manifest = Manifest::default();
        for line in text.lines() {
            // A path is marked, so that one which starts like a comment or
            // the token (`#draft#`, `writing notes.txt`) stays a path. An
            // unmarked line, that is neither, is a path as older releases
            // wrote them.
            let path = match line.strip_prefix(PATH_MARK) {
                Some(path) => path,
                None if line.starts_with('#') || line.is_empty() => continue,
                None => match line.strip_prefix(WRITING) {
                    Some(token) => {
                        manifest.writing = Some(token.to_owned());
                        continue;
                    }
                    None => line,
                },
            };
            if queries::check_relative_path(path).is_ok() {
                manifest.paths.insert(path.to_owned());
            }
        }
        Ok(manifest)
    }

    /// Replaces the manifest of the output folder `folder` (at `output_dir`)
    /// in one rename, so it is always either the old list or the new one.
    pub fn write(&self, folder: &Folder, output_dir: &Utf8Path) -> Result<(), EnvironmentError> {
        let mut text = String::with_capacity(self.paths.iter().map(|path| path.len() + 2).sum::<usize>() + 128);
        text.push_str(HEADER);
        text.push('\n');
        if let Some(token) = &self.writing {
            text.push_str(WRITING);
            text.push_str(token);
            text.push('\n');
        }
        for path in &self.paths {
            text.push_str(PATH_MARK);
            text.push_str(path);
            text.push('\n');
        }
        folder
            .replace(MANIFEST_FILE, &format!("{MANIFEST_FILE}-new"), text.as_bytes())
            .map_err(|refusal| EnvironmentError::refused(output_dir.join(MANIFEST_FILE), refusal))?;
        Ok(())
    }

    /// Removes the manifest (`qsite clean`).
    pub fn remove(folder: &Folder) {
        let _ = folder.remove_file(MANIFEST_FILE);
    }
}
