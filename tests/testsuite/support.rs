//! The test harness: a site folder copied into a temporary directory, the
//! real `qsite` binary run on it, and comparison with a clean build.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use camino::Utf8Path;
use qsite::workspace::{OutputFile, Workspace};
use queries::BuildOptions;

/// A site folder of the test's own, in a temporary directory.
pub struct SiteTest {
    dir: tempfile::TempDir,
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

/// The list of files qsite wrote, which it keeps in the output folder.
pub const MANIFEST: &str = ".qsite-manifest";

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
        SiteTest { dir, root }
    }

    /// An empty site folder inside an otherwise empty temporary folder, so a
    /// test can see that a build writes nothing beside the site.
    pub fn in_subfolder() -> SiteTest {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path().join("site");
        std::fs::create_dir(&root).expect("site folder");
        SiteTest { dir, root }
    }

    /// A copy of `tests/sites/<name>` inside an otherwise empty temporary
    /// folder, with a folder `canary/` beside it holding one file
    /// (`canary/victim.txt`): what no command may change.
    pub fn copy_beside_canary(name: &str) -> SiteTest {
        let site = SiteTest::in_subfolder();
        for (relative, bytes) in inputs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name)) {
            site.write_bytes(&relative, &bytes);
        }
        let canary = site.canary();
        std::fs::create_dir_all(&canary).expect("canary folder");
        std::fs::write(canary.join("victim.txt"), "precious").expect("canary file");
        site
    }

    /// The canary folder beside the site (see [`SiteTest::copy_beside_canary`]).
    pub fn canary(&self) -> PathBuf {
        self.dir.path().join("canary")
    }

    /// Every file of the temporary folder around the site but the output and
    /// the cache: what no build may ever write to.
    pub fn outside_output(&self) -> BTreeMap<String, Vec<u8>> {
        let site = self.root.strip_prefix(self.dir.path()).expect("site in its folder").to_string_lossy();
        let own = |name: &str| if site.is_empty() { format!("{name}/") } else { format!("{site}/{name}/") };
        let (public, cache) = (own("public"), own(".qsite"));
        tree(self.dir.path())
            .into_iter()
            .filter(|(path, _)| !path.starts_with(&public) && !path.starts_with(&cache))
            .collect()
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

    /// The site loaded into the library's workspace, as `serve` holds it,
    /// with the configuration file `serve` would find (a Zola site's too).
    pub fn load(&self) -> Workspace {
        let root = Utf8Path::from_path(&self.root).expect("UTF-8 temporary path");
        let config = qsite::site_folder::config_file(root);
        Workspace::load(root, &config, BuildOptions::default()).expect("site loads")
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

    /// The site's pages and files in `public/`: everything but the manifest
    /// qsite keeps there for itself, which `serve` does not serve.
    pub fn site_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.public();
        files.remove(MANIFEST);
        files
    }

    /// A new site folder holding a copy of this one's inputs: what a clean
    /// build of the same files starts from.
    pub fn copy_of_inputs(&self) -> SiteTest {
        let copy = SiteTest::empty();
        for (relative, bytes) in inputs(&self.root) {
            copy.write_bytes(&relative, &bytes);
        }
        copy
    }

    /// Builds a copy of the site's inputs from scratch and compares its
    /// output with this site's, byte for byte.
    #[track_caller]
    pub fn assert_same_as_clean_build(&self) -> &SiteTest {
        let clean = self.copy_of_inputs();
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

/// A workspace's whole result as tests compare it: every output's bytes
/// (copied files read from the site) and every diagnostic.
pub fn rendered(workspace: &Workspace) -> (BTreeMap<String, Vec<u8>>, Vec<queries::Diagnostic>) {
    let site = workspace.render(&Default::default(), &Default::default());
    let files = site
        .files
        .into_iter()
        .map(|(path, file)| {
            let bytes = match file {
                OutputFile::Text(text) => text.as_bytes().to_vec(),
                OutputFile::Copy(source) => std::fs::read(workspace.root().join(source)).expect("copied file"),
                OutputFile::Bytes(bytes) => bytes.to_vec(),
            };
            (path, bytes)
        })
        .collect();
    (files, site.diagnostics.to_vec())
}

/// How long a test waits for the server to react before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A `qsite serve` child process on a loopback port the system chose. It is
/// killed when dropped; [`Served::stop`] stops it as Ctrl-C does.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    stdout: Receiver<String>,
    agent: ureq::Agent,
    /// What it printed before the line with its address.
    pub startup: Vec<String>,
}

/// One HTTP response, read whole.
pub struct Fetched {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Fetched {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The URL path that serves an output file: `blog/a/index.html` → `/blog/a/`.
pub fn url_path(output: &str) -> String {
    match output.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{output}"),
    }
}

/// Removes what `qsite serve` adds to every HTML page (the live-reload
/// script and, while the site has errors, the overlay), leaving the bytes
/// `qsite build` writes.
pub fn without_injection(html: &str) -> String {
    let Some(start) = html.find(r#"<script src="/__qsite/live.js""#) else { return html.to_owned() };
    let end = start + html[start..].find("</script>").expect("script end") + "</script>".len();
    let start = html[..start].find(r#"<div id="qsite-overlay""#).unwrap_or(start);
    format!("{}{}", &html[..start], &html[end..])
}

impl SiteTest {
    /// Starts `qsite --root <site> serve <args>` (on `--port 0` unless
    /// `args` names a port) and waits until it listens.
    pub fn serve(&self, args: &[&str]) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_qsite"));
        command
            .arg("--root")
            .arg(&self.root)
            .arg("serve")
            .args(if args.contains(&"--port") { &[][..] } else { &["--port", "0"][..] })
            .args(args);
        Served::start(command)
    }
}

impl Served {
    /// Starts `command` (`qsite serve`, or a shell whose last command is
    /// one) in a process group of its own, and waits until it listens.
    pub fn start(mut command: Command) -> Served {
        let mut child = command
            .process_group(0)
            .stdout(Stdio::piped())
            // What the server reports on stderr (the site's diagnostics)
            // shows in the overlay, which tests read instead.
            .stderr(Stdio::null())
            .spawn()
            .expect("start qsite serve");
        let (sender, stdout) = std::sync::mpsc::channel();
        let pipe = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(PATIENCE))
            .build()
            .into();
        let mut served = Served { child, url: String::new(), stdout, agent, startup: Vec::new() };
        let line = loop {
            let line = served.wait_for_line("");
            if line.contains("Serving") {
                break line;
            }
            served.startup.push(line);
        };
        let start = line.find("http://").expect("the URL is printed");
        served.url = line[start..].split('/').take(3).collect::<Vec<_>>().join("/");
        served
    }

    /// Waits for a line of stdout containing `needle` and returns it.
    #[track_caller]
    pub fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("qsite serve printed no line with {needle:?}"),
            }
        }
    }

    /// GET (or another method) `path` on the server.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Fetched {
        let request = ureq::http::Request::builder().method(method).uri(format!("{}{path}", self.url));
        let request = headers.iter().fold(request, |request, (name, value)| request.header(*name, *value));
        let mut response = self.agent.run(request.body(()).expect("request")).expect("the server answers");
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
            .collect();
        let body = response.body_mut().read_to_vec().expect("body");
        Fetched { status: response.status().as_u16(), headers, body }
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Fetched {
        self.request("GET", path, &[])
    }

    /// GETs `path` until `served` holds of the response; fails after
    /// [`PATIENCE`], saying `what` never happened.
    #[track_caller]
    pub fn wait_until(&self, path: &str, what: &str, served: impl Fn(&Fetched) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !served(&self.get(path)) {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Opens the live-reload event stream a tab showing `path` opens, as if
    /// it had been served the page now.
    pub fn open_tab(&self, path: &str) -> EventStream {
        let page = self.get(path).text();
        let marker = r#"data-fingerprint=""#;
        let start = page.find(marker).expect("the page has the live-reload script") + marker.len();
        let fingerprint = &page[start..start + page[start..].find('"').expect("end of fingerprint")];
        let url = format!("{}/__qsite/events?path={path}&fingerprint={fingerprint}", self.url);
        let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(None).build().into();
        let response = agent.get(&url).call().expect("the event stream opens");
        let (sender, events) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(response.into_body().into_reader());
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Some(name) = line.strip_prefix("event: ")
                    && sender.send(name.to_owned()).is_err()
                {
                    break;
                }
            }
        });
        EventStream { events }
    }

    /// Stops the server as Ctrl-C does and returns its exit code.
    pub fn stop(mut self) -> i32 {
        let group = format!("-{}", self.child.id());
        Command::new("kill").args(["-INT", "--", &group]).status().expect("kill -INT");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "qsite serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        // Already gone after `stop`: then `kill` finds nothing, quietly.
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

/// The live-reload messages one tab receives, by event name (`reload`,
/// `css`, `overlay`, `clear`).
pub struct EventStream {
    events: Receiver<String>,
}

impl EventStream {
    /// The next message, or `None` if none comes within `wait`.
    pub fn next_within(&self, wait: Duration) -> Option<String> {
        self.events.recv_timeout(wait).ok()
    }

    /// Waits for the message `name`, skipping others; fails after
    /// [`PATIENCE`].
    #[track_caller]
    pub fn expect(&self, name: &str) {
        let deadline = Instant::now() + PATIENCE;
        while let Some(event) = self.next_within(deadline.saturating_duration_since(Instant::now())) {
            if event == name {
                return;
            }
        }
        panic!("no `{name}` message arrived");
    }
}

/// The outputs the workspace renders again after `edit`, sorted.
pub fn rendered_after(site: &SiteTest, workspace: &mut Workspace, edit: impl FnOnce(&SiteTest)) -> Vec<String> {
    executed_after(site, workspace, "rendered_output(", edit)
}

/// The keys of the queries named `prefix…)` (e.g. `markdown(content/`) that
/// run again when the workspace renders the site after `edit`, sorted.
pub fn executed_after(
    site: &SiteTest,
    workspace: &mut Workspace,
    prefix: &str,
    edit: impl FnOnce(&SiteTest),
) -> Vec<String> {
    rendered(workspace);
    edit(site);
    workspace.refresh().expect("refresh");
    workspace.take_executed();
    rendered(workspace);
    let mut keys: Vec<String> = workspace
        .take_executed()
        .iter()
        .filter_map(|entry| entry.strip_prefix(prefix))
        .map(|rest| rest.trim_end_matches(')').to_owned())
        .collect();
    keys.sort();
    keys
}
