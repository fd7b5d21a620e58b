//! Reading a site folder: which files make up the site, and their contents.

use std::collections::{HashMap, HashSet};
use std::io;

use camino::{Utf8Path, Utf8PathBuf};
use queries::FileText;
use queries::site_paths::{SASS, is_theme_text};
use rayon::prelude::*;
use snapshots::FileStat;

use crate::folder::{Folder, Kind, Refusal, Stat, kind_at, read_regular};

/// qsite's own folder under the site root: the cache and the site's lock.
pub const CACHE_DIR: &str = ".qsite";

/// The folders under the site root whose files are inputs.
pub const INPUT_DIRS: [&str; 6] = ["content", "templates", "static", "data", "sass", "themes"];

/// A problem with the environment, not the site: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    /// The configuration file is missing.
    #[error(
        "no `{path}` in `{root}`, nor a Zola site's `zola.toml` or `config.toml`: is it a site folder? \
         (`qsite init` makes one; `--config FILE` names another configuration file)"
    )]
    MissingConfig { root: Utf8PathBuf, path: Utf8PathBuf },
    /// The root is not a readable directory.
    #[error("cannot read the site folder `{root}`: {source}")]
    UnreadableRoot { root: Utf8PathBuf, source: io::Error },
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    UnreadableFile { path: Utf8PathBuf, source: io::Error },
    /// A file the build left unread, knowing it unchanged, changed before a
    /// query needed its text: what the build found at its start no longer
    /// holds, so it stops, and nothing computed from it is written or saved.
    #[error("`{path}` changed while qsite was building the site; build again")]
    ChangedDuringBuild { path: Utf8PathBuf },
    /// A path is not UTF-8; qsite works with UTF-8 paths only.
    #[error("`{0}` is not a UTF-8 path")]
    NonUtf8Path(String),
    /// The output folder would overwrite or prune the site's own files.
    #[error("refusing to build into `{output}`: {reason}; choose an output folder of its own, such as `public`")]
    UnsafeOutputDir { output: Utf8PathBuf, reason: String },
    /// A path under the output folder leads out of it (a damaged record).
    #[error("`{path}` leads outside the output folder; qsite neither writes nor deletes through it")]
    OutsideOutput { path: Utf8PathBuf },
    /// What stands where qsite must write, delete or read is a link, a FIFO
    /// or a device, or a file where a folder must go.
    #[error("refusing to use `{path}`: {refusal}")]
    Refused { path: Utf8PathBuf, refusal: Refusal },
    /// The output folder holds files and qsite never wrote into it.
    #[error(
        "the output folder `{output}` is not empty and qsite has not built into it before ({in_the_way}); \
         pass `--force` to build into it anyway (replacing those of the same names), or choose another folder"
    )]
    OutputNotEmpty { output: Utf8PathBuf, in_the_way: String },
    /// `.qsite/` cannot be written, so the site cannot be locked for this build.
    #[error("cannot write the cache `{path}`: {source}")]
    CacheUnwritable { path: Utf8PathBuf, source: io::Error },
    /// The output was written but the cache could not be saved (a full
    /// disk, an unwritable `.qsite/`): the output is right, and the next
    /// build redoes what the cache would have spared it.
    #[error("the site is built, but the cache `{path}` could not be saved: {reason}; the next build starts without it")]
    CacheNotSaved { path: Utf8PathBuf, reason: String },
    /// Writing the output failed.
    #[error("cannot write `{path}`: {source}")]
    Write { path: Utf8PathBuf, source: io::Error },
    /// `qsite serve` found no port to listen on.
    #[error("cannot listen on {address}: {source}")]
    Listen { address: String, source: io::Error },
    /// `qsite serve` cannot watch the site folder.
    #[error("cannot watch `{root}` for changes: {message}")]
    Watch { root: Utf8PathBuf, message: String },
}

impl EnvironmentError {
    /// Why qsite did not use `path`: the system's error as a write error,
    /// anything else as a refusal.
    pub fn refused(path: Utf8PathBuf, refusal: Refusal) -> EnvironmentError {
        match refusal {
            Refusal::Io(source) => EnvironmentError::Write { path, source },
            refusal => EnvironmentError::Refused { path, refusal },
        }
    }
}

/// The configuration files a site folder may have, in the order they are
/// looked for: qsite's own, then Zola's (0.23 names it `zola.toml`, earlier
/// versions `config.toml`), so a Zola site builds without being renamed.
const CONFIG_FILES: &[&str] = &["qsite.toml", "zola.toml", "config.toml"];

/// The configuration file of the site at `root` when none is named: the first
/// of [`CONFIG_FILES`] that exists, else `qsite.toml` (whose absence is then
/// the error).
pub fn config_file(root: &Utf8Path) -> Utf8PathBuf {
    let found = CONFIG_FILES.iter().find(|name| root.join(name).is_file());
    Utf8PathBuf::from(found.copied().unwrap_or(CONFIG_FILES[0]))
}

