//! The serve part of `cargo xtask bench`: starts the release `qsite serve`
//! on a generated site, keeps one page open as a browser tab would (its
//! live-reload event stream), makes the build bench's edits to the site
//! folder, and times what a user waits for: the file write until the tab is
//! told to reload, and until the page it then fetches is the new one.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::generate::{Layout, Model};
use crate::http::{self, EventStream};
use crate::scenarios::Scenario;

/// How long an edit may take to reach the tab before the run is a failure.
const EDIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server may take to load and render the site before it listens.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);

/// Where the server's pages open their event stream.
const EVENTS_PATH: &str = "/__qsite/events";

/// The serve bench at one site size.
#[derive(Serialize)]
pub struct ServeBench {
    /// Pages in the site.
    n: usize,
    /// Process start until it prints that it listens: loading and rendering
    /// the whole site, what a user waits for before the first page.
    startup_ms: Option<f64>,
    /// The server's peak resident memory after every edit, from `VmHWM`.
    peak_rss_kb: Option<u64>,
    /// One entry per edit scenario, in the build table's order.
    scenarios: Vec<ServeScenarioResult>,
    /// Why the server did not start, or did not stop cleanly on Ctrl-C.
    failure: Option<String>,
    /// Odd things that did not make a run fail: a second reload for one
    /// write, a rebuild reported after its run ended.
    notes: Vec<String>,
}

impl ServeBench {
    /// Whether anything failed, which makes the bench exit non-zero.
    pub fn failed(&self) -> bool {
        self.failure.is_some() || self.scenarios.iter().any(|scenario| !scenario.failures.is_empty())
    }
}

/// One scenario's runs against the server; the timings are of the runs
/// that succeeded.
#[derive(Serialize)]
struct ServeScenarioResult {
    /// Its name, the same as in the build table.
    scenario: &'static str,
    /// The page kept open in each run.
    urls: Vec<String>,
    /// File write until `event: reload` arrives on the page's event stream.
    reload_ms: Vec<f64>,
    /// File write until a GET of the page, sent on the reload as a browser
    /// does, answers the new page.
    new_page_ms: Vec<f64>,
    /// The server's own latency, from its first file event to the reload
    /// message (its "ms after the change").
    server_reload_ms: Vec<f64>,
    /// What the server spent checking the whole site after the reload.
    server_check_ms: Vec<f64>,
    /// Outputs the server re-rendered for the change.
    rendered: Vec<f64>,
    /// The server's line for each change, as printed.
    server_lines: Vec<String>,
    /// What went wrong in the runs that failed, one line each.
    failures: Vec<String>,
    /// The DESIGN §8 budget for `reload_ms`.
    budget: &'static str,
}

/// The DESIGN §8 budget from the file write to the reload message.
fn reload_budget(n: usize) -> &'static str {
    if n <= 1_000 {
        "<= 30 ms"
    } else if n <= 10_000 {
        "<= 50 ms"
    } else {
        "<= 100 ms"
    }
}

