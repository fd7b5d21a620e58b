//! What a build may take from the last one: how far its results are
//! trusted, which stored reads an edit may have changed, and so which
//! outputs and checks are rendered again, verified, or left as they are.
//!
//! Every value in the cache is a hint checked against what it was made
//! from. A read is stored with its scope (the file its value depends on, or
//! the settings, or the whole site); when only some files' contents changed,
//! only the reads scoped to them (and to the whole site, when a changed
//! file's metadata changed) can have changed, so only the traces holding one
//! of those are verified, and every other output stands without being
//! loaded or checked.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use camino::Utf8PathBuf;
use queries::route_names::{route_from_key, route_key};
use queries::trace::{Facet, Facets, Read, SITE_SCOPE, current_hash};
use queries::{Diagnostic, QueryDb, Route, RouteStats, route_table};
use rayon::prelude::*;
use snapshots::{Cache, CacheError, OutputRecord, ReadTable, StoredTrace};

use crate::stored_facts::StoredFacts;
use crate::workspace::{IMAGE_ROUTE, RenderPlan, SITE_CHECK, Selection, Workspace};

/// How far a build trusts what the last one left in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Nothing it computed is reused: why.
    Cold(String),
    /// The configuration, the options or the set of files changed: every
    /// stored read is computed again and compared.
    Verify,
    /// Only the contents of some files changed: reads scoped to other files
    /// hold, and reads of the whole site hold unless a changed file's
    /// metadata changed.
    Settled,
}

/// What the last build left that decides reuse.
pub struct Stored<'a> {
    /// The cache.
    pub cache: &'a Cache,
    /// What the last build wrote into this output folder.
    pub records: &'a HashMap<String, OutputRecord>,
    /// Outputs whose file is as the last build wrote it.
    pub intact: &'a HashSet<&'a str>,
    /// The facts the last build left: every file's, or the changed files'.
    pub facts: &'a StoredFacts,
    /// The last build's counts, when it recorded them.
    pub stats: Option<RouteStats>,
}

/// What a build renders, and what it knows of the reads it checked.
pub struct Reuse {
    /// The outputs and checks to redo.
    pub plan: RenderPlan,
    /// The stored reads this build loaded, with their verdicts.
    pub verifier: Verifier,
    /// The last build's traces.
    pub traces: HashMap<String, StoredTrace>,
    /// The outputs with a stored trace that are rendered again.
    pub redo: BTreeSet<String>,
    /// How many outputs are not rendered.
    pub reused: usize,
    /// Outputs verified value by value (the others reused unseen).
    pub verified: usize,
    /// Whether the site's metadata is the last build's, so its whole-site
    /// values were handed over and still hold.
    pub site_known: bool,
    /// The keys of the checks the last build stored.
    pub stored_checks: Vec<String>,
    /// Why nothing was reused although the build started warm: the cache
    /// could not be read.
    pub damage: Option<String>,
}

/// Decides what this build renders, given how far it trusts the cache and
/// which files changed (relative to the root).
///
/// # Performance
/// Settled: loads every trace's read ids, but only the reads scoped to the
/// changed files (and the site's, when metadata changed), and computes
/// those alone. Verify: computes every distinct stored read once.
///
/// The cache fails closed: when a stored table cannot be read (a damaged
/// file, a row whose checksum does not match), nothing is reused and every
/// output is rendered, as in a cold build; [`Reuse::damage`] says why.
pub fn plan(workspace: &mut Workspace, stored: &Stored, trust: &Trust, changed: &[Utf8PathBuf]) -> Reuse {
    if let Trust::Cold(_) = trust {
        return Reuse::cold(None);
    }
    warm_plan(workspace, stored, trust, changed).unwrap_or_else(|damage| Reuse::cold(Some(damage.to_string())))
}

impl Reuse {
    /// Nothing reused: every output is rendered.
    fn cold(damage: Option<String>) -> Reuse {
        Reuse {
            plan: RenderPlan { selection: Selection::Table { reused: HashSet::new() }, checked: HashMap::new() },
            verifier: Verifier::new(ReadTable::new(), false),
            traces: HashMap::new(),
            redo: BTreeSet::new(),
            reused: 0,
            verified: 0,
            site_known: false,
            stored_checks: Vec::new(),
            damage,
        }
    }
}

