//! `cargo xtask tidy` checks the rules of the source tree (see `tidy.rs`).
//!
//! `cargo xtask bench`: builds qsite in release, generates blog-shaped sites,
//! times whole `qsite build` processes through a series of edits (and Zola's
//! and Hugo's on the same site when asked and installed), checks every
//! result against a clean build, times `qsite serve`'s live reload through
//! the same edits, and prints a table and writes JSON under `target/bench/`.
//! It links no qsite code: it measures exactly what users run.

mod features;
mod generate;
mod http;
mod measure;
mod scenarios;
mod serve;
mod tidy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use serde::Serialize;

use generate::{Layout, Model};
use measure::Sample;
use scenarios::Scenario;
use serve::ServeBench;

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Time rebuilds on generated sites; see DESIGN §8 for the budgets.
    Bench {
        /// Site sizes, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
        n: Vec<usize>,
        /// A smoke run CI can afford: 100 pages, 2 runs a scenario.
        #[arg(long)]
        quick: bool,
        /// Timed runs per scenario.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Peers to time on the same site when they are on PATH (zola, hugo).
        #[arg(long, value_delimiter = ',')]
        compare: Vec<String>,
        /// Seed of the site generator.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Time `qsite build` processes; without `--build` or `--serve`, both are timed.
        #[arg(long)]
        build: bool,
        /// Time `qsite serve` from a file write to the tab's reload; without
        /// `--build` or `--serve`, both are timed.
        #[arg(long)]
        serve: bool,
        /// Which site to generate: the blog, or the blog as a Zola site with
        /// shortcodes, Sass, highlighted code and images (builds only; qsite
        /// and Zola).
        #[arg(long, value_enum, default_value_t = SiteKind::Blog)]
        site: SiteKind,
    },
    /// Check the source tree's own rules: headers, floors, site paths.
    Tidy,
}

/// The generated sites the bench can time.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SiteKind {
    /// A blog in each tool's own layout.
    Blog,
    /// The blog in Zola's layout plus shortcodes, Sass, code blocks and images.
    Features,
}

/// What `target/bench/bench.json` holds.
#[derive(Serialize)]
struct Report {
    builds: Vec<ScenarioResult>,
    serve: Vec<ServeBench>,
}

/// One tool's results for one scenario.
#[derive(Serialize, Clone)]
struct ScenarioResult {
    tool: String,
    n: usize,
    scenario: &'static str,
    wall_ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    max_rss_kb: i64,
    /// From qsite's summary line: rendered, reused, written.
    counts: Option<(usize, usize, usize)>,
    same_as_clean: bool,
    differences: Vec<String>,
    failure: Option<String>,
    budget: Option<&'static str>,
    cache_bytes: u64,
}

/// A generator the bench can drive.
struct Tool {
    name: String,
    /// Whose command line to use.
    layout: Layout,
    /// Whose layout the site is written in: the features site is a Zola
    /// site for qsite too.
    site: Layout,
    binary: PathBuf,
}

impl Tool {
    fn build_command(&self, root: &Path) -> Command {
        let mut command = Command::new(&self.binary);
        match self.layout {
            // qsite's command line copies Zola's; `-v` adds the counts read
            // from qsite's output.
            Layout::Qsite => {
                command.arg("--root").arg(root).arg("build").arg("-v");
            }
            Layout::Zola => {
                command.arg("--root").arg(root).arg("build");
            }
            Layout::Hugo => {
                command.arg("--quiet").arg("--source").arg(root);
            }
        }
        command
    }
}

/// Site size past which a Zola build takes tens of seconds (see the Zola
/// templates in `generate.rs`), so the user hears why the bench is slow.
const ZOLA_SLOW_ABOVE: usize = 300;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|candidate| candidate.is_file()))
}

