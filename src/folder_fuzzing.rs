//! An output folder laid out from a fuzzer's bytes, written and pruned by
//! qsite's own functions ([`write_site`], [`remove_written`], the
//! manifest's reader and writer), then checked. It exists for the `folders`
//! fuzz target (`fuzz/`) and for the test suite, which replays that
//! target's corpus through [`run`]: one driver, so what fuzzing found stays
//! fixed without a fuzzer. See issue #27.
//!
//! An input is text, one instruction a line; other lines are skipped.
//!
//! ```text
//! file public/a.html TEXT     a regular file holding TEXT (layout paths are
//! folder public/blog          under the site folder: `public`, `public/…`
//! fifo public/pipe [held]     or `static/…`; a name taken keeps what it has);
//!                             a FIFO `held` is kept open at both ends with
//!                             one byte in it, so that reading or writing it
//!                             shows, while one not held blocks whoever
//!                             opens it without `O_NONBLOCK`
//! link public/l TARGET        a symbolic link to `/dev/zero`, to `@/…` (an
//!                             absolute path in the fuzzing folder, such as
//!                             `@/canary/one`), or to a relative path that
//!                             climbs no higher than the fuzzing folder
//! listed a.html               a line of `public/.qsite-manifest`
//! writing TOKEN               the manifest's temporary-file token
//! record a.html same [TEXT]   a cache record with the entry's own stat
//!                             (`same`, else one nanosecond off) and the
//!                             hash of TEXT, or of the file's bytes
//! output a.html TEXT          an output rendered to TEXT
//! copy a.css style.css        an output copied from `static/style.css`
//! reused a.html               an output produced but not rendered
//! owned a.html                a file the build believes it wrote
//! prune a.html                a deletion as `qsite clean` makes, before the build
//! clean                       `--clean`: records are not trusted
//! ```
//!
//! Beside `site/` lies `canary/`. After the run nothing outside the output
//! folder has changed, `canary/` included; in the output folder a file
//! changed only if it is an output (and then it is a regular file holding
//! the output's bytes, never a link written through), and a file went away
//! only on the two witnesses (the manifest lists it and its record's hash
//! names its bytes); every FIFO held still holds the one byte put in it
//! and nothing more; every error is an [`EnvironmentError`] about the files.
//! That nothing blocks is left to the caller: the fuzzer's `-timeout`, the
//! replay test's deadline.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, symlink};
use std::sync::atomic::{AtomicUsize, Ordering};

use camino::{Utf8Path, Utf8PathBuf};
use queries::output_paths::RESERVED_PREFIX;
use snapshots::{FileStat, OutputRecord};

use crate::folder::{Kind, Stat};
use crate::manifest::{MANIFEST_FILE, Manifest};
use crate::output::{PreviousOutput, remove_written, write_site};
use crate::output_folder::{FolderGuard, checked_output_dir};
use crate::site_folder::EnvironmentError;
use crate::workspace::{OutputFile, RenderedSite};

/// How many lines of an input count: more adds time, not cases.
const MAX_LINES: usize = 64;

/// What `canary/` holds: files nothing qsite does may change, one named as
/// outputs are, for links to it to stand where an output goes.
const CANARY: [(&str, &str); 3] = [("one", "one"), ("dir/two", "two"), ("index.html", "<p>canary</p>")];

/// The byte each FIFO holds while qsite runs: read, it is gone; written
/// to, more follow it.
const MARKER: u8 = b'm';