/// Generates the site of `model` at size `n`, serves it with `binary`, and
/// times every edit scenario `runs` times on it.
pub fn bench_serve(binary: &Path, model: &Model, n: usize, runs: usize, bench_dir: &Path) -> ServeBench {
    let site = bench_dir.join(format!("sites/qsite-serve-{n}"));
    let _ = std::fs::remove_dir_all(&site);
    let mut model = model.clone();
    Layout::Qsite.write_site(&site, &model);
    let mut bench =
        ServeBench { n, startup_ms: None, peak_rss_kb: None, scenarios: Vec::new(), failure: None, notes: Vec::new() };
    eprintln!("bench: qsite serve n={n} starting");
    let started = Instant::now();
    let server = match Server::start(binary, &site) {
        Ok(server) => server,
        Err(failure) => {
            bench.failure = Some(failure);
            return bench;
        }
    };
    bench.startup_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
    for scenario in Scenario::ALL {
        // Scenarios that change no page (a clean build, a no-op) have nothing to reload.
        if scenario.changed_page_url(&model, 0).is_none() {
            continue;
        }
        eprintln!("bench: qsite serve n={n} {}", scenario.name());
        let mut result = ServeScenarioResult {
            scenario: scenario.name(),
            urls: Vec::new(),
            reload_ms: Vec::new(),
            new_page_ms: Vec::new(),
            server_reload_ms: Vec::new(),
            server_check_ms: Vec::new(),
            rendered: Vec::new(),
            server_lines: Vec::new(),
            failures: Vec::new(),
            budget: reload_budget(n),
        };
        for run in 0..runs {
            let url = scenario.changed_page_url(&model, run).expect("an edit scenario");
            let mut notes = Vec::new();
            match time_edit(&server, scenario, &site, &mut model, run, &url, &mut notes) {
                Ok(timing) => {
                    result.reload_ms.push(timing.reload_ms);
                    result.new_page_ms.push(timing.new_page_ms);
                    if let Some(numbers) = ChangeLine::parse(&timing.server_line) {
                        result.server_reload_ms.push(numbers.reload_ms);
                        result.server_check_ms.push(numbers.check_ms);
                        result.rendered.push(numbers.rendered);
                    } else {
                        bench.notes.push(format!(
                            "{} run {run}: could not read the server's change line `{}`",
                            scenario.name(),
                            timing.server_line
                        ));
                    }
                    result.server_lines.push(timing.server_line);
                }
                Err(failure) => result.failures.push(format!("run {run} ({url}): {failure}")),
            }
            bench.notes.extend(notes.into_iter().map(|note| format!("{} run {run}: {note}", scenario.name())));
            result.urls.push(url);
        }
        bench.scenarios.push(result);
    }
    let stopped = server.stop();
    bench.peak_rss_kb = stopped.peak_rss_kb;
    bench.failure = stopped.failure;
    bench
}

/// What one run measured.
struct EditTiming {
    reload_ms: f64,
    new_page_ms: f64,
    /// The line the server printed for the change.
    server_line: String,
}

