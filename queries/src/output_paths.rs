//! The one place where text becomes a path under the output folder.
//!
//! Every output path is a URL path turned into a relative path by
//! [`output_path`], and every relative path the host writes or deletes is
//! checked again by [`check_relative_path`]: user text (a page's `path`, an
//! alias, a slug, a term) can never name a file outside the output folder.

/// Why a path cannot be an output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnsafePath {
    /// A `..` component, which would climb out of the folder.
    ParentDirectory,
    /// A `.` component, which names a folder twice.
    CurrentDirectory,
    /// An empty component (`a//b`), which names another file than it says.
    EmptyComponent,
    /// A backslash, a folder separator on Windows.
    Backslash,
    /// A NUL byte, which ends a path early in the operating system.
    Nul,
    /// A drive or scheme prefix such as `C:`.
    DriveLetter,
    /// A control character, which no URL path holds.
    ControlCharacter,
    /// Nothing at all.
    Empty,
    /// A name starting with `.qsite-`, which qsite keeps for its own files
    /// in the output folder (its manifest and temporary files).
    Reserved,
    /// A segment of this many bytes, more than a file system takes in one name.
    SegmentTooLong(usize),
    /// A path of this many bytes, more than a file system takes in one path.
    PathTooLong(usize),
}

/// The longest file or folder name file systems take (ext4, APFS, NTFS).
pub const MAX_SEGMENT_BYTES: usize = 255;

/// The longest path Linux takes, with its terminating NUL.
pub const MAX_PATH_BYTES: usize = 4096;

/// The prefix of the names qsite keeps for itself in the output folder.
pub const RESERVED_PREFIX: &str = ".qsite-";

impl std::fmt::Display for UnsafePath {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            UnsafePath::ParentDirectory => "it contains `..`, which would leave the output folder",
            UnsafePath::CurrentDirectory => "it contains a `.` segment",
            UnsafePath::EmptyComponent => "it contains an empty segment (`//`)",
            UnsafePath::Backslash => "it contains a backslash",
            UnsafePath::Nul => "it contains a NUL character",
            UnsafePath::DriveLetter => "it starts with a drive letter",
            UnsafePath::ControlCharacter => "it contains a control character",
            UnsafePath::Empty => "it is empty",
            UnsafePath::Reserved => "names starting with `.qsite-` are qsite's own",
            UnsafePath::SegmentTooLong(bytes) => {
                return write!(
                    formatter,
                    "one of its segments is {bytes} bytes long, and a file system takes at most {MAX_SEGMENT_BYTES}"
                );
            }
            UnsafePath::PathTooLong(bytes) => {
                return write!(
                    formatter,
                    "it is {bytes} bytes long, and a file system takes paths shorter than {MAX_PATH_BYTES}"
                );
            }
        })
    }
}

/// The output file for a URL path: `/blog/a/` → `blog/a/index.html`,
/// `/feed.xml` → `feed.xml`, `/` → `index.html`. A URL path whose segments
/// are not all plain names is refused.
pub fn output_path(url_path: &str) -> Result<String, UnsafePath> {
    let trimmed = url_path.strip_prefix('/').unwrap_or(url_path);
    let relative =
        if trimmed.is_empty() || trimmed.ends_with('/') { format!("{trimmed}index.html") } else { trimmed.to_owned() };
    check_relative_path(&relative)?;
    Ok(relative)
}

/// Checks that `relative` names a file strictly inside a folder: plain
/// segments separated by `/`, none empty, `.` or `..`, no character
/// that a file system reads as something else, and no name or path longer
/// than a file system takes (so `check` finds what `build` would fail on).
pub fn check_relative_path(relative: &str) -> Result<(), UnsafePath> {
    if relative.is_empty() {
        return Err(UnsafePath::Empty);
    }
    if relative.contains('\0') {
        return Err(UnsafePath::Nul);
    }
    if relative.contains('\\') {
        return Err(UnsafePath::Backslash);
    }
    if relative.chars().any(char::is_control) {
        return Err(UnsafePath::ControlCharacter);
    }
    if relative.len() >= MAX_PATH_BYTES {
        return Err(UnsafePath::PathTooLong(relative.len()));
    }
    let first = relative.split('/').next().unwrap_or_default();
    if first.len() >= 2 && first.as_bytes()[1] == b':' && first.as_bytes()[0].is_ascii_alphabetic() {
        return Err(UnsafePath::DriveLetter);
    }
    for segment in relative.split('/') {
        match segment {
            "" => return Err(UnsafePath::EmptyComponent),
            "." => return Err(UnsafePath::CurrentDirectory),
            ".." => return Err(UnsafePath::ParentDirectory),
            _ if segment.starts_with(RESERVED_PREFIX) => return Err(UnsafePath::Reserved),
            _ if segment.len() > MAX_SEGMENT_BYTES => return Err(UnsafePath::SegmentTooLong(segment.len())),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_url_paths_become_files_in_folders() {
        assert_eq!(output_path("/").as_deref(), Ok("index.html"));
        assert_eq!(output_path("/blog/a/").as_deref(), Ok("blog/a/index.html"));
        assert_eq!(output_path("/atom.xml").as_deref(), Ok("atom.xml"));
    }

    #[test]
    fn anything_that_could_leave_the_folder_is_refused() {
        assert_eq!(output_path("/../etc/"), Err(UnsafePath::ParentDirectory));
        assert_eq!(output_path("/a/../../b"), Err(UnsafePath::ParentDirectory));
        assert_eq!(output_path("//etc/passwd"), Err(UnsafePath::EmptyComponent));
        assert_eq!(output_path("/blog//"), Err(UnsafePath::EmptyComponent));
        assert_eq!(output_path("/a\\..\\b/"), Err(UnsafePath::Backslash));
        assert_eq!(output_path("/a\0b/"), Err(UnsafePath::Nul));
        assert_eq!(output_path("/C:/Windows/"), Err(UnsafePath::DriveLetter));
        assert_eq!(output_path("/./a/"), Err(UnsafePath::CurrentDirectory));
        assert_eq!(check_relative_path(""), Err(UnsafePath::Empty));
        assert_eq!(output_path("/.qsite-manifest"), Err(UnsafePath::Reserved));
        assert_eq!(check_relative_path("/etc/passwd"), Err(UnsafePath::EmptyComponent));
    }

    #[test]
    fn names_and_paths_longer_than_a_file_system_takes_are_refused() {
        // See issue #27.
        let name = "a".repeat(MAX_SEGMENT_BYTES);
        assert!(output_path(&format!("/{name}/")).is_ok());
        assert_eq!(output_path(&format!("/{name}b/")), Err(UnsafePath::SegmentTooLong(256)));
        let deep = format!("/{}", "abcdefgh/".repeat(500));
        assert_eq!(output_path(&deep), Err(UnsafePath::PathTooLong(4510)));
    }
}
