//! `qsite build` and `qsite check` across processes, as a short pipeline:
//! scan the site against the cache; stop at the stat when nothing changed;
//! otherwise load the site (leaving unchanged files unread), decide from the
//! cache what may be reused (`reuse`), render the rest in memory, mirror it
//! into the output folder, and save what this build saw, derived and wrote
//! in one transaction.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use camino::{Utf8Path, Utf8PathBuf};
use queries::BuildOptions;
use queries::trace::CLOCK_SCOPE;
use queries::words::counted;
use rayon::prelude::*;
use snapshots::{BuildRecord, Cache, ColdReason, FileStat, OutputRecord};

use crate::explain::{BuildFacts, LAST_BUILD};
use crate::folder::Folder;
use crate::manifest::{MANIFEST_FILE, Manifest};
use crate::output::{PreviousOutput, build_id, matches_record, write_site};
use crate::output_folder::{FolderGuard, OutputDir, checked_output_dir};
use crate::processed_images::{ImageRequests, ImageWork, add_images};
use crate::progress::Progress;
use crate::report::{render_diagnostics, stderr_is_colored};
use crate::reuse::{INDEXED_SCOPES, Reuse, Stored, Trust, plan};
use crate::site_folder::{CACHE_DIR, EnvironmentError, Scan, hidden_content, scan, skipped_warning};
use crate::site_lock::SiteLock;
use crate::stored_facts::StoredFacts;
use crate::stored_values;
use crate::summary::{SiteCounts, Verbosity, built_line, duration};
use crate::verify::{report, verify};
use crate::workspace::{Selection, Workspace};

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
    /// `--force`: build into a non-empty output folder qsite has not
    /// written before, replacing the files of the same names.
    pub force: bool,
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

/// The cache's note of the last build's counts, for a build that reuses its
/// route table.
const STATS: &str = "stats";

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |duration| i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
}

/// What the last build left: the cache, what it saw of the site and wrote
/// into the output folder.
struct Previous {
    cache: Cache,
    build_id: String,
    cold: Option<ColdReason>,
    files: HashMap<String, FileStat>,
    /// What it wrote into this output folder (empty for another folder).
    records: HashMap<String, OutputRecord>,
    same_folder: bool,
    manifest: Manifest,
    /// The options, configuration file and output folder, as one string.
    fingerprint: String,
}

impl Previous {
    /// Opens the cache (a damaged one starts cold) and reads the output
    /// folder's manifest; `qsite check`, which has no output folder, only
    /// reads the cache.
    fn open(request: &BuildRequest, output: Option<&OutputDir>) -> Result<Previous, EnvironmentError> {
        let build_id = build_id();
        let cache_dir = request.root.join(CACHE_DIR);
        let (mut cache, mut cold) = match output {
            Some(_) => Cache::open(&cache_dir, &build_id),
            None => Cache::open_to_read(&cache_dir, &build_id),
        };
        let output_key = output.map(|output| output.key.as_str());
        // Damage that opening does not notice shows when the tables are read.
        let (files, records) = match (cache.files(), cache.outputs(output_key.unwrap_or_default())) {
            (Ok(files), Ok(outputs)) => (files, outputs),
            (Err(error), _) | (_, Err(error)) => {
                cold = Some(cache.reset(&build_id, &error));
                (HashMap::new(), HashMap::new())
            }
        };
        // The stored traces describe the folder the last build wrote.
        let same_folder = output_key.is_some() && cache.meta(OUTPUT_DIR).ok().flatten().as_deref() == output_key;
        let manifest = match output {
            Some(output) => match Folder::open_real(&output.path) {
                Ok(folder) => Manifest::read(&folder, &output.path)?,
                Err(refusal) if refusal.is_not_found() => Manifest::default(),
                Err(refusal) => return Err(EnvironmentError::refused(output.path.clone(), refusal)),
            },
            None => Manifest::default(),
        };
        let fingerprint = format!(
            "drafts={} base_url={:?} config={} output={:?}",
            request.options.drafts, request.options.base_url, request.config, output_key
        );
        Ok(Previous { cache, build_id, cold, files, records, same_folder, manifest, fingerprint })
    }

    /// Files modified after this instant are hashed even if their stat matches.
    fn trusted_before_ns(&self, clean: bool) -> i64 {
        if clean {
            return i64::MIN;
        }
        let started = self.cache.meta("scan_started_ns").ok().flatten().and_then(|value| value.parse::<i64>().ok());
        started.map_or(i64::MIN, |ns| ns - TIMESTAMP_MARGIN_NS)
    }

