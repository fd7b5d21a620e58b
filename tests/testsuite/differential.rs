//! Randomized differential tests of qsite's promise: after any sequence of
//! edits, the incremental result equals a clean build of the same files,
//! diagnostics included. Random sites get random edit sequences, checked
//! after every step in one process (the library's workspace), across
//! processes (`qsite build` and its `.qsite/` cache) and through
//! `qsite serve`. A failing sequence shrinks to a minimal one, printed as
//! the regression test to add.
//!
//! CI runs a bounded number of cases; `QSITE_DIFFERENTIAL_CASES=500` (and
//! `QSITE_DIFFERENTIAL_STEPS`) runs more.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::random_site::{Edit, Model};
use crate::support::{SiteTest, rendered, url_path, without_injection};

/// The first seed; each case adds one.
const FIRST_SEED: u64 = 0x5EED;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// The random cases of a mode: a seed (which makes the starting site) and
/// the edits.
fn cases(default_cases: usize, default_steps: usize) -> Vec<(u64, Vec<Edit>)> {
    let steps = setting("QSITE_DIFFERENTIAL_STEPS", default_steps);
    (0..setting("QSITE_DIFFERENTIAL_CASES", default_cases) as u64)
        .map(|case| {
            let seed = FIRST_SEED + case;
            let mut rng = fastrand::Rng::with_seed(seed ^ 0xED17);
            (seed, (0..steps).map(|_| Edit::random(&mut rng)).collect())
        })
        .collect()
}

/// Writes the model's files into the site, deleting those it no longer
/// has; returns whether any file changed.
fn sync(site: &SiteTest, files: &BTreeMap<String, String>, previous: &BTreeMap<String, String>) -> bool {
    let mut changed = false;
    for (path, text) in files {
        if previous.get(path) != Some(text) {
            site.write(path, text);
            changed = true;
        }
    }
    for path in previous.keys().filter(|path| !files.contains_key(*path)) {
        site.remove(path);
        changed = true;
    }
    changed
}

/// Runs `check` on every case; on a failure, shrinks the case to a minimal
/// sequence of edits that still fails and panics with it.
fn run(mode: &str, cases: Vec<(u64, Vec<Edit>)>, check: impl Fn(u64, &[Edit]) -> Result<(), String>) {
    for (seed, edits) in cases {
        let Err(first) = check(seed, &edits) else { continue };
        let mut minimal = edits.clone();
        let mut index = minimal.len();
        while index > 0 {
            index -= 1;
            let mut shorter = minimal.clone();
            shorter.remove(index);
            if check(seed, &shorter).is_err() {
                minimal = shorter;
                index = index.min(minimal.len());
            }
        }
        let last = check(seed, &minimal).err().unwrap_or(first);
        let listed: Vec<String> = minimal.iter().map(ToString::to_string).collect();
        panic!(
            "{mode}: the incremental result differs from a clean build.\n{last}\n\
             Minimal case, to add as a regression test: seed {seed}, edits [{}]",
            listed.join(", ")
        );
    }
}

/// One process: the workspace `serve` holds, refreshed after each edit,
/// against a workspace loaded fresh.
fn in_process(seed: u64, edits: &[Edit]) -> Result<(), String> {
    let mut model = Model::random(&mut fastrand::Rng::with_seed(seed));
    let site = SiteTest::empty();
    let mut files = model.files();
    sync(&site, &files, &BTreeMap::new());
    let mut workspace = site.load();
    rendered(&workspace);
    for (step, edit) in edits.iter().enumerate() {
        model.apply(*edit);
        let next = model.files();
        sync(&site, &next, &files);
        files = next;
        workspace.refresh().map_err(|error| format!("step {step} ({edit}): {error}"))?;
        let (incremental, clean) = (rendered(&workspace), rendered(&site.load()));
        if incremental != clean {
            return Err(format!(
                "step {step} ({edit}): {}",
                first_difference(&incremental.0, &clean.0, &incremental.1, &clean.1)
            ));
        }
    }
    Ok(())
}

fn first_difference<T: PartialEq + std::fmt::Debug>(
    ours: &BTreeMap<String, Vec<u8>>,
    theirs: &BTreeMap<String, Vec<u8>>,
    our_notes: &T,
    their_notes: &T,
) -> String {
    let path = ours.keys().chain(theirs.keys()).find(|path| ours.get(*path) != theirs.get(*path));
    match path {
        Some(path) => format!(
            "{path} differs:\n--- incremental\n{}\n--- clean\n{}",
            ours.get(path).map(|bytes| String::from_utf8_lossy(bytes).into_owned()).unwrap_or("(absent)".into()),
            theirs.get(path).map(|bytes| String::from_utf8_lossy(bytes).into_owned()).unwrap_or("(absent)".into())
        ),
        None if our_notes != their_notes => {
            format!("diagnostics differ:\n--- incremental\n{our_notes:?}\n--- clean\n{their_notes:?}")
        }
        None => "no difference".to_owned(),
    }
}

