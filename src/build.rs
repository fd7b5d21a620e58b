//! `qsite build` and `qsite check` across processes: scan the site against
//! the cache, stop at the stat when nothing changed, otherwise render in
//! memory and mirror the result into the output directory, then save what
//! this build saw and wrote in one transaction.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use camino::{Utf8Path, Utf8PathBuf};
use queries::BuildOptions;
use queries::words::counted;
use snapshots::{BuildRecord, Cache, ColdReason, FileStat, OutputRecord, StoredTrace};

use crate::explain::{BuildFacts, LAST_BUILD};
use crate::manifest::Manifest;
use crate::markdown_store;
use crate::output::{CACHE_DIR, PreviousOutput, build_id, matches_record, write_site};
use crate::output_folder::checked_output_dir;
use crate::progress::Progress;
use crate::report::{render_diagnostics, stderr_is_colored};
use crate::site_folder::{EnvironmentError, hidden_content, scan};
use crate::site_lock::SiteLock;
use crate::summary::{SiteCounts, Verbosity, built_line, duration};
use crate::verify::{report, verify};
use crate::workspace::{Verifier, Workspace};

/// What the command line asked for.
pub struct BuildRequest {
    /// The site folder.
    pub root: Utf8PathBuf,
    /// The configuration file, relative to the root.
    pub config: Utf8PathBuf,
    /// `--drafts`, `--base-url`.
    pub options: BuildOptions,
    /// Where to write; `None` for `qsite check`, which writes nothing.
    pub output_dir: Option<Utf8PathBuf>,
    /// `--clean`: render and compare everything, trusting no cached stat.
    pub clean: bool,
    /// `--verify`: compare the result with a clean build in memory.
    pub verify: bool,
    /// `--quiet` or `-v`.
    pub verbosity: Verbosity,
}

/// How a build ended, for the exit code.
pub enum BuildOutcome {
    /// Built (or checked) without errors.
    Success,
    /// The site has errors; nothing was written.
    SiteErrors,
    /// `--verify` found the output differs from a clean build.
    Stale,
}

/// Files whose stats are younger than this, relative to the last build's
/// start, are hashed anyway: coarse file system timestamps can hide an edit.
const TIMESTAMP_MARGIN_NS: i64 = 100_000_000;

/// The cache's note of the output folder its records describe.
const OUTPUT_DIR: &str = "output_dir";

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |duration| i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
}