fn warm_plan(
    workspace: &mut Workspace,
    stored: &Stored,
    trust: &Trust,
    changed: &[Utf8PathBuf],
) -> Result<Reuse, CacheError> {
    // The parts of the site's metadata that changed; the route table reads
    // these four.
    let facets = match trust {
        Trust::Settled => {
            changed.iter().fold(Facets::default(), |facets, path| facets.with(changed_facets(workspace, stored, path)))
        }
        Trust::Cold(_) | Trust::Verify => Facets::ALL,
    };
    let site_changed = facets.meets(Facets::of(&[Facet::Location, Facet::Terms, Facet::Draft, Facet::Listing]));
    // Changed metadata is computed into listings over every page: hand
    // every page's front matter over at once rather than as queries ask.
    if facets != Facets::default() && !stored.facts.complete {
        workspace.hand_over_facts(&stored.cache.facts().unwrap_or_default());
    }
    // Every output the last build wrote has a trace, and only those: as a
    // build leaves the cache, unless rows were lost.
    let consistent = stored.cache.trace_count()? == stored.records.len();
    let (loaded, table, partial) = match trust {
        Trust::Settled => {
            let site_scopes = stored.cache.scopes_starting_with(SITE_SCOPE)?;
            let dirty_site: Vec<&str> = site_scopes
                .iter()
                .filter(|scope| Facets::from_scope(scope).is_none_or(|of| of.meets(facets)))
                .map(String::as_str)
                .collect();
            let scopes = changed.iter().map(|path| path.as_str()).chain(dirty_site.iter().copied());
            let table = stored.cache.reads_in(scopes)?;
            // Only content files changed, and none of their metadata: the
            // reverse index names every trace that read one of them.
            let indexed = dirty_site.is_empty() && changed.iter().all(|path| path.starts_with(INDEXED_SCOPES));
            let loaded = (indexed && consistent).then(|| Loaded::readers(stored, changed)).flatten();
            let loaded = match loaded {
                Some(loaded) => loaded,
                None => Loaded::all(stored.cache, Some(&table))?,
            };
            (loaded, table, true)
        }
        Trust::Cold(_) | Trust::Verify => (Loaded::all(stored.cache, None)?, stored.cache.read_table()?, false),
    };
    let Loaded { traces, check_traces, results, touched, checks_touched, complete } = loaded;
    let mut verifier = Verifier::new(table, partial);
    let candidates = traces
        .iter()
        .filter(|(output, _)| touched.contains(output.as_str()) && stored.intact.contains(output.as_str()));
    let to_check = check_traces.iter().filter(|(key, _)| checks_touched.contains(key.as_str()));
    verifier.precompute(
        workspace.db(),
        candidates.flat_map(|(_, trace)| &trace.reads).chain(to_check.flat_map(|(_, trace)| &trace.reads)),
    );
    // The route behind an output can change only with the site's metadata.
    let routes: Option<HashMap<&String, String>> = site_changed.then(|| {
        let db = workspace.db();
        route_table(db).routes.iter().map(|(output, route)| (output, route_key(db, route))).collect()
    });
    // A resized image has no route: the renders that ask for it decide
    // whether it stays (see `processed_images`).
    let same_route = |output: &String, trace: &StoredTrace| {
        trace.route == IMAGE_ROUTE || routes.as_ref().is_none_or(|routes| routes.get(output) == Some(&trace.route))
    };
    // Kept as what is redone: after an edit, a few of many.
    let mut redo: BTreeSet<String> = BTreeSet::new();
    let mut verified = 0;
    for (output, trace) in &traces {
        let touched = touched.contains(output.as_str());
        verified += usize::from(touched);
        if !stored.intact.contains(output.as_str())
            || !same_route(output, trace)
            || (touched && !verifier.holds(&trace.reads))
        {
            redo.insert(output.clone());
        }
    }
    let holds = |key: &String| {
        !checks_touched.contains(key.as_str())
            || check_traces.get(key).is_some_and(|trace| verifier.holds(&trace.reads))
    };
    let checked: HashMap<String, Vec<Diagnostic>> = results
        .iter()
        .filter(|(key, _)| holds(key))
        .filter_map(|(key, result)| Some((key.clone(), stored_diagnostics(result)?)))
        .collect();
    // The keys of what the redone outputs read, for the body store.
    let redone_reads: Vec<i64> = redo
        .iter()
        .filter_map(|output| traces.get(output))
        .flat_map(|trace| trace.reads.iter().copied())
        .filter(|id| !verifier.table.contains_key(id))
        .collect();
    verifier.names = stored.cache.reads_with_ids(&redone_reads)?;
    let traced = |output: &String| complete || traces.contains_key(output);
    let every_traced = stored.records.keys().all(traced);
    // The site's outputs are known from the records only while every one
    // of them has its trace: else (records lost or cut short) the route
    // table says what the site makes.
    let known = if site_changed || !every_traced || !consistent {
        None
    } else {
        known_selection(workspace, stored, &traces, &redo, &results)
    };
    let selection = known.unwrap_or_else(|| Selection::Table {
        reused: stored.records.keys().filter(|output| traced(output) && !redo.contains(*output)).cloned().collect(),
    });
    let site_known = matches!(selection, Selection::Known { .. });
    if site_known {
        workspace.prepare_site(&stored.cache.site_values().unwrap_or_default(), facets);
    }
    let stored_checks = results.into_keys().collect();
    let reused = stored.records.keys().filter(|output| traced(output) && !redo.contains(*output)).count();
    Ok(Reuse {
        plan: RenderPlan { selection, checked },
        verifier,
        traces,
        redo,
        reused,
        verified,
        site_known,
        stored_checks,
        damage: None,
    })
}