/// Keeps `url` open, applies run `run` of `scenario` and waits for the tab
/// to be told to reload, for the new page, and for the server to finish
/// with the change (its change line), so the next run starts on an idle
/// server.
fn time_edit(
    server: &Server,
    scenario: Scenario,
    site: &Path,
    model: &mut Model,
    run: usize,
    url: &str,
    notes: &mut Vec<String>,
) -> Result<EditTiming, String> {
    let before = http::get(server.port, url, EDIT_TIMEOUT).map_err(|error| format!("GET failed: {error}"))?;
    let fingerprint = live_reload_fingerprint(&before.body)
        .ok_or_else(|| format!("the page (status {}) has no live-reload script", before.status))?;
    let events = EventStream::open(server.port, EVENTS_PATH, &[("path", url), ("fingerprint", fingerprint)])
        .map_err(|error| format!("opening the event stream failed: {error}"))?;
    // The server registers the tab before it sends the first event, so from
    // here on an edit cannot be missed for want of a registration.
    match events.next_before(Instant::now() + EDIT_TIMEOUT) {
        Some(event) if event.name == "clear" => {}
        Some(event) => return Err(format!("the event stream began with `{}` instead of `clear`", event.name)),
        None => return Err("the event stream sent no event on connecting".to_owned()),
    }
    for line in server.change_lines_so_far() {
        notes.push(format!("the server reported a change before the edit: `{line}`"));
    }

    let written = Instant::now();
    scenario.apply(Layout::Qsite, site, model, run);
    let deadline = written + EDIT_TIMEOUT;
    let since_write = |instant: Instant| instant.duration_since(written).as_secs_f64() * 1000.0;
    let mut reloaded = None;
    while let Some(event) = events.next_before(deadline) {
        if event.name == "reload" {
            reloaded = Some(event.arrived);
            break;
        }
        notes.push(format!("`{}` arrived before the reload", event.name));
    }
    let Some(reloaded) = reloaded else {
        let page_changed = http::get(server.port, url, EDIT_TIMEOUT).is_ok_and(|after| after != before);
        let line = server.next_change_line(Instant::now() + Duration::from_secs(1));
        return Err(format!(
            "no reload within {} s of the write; the page {} changed; the server {}",
            EDIT_TIMEOUT.as_secs(),
            if page_changed { "had" } else { "had not" },
            line.map_or("reported no change".to_owned(), |line| format!("said `{line}`"))
        ));
    };

    // What a browser does on the reload: fetch the page again. Later GETs
    // only run if the first still answered the old page, which is a bug.
    let mut stale_answers = 0;
    let new_page = loop {
        let after = http::get(server.port, url, EDIT_TIMEOUT).map_err(|error| format!("GET failed: {error}"))?;
        if after != before {
            break Some(Instant::now());
        }
        stale_answers += 1;
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let line = server.next_change_line(deadline);
    let later_reloads = events.arrived().iter().filter(|event| event.name == "reload").count();
    if later_reloads > 0 {
        notes.push(format!("{later_reloads} more reloads for the same write"));
    }
    let reload_ms = since_write(reloaded);
    match (new_page, line) {
        (None, _) => Err(format!(
            "reloaded {reload_ms:.0} ms after the write, but the page was still the old one {} s after it",
            EDIT_TIMEOUT.as_secs()
        )),
        (Some(_), _) if stale_answers > 0 => Err(format!(
            "reloaded {reload_ms:.0} ms after the write, but {stale_answers} GETs after the reload answered the old page"
        )),
        (Some(_), None) => Err(format!("the server printed no change line within {} s", EDIT_TIMEOUT.as_secs())),
        (Some(new_page), Some(server_line)) => {
            Ok(EditTiming { reload_ms, new_page_ms: since_write(new_page), server_line })
        }
    }
}

/// The fingerprint the server gave a page, from its live-reload script tag.
fn live_reload_fingerprint(html: &str) -> Option<&str> {
    let marker = "data-fingerprint=\"";
    let start = html.rfind(marker)? + marker.len();
    let length = html[start..].find('"')?;
    Some(&html[start..start + length])
}

/// The numbers of the line the server prints for each change:
/// `[18:02:31] content/a.md changed: 2 outputs re-rendered, 1 tab
/// reloaded, 0 restyled, 23 ms after the change; site checked in 8 ms`.
struct ChangeLine {
    rendered: f64,
    reload_ms: f64,
    check_ms: f64,
}

impl ChangeLine {
    fn parse(line: &str) -> Option<ChangeLine> {
        let number_before = |needle: &str| -> Option<f64> {
            let at = line.find(needle)?;
            line[..at].rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        };
        let number_after = |needle: &str| -> Option<f64> {
            let at = line.find(needle)? + needle.len();
            line[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        };
        Some(ChangeLine {
            rendered: number_after(" changed: ")?,
            reload_ms: number_before(" ms after the change")?,
            check_ms: number_after("site checked in ")?,
        })
    }
}

/// A running `qsite serve`. Dropping it without [`Server::stop`] (the bench
/// failed on the way) kills the process, so no server outlives the bench.
struct Server {
    child: Child,
    port: u16,
    /// Its stdout, line by line.
    stdout_lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

/// How the server ended.
struct Stopped {
    peak_rss_kb: Option<u64>,
    failure: Option<String>,
}

impl Server {
    /// Starts `binary` serving `site` on a free port and waits until it listens.
    fn start(binary: &Path, site: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg("--root")
            .arg(site)
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("qsite serve could not start: {error}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (sender, stdout_lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut server = Server { child, port: 0, stdout_lines, stderr: Some(stderr) };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = server.stdout_lines.recv_timeout(wait) else {
                let stderr = server.kill();
                return Err(format!("qsite serve did not start listening: {}", last_lines(&stderr)));
            };
            // `Serving `SITE` at http://127.0.0.1:PORT/ (press Ctrl-C to stop)`
            if let Some(port) = line.split_once("http://127.0.0.1:").and_then(|(_, rest)| {
                rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|port| port.parse().ok())
            }) {
                server.port = port;
                return Ok(server);
            }
        }
    }

    /// The server's change lines printed since the last look, without waiting.
    fn change_lines_so_far(&self) -> Vec<String> {
        self.stdout_lines.try_iter().filter(|line| line.contains(" changed: ")).collect()
    }

    /// The next change line, or `None` if none comes before `deadline`.
    fn next_change_line(&self, deadline: Instant) -> Option<String> {
        loop {
            let line = self.stdout_lines.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()?;
            if line.contains(" changed: ") {
                return Some(line);
            }
        }
    }

    /// Reads the peak RSS, then stops the server as a user does, with
    /// Ctrl-C, and checks that it exits 0.
    fn stop(mut self) -> Stopped {
        let pid = self.child.id();
        let peak_rss_kb = peak_rss_kb(pid);
        // SAFETY: `pid` is our own child, not yet reaped, so it names no other process.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) };
        let deadline = Instant::now() + EDIT_TIMEOUT;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                _ => break None,
            }
        };
        let failure = match status {
            Some(status) if status.success() => None,
            Some(status) => Some(format!("qsite serve ended with {status} after Ctrl-C: {}", last_lines(&self.kill()))),
            None => Some(format!(
                "qsite serve was still running {} s after Ctrl-C: {}",
                EDIT_TIMEOUT.as_secs(),
                last_lines(&self.kill())
            )),
        };
        Stopped { peak_rss_kb, failure }
    }

    /// Kills the server if it still runs and returns what it wrote to stderr.
    fn kill(&mut self) -> String {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        self.stderr.take().and_then(|reader| reader.join().ok()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The last lines of a process's stderr, enough to say why it failed.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// The process's peak resident set so far (`VmHWM`), in KB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `median [min-max]` of some milliseconds or counts, `-` when no run gave one.
fn spread(values: &[f64]) -> String {
    if values.is_empty() {
        return "-".to_owned();
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    format!("{:.0} [{min:.0}-{max:.0}]", crate::median(values))
}

/// Prints the serve section of the report for one size.
pub fn print_serve_table(bench: &ServeBench, runs: usize) {
    println!("\n## serve, N = {} (ms from the file write: median [min-max])\n", bench.n);
    println!(
        "| scenario | reload event | new page served | server: after the change | server: site checked | re-rendered | failed runs | budget (reload) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for result in &bench.scenarios {
        let failed = match result.failures.len() {
            0 => "0".to_owned(),
            count => format!("FAILED {count} of {runs}"),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {failed} | {} |",
            result.scenario,
            spread(&result.reload_ms),
            spread(&result.new_page_ms),
            spread(&result.server_reload_ms),
            spread(&result.server_check_ms),
            spread(&result.rendered),
            result.budget
        );
    }
    let startup = bench.startup_ms.map_or("-".to_owned(), |ms| format!("{ms:.0} ms"));
    let rss = bench.peak_rss_kb.map_or("-".to_owned(), |kb| format!("{:.0} MB", kb as f64 / 1024.0));
    let stopped = if bench.failure.is_some() { "FAILED" } else { "exit 0" };
    println!("\nqsite serve: listening {startup} after it started, peak RSS {rss}, Ctrl-C: {stopped}");
    if let Some(failure) = &bench.failure {
        println!("\nqsite serve: {failure}");
    }
    for result in &bench.scenarios {
        for failure in &result.failures {
            println!("\nqsite serve {}: {failure}", result.scenario);
        }
    }
    for note in &bench.notes {
        println!("\nnote: qsite serve {note}");
    }
}