/// Runs a build, printing diagnostics and one summary line.
pub fn build(request: &BuildRequest) -> Result<BuildOutcome, EnvironmentError> {
    let started = Instant::now();
    let scan_started_ns = now_ns();
    let root = &request.root;
    if !root.is_dir() {
        let source = std::fs::metadata(root).err().unwrap_or_else(|| std::io::Error::other("not a directory"));
        return Err(EnvironmentError::UnreadableRoot { root: root.clone(), source });
    }
    if !root.join(&request.config).is_file() {
        return Err(EnvironmentError::MissingConfig { root: root.clone(), path: request.config.clone() });
    }
    // Checked before anything is written, the cache included.
    let output_dir =
        request.output_dir.as_ref().map(|dir| checked_output_dir(root, &request.config, dir)).transpose()?;
    let _lock = SiteLock::acquire(&root.join(CACHE_DIR))?;
    let build_id = build_id();
    let (mut cache, mut cold) = Cache::open(&root.join(CACHE_DIR), &build_id);
    // Damage that opening does not notice shows when the tables are read.
    let (previous_files, stored_outputs) = match (cache.files(), cache.outputs()) {
        (Ok(files), Ok(outputs)) => (files, outputs),
        (Err(error), _) | (_, Err(error)) => {
            cold = Some(cache.reset(&build_id, &error));
            (HashMap::new(), HashMap::new())
        }
    };
    if let Some(reason) = &cold
        && *reason != ColdReason::Missing
        && request.verbosity.says_more_than_errors()
    {
        eprintln!("note: {reason}");
    }
    // The cache's records describe the folder the last build wrote; the
    // folder's own manifest says what qsite wrote there, whatever the cache.
    let output_key = output_dir.as_ref().map(|dir| dir.to_string());
    let same_folder = output_key.is_some() && cache.meta(OUTPUT_DIR).ok().flatten() == output_key;
    let records: HashMap<String, OutputRecord> = if same_folder { stored_outputs } else { HashMap::new() };
    let folder_manifest = output_dir.as_deref().map(Manifest::read).unwrap_or_default();
    let intact: HashSet<&str> = match &output_dir {
        Some(output_dir) => records
            .iter()
            .filter(|(path, record)| matches_record(&output_dir.join(path), record))
            .map(|(path, _)| path.as_str())
            .collect(),
        None => HashSet::new(),
    };
    let owned: BTreeSet<String> =
        folder_manifest.paths.iter().cloned().chain(intact.iter().map(|path| (*path).to_owned())).collect();
    let fingerprint = format!(
        "drafts={} base_url={:?} config={} output={:?}",
        request.options.drafts, request.options.base_url, request.config, output_dir
    );
    let trusted_before_ns = if request.clean {
        i64::MIN
    } else {
        cache
            .meta("scan_started_ns")
            .ok()
            .flatten()
            .and_then(|value| value.parse::<i64>().ok())
            .map_or(i64::MIN, |ns| ns - TIMESTAMP_MARGIN_NS)
    };
    let scan = scan(root, &request.config, &previous_files, trusted_before_ns)?;
    if let Some(hidden) = hidden_content(root, scan.files.iter().map(|(path, _)| path.as_path()))
        && request.verbosity.says_more_than_errors()
    {
        eprintln!("warning: {hidden}");
    }
    let warm = cold.is_none() && !request.clean;
    let same_options = cache.meta("options").ok().flatten().as_deref() == Some(fingerprint.as_str());
    let nothing_changed = scan.changed.is_empty() && scan.removed.is_empty();

    // A no-op stops at the stat: nothing read, rendered or written.
    if let Some(output_dir) = &output_dir
        && warm
        && same_options
        && nothing_changed
        && folder_manifest.writing.is_none()
        && intact.len() == records.len()
        && folder_manifest.paths.len() == records.len()
        && folder_manifest.paths.iter().all(|path| records.contains_key(path))
        && let Some(summary) = cache.meta("summary").ok().flatten()
    {
        if cache.is_persistent() {
            let _ = cache.set_meta(LAST_BUILD, "nothing changed");
        }
        if request.verbosity.says_more_than_errors() {
            eprint!("{}", cache.meta("warnings").ok().flatten().unwrap_or_default());
            println!("Built {summary} in {} — nothing changed", duration(started.elapsed()));
        }
        if request.verbosity == Verbosity::Verbose {
            println!("{} outputs up to date", records.len());
        }
        if request.verify {
            let written = records.keys().cloned().collect();
            let table = cache.read_table().unwrap_or_default();
            let reads = stored_reads(&cache.traces().unwrap_or_default(), |id| table.get(&id));
            return verified(request, output_dir, &written, &reads);
        }
        return Ok(BuildOutcome::Success);
    }

    let mut workspace = Workspace::load(root, &request.config, request.options.clone())?;
    // Outputs whose trace verifies, still on disk as written, are not
    // rendered; link checks whose trace verifies are not run.
    let reusable = warm && same_options;
    // With the same configuration, options and file set, reads scoped to
    // one unchanged file need no computing.
    let settled = reusable
        && scan.removed.is_empty()
        && scan.changed.iter().all(|path| *path != request.config && previous_files.contains_key(path.as_str()));
    let changed_paths: Vec<String> = scan.changed.iter().map(|path| path.to_string()).collect();
    let changed_files = settled.then(|| changed_paths.iter().cloned().collect());
    let mut verifier =
        Verifier::new(if reusable { cache.read_table().unwrap_or_default() } else { HashMap::new() }, changed_files);
    let cached_checks = cache.checks().unwrap_or_default();
    let checked = if reusable { workspace.verified_checks(&cached_checks, &mut verifier) } else { HashMap::new() };
    let traces = if reusable { cache.traces().unwrap_or_default() } else { HashMap::new() };
    let reused = match &output_dir {
        Some(_) => {
            let candidates: HashMap<&str, &StoredTrace> = traces
                .iter()
                .filter(|(path, _)| intact.contains(path.as_str()))
                .map(|(path, trace)| (path.as_str(), trace))
                .collect();
            workspace.verified_outputs(&candidates, &mut verifier)
        }
        None => HashSet::new(),
    };
    // What is redone reads unchanged bodies through the store.
    let file_stats: HashMap<String, FileStat> =
        scan.files.iter().map(|(path, stat)| (path.to_string(), *stat)).collect();
    let changed: HashSet<&str> = scan.changed.iter().map(|path| path.as_str()).collect();
    let redone = traces
        .iter()
        .filter(|(path, _)| !reused.contains(*path))
        .map(|(_, trace)| trace)
        .chain(cached_checks.iter().filter(|(path, _)| !checked.contains_key(*path)).map(|(_, (trace, _))| trace));
    let needed = markdown_store::bodies_read(redone.flat_map(|trace| &trace.reads).filter_map(|id| verifier.key(*id)));
    let from_store = if reusable {
        markdown_store::prepare(&mut workspace, &cache, &build_id, &needed, &file_stats, &changed)
    } else {
        0
    };
    let progress =
        Progress::new(workspace.output_count().saturating_sub(reused.len()), request.verbosity.says_more_than_errors());
    let site = workspace.render_counting(&reused, &checked, &progress);
    progress.finish();
    let facts = BuildFacts {
        cold: if request.clean {
            Some("`--clean` was given".to_owned())
        } else if let Some(reason) = &cold {
            Some(reason.to_string())
        } else if !same_options {
            Some("the build options or the output folder changed".to_owned())
        } else {
            None
        },
        records: &records,
        traces: &traces,
        changed: &changed_paths,
        removed: &scan.removed,
    };
    let explanations: Vec<(String, String)> = site
        .traces
        .iter()
        .map(|(output, trace)| {
            (output.clone(), facts.reason(output, intact.contains(output.as_str()), &trace.route, &verifier))
        })
        .collect();
    let colored = stderr_is_colored();
    let shown: Vec<_> = site
        .diagnostics
        .iter()
        .filter(|diagnostic| request.verbosity.says_more_than_errors() || diagnostic.is_error())
        .cloned()
        .collect();
    eprint!("{}", render_diagnostics(&workspace, &shown, colored));
    let stats = site.stats;
    let summary = SiteCounts {
        pages: stats.pages,
        sections: stats.sections,
        terms: stats.terms,
        drafts_skipped: stats.drafts_skipped,
    }
    .phrase();
    let errors = site.diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).count();
    if errors > 0 {
        eprintln!("error: {} in {summary}; nothing was written", counted(errors, "error"));
        return Ok(BuildOutcome::SiteErrors);
    }
    let Some(output_dir) = output_dir else {
        if request.verbosity.says_more_than_errors() {
            println!("Checked {summary} in {}: no errors", duration(started.elapsed()));
        }
        return Ok(BuildOutcome::Success);
    };
    let source_hashes: HashMap<String, [u8; 32]> =
        scan.files.iter().map(|(path, stat)| (path.to_string(), stat.hash)).collect();
    let previous = PreviousOutput { manifest: &folder_manifest, owned: &owned, records: &records };
    let (written, changes) = write_site(root, &output_dir, &site, &previous, &source_hashes, !request.clean)?;
    for replaced in changes.replaced.iter().filter(|_| request.verbosity.says_more_than_errors()) {
        eprintln!("warning: replaced `{}`, which qsite did not write", output_dir.join(replaced));
    }
    let record = BuildRecord {
        files: scan
            .files
            .iter()
            .filter(|(path, stat)| previous_files.get(path.as_str()) != Some(stat))
            .map(|(path, stat)| (path.to_string(), *stat))
            .collect(),
        removed_files: scan.removed.clone(),
        outputs: changes.outputs,
        removed_outputs: changes.removed,
        replace_outputs: !same_folder,
        traces: site.traces.clone(),
        checks: site.checks.clone(),
        store: markdown_store::new_entries(
            &workspace,
            &cache.stored_keys().unwrap_or_default(),
            &build_id,
            site.traces.iter().map(|(_, trace)| trace),
            &file_stats,
        ),
        live_keys: Some(markdown_store::live_keys(&build_id, &file_stats)),
        removed_checks: {
            let checked: HashSet<&String> = site.checked.iter().collect();
            cached_checks.into_keys().filter(|key| !checked.contains(key)).collect()
        },
        explanations,
        meta: vec![
            (LAST_BUILD.to_owned(), "rendered".to_owned()),
            ("options".to_owned(), fingerprint),
            (OUTPUT_DIR.to_owned(), output_dir.to_string()),
            ("scan_started_ns".to_owned(), scan_started_ns.to_string()),
            ("summary".to_owned(), summary.clone()),
            ("warnings".to_owned(), render_diagnostics(&workspace, &site.diagnostics, false)),
        ],
    };
    let saved = if cache.is_persistent() {
        cache.commit(&record).map_err(|error| error.to_string())
    } else {
        Err("it could not be opened for writing".to_owned())
    };
    if request.verbosity == Verbosity::Verbose {
        for (output, reason) in record.explanations.iter().filter(|(output, _)| !reused.contains(output)) {
            println!("{output}: {reason}");
        }
        println!(
            "rendered {}, reused {} ({from_store} bodies from the store), {} files written, {} unchanged, {} deleted, {} repaired",
            site.rendered, site.reused, written.written, written.unchanged, written.deleted, written.repaired,
        );
    }
    if request.verbosity.says_more_than_errors() {
        println!("{}", built_line(&summary, started.elapsed(), site.rendered, site.reused, &written));
    }
    if let Err(reason) = saved {
        return Err(EnvironmentError::CacheNotSaved { path: root.join(CACHE_DIR).join(snapshots::CACHE_FILE), reason });
    }
    if request.verify {
        let written: HashSet<String> = site.produced.iter().cloned().collect();
        let mut reads = stored_reads(&traces, |id| verifier.entry(id));
        reads.extend(site.traces.iter().map(|(output, trace)| (output.clone(), trace.reads.clone())));
        return verified(request, &output_dir, &written, &reads);
    }
    // The process ends next: freeing the database would only cost time.
    std::mem::forget(workspace);
    Ok(BuildOutcome::Success)
}

/// Each stored trace with its reads as (key, hash), looked up by id.
fn stored_reads<'a>(
    traces: &HashMap<String, StoredTrace>,
    entry: impl Fn(i64) -> Option<&'a (String, [u8; 32])>,
) -> HashMap<String, Vec<(String, [u8; 32])>> {
    traces
        .iter()
        .map(|(output, trace)| (output.clone(), trace.reads.iter().filter_map(|id| entry(*id).cloned()).collect()))
        .collect()
}

/// Runs `--verify` after a build and reports what it found.
fn verified(
    request: &BuildRequest,
    output_dir: &Utf8Path,
    written: &HashSet<String>,
    reads: &HashMap<String, Vec<(String, [u8; 32])>>,
) -> Result<BuildOutcome, EnvironmentError> {
    let differences = verify(&request.root, &request.config, request.options.clone(), output_dir, written, reads)?;
    if differences.is_empty() {
        println!("Verified: the output is identical to a clean build");
        Ok(BuildOutcome::Success)
    } else {
        eprintln!("{}", report(&differences));
        Ok(BuildOutcome::Stale)
    }
}