    fn same_options(&self) -> bool {
        self.cache.meta("options").ok().flatten().as_deref() == Some(self.fingerprint.as_str())
    }

    /// How far this build trusts the last one's results.
    fn trust(&self, request: &BuildRequest, scan: &Scan) -> Trust {
        if request.clean {
            Trust::Cold("`--clean` was given".to_owned())
        } else if let Some(reason) = &self.cold {
            Trust::Cold(reason.to_string())
        } else if !self.same_options() {
            Trust::Cold("the build options or the output folder changed".to_owned())
        } else if scan.removed.is_empty()
            && scan.changed.iter().all(|path| *path != request.config && self.files.contains_key(path.as_str()))
        {
            Trust::Settled
        } else {
            Trust::Verify
        }
    }
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
    let output = request.output_dir.as_ref().map(|dir| checked_output_dir(root, &request.config, dir)).transpose()?;
    if let Some(output) = &output
        && !request.force
    {
        refuse_foreign_folder(root, output)?;
    }
    // `qsite check` writes nothing, not even the lock.
    let _lock = output.is_some().then(|| SiteLock::acquire(root)).transpose()?;
    let mut previous = Previous::open(request, output.as_ref())?;
    let output_dir = output.as_ref().map(|output| output.path.clone());
    if let Some(reason) = &previous.cold
        && *reason != ColdReason::Missing
        && request.verbosity.says_more_than_errors()
    {
        eprintln!("note: {reason}");
    }
    // One stat an output and one an input, in parallel: most of a no-op's
    // time. The outputs are checked while the site folder is walked.
    let trusted_before_ns = previous.trusted_before_ns(request.clean);
    let (records, files) = (&previous.records, &previous.files);
    let (intact, scan) = rayon::join(
        || -> HashSet<&str> {
            let folder = output_dir.as_deref().and_then(|dir| Folder::open_real(dir).ok());
            match &folder {
                Some(folder) => records
                    .par_iter()
                    .filter(|(path, record)| matches_record(Some(folder), path, record))
                    .map(|(path, _)| path.as_str())
                    .collect(),
                None => HashSet::new(),
            }
        },
        || scan(root, &request.config, files, trusted_before_ns),
    );
    let scan = scan?;
    if request.verbosity.says_more_than_errors() {
        for (path, kind) in &scan.skipped {
            eprintln!("{}", skipped_warning(path, *kind));
        }
    }
    if let Some(hidden) = hidden_content(root, scan.files.iter().map(|(path, _)| path.as_path()))
        && request.verbosity.says_more_than_errors()
    {
        eprintln!("warning: {hidden}");
    }
    let mut trust = previous.trust(request, &scan);
    // Outputs that printed the build clock are verified at every build: the
    // clock is an input that always moves.
    let reads_clock = previous.cache.scopes_starting_with(CLOCK_SCOPE).is_ok_and(|scopes| !scopes.is_empty());
    if let Some(output_dir) = &output_dir
        && trust == Trust::Settled
        && scan.changed.is_empty()
        && !reads_clock
        && previous.manifest.writing.is_none()
        && intact.len() == previous.records.len()
        && previous.manifest.paths.len() == previous.records.len()
        && previous.manifest.paths.iter().all(|path| previous.records.contains_key(path))
        && let Some(summary) = previous.cache.meta("summary").ok().flatten()
    {
        return nothing_changed(request, &mut previous.cache, &previous.records, output_dir, &summary, started);
    }