/// The input files the walk of a site folder found, and what it skipped.
#[derive(Debug, Default)]
pub struct InputWalk {
    /// Every input file, relative to the root, sorted.
    pub paths: Vec<Utf8PathBuf>,
    /// Entries that are neither regular files nor folders (links, FIFOs,
    /// devices, sockets), relative to the root: never read.
    pub skipped: Vec<(Utf8PathBuf, Kind)>,
}

impl InputWalk {
    /// One warning line per skipped entry, for the terminal.
    pub fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        self.skipped.iter().map(|(path, kind)| skipped_warning(path, *kind))
    }
}

/// The warning for an entry of an input folder that is not read.
pub fn skipped_warning(path: &Utf8Path, kind: Kind) -> String {
    let what = match kind {
        Kind::Link => "a symbolic link (qsite follows no link in the site folder)",
        _ => "not a regular file (a FIFO, a device or a socket)",
    };
    format!("warning: skipped `{path}`: it is {what}")
}

/// The walk of one input folder (or a folder in it), with the rules every
/// walk of the site shares, `build`'s and `serve`'s alike: `.gitignore`
/// and `.ignore` honored (even outside a git checkout), hidden names
/// skipped but in `static/` (copied whole, as Zola copies it), and no
/// symbolic link followed.
fn walker(root: &Utf8Path, folder: &Utf8Path) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(root.join(folder));
    let in_static = folder.components().next().is_some_and(|first| first.as_str() == "static");
    walker.require_git(false).hidden(!in_static).follow_links(false).sort_by_file_path(|a, b| a.cmp(b));
    walker
}

/// Files a walk found under `folder` (relative to the root), and the
/// entries it skipped.
fn walk(root: &Utf8Path, folder: &Utf8Path, found: &mut InputWalk) -> Result<(), EnvironmentError> {
    for entry in walker(root, folder).build() {
        let entry = entry.map_err(|error| EnvironmentError::UnreadableRoot {
            root: root.to_owned(),
            source: io::Error::other(error),
        })?;
        let path = Utf8Path::from_path(entry.path())
            .ok_or_else(|| EnvironmentError::NonUtf8Path(entry.path().display().to_string()))?;
        let relative = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        match entry.file_type().map(Kind::of) {
            Some(Kind::File) => found.paths.push(relative),
            Some(Kind::Folder) | None => {}
            Some(kind) => found.skipped.push((relative, kind)),
        }
    }
    Ok(())
}

/// Every input file of the site, and the entries the walk skipped.
///
/// Walks `content/`, `templates/`, `static/` and `data/` by the rules of
/// [`walker`]: only regular files are inputs. An input folder may itself
/// be a link (the user's own arrangement); no link inside one is followed.
pub fn input_paths(root: &Utf8Path) -> Result<InputWalk, EnvironmentError> {
    let mut found = InputWalk::default();
    // An input folder itself may be a link (a `content/` kept elsewhere):
    // the user made it so. Links inside it are what a walk skips.
    for dir in INPUT_DIRS.iter().map(Utf8Path::new).filter(|dir| root.join(dir).is_dir()) {
        walk(root, dir, &mut found)?;
    }
    found.paths.sort();
    Ok(found)
}

/// The input files at or below `relative` (a file or a folder, relative to
/// the root) as [`input_paths`] would list them: what a watcher re-reads
/// after an event on that path. Empty when the path is gone, is outside the
/// input folders, is hidden or ignored, or lies under a link; a link or a
/// FIFO at or below it is skipped, as the walk skips it.
///
/// # Performance
/// For a file, one directory listing per folder between its input folder
/// and the file (the walker's rules are per entry); for a folder, a walk of
/// that folder.
pub fn input_paths_at(root: &Utf8Path, relative: &Utf8Path) -> Result<InputWalk, EnvironmentError> {
    let mut found = InputWalk::default();
    if !relative.components().next().is_some_and(|first| INPUT_DIRS.contains(&first.as_str())) {
        return Ok(found);
    }
    // Every step below the input folder must survive the walker's filters
    // (hidden names, ignore files in any folder above), and every folder
    // on the way must be a folder, not a link to one.
    let mut step = Utf8PathBuf::new();
    let count = relative.components().count();
    for (depth, component) in relative.components().enumerate() {
        let parent = step.clone();
        step.push(component);
        if depth == 0 {
            if !root.join(&step).is_dir() {
                return Ok(found);
            }
            continue;
        }
        if !walker_keeps(root, &parent, component.as_str()) {
            return Ok(found);
        }
        match kind_at(&root.join(&step)).ok().flatten() {
            None => return Ok(found),
            Some(Kind::Folder) => {}
            Some(Kind::File) if depth + 1 == count => found.paths.push(step.clone()),
            Some(Kind::File) => return Ok(found),
            Some(kind) => {
                found.skipped.push((step, kind));
                return Ok(found);
            }
        }
    }
    if found.paths.is_empty() {
        walk(root, relative, &mut found)?;
        found.paths.sort();
    }
    Ok(found)
}

