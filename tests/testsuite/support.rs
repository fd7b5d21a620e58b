//! The test harness: a site folder copied into a temporary directory, the
//! real `qsite` binary run on it, and comparison with a clean build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site folder of the test's own, in a temporary directory.
pub struct SiteTest {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

/// The result of running `qsite`.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// What it printed to stdout.
    pub stdout: String,
    /// What it printed to stderr.
    pub stderr: String,
}

impl Run {
    fn from_output(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts that stderr contains every needle.
    #[track_caller]
    pub fn assert_stderr_has(&self, needles: &[&str]) -> &Run {
        for needle in needles {
            assert!(self.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", self.stderr);
        }
        self
    }
}

/// Every file under `dir`, relative path → bytes; hidden files included.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in ignore::WalkBuilder::new(dir).standard_filters(false).build() {
        let entry = entry.expect("walk");
        if entry.file_type().is_some_and(|kind| kind.is_file()) {
            let relative = entry.path().strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
            files.insert(relative, std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

/// The site's inputs: everything but `public/` and `.qsite/`.
fn inputs(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root).into_iter().filter(|(path, _)| !path.starts_with("public/") && !path.starts_with(".qsite/")).collect()
}

impl SiteTest {
    /// A copy of `tests/sites/<name>`.
    pub fn copy(name: &str) -> SiteTest {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name);
        let site = SiteTest::empty();
        for (relative, bytes) in inputs(&source) {
            site.write_bytes(&relative, &bytes);
        }
        site
    }

    /// An empty folder.
    pub fn empty() -> SiteTest {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path().to_path_buf();
        SiteTest { _dir: dir, root }
    }

    /// A site made of `(path, text)` files.
    pub fn with_files(files: &[(&str, &str)]) -> SiteTest {
        let site = SiteTest::empty();
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes a file of the site.
    pub fn write(&self, relative: &str, text: &str) -> &SiteTest {
        self.write_bytes(relative, text.as_bytes())
    }

    /// Writes a file of the site, bytes and all.
    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> &SiteTest {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::fs::write(path, bytes).expect("write");
        self
    }

    /// Reads a file of the site.
    pub fn read_input(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).expect("read input")
    }

    /// Replaces the first `from` with `to` in a file, failing if absent.
    pub fn edit(&self, relative: &str, from: &str, to: &str) -> &SiteTest {
        let text = self.read_input(relative);
        assert!(text.contains(from), "`{from}` not in {relative}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// Deletes a file of the site.
    pub fn remove(&self, relative: &str) -> &SiteTest {
        std::fs::remove_file(self.root.join(relative)).expect("remove");
        self
    }

    /// Renames a file of the site.
    pub fn rename(&self, from: &str, to: &str) -> &SiteTest {
        let target = self.root.join(to);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("create dirs");
        std::fs::rename(self.root.join(from), target).expect("rename");
        self
    }

    /// Runs `qsite --root <site> <args>`.
    pub fn qsite(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_qsite"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .output()
            .expect("run qsite");
        Run::from_output(output)
    }

    /// `qsite build`, which must succeed.
    #[track_caller]
    pub fn build(&self) -> &SiteTest {
        self.qsite(&["build"]).assert_code(0);
        self
    }

    /// A file of the output.
    #[track_caller]
    pub fn output(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join("public").join(relative))
            .unwrap_or_else(|error| panic!("public/{relative}: {error}"))
    }

    /// Whether the output has this file.
    pub fn has_output(&self, relative: &str) -> bool {
        self.root.join("public").join(relative).is_file()
    }

    /// Every file of the output.
    pub fn public(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.root.join("public"))
    }

    /// Builds a copy of the site's inputs from scratch and compares its
    /// output with this site's, byte for byte.
    #[track_caller]
    pub fn assert_same_as_clean_build(&self) -> &SiteTest {
        let clean = SiteTest::empty();
        for (relative, bytes) in inputs(&self.root) {
            clean.write_bytes(&relative, &bytes);
        }
        clean.build();
        let (ours, theirs) = (self.public(), clean.public());
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "output files differ from a clean build"
        );
        for (path, bytes) in &ours {
            assert!(
                bytes == &theirs[path],
                "public/{path} differs from a clean build:\n--- incremental\n{}\n--- clean\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&theirs[path])
            );
        }
        self
    }
}