    // Facts and stored values are keyed by contents: any warm cache's hold.
    // After an edit of contents only, which bytes each file's facts were
    // made from, and the facts of the edited files; the others' are
    // fetched as queries ask. Otherwise every file's facts are compared.
    let facts = match (&previous.cold, &trust) {
        (Some(_), _) => StoredFacts::default(),
        _ if request.clean => StoredFacts::default(),
        (None, Trust::Settled) => StoredFacts::of(&previous.cache, scan.changed.iter().map(|path| path.as_str())),
        (None, _) => StoredFacts::all(&previous.cache),
    };
    // Queries are logged only for `-v`, which reports what the build did.
    let logged = request.verbosity == Verbosity::Verbose;
    let mut workspace =
        Workspace::from_scan(root, &request.config, request.options.clone(), &scan.files, &facts, logged)?;
    let stored = Stored {
        cache: &previous.cache,
        records: &previous.records,
        intact: &intact,
        facts: &facts,
        stats: previous.cache.meta(STATS).ok().flatten().and_then(|json| serde_json::from_str(&json).ok()),
    };
    let Reuse { plan, verifier, traces, redo, reused, verified: verified_traces, site_known, stored_checks, damage } =
        plan(&mut workspace, &stored, &trust, &changed_with_clock(&scan.changed, reads_clock));
    // A cache that cannot be read is trusted in nothing: this build is cold.
    if let Some(damage) = damage {
        if request.verbosity.says_more_than_errors() {
            eprintln!("note: the cache could not be read ({damage}); every output is rendered again");
        }
        trust = Trust::Cold(format!("the cache could not be read ({damage})"));
    }
    let file_stats: HashMap<String, FileStat> =
        scan.files.iter().map(|(path, stat)| (path.to_string(), *stat)).collect();
    // What is redone reads unchanged bodies through the store.
    let redone = redo.iter().filter_map(|output| traces.get(output));
    let needed = stored_values::bodies_read(redone.flat_map(|trace| &trace.reads).filter_map(|id| verifier.key(*id)));
    let from_store = if request.clean {
        0
    } else {
        stored_values::prepare(&mut workspace, &previous.cache, &previous.build_id, &needed, &file_stats)
    };
    let progress = Progress::new(
        workspace_outputs(&plan.selection, &workspace).saturating_sub(reused),
        request.verbosity.says_more_than_errors(),
    );
    let mut site = workspace.render_plan(&plan, &progress)?;
    progress.finish();
    // Only a build that writes encodes the images its pages ask for; one
    // written by the last build from the same source is left as it is.
    let cold = matches!(trust, Trust::Cold(_));
    let images = output_dir.is_some().then(|| {
        let keep = |output: &str| {
            !cold && previous.records.contains_key(output) && intact.contains(output) && !redo.contains(output)
        };
        add_images(&workspace, &mut site, &ImageRequests::stored(&previous.cache), keep)
    });