/// The scopes the cache's reverse index holds: each content file's. A page
/// is read by its own outputs and the few listings that show it; templates,
/// the settings and the site as a whole are read by nearly every output,
/// and an edit of one of them loads every trace anyway.
pub const INDEXED_SCOPES: &str = queries::site_paths::CONTENT_PREFIX;

/// The stored traces and checks a build looks at: all of them, or, when
/// only content files changed, those the reverse index says read one.
struct Loaded {
    /// The traces looked at: every one, or those of `touched` and of the
    /// outputs whose file is not as the last build wrote it.
    traces: HashMap<String, StoredTrace>,
    /// The checks' traces looked at: every one, or those of `checks_touched`.
    check_traces: HashMap<String, StoredTrace>,
    /// Every stored check's result, by key.
    results: HashMap<String, String>,
    /// Outputs whose trace may hold a changed read.
    touched: HashSet<String>,
    /// Checks whose trace may hold a changed read.
    checks_touched: HashSet<String>,
    /// Whether every output has a trace, loaded or not (known only from the
    /// index's side; else read off `traces`).
    complete: bool,
}

impl Loaded {
    /// Every stored trace and check; those holding a read of `dirty` are
    /// touched (every one, without it).
    fn all(cache: &Cache, dirty: Option<&ReadTable>) -> Result<Loaded, CacheError> {
        let traces = cache.traces()?;
        let checks = cache.checks()?;
        let touches = |reads: &[i64]| dirty.is_none_or(|dirty| reads.iter().any(|id| dirty.contains_key(id)));
        let touched =
            traces.iter().filter(|(_, trace)| touches(&trace.reads)).map(|(output, _)| output.clone()).collect();
        let checks_touched =
            checks.iter().filter(|(_, (trace, _))| touches(&trace.reads)).map(|(key, _)| key.clone()).collect();
        let (check_traces, results) =
            checks.into_iter().map(|(key, (trace, result))| ((key.clone(), trace), (key, result))).unzip();
        Ok(Loaded { traces, check_traces, results, touched, checks_touched, complete: false })
    }

    /// The traces that read one of the `changed` content files, from the
    /// reverse index, and those of the outputs not intact; `None` when the
    /// index cannot say (then every one is looked at). Only for a cache
    /// whose every output has a trace.
    fn readers(stored: &Stored, changed: &[Utf8PathBuf]) -> Option<Loaded> {
        let cache = stored.cache;
        let readers = cache.readers_of(changed.iter().map(|path| path.as_str())).ok()??;
        let damaged = stored.records.keys().filter(|output| !stored.intact.contains(output.as_str()));
        let traces = cache.traces_of(readers.outputs.iter().chain(damaged).map(String::as_str)).ok()?;
        let check_traces = cache.check_traces_of(readers.checks.iter().map(String::as_str)).ok()?;
        Some(Loaded {
            traces,
            check_traces,
            results: cache.check_results().ok()?,
            touched: readers.outputs,
            checks_touched: readers.checks,
            complete: true,
        })
    }
}

/// A check's stored diagnostics; most checks find nothing.
fn stored_diagnostics(result: &str) -> Option<Vec<Diagnostic>> {
    if result == "[]" { Some(Vec::new()) } else { serde_json::from_str(result).ok() }
}