/// Diagnostics as a build prints them, without its timing.
fn printed_diagnostics(stderr: &str) -> String {
    stderr.lines().filter(|line| !line.starts_with("note: ")).collect::<Vec<_>>().join("\n")
}

/// New processes: `qsite build` after each edit, against a clean build of
/// a copy of the same files; exit codes and diagnostics included.
fn across_processes(seed: u64, edits: &[Edit]) -> Result<(), String> {
    let mut model = Model::random(&mut fastrand::Rng::with_seed(seed));
    let site = SiteTest::empty();
    let mut files = model.files();
    sync(&site, &files, &BTreeMap::new());
    site.qsite(&["build"]);
    for (step, edit) in edits.iter().enumerate() {
        model.apply(*edit);
        let next = model.files();
        sync(&site, &next, &files);
        files = next;
        let incremental = site.qsite(&["build"]);
        let clean_site = site.copy_of_inputs();
        let clean = clean_site.qsite(&["build"]);
        let (ours, theirs) = (site.public(), clean_site.public());
        let (our_notes, their_notes) = (
            (incremental.code, printed_diagnostics(&incremental.stderr)),
            (clean.code, printed_diagnostics(&clean.stderr)),
        );
        if ours != theirs || our_notes != their_notes {
            return Err(format!(
                "step {step} ({edit}): {}",
                first_difference(&ours, &theirs, &our_notes, &their_notes)
            ));
        }
    }
    Ok(())
}

/// `qsite serve`: after each edit, once the server has applied it, every
/// page it serves equals a clean build's, and pages gone are gone.
fn through_serve(seed: u64, edits: &[Edit]) -> Result<(), String> {
    let mut model = Model::random(&mut fastrand::Rng::with_seed(seed));
    let site = SiteTest::empty();
    let mut files = model.files();
    sync(&site, &files, &BTreeMap::new());
    let served = site.serve(&[]);
    let mut previous_outputs: Vec<String> = Vec::new();
    for (step, edit) in edits.iter().enumerate() {
        model.apply(*edit);
        let next = model.files();
        let changed = sync(&site, &next, &files);
        files = next;
        if changed {
            served.wait_for_line(" changed: ");
        }
        let clean_site = site.copy_of_inputs();
        let clean = clean_site.qsite(&["build", "--base-url", &served.url]);
        let expected = clean_site.site_files();
        // A burst of events may reach the server as two updates: give the
        // second one time before calling a difference stale.
        let mut attempt = 0;
        let difference = loop {
            let difference = served_difference(&served, &expected, &previous_outputs, clean.code);
            attempt += 1;
            if difference.is_none() || attempt == 3 {
                break difference;
            }
            std::thread::sleep(Duration::from_millis(300));
        };
        if let Some(difference) = difference {
            return Err(format!("step {step} ({edit}): {difference}"));
        }
        previous_outputs = expected.into_keys().collect();
    }
    Ok(())
}

fn served_difference(
    served: &crate::support::Served,
    expected: &BTreeMap<String, Vec<u8>>,
    previous_outputs: &[String],
    clean_code: i32,
) -> Option<String> {
    if clean_code != 0 {
        // A clean build fails: every page shows the overlay instead.
        let page = served.get("/").text();
        return (!page.contains("qsite-overlay")).then(|| "the site has errors and / shows no overlay".to_owned());
    }
    for (output, bytes) in expected {
        let fetched = served.get(&url_path(output));
        let body =
            if output.ends_with(".html") { without_injection(&fetched.text()).into_bytes() } else { fetched.body };
        if fetched.status != 200 || body != *bytes {
            return Some(format!(
                "{output} served ({}) differs:\n--- served\n{}\n--- clean\n{}",
                fetched.status,
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    previous_outputs.iter().filter(|output| !expected.contains_key(*output)).find_map(|gone| {
        let status = served.get(&url_path(gone)).status;
        (status == 200).then(|| format!("{gone} is still served though a clean build no longer makes it"))
    })
}

#[test]
fn random_edits_in_one_process_equal_a_clean_build() {
    run("in one process", cases(24, 16), in_process);
}

#[test]
fn random_edits_across_processes_equal_a_clean_build() {
    run("across processes", cases(4, 8), across_processes);
}

#[test]
fn random_edits_through_serve_equal_a_clean_build() {
    run("through serve", cases(3, 8), through_serve);
}