/// Whether a walk of `parent` (relative to the root) with the rules of
/// [`walker`] yields its entry `name`.
fn walker_keeps(root: &Utf8Path, parent: &Utf8Path, name: &str) -> bool {
    let wanted = name.to_owned();
    walker(root, parent)
        .max_depth(Some(1))
        .filter_entry(move |entry| entry.depth() == 0 || entry.file_name() == wanted.as_str())
        .build()
        .any(|entry| entry.is_ok_and(|entry| entry.depth() == 1))
}

/// Markdown files under `content/` that ignore rules (`.gitignore`,
/// `.ignore`) hide from the walk, when they hide every one of them: the site
/// then builds without a single page, which looks like a bug in qsite unless
/// something says why.
#[derive(Debug)]
pub struct HiddenContent {
    /// How many Markdown files `content/` holds on disk.
    pub count: usize,
    /// The first of them, relative to the root.
    pub example: Utf8PathBuf,
    /// The ignore file and the rule in it that hides `example`, when it is
    /// one qsite can find (not a global git excludes file).
    pub rule: Option<(Utf8PathBuf, String)>,
}

impl std::fmt::Display for HiddenContent {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "`content/` has {} Markdown file(s) but ignore rules hide them all, so the site has no pages: ",
            self.count
        )?;
        match &self.rule {
            Some((file, rule)) => write!(formatter, "`{}` matches `{rule}` in `{file}`", self.example),
            None => write!(formatter, "`{}` is ignored (by a global git excludes file?)", self.example),
        }
    }
}

/// What hides the site's content, when the walk listed in `paths` found no
/// Markdown under `content/` although the folder has some; `None` otherwise.
///
/// # Performance
/// Nothing when `paths` has a page; otherwise one unfiltered walk of
/// `content/`.
pub fn hidden_content<'a>(root: &Utf8Path, paths: impl IntoIterator<Item = &'a Utf8Path>) -> Option<HiddenContent> {
    let is_page = |path: &Utf8Path| path.starts_with("content") && path.extension() == Some("md");
    if paths.into_iter().any(is_page) {
        return None;
    }
    // Hidden files stay out: the walk skips them for a reason of its own.
    let on_disk: Vec<Utf8PathBuf> = ignore::WalkBuilder::new(root.join("content"))
        .standard_filters(false)
        .hidden(true)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
        .filter_map(|entry| Utf8PathBuf::from_path_buf(entry.into_path()).ok())
        .filter(|path| path.strip_prefix(root).is_ok_and(is_page))
        .collect();
    let example = on_disk.first()?;
    Some(HiddenContent {
        count: on_disk.len(),
        example: example.strip_prefix(root).unwrap_or(example).to_owned(),
        rule: ignore_rule(root, example),
    })
}

/// The ignore file and rule that hide `file`: the nearest folder's rules
/// win, and `.ignore` wins over `.gitignore`, as in the walker. Folders above
/// the root count too, as they do for the walker outside a git checkout.
fn ignore_rule(root: &Utf8Path, file: &Utf8Path) -> Option<(Utf8PathBuf, String)> {
    let absolute = std::path::absolute(file).ok()?;
    for folder in absolute.ancestors().skip(1) {
        for name in [".ignore", ".gitignore"] {
            let ignore_file = folder.join(name);
            if !ignore_file.is_file() {
                continue;
            }
            let (rules, _) = ignore::gitignore::Gitignore::new(&ignore_file);
            match rules.matched_path_or_any_parents(&absolute, false) {
                ignore::Match::None => {}
                ignore::Match::Whitelist(_) => return None,
                ignore::Match::Ignore(glob) => {
                    let shown = std::path::absolute(root)
                        .ok()
                        .and_then(|root| ignore_file.strip_prefix(root).ok().map(|path| path.to_path_buf()))
                        .unwrap_or(ignore_file);
                    let shown = Utf8PathBuf::from_path_buf(shown).ok()?;
                    return Some((shown, glob.original().to_owned()));
                }
            }
        }
    }
    None
}

/// Whether queries read a file's text (Markdown, templates, data, config,
/// stylesheets) or
/// only need to know it changed (static files and colocated assets).
pub fn is_text_input(relative: &Utf8Path, config_path: &Utf8Path) -> bool {
    relative == config_path
        || relative.starts_with("templates")
        || relative.starts_with("data")
        || relative.starts_with(SASS)
        || (relative.starts_with("content") && relative.extension() == Some("md"))
        || is_theme_text(relative)
}