/// Which facets of a changed file's metadata differ from what the last
/// build recorded, so the reads of the whole site that depend on them
/// (listings, link targets, the route table) may have changed. Files other
/// than Markdown content have none.
fn changed_facets(workspace: &Workspace, stored: &Stored, path: &Utf8PathBuf) -> Facets {
    if !path.starts_with("content") || path.extension() != Some("md") {
        return Facets::default();
    }
    match stored.facts.loaded.get(path.as_str()) {
        Some(fact) => queries::trace::changed_facets(&fact.meta, &workspace.facet_hashes(path)),
        None => Facets::ALL,
    }
}

/// The outputs to render when the route table is the last build's: those
/// not reused, with their routes from their traces; `None` when a trace's
/// route no longer resolves. Every output has a trace.
fn known_selection(
    workspace: &Workspace,
    stored: &Stored,
    traces: &HashMap<String, StoredTrace>,
    redo: &BTreeSet<String>,
    checks: &HashMap<String, String>,
) -> Option<Selection> {
    let stats = stored.stats?;
    let db = workspace.db();
    let redo: Vec<(String, Route)> = redo
        .iter()
        .filter(|output| traces.get(*output).is_none_or(|trace| trace.route != IMAGE_ROUTE))
        .map(|output| Some((output.clone(), route_from_key(db, &traces.get(output)?.route)?)))
        .collect::<Option<_>>()?;
    let produced: BTreeSet<String> = stored.records.keys().cloned().collect();
    let linked = checks.keys().filter(|key| key.as_str() != SITE_CHECK).cloned().collect();
    Some(Selection::Known { redo, produced, linked, stats })
}

/// Verifies stored traces against the database, computing each distinct
/// read's current hash once for all the traces that share it.
pub struct Verifier {
    table: ReadTable,
    verdicts: HashMap<i64, bool>,
    partial: bool,
    /// Reads loaded only to be named (what redone outputs read), not verified.
    names: ReadTable,
}

impl Verifier {
    /// A verifier for traces whose reads are in `table`. `partial`: the
    /// table holds only the reads an edit may have changed, and a read it
    /// lacks holds; otherwise a read it lacks is unknown and fails.
    pub fn new(table: ReadTable, partial: bool) -> Self {
        Verifier { table, verdicts: HashMap::new(), partial, names: ReadTable::new() }
    }

    /// A stored read, key and hash, if it was loaded.
    fn entry(&self, id: i64) -> Option<&(String, [u8; 32])> {
        self.table.get(&id).or_else(|| self.names.get(&id))
    }

    /// The key of a stored read, if it was loaded.
    pub fn key(&self, id: i64) -> Option<&str> {
        self.entry(id).map(|(key, _)| key.as_str())
    }

    /// The keys of the reads loaded to be verified.
    pub fn loaded_keys(&self) -> impl Iterator<Item = &str> {
        self.table.values().map(|(key, _)| key.as_str())
    }

    /// Computes, in parallel, whether each of `reads` still has its hash,
    /// so that [`Verifier::holds`] then only looks verdicts up. Reads are
    /// independent queries, so each worker hashes its share on its own
    /// clone of the database and salsa memoizes what they share once.
    ///
    /// # Performance
    /// O(distinct reads in the table among `reads`).
    pub fn precompute<'a>(&mut self, db: &QueryDb, reads: impl IntoIterator<Item = &'a i64>) {
        let pending: Vec<(i64, &String, &[u8; 32])> = reads
            .into_iter()
            .filter(|id| !self.verdicts.contains_key(*id))
            .collect::<HashSet<_>>()
            .into_iter()
            .filter_map(|id| self.table.get(id).map(|(key, hash)| (*id, key, hash)))
            .collect();
        let seed = Mutex::new(db.clone());
        let verdicts: Vec<(i64, bool)> = pending
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, (id, key, hash)| (*id, Read::from_key(key).is_some_and(|read| current_hash(db, &read) == **hash)),
            )
            .collect();
        self.verdicts.extend(verdicts);
    }

    /// Whether every read still has the hash it had, after
    /// [`Verifier::precompute`] saw them.
    pub fn holds(&self, reads: &[i64]) -> bool {
        reads.iter().all(|id| self.verdict(*id))
    }

    fn verdict(&self, id: i64) -> bool {
        match self.verdicts.get(&id) {
            Some(verdict) => *verdict,
            None => self.partial && !self.table.contains_key(&id),
        }
    }

    /// The keys of the reads among `reads` found changed (or unknown), in
    /// order.
    pub fn failing<'a>(&'a self, reads: &'a [i64]) -> impl Iterator<Item = &'a str> {
        reads
            .iter()
            .filter(|id| !self.verdict(**id))
            .map(|id| self.key(*id).unwrap_or("(a read this qsite does not know)"))
    }
}
