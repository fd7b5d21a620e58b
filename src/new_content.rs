//! `qsite new`: a page or section file with its front matter filled in, so
//! writing a post starts with the text, not with remembering the fields.

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use queries::words::capitalized;

use crate::folder::Refusal;
use crate::output_folder::FolderGuard;
use crate::site_folder::EnvironmentError;

/// Why `new` refused to write.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The file is there already; `new` never overwrites.
    #[error("`{0}` already exists; qsite new never overwrites a file")]
    Exists(Utf8PathBuf),
    /// The path leaves `content/` or is not a Markdown file.
    #[error("`{path}` {reason}")]
    BadPath { path: String, reason: &'static str },
    /// Writing failed.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
}

/// What `new` writes.
pub enum NewKind {
    /// A page, a draft dated today.
    Page,
    /// A section's `_index.md`.
    Section,
}

/// Writes a new page (`blog/my-post.md`, with or without `content/`) or
/// section (`notes` → `content/notes/_index.md`) under `root` and returns its
/// path relative to `root`.
pub fn new_content(root: &Utf8Path, kind: NewKind, name: &str) -> Result<Utf8PathBuf, NewError> {
    let relative = content_relative(name)?;
    let (relative, title_source) = match kind {
        NewKind::Section => (relative.join("_index.md"), relative.file_name().unwrap_or("section").to_owned()),
        NewKind::Page if relative.extension() != Some("md") => {
            return Err(NewError::BadPath { path: name.to_owned(), reason: "is not a Markdown file (`.md`)" });
        }
        NewKind::Page => {
            // A page bundle (`blog/my-post/index.md`) takes its folder's name.
            let stem = match relative.file_stem() {
                Some("index") => relative.parent().and_then(Utf8Path::file_name),
                stem => stem,
            };
            let stem = stem.unwrap_or("page").to_owned();
            (relative, stem)
        }
    };
    let title = title_from(&title_source);
    let text = match kind {
        NewKind::Page => {
            let today = jiff::ZonedDateTime::now().date();
            format!("+++\ntitle = \"{title}\"\ndate = {today}\ndraft = true\n+++\n\n")
        }
        NewKind::Section => format!("+++\ntitle = \"{title}\"\nsort_by = \"date\"\n+++\n"),
    };
    let path = Utf8Path::new("content").join(relative);
    // One name at a time from the site folder: a link in the way
    // (`content/linked` to a folder elsewhere) is refused, never followed.
    let guard = FolderGuard::new(root);
    let (folder, name) = guard.target(path.as_str(), true)?.expect("folders are created on the way");
    match folder.create_new(name, text.as_bytes()) {
        Ok(_) => Ok(path),
        // `create_new`: a file that is there, or appeared meanwhile, is never overwritten.
        Err(Refusal::Io(error)) if error.kind() == std::io::ErrorKind::AlreadyExists => Err(NewError::Exists(path)),
        Err(refusal) => Err(EnvironmentError::refused(root.join(&path), refusal).into()),
    }
}

/// `name` as a path inside `content/`: `content/` in front is optional, and
/// nothing may climb out of it.
fn content_relative(name: &str) -> Result<Utf8PathBuf, NewError> {
    let path = Utf8Path::new(name);
    let path = path.strip_prefix("content").unwrap_or(path);
    let mut relative = Utf8PathBuf::new();
    for component in path.components() {
        match component {
            Utf8Component::Normal(part) => relative.push(part),
            Utf8Component::CurDir => {}
            _ => {
                return Err(NewError::BadPath {
                    path: name.to_owned(),
                    reason: "is not inside `content/`: give a path such as `blog/my-post.md`",
                });
            }
        }
    }
    if relative.as_str().is_empty() {
        return Err(NewError::BadPath {
            path: name.to_owned(),
            reason: "names no file: give one such as `blog/my-post.md`",
        });
    }
    Ok(relative)
}

/// `my-first_post` → `My first post`; quotes, backslashes and control
/// characters are left out,
/// so the title is always a valid TOML string.
fn title_from(stem: &str) -> String {
    let words: String = stem
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
        .collect();
    match words.trim() {
        "" => "Untitled".to_owned(),
        words => capitalized(words),
    }
}