    let changed_paths: Vec<String> = scan.changed.iter().map(|path| path.to_string()).collect();
    let facts_of_build = BuildFacts {
        cold: match &trust {
            Trust::Cold(reason) => Some(reason.clone()),
            Trust::Verify | Trust::Settled => None,
        },
        records: &previous.records,
        traces: &traces,
        changed: &changed_paths,
        removed: &scan.removed,
    };
    let explanations: Vec<(String, String)> = site
        .traces
        .iter()
        .map(|(output, trace)| {
            let intact = intact.contains(output.as_str());
            (output.clone(), facts_of_build.reason(output, intact, &trace.route, &verifier))
        })
        .collect();
    let shown: Vec<_> = site
        .diagnostics
        .iter()
        .filter(|diagnostic| request.verbosity.says_more_than_errors() || diagnostic.is_error())
        .cloned()
        .collect();
    eprint!("{}", render_diagnostics(&workspace, &shown, stderr_is_colored()));
    let summary = SiteCounts {
        pages: site.stats.pages,
        sections: site.stats.sections,
        terms: site.stats.terms,
        drafts_skipped: site.stats.drafts_skipped,
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
    let owned: BTreeSet<String> =
        previous.manifest.paths.iter().cloned().chain(intact.iter().map(|path| (*path).to_owned())).collect();
    let previous_output = PreviousOutput { manifest: &previous.manifest, owned: &owned, records: &previous.records };
    let guard = FolderGuard::new(&output_dir);
    let (written, changes) = write_site(root, &guard, &site, &previous_output, &file_stats, !request.clean)?;
    if request.verbosity.says_more_than_errors() {
        for replaced in &changes.replaced {
            eprintln!("warning: replaced `{}`, which qsite did not write", output_dir.join(replaced));
        }
        if !changes.left.is_empty() {
            eprintln!(
                "warning: left {} that the site no longer produces, which qsite cannot show it wrote as they are now \
                 (its cache has no matching record): {}",
                counted(changes.left.len(), "file"),
                listed(&changes.left)
            );
        }
    }
    // Facts of every file when the settings changed (a base URL moves
    // every permalink), else of the files this build read.
    let read_content;
    let facts_for: Vec<&Utf8Path> = match trust {
        Trust::Settled => {
            read_content = workspace.read_content();
            read_content.iter().map(Utf8PathBuf::as_path).collect()
        }
        Trust::Cold(_) | Trust::Verify => scan.files.iter().map(|(path, _)| path.as_path()).collect(),
    };
    // The texts are on disk: free them before the record takes its share.
    site.files.clear();
    let store = stored_values::new_entries(
        &workspace,
        &previous.cache,
        &previous.build_id,
        site.traces.iter().map(|(_, trace)| trace),
        &file_stats,
    );
    // The values listings read: new ones while the site's metadata held,
    // else all of them again.
    let site_values = {
        let new_reads = site.traces.iter().flat_map(|(_, trace)| trace.reads.iter().map(|read| &*read.key));
        let verified_reads = (!site_known).then(|| verifier.loaded_keys()).into_iter().flatten();
        workspace.site_values(new_reads.chain(verified_reads), site_known)
    };
    let record = BuildRecord {
        files: scan
            .files
            .iter()
            .filter(|(path, stat)| previous.files.get(path.as_str()) != Some(stat))
            .map(|(path, stat)| (path.to_string(), *stat))
            .collect(),
        removed_files: scan.removed.clone(),
        output_folder: output.as_ref().map(|output| output.key.clone()).unwrap_or_default(),
        outputs: changes.outputs,
        removed_outputs: changes.removed,
        replace_traces: !previous.same_folder,
        indexed_scopes: INDEXED_SCOPES,
        traces: std::mem::take(&mut site.traces),
        checks: std::mem::take(&mut site.checks),
        store,
        dead_keys: stored_values::dead_keys(
            &previous.build_id,
            &workspace.markdown_options_key(),
            changed_paths.iter().chain(&scan.removed).map(String::as_str),
            &previous.files,
        ),
        facts: {
            let fetched;
            let previous_facts = if facts.complete {
                &facts.loaded
            } else {
                fetched = previous.cache.facts_of(facts_for.iter().map(|path| path.as_str())).unwrap_or_default();
                &fetched
            };
            stored_values::new_facts(&workspace, facts_for, &file_stats, previous_facts)
        },
        site_values,
        replace_site_values: !site_known,
        removed_checks: {
            let checked: HashSet<&String> = site.checked.iter().collect();
            stored_checks.into_iter().filter(|key| !checked.contains(key)).collect()
        },
        explanations,
        meta: vec![
            (LAST_BUILD.to_owned(), "rendered".to_owned()),
            ("options".to_owned(), previous.fingerprint.clone()),
            (OUTPUT_DIR.to_owned(), output.as_ref().map(|output| output.key.clone()).unwrap_or_default()),
            ("scan_started_ns".to_owned(), scan_started_ns.to_string()),
            ("summary".to_owned(), summary.clone()),
            (STATS.to_owned(), serde_json::to_string(&site.stats).unwrap_or_default()),
            images.as_ref().map_or_else(|| ImageRequests::default().meta_row(), |images| images.requests.meta_row()),
            ("warnings".to_owned(), render_diagnostics(&workspace, &site.diagnostics, false)),
        ],
    };
    // What was derived after the render may have needed an unread file too.
    workspace.confirm_unchanged()?;
    let saved = if previous.cache.is_persistent() {
        match previous.cache.commit(&record) {
            Ok(()) => Ok(()),
            // Damaged beyond this build's use or any other's: the output is
            // right, and the next build starts without the cache.
            Err(error) if error.is_damage() => {
                let aside = previous.cache.set_aside();
                eprintln!(
                    "note: the cache was damaged ({error}); it was moved to `{aside}` and the next build starts without it"
                );
                Ok(())
            }
            Err(error) => Err(error.to_string()),
        }
    } else {
        Err("it could not be opened for writing".to_owned())
    };
    if request.verbosity == Verbosity::Verbose {
        for (output, reason) in &record.explanations {
            println!("{output}: {reason}");
        }
        println!(
            "rendered {}, reused {} ({from_store} bodies from the store), {} files written, {} unchanged, {} deleted, {} repaired",
            site.rendered, site.reused, written.written, written.unchanged, written.deleted, written.repaired,
        );
        println!("{}", workspace.work().line(verified_traces, traces.len()));
        if let Some(ImageWork { encoded, kept, .. }) = &images {
            println!("images: {} encoded, {kept} kept", encoded);
        }
    }
    if request.verbosity.says_more_than_errors() {
        println!("{}", built_line(&summary, started.elapsed(), site.rendered, site.reused, &written));
    }
    if let Err(reason) = saved {
        return Err(EnvironmentError::CacheNotSaved { path: root.join(CACHE_DIR).join(snapshots::CACHE_FILE), reason });
    }
    if request.verify {
        let written: HashSet<String> = site.produced.iter().cloned().collect();
        return verified(request, &previous.cache, &output_dir, &written);
    }
    // The process ends next: freeing the database and the tables the build
    // loaded would only cost time. The cache is closed, which folds its
    // write-ahead log into the file.
    std::mem::forget((workspace, record, site, traces, verifier, plan, facts, file_stats, scan));
    std::mem::forget(intact);
    std::mem::forget((previous.files, previous.records, previous.manifest));
    Ok(BuildOutcome::Success)
}

/// Refuses to build into a folder that holds files while qsite has no
/// record of writing there (no manifest, no record in the cache): they are
/// somebody else's, and a build would replace those of the same names.
/// Decided before anything is written, the cache included.
fn refuse_foreign_folder(root: &Utf8Path, output: &OutputDir) -> Result<(), EnvironmentError> {
    let Ok(folder) = Folder::open_real(&output.path) else { return Ok(()) };
    if folder.stat_entry(MANIFEST_FILE).is_ok() {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(&output.path) else { return Ok(()) };
    let mut names: Vec<String> =
        entries.filter_map(Result::ok).map(|entry| entry.file_name().to_string_lossy().into_owned()).collect();
    if names.is_empty() {
        return Ok(());
    }
    let recorded = Cache::open_read_only(&root.join(CACHE_DIR))
        .and_then(|cache| cache.outputs(&output.key).ok())
        .is_some_and(|records| !records.is_empty());
    if recorded {
        return Ok(());
    }
    names.sort();
    Err(EnvironmentError::OutputNotEmpty { output: output.path.clone(), in_the_way: listed(&names) })
}

/// The first few of `names`, quoted, and how many more there are.
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = names.iter().take(SHOWN).map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// How many outputs the site has, for the progress bar.
fn workspace_outputs(selection: &Selection, workspace: &Workspace) -> usize {
    match selection {
        Selection::Table { .. } => workspace.output_count(),
        Selection::Known { produced, .. } => produced.len(),
    }
}

/// The changed paths, with the clock's scope when stored reads read it.
fn changed_with_clock(changed: &[Utf8PathBuf], reads_clock: bool) -> Vec<Utf8PathBuf> {
    let clock = reads_clock.then(|| Utf8PathBuf::from(CLOCK_SCOPE));
    changed.iter().cloned().chain(clock).collect()
}

/// A no-op stops at the stat: nothing read, rendered or written.
fn nothing_changed(
    request: &BuildRequest,
    cache: &mut Cache,
    records: &HashMap<String, OutputRecord>,
    output_dir: &Utf8Path,
    summary: &str,
    started: Instant,
) -> Result<BuildOutcome, EnvironmentError> {
    if cache.is_persistent() {
        let _ = cache.set_meta(LAST_BUILD, "nothing changed");
    }
    if request.verbosity.says_more_than_errors() {
        eprint!("{}", cache.meta("warnings").ok().flatten().unwrap_or_default());
        println!("Built {summary} in {} — nothing changed", duration(started.elapsed()));
    }
    if request.verbosity == Verbosity::Verbose {
        println!("{} outputs up to date", records.len());
        println!("{}", crate::workspace::Work::default().line(0, 0));
    }
    if request.verify {
        let written = records.keys().cloned().collect();
        return verified(request, cache, output_dir, &written);
    }
    Ok(BuildOutcome::Success)
}

/// Runs `--verify` after a build and reports what it found, comparing the
/// traces the cache now holds (this build's and those it reused) with a
/// clean build's.
fn verified(
    request: &BuildRequest,
    cache: &Cache,
    output_dir: &Utf8Path,
    written: &HashSet<String>,
) -> Result<BuildOutcome, EnvironmentError> {
    let table = cache.read_table().unwrap_or_default();
    let reads: HashMap<String, Vec<(String, [u8; 32])>> = cache
        .traces()
        .unwrap_or_default()
        .into_iter()
        .map(|(output, trace)| (output, trace.reads.iter().filter_map(|id| table.get(id).cloned()).collect()))
        .collect();
    let differences = verify(&request.root, &request.config, request.options.clone(), output_dir, written, &reads)?;
    if differences.is_empty() {
        println!("Verified: the output is identical to a clean build");
        Ok(BuildOutcome::Success)
    } else {
        eprintln!("{}", report(&differences));
        Ok(BuildOutcome::Stale)
    }
}