/// The bytes of the input file at `relative`, which must still be a
/// regular file (see [`read_regular`]). The configuration file alone may
/// be a link (one configuration shared by several sites): it is named by
/// the user, not found by a walk.
pub fn read_source(root: &Utf8Path, relative: &Utf8Path, config_path: &Utf8Path) -> Result<Vec<u8>, EnvironmentError> {
    let path = root.join(relative);
    let path = if relative == config_path { path.canonicalize_utf8().unwrap_or(path) } else { path };
    read_regular(&path).map_err(|refusal| match refusal {
        Refusal::Io(source) => EnvironmentError::UnreadableFile { path, source },
        refusal => EnvironmentError::Refused { path, refusal },
    })
}

/// Reads one input file into what queries see.
pub fn read_input(root: &Utf8Path, relative: &Utf8Path, config_path: &Utf8Path) -> Result<FileText, EnvironmentError> {
    let bytes = read_source(root, relative, config_path)?;
    Ok(if is_text_input(relative, config_path) {
        match String::from_utf8(bytes) {
            Ok(text) => FileText::Text(text.into()),
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                FileText::NotUtf8 { lossy: String::from_utf8_lossy(error.as_bytes()).into(), valid_up_to }
            }
        }
    } else {
        FileText::Opaque { hash: *blake3::hash(&bytes).as_bytes(), len: bytes.len() as u64 }
    })
}

/// The input files of a site as seen now, against what the last build saw.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every input file's stat and hash.
    pub files: Vec<(Utf8PathBuf, FileStat)>,
    /// Files that are new or whose contents changed since the last build.
    pub changed: Vec<Utf8PathBuf>,
    /// Files the last build saw that are gone.
    pub removed: Vec<String>,
    /// What the walk skipped (see [`InputWalk`]).
    pub skipped: Vec<(Utf8PathBuf, Kind)>,
}

/// Stats every input file and hashes only those whose stat differs from
/// the last build's: an unchanged site costs one `stat` a file, taken
/// relative to the open root ([`Folder`]). A stat is trusted only for files last modified before
/// `trusted_before_ns` (shortly before the last build started), because a
/// file saved twice within the file system's timestamp granularity can keep
/// its size and modification time while its contents change.
pub fn scan(
    root: &Utf8Path,
    config_path: &Utf8Path,
    previous: &HashMap<String, FileStat>,
    trusted_before_ns: i64,
) -> Result<Scan, EnvironmentError> {
    let InputWalk { mut paths, skipped } = input_paths(root)?;
    paths.push(config_path.to_owned());
    let folder =
        Folder::open(root).map_err(|source| EnvironmentError::UnreadableRoot { root: root.to_owned(), source })?;
    // Each file's stat (and, when it differs, its hash) on its own: in parallel.
    let stats: Vec<(FileStat, bool)> = paths
        .par_iter()
        .map(|relative| {
            let unreadable = |source| EnvironmentError::UnreadableFile { path: root.join(relative), source };
            let Stat { size, mtime_ns, ctime_ns, inode, device } =
                folder.stat(relative.as_str()).map_err(unreadable)?;
            // Besides size and modification time, which an edit can keep (a
            // tool that restores the time), the status change time, inode
            // and device: as git's index does, any difference means the
            // file is hashed.
            let seen = FileStat { size, mtime_ns, ctime_ns, inode, device, hash: [0; 32] };
            let last = previous.get(relative.as_str());
            if let Some(stat) =
                last.filter(|stat| FileStat { hash: [0; 32], ..**stat } == seen && seen.mtime_ns < trusted_before_ns)
            {
                return Ok((*stat, false));
            }
            let hash = *blake3::hash(&read_source(root, relative, config_path)?).as_bytes();
            Ok((FileStat { hash, ..seen }, last.is_none_or(|stat| stat.hash != hash)))
        })
        .collect::<Result<_, EnvironmentError>>()?;
    let mut scan = Scan { skipped, ..Scan::default() };
    let mut present = 0;
    for (relative, (stat, changed)) in paths.into_iter().zip(stats) {
        if changed {
            scan.changed.push(relative.clone());
        }
        present += usize::from(previous.contains_key(relative.as_str()));
        scan.files.push((relative, stat));
    }
    // Every file the last build saw is still here, unless fewer are found.
    if present < previous.len() {
        let found: HashSet<&str> = scan.files.iter().map(|(path, _)| path.as_str()).collect();
        scan.removed = previous.keys().filter(|path| !found.contains(path.as_str())).cloned().collect();
        scan.removed.sort();
    }
    Ok(scan)
}