/// Lays out the folders `blob` describes, runs qsite's writing and pruning
/// on them and panics when a check of the module's documentation fails.
pub fn run(blob: &[u8]) {
    let text = String::from_utf8_lossy(blob);
    let lines: Vec<Line> = text.lines().take(MAX_LINES).filter_map(Line::parse).collect();
    let scratch = Scratch::new();
    let site_root = scratch.path.join("site");
    for (name, contents) in CANARY {
        let path = scratch.path.join("canary").join(name);
        std::fs::create_dir_all(path.parent().expect("canary files are in a folder")).expect("canary folder");
        std::fs::write(path, contents).expect("canary file");
    }
    std::fs::create_dir(&site_root).expect("site folder");
    let fifos = lay_out(&scratch.path, &lines);

    let mut errors = Vec::new();
    let output = checked_output_dir(&site_root, Utf8Path::new("qsite.toml"), Utf8Path::new("public"))
        .map_err(|error| errors.push(error))
        .ok();
    let output_dir = output.as_ref().map_or_else(|| site_root.join("public"), |output| output.path.clone());
    let built = Build::from_lines(&lines, &site_root, &output_dir);
    let before = walk(&scratch.path);

    let outcome = match output {
        Some(_) => built.run(&site_root, &output_dir, &mut errors),
        None => Outcome::default(),
    };

    let after = walk(&scratch.path);
    for (path, fifo) in fifos {
        check_marker(&path, fifo);
    }
    for error in &errors {
        assert!(
            matches!(
                error,
                EnvironmentError::Refused { .. }
                    | EnvironmentError::Write { .. }
                    | EnvironmentError::OutsideOutput { .. }
                    | EnvironmentError::UnreadableFile { .. }
                    | EnvironmentError::UnsafeOutputDir { .. }
            ),
            "an error that is not about the output's files: {error}"
        );
    }
    let inside = output.map(|output| {
        output.path.strip_prefix(&scratch.path).expect("the output folder is in the fuzzing folder").to_string()
    });
    check_outside(&before, &after, inside.as_deref());
    if let Some(inside) = inside {
        let before = subtree(&before, &inside);
        let after = subtree(&after, &inside);
        built.check_output(&before, &after, &outcome);
    }
}