/// Builds qsite in release and returns where cargo put the binary, as cargo
/// reports it (so `CARGO_TARGET_DIR` and build settings are honored).
fn release_binary(root: &Path) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--package",
            "qsite",
            "--bin",
            "qsite",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).lines().rev().find_map(|line| {
        let message: serde_json::Value = serde_json::from_str(line).ok()?;
        let is_qsite = message["reason"] == "compiler-artifact" && message["target"]["name"] == "qsite";
        message["executable"].as_str().filter(|_| is_qsite).map(PathBuf::from)
    })
}

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    if arguments.next().as_deref() == Some(measure::RELAY) {
        let program = arguments.next().expect("the relay is given a program");
        measure::relay(&program, &arguments.collect::<Vec<_>>());
    }
    let (n, quick, runs, compare, seed, build, serve, site) = match Cli::parse().task {
        Task::Bench { n, quick, runs, compare, seed, build, serve, site } => {
            (n, quick, runs, compare, seed, build, serve, site)
        }
        Task::Tidy => return tidy_task(),
    };
    let (sizes, runs) = if quick { (vec![100], 2) } else { (n, runs.max(1)) };
    let (time_builds, time_serve) = if build || serve { (build, serve) } else { (true, true) };
    let features = site == SiteKind::Features;
    if features && time_serve {
        eprintln!("bench: the serve bench times the blog; with --site features only builds are timed");
    }
    let time_serve = time_serve && !features;
    let scenarios: &[Scenario] = if features { &Scenario::FEATURES } else { &Scenario::ALL };
    let root = workspace_root();
    let Some(qsite) = release_binary(&root) else {
        eprintln!("bench: the release build of qsite failed");
        return ExitCode::FAILURE;
    };
    let qsite_site = if features { Layout::Zola } else { Layout::Qsite };
    let mut tools = vec![Tool { name: "qsite".into(), layout: Layout::Qsite, site: qsite_site, binary: qsite.clone() }];
    for peer in &compare {
        let layout = match peer.as_str() {
            "zola" => Layout::Zola,
            "hugo" if features => {
                eprintln!("bench: the features site is a Zola site; comparing without hugo");
                continue;
            }
            "hugo" => Layout::Hugo,
            other => {
                eprintln!("bench: no site layout for `{other}`; only zola and hugo can be compared");
                continue;
            }
        };
        match on_path(peer) {
            Some(binary) => tools.push(Tool { name: peer.clone(), layout, site: layout, binary }),
            None => eprintln!("bench: {peer} is not on PATH; comparing without it"),
        }
    }
    if tools.iter().any(|tool| tool.layout == Layout::Zola) && sizes.iter().any(|&size| size > ZOLA_SLOW_ABOVE) {
        eprintln!(
            "bench: zola serializes every page of the site for each page's sidebar, so its builds grow with N²; \
             past a few hundred pages expect minutes a build"
        );
    }
    // Beside `release/` in whatever target folder cargo uses.
    let bench_dir =
        qsite.parent().and_then(Path::parent).map_or_else(|| root.join("target"), Path::to_path_buf).join("bench");
    let mut report = Report { builds: Vec::new(), serve: Vec::new() };
    for &size in &sizes {
        let mut model = Model::generate(size, seed);
        if features {
            model.features = Some(features::Features::default());
        }
        if time_builds {
            for tool in &tools {
                report.builds.extend(bench_tool(tool, &model, size, runs, scenarios, &bench_dir));
            }
            print_table(&report.builds, size, &tools, scenarios);
        }
        if time_serve {
            let serve_bench = serve::bench_serve(&qsite, &model, size, runs, &bench_dir);
            serve::print_serve_table(&serve_bench, runs);
            report.serve.push(serve_bench);
        }
    }
    std::fs::create_dir_all(&bench_dir).expect("create target/bench");
    let json = serde_json::to_string_pretty(&report).expect("results serialize");
    std::fs::write(bench_dir.join("bench.json"), json).expect("write bench.json");
    println!("\nResults written to target/bench/bench.json");
    let failed = report
        .builds
        .iter()
        .any(|result| result.tool == "qsite" && (result.failure.is_some() || !result.same_as_clean))
        || report.serve.iter().any(ServeBench::failed);
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// `cargo xtask tidy`: prints every problem; fails when there is one.
fn tidy_task() -> ExitCode {
    let problems = tidy::check(&workspace_root());
    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        println!("tidy: the tree keeps its rules");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs every scenario for one tool on a fresh copy of the site.
fn bench_tool(
    tool: &Tool,
    model: &Model,
    n: usize,
    runs: usize,
    scenarios: &[Scenario],
    bench_dir: &Path,
) -> Vec<ScenarioResult> {
    let kind = if model.features.is_some() { "features-" } else { "" };
    let site = bench_dir.join(format!("sites/{kind}{}-{n}", tool.name));
    let _ = std::fs::remove_dir_all(&site);
    let mut model = model.clone();
    tool.site.write_site(&site, &model);
    let mut results = Vec::new();
    for &scenario in scenarios {
        eprintln!("bench: {} n={n} {}", tool.name, scenario.name());
        // A settled site: built once, so each scenario starts from a good state.
        let warm = measure::run(&tool.build_command(&site));
        let mut samples: Vec<Sample> = Vec::new();
        let mut failure = (warm.exit_code != 0).then(|| format!("warm-up build failed: {}", warm.stderr));
        for run in 0..runs {
            scenario.apply(tool.site, &site, &mut model, run);
            let sample = measure::run(&tool.build_command(&site));
            if sample.exit_code != 0 && failure.is_none() {
                failure = Some(format!(
                    "exit {}: {}",
                    sample.exit_code,
                    sample.stderr.lines().take(20).collect::<Vec<_>>().join("\n")
                ));
            }
            samples.push(sample);
        }
        let differences = compare_with_clean(tool, &site, bench_dir);
        let last = samples.last().expect("at least one run");
        results.push(ScenarioResult {
            tool: tool.name.clone(),
            n,
            scenario: scenario.name(),
            wall_ms: samples.iter().map(|sample| sample.wall_ms).collect(),
            cpu_ms: samples.iter().map(|sample| sample.cpu_ms).collect(),
            max_rss_kb: samples.iter().map(|sample| sample.max_rss_kb).max().unwrap_or(0),
            counts: (tool.layout == Layout::Qsite).then(|| summary_counts(&last.stdout)).flatten(),
            same_as_clean: differences.is_empty(),
            differences,
            failure,
            budget: (tool.layout == Layout::Qsite).then(|| scenario.budget(n)).flatten(),
            cache_bytes: directory_size(&site.join(".qsite")),
        });
    }
    results
}

/// `rendered 3, reused 1130, 3 files written` from qsite's summary line.
fn summary_counts(stdout: &str) -> Option<(usize, usize, usize)> {
    let number_before = |needle: &str| -> Option<usize> {
        let at = stdout.find(needle)?;
        stdout[..at].split_whitespace().last()?.trim_end_matches(',').parse().ok()
    };
    let number_after = |needle: &str| -> Option<usize> {
        let at = stdout.find(needle)? + needle.len();
        stdout[at..].split(|c: char| !c.is_ascii_digit()).find(|part| !part.is_empty())?.parse().ok()
    };
    Some((number_after("rendered ")?, number_after("reused ")?, number_before(" files written")?))
}

/// Files a generator writes that are not the site's inputs.
fn is_generated(relative: &str) -> bool {
    ["public/", ".qsite/", "resources/", ".hugo_build.lock"].iter().any(|prefix| relative.starts_with(prefix))
}

/// Builds a copy of the site's inputs from scratch and lists the output files
/// that differ from the incremental output.
fn compare_with_clean(tool: &Tool, site: &Path, bench_dir: &Path) -> Vec<String> {
    let clean = bench_dir.join(format!("clean/{}", tool.name));
    let _ = std::fs::remove_dir_all(&clean);
    for (relative, bytes) in tree(site) {
        if !is_generated(&relative) {
            let path = clean.join(&relative);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("create directory");
            std::fs::write(path, bytes).expect("copy input");
        }
    }
    let sample = measure::run(&tool.build_command(&clean));
    if sample.exit_code != 0 {
        return vec![format!("the clean build failed: {}", sample.stderr)];
    }
    let (ours, theirs) = (tree(&site.join("public")), tree(&clean.join("public")));
    let mut differences: Vec<String> = ours
        .keys()
        .chain(theirs.keys())
        .filter(|path| ours.get(*path) != theirs.get(*path))
        .map(|path| format!("public/{path}"))
        .collect();
    differences.sort();
    differences.dedup();
    differences
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in ignore::WalkBuilder::new(dir).standard_filters(false).build().flatten() {
        if entry.file_type().is_some_and(|kind| kind.is_file()) {
            let relative = entry.path().strip_prefix(dir).expect("under dir").to_string_lossy().into_owned();
            if let Ok(bytes) = std::fs::read(entry.path()) {
                files.insert(relative, bytes);
            }
        }
    }
    files
}

fn directory_size(dir: &Path) -> u64 {
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum()
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn print_table(results: &[ScenarioResult], n: usize, tools: &[Tool], scenarios: &[Scenario]) {
    println!("\n## N = {n} pages (wall ms: median [min-max]; cpu ms median; peak RSS)\n");
    let peers: Vec<&Tool> = tools.iter().skip(1).collect();
    let mut header = format!(
        "| scenario | qsite wall | cpu | RSS MB (<= {}) | rendered/reused/written | .qsite/ KB | = clean | budget |",
        scenarios::rss_budget_mb(n)
    );
    for peer in &peers {
        header.push_str(&format!(" {0} wall | {0} RSS MB | {0} = clean | {0} / qsite |", peer.name));
    }
    println!("{header}");
    println!("{}", "|---".repeat(header.matches('|').count() - 1) + "|");
    for scenario in scenarios {
        let find = |tool: &str| {
            results.iter().find(|result| result.n == n && result.tool == tool && result.scenario == scenario.name())
        };
        let Some(ours) = find("qsite") else { continue };
        let range = |result: &ScenarioResult| {
            let min = result.wall_ms.iter().copied().fold(f64::INFINITY, f64::min);
            let max = result.wall_ms.iter().copied().fold(0.0, f64::max);
            format!("{:.0} [{min:.0}-{max:.0}]", median(&result.wall_ms))
        };
        let verdict = |result: &ScenarioResult| match (&result.failure, result.same_as_clean) {
            (Some(_), _) => "FAILED".to_owned(),
            (None, true) => "yes".to_owned(),
            (None, false) => format!("NO ({} files)", result.differences.len()),
        };
        let counts =
            ours.counts.map_or("-".to_owned(), |(rendered, reused, written)| format!("{rendered}/{reused}/{written}"));
        let mut row = format!(
            "| {} | {} | {:.0} | {:.0} | {counts} | {} | {} | {} |",
            scenario.name(),
            range(ours),
            median(&ours.cpu_ms),
            ours.max_rss_kb as f64 / 1024.0,
            ours.cache_bytes / 1024,
            verdict(ours),
            ours.budget.unwrap_or("")
        );
        for peer in &peers {
            match find(&peer.name) {
                Some(theirs) => row.push_str(&format!(
                    " {} | {:.0} | {} | {:.2}x |",
                    range(theirs),
                    theirs.max_rss_kb as f64 / 1024.0,
                    verdict(theirs),
                    median(&theirs.wall_ms) / median(&ours.wall_ms)
                )),
                None => row.push_str(" - | - | - | - |"),
            }
        }
        println!("{row}");
    }
    if let Some(result) = results.iter().rfind(|result| result.n == n && result.tool == "qsite") {
        println!("\nqsite cache (.qsite/) after the runs: {} KB", result.cache_bytes / 1024);
    }
    for result in results.iter().filter(|result| result.n == n) {
        if let Some(failure) = &result.failure {
            println!("\n{} {}: {failure}", result.tool, result.scenario);
        }
        if !result.differences.is_empty() {
            println!(
                "\n{} {}: differs from a clean build in {:?}",
                result.tool,
                result.scenario,
                &result.differences[..result.differences.len().min(5)]
            );
        }
    }
}