/// A folder of its own in the system's temporary folder, removed when done.
struct Scratch {
    path: Utf8PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let temporary = Utf8PathBuf::from_path_buf(std::env::temp_dir()).expect("a UTF-8 temporary folder");
        // Resolved, as the output folder will be, so the two compare.
        let temporary = temporary.canonicalize_utf8().expect("the temporary folder exists");
        loop {
            let next = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = temporary.join(format!("qsite-folders-{}-{next}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Scratch { path },
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => panic!("cannot make a folder in `{temporary}`: {error}"),
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Removes links, never what they point to.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// One instruction of an input.
enum Line<'a> {
    File(&'a str, &'a str),
    Folder(&'a str),
    Fifo { path: &'a str, held: bool },
    Link(&'a str, &'a str),
    Listed(&'a str),
    Writing(&'a str),
    Record { path: &'a str, same_stat: bool, text: Option<&'a str> },
    Output(&'a str, &'a str),
    Copy(&'a str, &'a str),
    Reused(&'a str),
    Owned(&'a str),
    Prune(&'a str),
    Clean,
}

impl<'a> Line<'a> {
    fn parse(line: &'a str) -> Option<Line<'a>> {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        Some(match word {
            "file" => Line::File(first, tail),
            "folder" => Line::Folder(rest),
            "fifo" => Line::Fifo { path: first, held: tail == "held" },
            "link" => Line::Link(first, tail),
            "listed" => Line::Listed(rest),
            "writing" => Line::Writing(rest),
            "record" => {
                let (mode, text) = tail.split_once(' ').map_or((tail, None), |(mode, text)| (mode, Some(text)));
                Line::Record { path: first, same_stat: mode != "other", text }
            }
            "output" => Line::Output(first, tail),
            "copy" => Line::Copy(first, tail),
            "reused" => Line::Reused(rest),
            "owned" => Line::Owned(rest),
            "prune" => Line::Prune(rest),
            "clean" => Line::Clean,
            _ => return None,
        })
    }
}

/// The names of `path` if each is a plain name (no `.`, `..` or empty name,
/// no NUL): what the layout may create and a link may descend through.
fn plain_names(path: &str) -> Option<Vec<&str>> {
    let names: Vec<&str> = path.split('/').collect();
    names.iter().all(|name| !matches!(*name, "" | "." | "..") && !name.contains('\0')).then_some(names)
}

/// Makes what the layout lines describe under `site/`, first line first,
/// never through a link: each folder on the way is a real one, made when
/// missing. Returns each FIFO held, opened to read and write with the
/// marker in it.
fn lay_out(scratch: &Utf8Path, lines: &[Line]) -> Vec<(Utf8PathBuf, File)> {
    let site = scratch.join("site");
    let mut fifos = Vec::new();
    for line in lines {
        let (Line::File(path, _) | Line::Folder(path) | Line::Fifo { path, .. } | Line::Link(path, _)) = *line else {
            continue;
        };
        let Some(names) = plain_names(path) else { continue };
        let Some((last, folders)) = names.split_last() else { continue };
        if !matches!(names[0], "public" | "static") {
            continue;
        }
        let Some(folder) = real_folders(&site, folders) else { continue };
        let at = folder.join(last);
        // A name already taken keeps what it has: errors are skipped lines.
        match *line {
            Line::File(_, text) => {
                let _ = File::options()
                    .write(true)
                    .create_new(true)
                    .open(&at)
                    .and_then(|mut file| file.write_all(text.as_bytes()));
            }
            Line::Folder(_) => {
                let _ = std::fs::create_dir(&at);
            }
            Line::Fifo { held, .. } => {
                let mode = rustix::fs::Mode::from_raw_mode(0o644);
                if rustix::fs::mkfifoat(rustix::fs::CWD, at.as_std_path(), mode).is_ok() && held {
                    fifos.push((at.clone(), marked_fifo(&at)));
                }
            }
            Line::Link(_, target) => {
                if let Some(target) = link_target(scratch, &names, target) {
                    let _ = symlink(target, &at);
                }
            }
            _ => {}
        }
    }
    let manifest_lines: Vec<String> = lines
        .iter()
        .filter_map(|line| match *line {
            Line::Listed(path) => Some(path.to_owned()),
            Line::Writing(token) => Some(format!("writing {token}")),
            _ => None,
        })
        .collect();
    if !manifest_lines.is_empty() && real_folders(&site, &["public"]).is_some() {
        let text = format!("# laid out by the folders fuzz target\n{}\n", manifest_lines.join("\n"));
        let _ = File::options()
            .write(true)
            .create_new(true)
            .open(site.join("public").join(MANIFEST_FILE))
            .and_then(|mut file| file.write_all(text.as_bytes()));
    }
    fifos
}

/// The folder `names` under `base`, every one a real folder, made when
/// missing; `None` when something else stands in the way.
fn real_folders(base: &Utf8Path, names: &[&str]) -> Option<Utf8PathBuf> {
    let mut folder = base.to_owned();
    for name in names {
        folder.push(name);
        match std::fs::symlink_metadata(&folder) {
            Ok(metadata) if metadata.is_dir() => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&folder).ok()?,
            _ => return None,
        }
    }
    Some(folder)
}

/// The FIFO at `path` opened to read and write (which never blocks) with
/// the marker written into it.
fn marked_fifo(path: &Utf8Path) -> File {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
    let mut fifo = File::options()
        .read(true)
        .write(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .expect("a FIFO just made opens");
    fifo.write_all(&[MARKER]).expect("a FIFO takes a byte");
    fifo
}

/// Checks that the FIFO at `path` holds the marker and nothing else.
fn check_marker(path: &Utf8Path, mut fifo: File) {
    let mut bytes = [0; 16];
    let first = fifo.read(&mut bytes);
    assert!(matches!(first, Ok(1)) && bytes[0] == MARKER, "the FIFO `{path}` was read: {first:?}");
    let second = fifo.read(&mut bytes);
    assert!(
        matches!(&second, Err(error) if error.kind() == io::ErrorKind::WouldBlock),
        "the FIFO `{path}` was written to: {second:?}"
    );
}

/// The target a `link` line may give the link at `names` (under `site/`):
/// `/dev/zero`, a path in the fuzzing folder (`@/…`), or a relative path
/// that climbs no higher than the fuzzing folder and then only descends.
/// Every link laid out is one of these, so no chain of links leads out of
/// the fuzzing folder, except to `/dev/zero`.
fn link_target(scratch: &Utf8Path, names: &[&str], target: &str) -> Option<String> {
    if target == "/dev/zero" {
        return Some(target.to_owned());
    }
    if let Some(inside) = target.strip_prefix("@/") {
        if inside.is_empty() {
            return Some(scratch.to_string());
        }
        plain_names(inside)?;
        return Some(scratch.join(inside).into_string());
    }
    let parts: Vec<&str> = target.split('/').collect();
    let climbs = parts.iter().take_while(|part| **part == "..").count();
    // The link's folder is `names.len()` folders below the fuzzing folder,
    // `site/` included.
    if climbs > names.len() {
        return None;
    }
    let descent = parts[climbs..].join("/");
    match descent.as_str() {
        "" if climbs > 0 => {}
        _ => {
            plain_names(&descent)?;
        }
    }
    Some(target.to_owned())
}

/// The bytes of the regular file at `path`, not a link; `None` for
/// anything else, which is never opened.
fn regular_bytes(path: &Utf8Path) -> Option<Vec<u8>> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    metadata.is_file().then(|| std::fs::read(path).ok()).flatten()
}

/// What qsite is asked to do, built from the input's lines.
struct Build<'a> {
    site: RenderedSite,
    /// The hash each output's file must hold once written; `None` for a
    /// copy whose source is not a regular file, which cannot be written.
    expected: HashMap<String, Option<[u8; 32]>>,
    records: HashMap<String, OutputRecord>,
    inputs: HashMap<String, FileStat>,
    owned: Vec<&'a str>,
    prunes: Vec<&'a str>,
    trust_records: bool,
}

/// What the run returned that the checks need.
#[derive(Default)]
struct Outcome {
    /// The manifest as read before the build (empty when it was refused).
    manifest: Manifest,
    /// What `write_site` reports it wrote, when it succeeded.
    written: Option<Vec<(String, OutputRecord)>>,
}

impl<'a> Build<'a> {
    /// The outputs, records and inputs the lines name, records made from
    /// the laid-out entries under `output_dir`.
    fn from_lines(lines: &[Line<'a>], site_root: &Utf8Path, output_dir: &Utf8Path) -> Build<'a> {
        let mut build = Build {
            site: RenderedSite::default(),
            expected: HashMap::new(),
            records: HashMap::new(),
            inputs: HashMap::new(),
            owned: Vec::new(),
            prunes: Vec::new(),
            trust_records: true,
        };
        for line in lines {
            match *line {
                Line::Record { path, same_stat, text } => {
                    let at = plain_names(path).map(|_| output_dir.join(path));
                    let metadata = at.as_ref().and_then(|at| std::fs::symlink_metadata(at).ok());
                    let (size, mtime) =
                        metadata.map_or((0, 0), |metadata| (metadata.len(), Stat::of(&metadata).mtime_ns));
                    let bytes = match text {
                        Some(text) => text.as_bytes().to_vec(),
                        None => at.as_deref().and_then(regular_bytes).unwrap_or_default(),
                    };
                    let mtime_ns = if same_stat { mtime } else { mtime.wrapping_add(1) };
                    let record = OutputRecord { size, mtime_ns, hash: *blake3::hash(&bytes).as_bytes() };
                    build.records.insert(path.to_owned(), record);
                }
                Line::Output(path, text) => {
                    build.expected.insert(path.to_owned(), Some(*blake3::hash(text.as_bytes()).as_bytes()));
                    build.produce(path, OutputFile::Text(text.into()));
                }
                Line::Copy(path, source) => {
                    // Plain names only: the build copies files its walk found.
                    if plain_names(source).is_none() {
                        continue;
                    }
                    let source = Utf8PathBuf::from(format!("static/{source}"));
                    let hash = regular_bytes(&site_root.join(&source)).map(|bytes| *blake3::hash(&bytes).as_bytes());
                    let stat = FileStat {
                        size: 0,
                        mtime_ns: 0,
                        ctime_ns: 0,
                        inode: 0,
                        device: 0,
                        hash: hash.unwrap_or_default(),
                    };
                    build.inputs.insert(source.to_string(), stat);
                    build.expected.insert(path.to_owned(), hash);
                    build.produce(path, OutputFile::Copy(source));
                }
                Line::Reused(path) => {
                    build.site.produced.insert(path.to_owned());
                }
                Line::Owned(path) => build.owned.push(path),
                Line::Prune(path) => build.prunes.push(path),
                Line::Clean => build.trust_records = false,
                _ => {}
            }
        }
        build
    }

    fn produce(&mut self, path: &str, file: OutputFile) {
        self.site.produced.insert(path.to_owned());
        self.site.files.insert(path.to_owned(), file);
    }

    /// Reads the manifest, prunes as `qsite clean` does, then writes the
    /// site as `qsite build` does, into the checked `output_dir`; what
    /// fails is pushed onto `errors` and the rest still runs.
    fn run(&self, site_root: &Utf8Path, output_dir: &Utf8Path, errors: &mut Vec<EnvironmentError>) -> Outcome {
        let guard = FolderGuard::new(output_dir);
        let manifest = match guard.root(false) {
            Ok(Some(folder)) => Manifest::read(&folder, output_dir),
            Ok(None) => Ok(Manifest::default()),
            Err(error) => Err(error),
        };
        let manifest_refused = manifest.is_err();
        let manifest = manifest.unwrap_or_else(|error| {
            errors.push(error);
            Manifest::default()
        });
        for path in &self.prunes {
            if let Err(error) = remove_written(&guard, path, &manifest, &self.records) {
                errors.push(error);
            }
        }
        let owned: BTreeSet<String> =
            manifest.paths.iter().cloned().chain(self.owned.iter().map(|path| (*path).to_owned())).collect();
        let previous = PreviousOutput { manifest: &manifest, owned: &owned, records: &self.records };
        let written = match write_site(site_root, &guard, &self.site, &previous, &self.inputs, self.trust_records) {
            Ok((_stats, changes)) => {
                // The manifest now lists exactly what the site produces.
                let folder = guard.root(false).expect("written into").expect("written into");
                let listed: BTreeSet<String> = self
                    .site
                    .produced
                    .iter()
                    .filter(|path| queries::check_relative_path(path).is_ok())
                    .cloned()
                    .collect();
                match Manifest::read(&folder, output_dir) {
                    Ok(reread) => assert_eq!(reread, Manifest { paths: listed, writing: None }, "the manifest"),
                    // Left as it was: refused before, and nothing to list.
                    Err(error) => assert!(manifest_refused, "the manifest written is refused: {error}"),
                }
                Some(changes.outputs)
            }
            Err(error) => {
                errors.push(error);
                None
            }
        };
        Outcome { manifest, written }
    }

    /// Checks the output folder's entries before and after the run (paths
    /// relative to it) against what qsite may do there.
    fn check_output(&self, before: &Tree, after: &Tree, outcome: &Outcome) {
        let deleted: Vec<&String> = before
            .iter()
            .filter(|(path, seen)| seen.kind != Kind::Folder && !after.contains_key(*path))
            .map(|(path, _)| path)
            .collect();
        let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for path in paths {
            let (was, is) = (before.get(path), after.get(path));
            if was == is || path.rsplit('/').next().is_some_and(|name| name.starts_with(RESERVED_PREFIX)) {
                continue;
            }
            let written = is.is_some_and(|is| {
                is.kind == Kind::File
                    && self.expected.get(path).copied().flatten().is_some_and(|hash| is.contents == hash)
            });
            if written {
                continue;
            }
            let gone = match was {
                None => true,
                Some(was) if was.kind == Kind::Folder => {
                    is.is_some_and(|is| is.kind == Kind::Folder)
                        || deleted.iter().any(|deleted| is_above(path, deleted))
                }
                Some(was) => {
                    was.kind == Kind::File
                        && outcome.manifest.paths.contains(path)
                        && self.records.get(path).is_some_and(|record| was.contents == record.hash)
                }
            };
            let made = match is {
                None => true,
                Some(is) => is.kind == Kind::Folder && self.site.files.keys().any(|output| is_above(path, output)),
            };
            assert!(gone && made, "`{path}` in the output folder changed from {was:?} to {is:?}");
        }
        if let Some(written) = &outcome.written {
            let reported: HashMap<&str, &OutputRecord> =
                written.iter().map(|(path, record)| (path.as_str(), record)).collect();
            for path in self.site.files.keys() {
                let is = after.get(path);
                match reported.get(path.as_str()) {
                    Some(record) => assert!(
                        is.is_some_and(|is| is.kind == Kind::File
                            && is.contents == record.hash
                            && is.stat.0 == record.size),
                        "`{path}` was reported written as {record:?} but is {is:?}"
                    ),
                    None => assert_eq!(before.get(path), is, "`{path}` was reported unchanged"),
                }
            }
        }
    }
}

/// Whether the folder `folder` holds `path` (both `/`-separated, relative
/// to the same folder), however deep.
fn is_above(folder: &str, path: &str) -> bool {
    path.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/'))
}

/// Every entry under a folder, by path relative to it, links not followed.
type Tree = BTreeMap<String, Seen>;

/// One entry as a walk saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    kind: Kind,
    /// A file's hash or a link's target; empty for anything else.
    contents: Vec<u8>,
    /// Size, modification and change times, inode, so that a file written
    /// with the bytes it had still differs; zero for a folder, whose times
    /// move with its entries, which are compared themselves.
    stat: (u64, i64, i64, u64),
}

/// Every entry under `folder` (relative `/`-separated paths), never
/// descending through a link and never opening anything but a regular file.
fn walk(folder: &Utf8Path) -> Tree {
    let mut tree = Tree::new();
    let mut pending = vec![String::new()];
    while let Some(relative) = pending.pop() {
        let Ok(entries) = folder.join(&relative).read_dir_utf8() else { continue };
        for entry in entries {
            let entry = entry.expect("a folder entry");
            let path = if relative.is_empty() {
                entry.file_name().to_owned()
            } else {
                format!("{relative}/{}", entry.file_name())
            };
            let metadata = entry.path().symlink_metadata().expect("an entry just listed");
            let kind = Kind::of(metadata.file_type());
            let contents = match kind {
                Kind::File => blake3::hash(&std::fs::read(entry.path()).expect("a file")).as_bytes().to_vec(),
                Kind::Link => std::fs::read_link(entry.path()).expect("a link").into_os_string().into_encoded_bytes(),
                Kind::Folder | Kind::Special => Vec::new(),
            };
            let stat = match kind {
                Kind::Folder => {
                    pending.push(path.clone());
                    (0, 0, 0, 0)
                }
                _ => (
                    metadata.size(),
                    metadata.mtime().saturating_mul(1_000_000_000).saturating_add(metadata.mtime_nsec()),
                    metadata.ctime().saturating_mul(1_000_000_000).saturating_add(metadata.ctime_nsec()),
                    metadata.ino(),
                ),
            };
            tree.insert(path, Seen { kind, contents, stat });
        }
    }
    tree
}

/// The entries of `tree` under `folder`, by path relative to it.
fn subtree(tree: &Tree, folder: &str) -> Tree {
    tree.iter()
        .filter_map(|(path, seen)| {
            let inside = path.strip_prefix(folder)?.strip_prefix('/')?;
            Some((inside.to_owned(), seen.clone()))
        })
        .collect()
}

/// Checks that nothing outside the output folder (`inside`, relative to
/// the fuzzing folder; everything counts as outside when it was refused)
/// changed, except the output folder and the folders above it appearing.
fn check_outside(before: &Tree, after: &Tree, inside: Option<&str>) {
    let in_output = |path: &str| inside.is_some_and(|inside| path == inside || is_above(inside, path));
    let made_for_output = |path: &str| inside.is_some_and(|inside| is_above(path, inside));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        if in_output(path) {
            continue;
        }
        let (was, is) = (before.get(path), after.get(path));
        let appeared = was.is_none() && is.is_some_and(|is| is.kind == Kind::Folder) && made_for_output(path);
        assert!(was == is || appeared, "`{path}` outside the output folder changed from {was:?} to {is:?}");
    }
}
