//! qsite's on-disk cache, `<site>/.qsite/cache.sqlite`: what the last build
//! saw and wrote, so the next process does only the work that changed.
//!
//! It holds rows and opaque values the host hands it and knows nothing of
//! salsa or of sites. Every build's changes land in one transaction (SQLite in
//! WAL mode), so a build killed at any instant leaves the old cache or the
//! new one. A cache that is missing, corrupt, from another schema or another
//! qsite binary, or locked, is never an error: [`Cache::open`] says why it
//! starts cold and the build goes on.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use camino::{Utf8Path, Utf8PathBuf};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The layout of the tables; a cache of another version is discarded.
pub const SCHEMA_VERSION: i64 = 10;

/// The file name of the cache inside `.qsite/`.
pub const CACHE_FILE: &str = "cache.sqlite";

/// A file as the last build saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Status change time, nanoseconds since the Unix epoch: an edit that
    /// keeps the size and restores the modification time still moves it.
    pub ctime_ns: i64,
    /// The inode and device: a file replaced by another (a rename over it,
    /// a restored backup) has new ones.
    pub inode: u64,
    /// See `inode`.
    pub device: u64,
    /// blake3 of the contents.
    pub hash: [u8; 32],
}

/// An output file as the last build wrote it; the manifest of what qsite owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputRecord {
    /// Length in bytes.
    pub size: u64,
    /// Modification time after writing, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// blake3 of the contents.
    pub hash: [u8; 32],
}

/// What produced an output and what its render read: the host's route key
/// and its reads, as opaque keys with the hashes of the values they got.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trace {
    /// Names what produced the output; a different producer means a new render.
    pub route: String,
    /// Each read.
    pub reads: Vec<TraceRead>,
}

/// One read of a trace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraceRead {
    /// What was read, as the host names it; shared, since many traces hold
    /// the same reads.
    pub key: Arc<str>,
    /// What its value depends on, as the host names it, so that
    /// [`Cache::reads_in`] loads only the reads an edit may have changed.
    pub scope: Arc<str>,
    /// The hash of the value it got.
    pub hash: [u8; 32],
}

/// What an earlier build derived from one file, for a later process that
/// finds the file unchanged: a hint, valid only while the file's hash is
/// `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The hash of the file's bytes it was derived from.
    pub hash: [u8; 32],
    /// The hashes of the metadata derived from it, as the host computes them.
    pub meta: Vec<u8>,
    /// The derived value, encoded by the host.
    pub value: Vec<u8>,
}

/// A trace as stored: its route and the ids of its reads in the [`ReadTable`].
/// A trace naming an id the table lacks cannot verify.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredTrace {
    /// Names what produced the output.
    pub route: String,
    /// Read ids.
    pub reads: Vec<i64>,
}

/// Stored reads: id → key and hash.
pub type ReadTable = HashMap<i64, (String, [u8; 32])>;

/// What [`Cache::readers_of`] finds: outputs by path, checks by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readers {
    /// Outputs whose trace read one of the scopes.
    pub outputs: HashSet<String>,
    /// Checks whose trace read one of the scopes.
    pub checks: HashSet<String>,
}

/// The `kind` of a row of the reverse index that names an output (else a check).
const OUTPUT_READER: i64 = 0;
/// The `kind` of a row of the reverse index that names a check.
const CHECK_READER: i64 = 1;

/// A scope that one build finds more traces reading than this is wide: its
/// readers are not listed (the settings of a page every page shows, such as
/// a menu's), and an edit of it loads every trace.
const WIDE_SCOPE_READERS: usize = 1000;

/// Why a build starts without a usable cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColdReason {
    /// No cache yet.
    Missing,
    /// The file could not be read as a cache; it was replaced.
    Corrupt(String),
    /// Written by a qsite with another cache layout; it was replaced.
    OtherSchema,
    /// Written by another qsite binary, whose results may differ: nothing it
    /// computed is reused, though what it recorded of the disk still holds.
    OtherBuild,
    /// Another program holds the database (qsite builds take turns through
    /// `.qsite/lock`); this build neither reads nor saves it.
    Locked,
}

impl std::fmt::Display for ColdReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColdReason::Missing => write!(f, "no cache yet"),
            ColdReason::Corrupt(why) => {
                write!(
                    f,
                    "the cache was unreadable ({why}) and was rebuilt (a damaged file is kept as `.qsite/{DAMAGED_FILE}`)"
                )
            }
            ColdReason::OtherSchema => write!(f, "the cache was from another qsite version and was rebuilt"),
            ColdReason::OtherBuild => {
                write!(f, "the cache was made by another qsite binary, so every output is rendered again")
            }
            ColdReason::Locked => write!(f, "the cache is locked by another program; this build does not use it"),
        }
    }
}

/// An environment problem with the cache that stops it from being saved.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// SQLite failed.
    #[error("cache: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl CacheError {
    /// Whether the cache file itself is damaged (a malformed page, a row
    /// whose checksum does not match), as opposed to a full disk or a lock:
    /// then no later build could use it either.
    pub fn is_damage(&self) -> bool {
        let CacheError::Sqlite(error) = self;
        matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ) || matches!(error, rusqlite::Error::FromSqlConversionFailure(_, _, inner) if inner.is::<DamagedRow>())
    }
}

/// Everything one build changes in the cache, committed at once.
#[derive(Debug, Default)]
pub struct BuildRecord {
    /// Files seen with new or changed stats.
    pub files: Vec<(String, FileStat)>,
    /// Files that no longer exist.
    pub removed_files: Vec<String>,
    /// The output folder this build wrote into, as the host names it:
    /// `outputs` and `removed_outputs` are records of that folder's files.
    pub output_folder: String,
    /// Outputs written or confirmed.
    pub outputs: Vec<(String, OutputRecord)>,
    /// Outputs deleted, or no longer qsite's.
    pub removed_outputs: Vec<String>,
    /// Whether the stored traces describe another output folder than this
    /// build's: they are dropped first.
    pub replace_traces: bool,
    /// Which read scopes the reverse index ([`Cache::readers_of`]) holds:
    /// those that begin with this prefix. The host names the scopes few
    /// traces share (one page's file), so the index stays small; an empty
    /// prefix indexes every scope.
    pub indexed_scopes: &'static str,
    /// Traces of the outputs rendered by this build.
    pub traces: Vec<(String, Trace)>,
    /// Checks run by this build, by key: their trace and result.
    pub checks: Vec<(String, Trace, String)>,
    /// Checks that no longer exist.
    pub removed_checks: Vec<String>,
    /// New entries of the content-addressed store: key → value.
    pub store: Vec<([u8; 32], Vec<u8>)>,
    /// Store entries no longer in use (made from a file's old contents).
    pub dead_keys: Vec<[u8; 32]>,
    /// What this build derived from files, by path; the facts of
    /// `removed_files` go with them.
    pub facts: Vec<(String, Fact)>,
    /// Values of whole-site reads, by the host's key: added, or replacing
    /// all the stored ones when `replace_site_values`.
    pub site_values: Vec<(String, String)>,
    /// Whether `site_values` replace every stored one (the site's metadata
    /// changed, so the old ones no longer hold).
    pub replace_site_values: bool,
    /// Values the host keeps between builds (options, warnings).
    pub meta: Vec<(String, String)>,
    /// Why each output this build rendered was rendered, as text the host
    /// reads back for `qsite explain`; replaces the last build's.
    pub explanations: Vec<(String, String)>,
}

/// An open cache. When it could not be opened on disk it lives in memory,
/// so the build runs the same way and simply saves nothing.
pub struct Cache {
    /// Shared only with [`FactsReader`]s, which hold it weakly: the cache
    /// alone keeps it open.
    connection: Arc<Mutex<Connection>>,
    persistent: bool,
    dir: Utf8PathBuf,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, device INTEGER NOT NULL, hash BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS outputs (folder TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (folder, path)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS traces (path TEXT PRIMARY KEY, route TEXT NOT NULL, reads BLOB NOT NULL, scopes TEXT NOT NULL, sum BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS readers (scope TEXT NOT NULL, kind INTEGER NOT NULL, owner TEXT NOT NULL, PRIMARY KEY (scope, kind, owner)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS wide_scopes (scope TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS reads (id INTEGER PRIMARY KEY, key TEXT NOT NULL, scope TEXT NOT NULL, hash BLOB NOT NULL, sum BLOB NOT NULL, UNIQUE (key, hash));
    CREATE INDEX IF NOT EXISTS reads_by_scope ON reads (scope);
    CREATE TABLE IF NOT EXISTS facts (path TEXT PRIMARY KEY, hash BLOB NOT NULL, meta BLOB NOT NULL, value BLOB NOT NULL, sum BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS fact_hashes ON facts (path, hash);
    CREATE TABLE IF NOT EXISTS site_values (key TEXT PRIMARY KEY, value TEXT NOT NULL, sum BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS checks (key TEXT PRIMARY KEY, route TEXT NOT NULL, reads BLOB NOT NULL, result TEXT NOT NULL, scopes TEXT NOT NULL, sum BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS store (key BLOB PRIMARY KEY, value BLOB NOT NULL, sum BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS explanations (path TEXT PRIMARY KEY, reason TEXT NOT NULL);
";

/// The checksum stored beside a row's values, so that damage to any of
/// them (bit rot, an edit with another tool) is seen when the row is read:
/// each value with its length, hashed. 128 bits: damage, not an adversary
/// who could rewrite the sums as well, is what it guards against, and the
/// cache holds one per stored read.
fn checksum(values: &[&[u8]]) -> [u8; 16] {
    let mut hasher = blake3::Hasher::new();
    for value in values {
        hasher.update(&(value.len() as u64).to_le_bytes());
        hasher.update(value);
    }
    let mut sum = [0; 16];
    sum.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    sum
}

/// A row whose values do not match the checksum stored beside them.
#[derive(Debug, thiserror::Error)]
#[error("a row of `{0}` does not match its checksum")]
pub struct DamagedRow(&'static str);

/// Whether the row's `values` match its stored checksum `sum`.
fn intact(values: &[&[u8]], sum: &[u8]) -> bool {
    checksum(values)[..] == *sum
}

/// Fails the read when the row's `values` do not match `sum`: for tables
/// whose rows, if skipped, would let an output pass unchecked.
fn require_intact(table: &'static str, values: &[&[u8]], sum: &[u8]) -> rusqlite::Result<()> {
    if intact(values, sum) {
        Ok(())
    } else {
        Err(rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(DamagedRow(table))))
    }
}

/// The columns a read row is selected with, for [`read_row`].
const READ_COLUMNS: &str = "id, key, hash, scope, sum";

/// A row of `SELECT` [`READ_COLUMNS`] `FROM reads` as a [`ReadTable`] entry.
fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, (String, [u8; 32]))> {
    let (key, hash, scope) = (row.get_ref(1)?.as_str()?, row.get_ref(2)?.as_blob()?, row.get_ref(3)?.as_str()?);
    require_intact("reads", &[key.as_bytes(), scope.as_bytes(), hash], row.get_ref(4)?.as_blob()?)?;
    Ok((row.get(0)?, (key.to_owned(), hash_from(hash.to_vec()))))
}

/// A row of `key, route, reads, …, sum` (the sum last, at `sum_column`) as
/// a [`StoredTrace`], its checksum covering the columns between.
fn stored_trace(row: &rusqlite::Row<'_>, table: &'static str, sum_column: usize) -> rusqlite::Result<StoredTrace> {
    let mut values: Vec<&[u8]> = Vec::with_capacity(sum_column - 1);
    for column in 1..sum_column {
        values.push(match row.get_ref(column)? {
            rusqlite::types::ValueRef::Text(bytes) | rusqlite::types::ValueRef::Blob(bytes) => bytes,
            _ => &[],
        });
    }
    require_intact(table, &values, row.get_ref(sum_column)?.as_blob()?)?;
    Ok(StoredTrace { route: row.get(1)?, reads: decode_ids(row.get_ref(2)?.as_blob()?).collect() })
}

/// A row of `hash, meta, value, sum` (from `first` on) as a [`Fact`], or
/// `None` when it does not match its checksum: a damaged fact is left out,
/// and the file's facts are derived again.
fn fact_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Option<Fact>> {
    let fact = Fact { hash: hash_from(row.get(first)?), meta: row.get(first + 1)?, value: row.get(first + 2)? };
    Ok(intact(&[&fact.hash, &fact.meta, &fact.value], row.get_ref(first + 3)?.as_blob()?).then_some(fact))
}

fn hash_from(bytes: Vec<u8>) -> [u8; 32] {
    let mut hash = [0; 32];
    if bytes.len() == 32 {
        hash.copy_from_slice(&bytes);
    }
    hash
}

impl Cache {
    /// Opens (or creates) the cache in `dir` for a qsite binary identified by
    /// `build_id`, and says whether it starts warm or, if not, why.
    pub fn open(dir: &Utf8Path, build_id: &str) -> (Cache, Option<ColdReason>) {
        let path = dir.join(CACHE_FILE);
        let existed = path.exists();
        match Cache::open_file(dir, &path, build_id) {
            Ok((cache, reason)) => (cache, if existed { reason } else { Some(ColdReason::Missing) }),
            Err(OpenError::Sqlite(error)) if is_busy(&error) => (Cache::in_memory(), Some(ColdReason::Locked)),
            Err(error) => {
                // Unreadable: replace it, never fail the build over a cache.
                set_aside_cache_files(&path);
                match Cache::open_file(dir, &path, build_id) {
                    Ok((cache, _)) => (cache, Some(ColdReason::Corrupt(error.to_string()))),
                    Err(_) => (Cache::in_memory(), Some(ColdReason::Corrupt(error.to_string()))),
                }
            }
        }
    }

    /// Opens the cache in `dir` only to read it (`qsite explain`): never
    /// creates, repairs or changes it. `None` if there is none to read.
    pub fn open_read_only(dir: &Utf8Path) -> Option<Cache> {
        let path = dir.join(CACHE_FILE);
        // A write-ahead log means a build is writing (or was killed while
        // writing): the file alone is not the cache then.
        if !path.is_file() || Utf8PathBuf::from(format!("{path}-wal")).exists() {
            return None;
        }
        // Immutable: SQLite then reads the file as it is and creates no
        // shared-memory or log file beside it, so reading writes nothing.
        let uri =
            format!("file:{}?immutable=1", path.as_str().replace('%', "%25").replace('?', "%3f").replace('#', "%23"));
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
        let connection = Connection::open_with_flags(uri, flags).ok()?;
        Some(Cache { connection: Arc::new(Mutex::new(connection)), persistent: false, dir: dir.to_owned() })
    }

    /// Opens the cache in `dir` for a build that writes nothing (`qsite
    /// check`): read only, never created or repaired; an empty one in memory
    /// when there is none, or it cannot be read, or it is another binary's.
    pub fn open_to_read(dir: &Utf8Path, build_id: &str) -> (Cache, Option<ColdReason>) {
        let Some(cache) = Cache::open_read_only(dir) else { return (Cache::in_memory(), Some(ColdReason::Missing)) };
        let value = |key: &str| cache.meta(key).ok().flatten();
        match (value("schema_version").and_then(|value| value.parse::<i64>().ok()), value("build_id")) {
            (Some(SCHEMA_VERSION), Some(build)) if build == build_id => (cache, None),
            (Some(SCHEMA_VERSION), Some(_)) => (Cache::in_memory(), Some(ColdReason::OtherBuild)),
            _ => (Cache::in_memory(), Some(ColdReason::OtherSchema)),
        }
    }

    fn in_memory() -> Cache {
        let connection = Connection::open_in_memory().expect("an in-memory SQLite database opens");
        connection.execute_batch(SCHEMA).expect("the schema applies to an empty database");
        Cache { connection: Arc::new(Mutex::new(connection)), persistent: false, dir: Utf8PathBuf::new() }
    }

    fn open_file(dir: &Utf8Path, path: &Utf8PathBuf, build_id: &str) -> Result<(Cache, Option<ColdReason>), OpenError> {
        std::fs::create_dir_all(dir)?;
        let connection = Connection::open(path)?;
        // Fail fast when another process writes: this build then runs without the cache.
        connection.busy_timeout(std::time::Duration::from_millis(200))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "temp_store", "MEMORY")?;
        connection.execute_batch(SCHEMA)?;
        let schema: Option<i64> = connection
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |row| row.get::<_, String>(0))
            .optional()?
            .and_then(|value| value.parse().ok());
        let build: Option<String> =
            connection.query_row("SELECT value FROM meta WHERE key = 'build_id'", [], |row| row.get(0)).optional()?;
        let reason = match (schema, build) {
            (Some(SCHEMA_VERSION), Some(build)) if build == build_id => None,
            (Some(SCHEMA_VERSION), Some(_)) => Some(ColdReason::OtherBuild),
            (None, None) => Some(ColdReason::Missing),
            _ => Some(ColdReason::OtherSchema),
        };
        if matches!(reason, Some(ColdReason::OtherSchema | ColdReason::Missing)) {
            connection.execute_batch(
                "BEGIN IMMEDIATE; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS outputs;
                 DROP TABLE IF EXISTS traces; DROP TABLE IF EXISTS readers; DROP TABLE IF EXISTS wide_scopes;
                 DROP TABLE IF EXISTS reads; DROP TABLE IF EXISTS checks; DROP TABLE IF EXISTS store;
                 DROP TABLE IF EXISTS explanations; DROP TABLE IF EXISTS facts; DROP TABLE IF EXISTS site_values; COMMIT;",
            )?;
            connection.execute_batch(SCHEMA)?;
        }
        // What the files and outputs tables hold are facts about the disk, true
        // whichever binary wrote them; traces, derived facts and stored
        // results are what another binary may compute differently, so they go.
        if reason == Some(ColdReason::OtherBuild) {
            connection.execute_batch(
                "BEGIN IMMEDIATE; DELETE FROM traces; DELETE FROM readers; DELETE FROM wide_scopes; DELETE FROM checks;
                 DELETE FROM reads;
                 DELETE FROM facts; DELETE FROM store; DELETE FROM site_values; COMMIT;",
            )?;
        }
        connection.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('build_id', ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![SCHEMA_VERSION.to_string(), build_id],
        )?;
        Ok((Cache { connection: Arc::new(Mutex::new(connection)), persistent: true, dir: dir.to_owned() }, reason))
    }

    /// Replaces a cache found damaged while reading it (damage that opening
    /// does not notice, such as a file cut short) with an empty one.
    pub fn reset(&mut self, build_id: &str, error: &CacheError) -> ColdReason {
        let reason = ColdReason::Corrupt(error.to_string());
        let persistent = self.persistent;
        let path = self.dir.join(CACHE_FILE);
        *self = Cache::in_memory();
        if !persistent {
            return reason;
        }
        set_aside_cache_files(&path);
        if let Ok((cache, _)) =
            Cache::open_file(&path.parent().map(Utf8Path::to_owned).unwrap_or_default(), &path, build_id)
        {
            *self = cache;
        }
        reason
    }

    /// Moves the cache file aside, found damaged when this build saved into
    /// it; the next build starts without it. Returns where it went.
    pub fn set_aside(&mut self) -> Utf8PathBuf {
        let path = self.dir.join(CACHE_FILE);
        // Closed first: the file is replaced, not written, from now on.
        *self = Cache::in_memory();
        set_aside_cache_files(&path);
        path.with_file_name(DAMAGED_FILE)
    }

    /// Whether changes are saved to disk (false when the cache was locked).
    pub fn is_persistent(&self) -> bool {
        self.persistent
    }

    /// The connection, for one call; a [`FactsReader`] waits meanwhile.
    fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A value the host stored with [`BuildRecord::meta`].
    pub fn meta(&self, key: &str) -> Result<Option<String>, CacheError> {
        Ok(self.connection().query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    /// Every file the last build saw.
    pub fn files(&self) -> Result<HashMap<String, FileStat>, CacheError> {
        let connection = self.connection();
        let mut statement =
            connection.prepare("SELECT path, size, mtime_ns, ctime_ns, inode, device, hash FROM files")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                FileStat {
                    size: row.get::<_, i64>(1)? as u64,
                    mtime_ns: row.get(2)?,
                    ctime_ns: row.get(3)?,
                    inode: row.get::<_, i64>(4)? as u64,
                    device: row.get::<_, i64>(5)? as u64,
                    hash: hash_from(row.get(6)?),
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every file qsite wrote into the output folder the host names
    /// `folder`, as it was after writing: with the folder's own manifest,
    /// the second witness a deletion needs.
    pub fn outputs(&self, folder: &str) -> Result<HashMap<String, OutputRecord>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT path, size, mtime_ns, hash FROM outputs WHERE folder = ?1")?;
        let rows = statement.query_map([folder], |row| {
            let record = OutputRecord {
                size: row.get::<_, i64>(1)? as u64,
                mtime_ns: row.get(2)?,
                hash: hash_from(row.get(3)?),
            };
            Ok((row.get::<_, String>(0)?, record))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stored read: id → key and the hash its computation saw.
    pub fn read_table(&self) -> Result<ReadTable, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare(&format!("SELECT {READ_COLUMNS} FROM reads"))?;
        let rows = statement.query_map([], read_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored reads whose scope is one of `scopes`: what an edit of
    /// those files (or of the site as a whole) may have changed.
    ///
    /// # Performance
    /// One index lookup per scope; proportional to the reads returned.
    pub fn reads_in<'a>(&self, scopes: impl IntoIterator<Item = &'a str>) -> Result<ReadTable, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare(&format!("SELECT {READ_COLUMNS} FROM reads WHERE scope = ?1"))?;
        let mut table = ReadTable::new();
        for scope in scopes {
            for row in statement.query_map([scope], read_row)? {
                let (id, entry) = row?;
                table.insert(id, entry);
            }
        }
        Ok(table)
    }

    /// The distinct scopes of the stored reads that begin with `prefix`.
    ///
    /// # Performance
    /// Walks the scope index from `prefix` and stops at the first scope
    /// past it: the site's few scopes, not every read.
    pub fn scopes_starting_with(&self, prefix: &str) -> Result<Vec<String>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT DISTINCT scope FROM reads WHERE scope >= ?1 ORDER BY scope")?;
        let mut scopes = Vec::new();
        for scope in statement.query_map([prefix], |row| row.get::<_, String>(0))? {
            let scope = scope?;
            if !scope.starts_with(prefix) {
                break;
            }
            scopes.push(scope);
        }
        Ok(scopes)
    }

    /// The stored reads of these ids (those it has).
    ///
    /// # Performance
    /// One query per 500 distinct ids.
    pub fn reads_with_ids(&self, ids: &[i64]) -> Result<ReadTable, CacheError> {
        const CHUNK: usize = 500;
        let mut distinct: Vec<i64> = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let mut table = ReadTable::new();
        let connection = self.connection();
        for chunk in distinct.chunks(CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut statement =
                connection.prepare_cached(&format!("SELECT {READ_COLUMNS} FROM reads WHERE id IN ({marks})"))?;
            for row in statement.query_map(rusqlite::params_from_iter(chunk), read_row)? {
                let (id, entry) = row?;
                table.insert(id, entry);
            }
        }
        Ok(table)
    }

    /// Every stored whole-site value, by the host's key.
    pub fn site_values(&self) -> Result<Vec<(String, String)>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT key, value, sum FROM site_values")?;
        let mut values = Vec::new();
        // A damaged value is left out: what it held is computed again.
        for row in statement.query_map([], |row| {
            let (key, value) = (row.get::<_, String>(0)?, row.get::<_, String>(1)?);
            Ok(intact(&[key.as_bytes(), value.as_bytes()], row.get_ref(2)?.as_blob()?).then_some((key, value)))
        })? {
            values.extend(row?);
        }
        Ok(values)
    }

    /// Every file's derived facts, by path.
    pub fn facts(&self) -> Result<HashMap<String, Fact>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT path, hash, meta, value, sum FROM facts")?;
        let mut facts = HashMap::new();
        for row in statement.query_map([], |row| Ok((row.get::<_, String>(0)?, fact_row(row, 1)?)))? {
            if let (path, Some(fact)) = row? {
                facts.insert(path, fact);
            }
        }
        Ok(facts)
    }

    /// Which bytes each file's facts were derived from, by path, without
    /// the facts themselves.
    ///
    /// # Performance
    /// Reads the covering index `fact_hashes`, not the facts' values.
    pub fn fact_hashes(&self) -> Result<HashMap<String, [u8; 32]>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT path, hash FROM facts INDEXED BY fact_hashes")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, hash_from(row.get(1)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The facts of these files (those it has).
    ///
    /// # Performance
    /// One index lookup per file.
    pub fn facts_of<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Result<HashMap<String, Fact>, CacheError> {
        facts_of(&self.connection(), paths)
    }

    /// A reader of files' facts for other threads, while this cache is open.
    pub fn facts_reader(&self) -> FactsReader {
        FactsReader(Arc::downgrade(&self.connection))
    }

    /// The trace of every output that has one, as ids into the [`ReadTable`].
    pub fn traces(&self) -> Result<HashMap<String, StoredTrace>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT path, route, reads, sum FROM traces")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, stored_trace(row, "traces", 3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The traces of these outputs (those that have one).
    ///
    /// # Performance
    /// One index lookup per output.
    pub fn traces_of<'a>(
        &self,
        outputs: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, StoredTrace>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT path, route, reads, sum FROM traces WHERE path = ?1")?;
        let mut traces = HashMap::new();
        for output in outputs {
            if let Some(trace) = statement.query_row([output], |row| stored_trace(row, "traces", 3)).optional()? {
                traces.insert(output.to_owned(), trace);
            }
        }
        Ok(traces)
    }

    /// How many outputs have a trace: as many as there are outputs once
    /// every output was rendered by a build that recorded its trace.
    pub fn trace_count(&self) -> Result<usize, CacheError> {
        let count: i64 = self.connection().query_row("SELECT count(*) FROM traces", [], |row| row.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Every stored check: its trace and the result the host stored.
    pub fn checks(&self) -> Result<HashMap<String, (StoredTrace, String)>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT key, route, reads, result, sum FROM checks")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, (stored_trace(row, "checks", 4)?, row.get::<_, String>(3)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stored check's result, without its trace.
    pub fn check_results(&self) -> Result<HashMap<String, String>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT key, route, reads, result, sum FROM checks")?;
        let rows = statement.query_map([], |row| {
            stored_trace(row, "checks", 4)?;
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(3)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The traces of these checks (those stored).
    ///
    /// # Performance
    /// One index lookup per check.
    pub fn check_traces_of<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, StoredTrace>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT key, route, reads, result, sum FROM checks WHERE key = ?1")?;
        let mut traces = HashMap::new();
        for key in keys {
            if let Some(trace) = statement.query_row([key], |row| stored_trace(row, "checks", 4)).optional()? {
                traces.insert(key.to_owned(), trace);
            }
        }
        Ok(traces)
    }

    /// The outputs and the checks whose stored trace holds a read of one of
    /// `scopes`, from the reverse index: what an edit of those files may
    /// change. Only scopes under [`BuildRecord::indexed_scopes`] are
    /// indexed, and of those not the ones read so widely that listing their
    /// readers would cost more than reading every trace: `None` when one of
    /// `scopes` is such a scope.
    ///
    /// # Performance
    /// One index range per scope; proportional to the readers returned.
    pub fn readers_of<'a>(&self, scopes: impl IntoIterator<Item = &'a str>) -> Result<Option<Readers>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT kind, owner FROM readers WHERE scope = ?1")?;
        let mut wide = connection.prepare("SELECT 1 FROM wide_scopes WHERE scope = ?1")?;
        let mut readers = Readers::default();
        for scope in scopes {
            if wide.exists([scope])? {
                return Ok(None);
            }
            for row in statement.query_map([scope], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))? {
                match row? {
                    (OUTPUT_READER, owner) => readers.outputs.insert(owner),
                    (_, owner) => readers.checks.insert(owner),
                };
            }
        }
        Ok(Some(readers))
    }

    /// Values of the content-addressed store, for the keys it has. Keys name
    /// a pure step and its explicit inputs, so a value is right wherever its
    /// key matches.
    pub fn stored(&self, keys: &[[u8; 32]]) -> Result<HashMap<[u8; 32], Vec<u8>>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT value, sum FROM store WHERE key = ?1")?;
        let mut found = HashMap::new();
        for key in keys {
            let row = statement.query_row([&key[..]], |row| {
                let value = row.get::<_, Vec<u8>>(0)?;
                Ok(intact(&[&key[..], &value], row.get_ref(1)?.as_blob()?).then_some(value))
            });
            // A damaged value is left out: it is computed again.
            if let Some(Some(value)) = row.optional()? {
                found.insert(*key, value);
            }
        }
        Ok(found)
    }

    /// Which of `keys` the content-addressed store has.
    pub fn has_keys(&self, keys: &[[u8; 32]]) -> Result<HashSet<[u8; 32]>, CacheError> {
        let connection = self.connection();
        let mut statement = connection.prepare("SELECT value, sum FROM store WHERE key = ?1")?;
        let mut found = HashSet::new();
        for key in keys {
            let row = statement.query_row([&key[..]], |row| {
                Ok(intact(&[&key[..], row.get_ref(0)?.as_blob()?], row.get_ref(1)?.as_blob()?))
            });
            // A damaged value counts as missing, so the build stores it again.
            if row.optional()? == Some(true) {
                found.insert(*key);
            }
        }
        Ok(found)
    }

    /// Sets one value the host keeps between builds, on its own.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<(), CacheError> {
        self.connection().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Why the last build that rendered anything rendered `path`, if it did.
    pub fn explanation(&self, path: &str) -> Result<Option<String>, CacheError> {
        Ok(self
            .connection()
            .query_row("SELECT reason FROM explanations WHERE path = ?1", [path], |row| row.get(0))
            .optional()?)
    }

    /// Saves one build's changes in one transaction.
    pub fn commit(&mut self, record: &BuildRecord) -> Result<(), CacheError> {
        let mut connection = self.connection();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            if record.replace_traces {
                transaction.execute_batch("DELETE FROM traces; DELETE FROM readers WHERE kind = 0;")?;
            }
            let mut upsert_file = transaction.prepare(
                "INSERT INTO files (path, size, mtime_ns, ctime_ns, inode, device, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                 ctime_ns = excluded.ctime_ns, inode = excluded.inode, device = excluded.device, hash = excluded.hash",
            )?;
            for (path, stat) in &record.files {
                upsert_file.execute(params![
                    path,
                    stat.size as i64,
                    stat.mtime_ns,
                    stat.ctime_ns,
                    stat.inode as i64,
                    stat.device as i64,
                    &stat.hash[..]
                ])?;
            }
            let mut delete_file = transaction.prepare("DELETE FROM files WHERE path = ?1")?;
            let mut delete_fact = transaction.prepare("DELETE FROM facts WHERE path = ?1")?;
            for path in &record.removed_files {
                delete_file.execute([path])?;
                delete_fact.execute([path])?;
            }
            let mut upsert_fact = transaction
                .prepare("INSERT OR REPLACE INTO facts (path, hash, meta, value, sum) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (path, fact) in &record.facts {
                let sum = checksum(&[&fact.hash, &fact.meta, &fact.value]);
                upsert_fact.execute(params![path, &fact.hash[..], &fact.meta[..], fact.value, &sum[..]])?;
            }
            let mut upsert_output = transaction.prepare(
                "INSERT INTO outputs (folder, path, size, mtime_ns, hash) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(folder, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, hash = excluded.hash",
            )?;
            let folder = &record.output_folder;
            for (path, output) in &record.outputs {
                upsert_output.execute(params![folder, path, output.size as i64, output.mtime_ns, &output.hash[..]])?;
            }
            let mut delete_output = transaction.prepare("DELETE FROM outputs WHERE folder = ?1 AND path = ?2")?;
            let mut index = ReaderIndex::new(&transaction, record.indexed_scopes)?;
            for path in &record.removed_outputs {
                delete_output.execute([folder, path])?;
                index.forget(OUTPUT_READER, path)?;
            }
            for key in &record.removed_checks {
                index.forget(CHECK_READER, key)?;
            }
            if !record.traces.is_empty() || !record.checks.is_empty() || !record.removed_checks.is_empty() {
                store_traces(&transaction, &mut index, record)?;
            }
            let mut put = transaction.prepare("INSERT OR REPLACE INTO store (key, value, sum) VALUES (?1, ?2, ?3)")?;
            for (key, value) in &record.store {
                put.execute(params![&key[..], value, &checksum(&[key, value])[..]])?;
            }
            if record.replace_site_values {
                transaction.execute("DELETE FROM site_values", [])?;
            }
            let mut put_value =
                transaction.prepare("INSERT OR REPLACE INTO site_values (key, value, sum) VALUES (?1, ?2, ?3)")?;
            for (key, value) in &record.site_values {
                put_value.execute(params![key, value, &checksum(&[key.as_bytes(), value.as_bytes()])[..]])?;
            }
            let mut delete = transaction.prepare("DELETE FROM store WHERE key = ?1")?;
            for key in &record.dead_keys {
                delete.execute([&key[..]])?;
            }
            transaction.execute("DELETE FROM explanations", [])?;
            let mut explain =
                transaction.prepare("INSERT OR REPLACE INTO explanations (path, reason) VALUES (?1, ?2)")?;
            for (path, reason) in &record.explanations {
                explain.execute([path, reason])?;
            }
            let mut upsert_meta = transaction.prepare(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?;
            for (key, value) in &record.meta {
                upsert_meta.execute([key, value])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }
}

/// Why the cache file could not be used.
#[derive(Debug, thiserror::Error)]
enum OpenError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Stores traces, sharing read rows between outputs and checks, keeps the
/// reverse index in step, then drops the reads nothing refers to any more,
/// so the cache stays proportional to the site. A row is a read *and* the
/// hash it got, never updated: a trace says exactly what its computation
/// saw, whatever later ones see.
fn store_traces<'a>(
    transaction: &rusqlite::Transaction<'_>,
    index: &mut ReaderIndex<'_>,
    record: &'a BuildRecord,
) -> Result<(), rusqlite::Error> {
    let mut intern = transaction.prepare(
        "INSERT INTO reads (key, scope, hash, sum) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(key, hash) DO UPDATE SET scope = excluded.scope, sum = excluded.sum RETURNING id",
    )?;
    // Many traces share reads: each distinct one is interned once.
    let mut interned: HashMap<(&str, [u8; 32]), i64> = HashMap::new();
    let mut encode = |trace: &'a Trace| -> Result<Vec<u8>, rusqlite::Error> {
        let mut ids = Vec::with_capacity(trace.reads.len() * 8);
        for read in &trace.reads {
            let id = match interned.get(&(&*read.key, read.hash)) {
                Some(id) => *id,
                None => {
                    // Written whole again: a damaged row heals.
                    let sum = checksum(&[read.key.as_bytes(), read.scope.as_bytes(), &read.hash]);
                    let id: i64 = intern
                        .query_row(params![&*read.key, &*read.scope, &read.hash[..], &sum[..]], |row| row.get(0))?;
                    interned.insert((&*read.key, read.hash), id);
                    id
                }
            };
            ids.extend_from_slice(&id.to_le_bytes());
        }
        Ok(ids)
    };
    index.widen(
        transaction,
        record.traces.iter().map(|(_, trace)| trace).chain(record.checks.iter().map(|(_, trace, _)| trace)),
    )?;
    let mut set_trace = transaction
        .prepare("INSERT OR REPLACE INTO traces (path, route, reads, scopes, sum) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (path, trace) in &record.traces {
        let scopes = index.replace(OUTPUT_READER, path, trace)?;
        let reads = encode(trace)?;
        let sum = checksum(&[trace.route.as_bytes(), &reads]);
        set_trace.execute(params![path, trace.route, reads, scopes, &sum[..]])?;
    }
    let mut set_check = transaction.prepare(
        "INSERT OR REPLACE INTO checks (key, route, reads, result, scopes, sum) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (key, trace, result) in &record.checks {
        let scopes = index.replace(CHECK_READER, key, trace)?;
        let reads = encode(trace)?;
        let sum = checksum(&[trace.route.as_bytes(), &reads, result.as_bytes()]);
        set_check.execute(params![key, trace.route, reads, result, scopes, &sum[..]])?;
    }
    collect_unreferenced_reads(transaction)
}

/// Keeps the reverse index (scope → the outputs and checks whose trace read
/// it) in step with the traces. Each trace row lists the indexed scopes it
/// was filed under, so replacing or removing it unfiles exactly those.
struct ReaderIndex<'t> {
    prefix: &'static str,
    /// The wide scopes (see [`WIDE_SCOPE_READERS`]), never filed.
    wide: HashSet<String>,
    scopes_of: [rusqlite::Statement<'t>; 2],
    drop_owner: [rusqlite::Statement<'t>; 2],
    file: rusqlite::Statement<'t>,
    unfile: rusqlite::Statement<'t>,
}

impl<'t> ReaderIndex<'t> {
    fn new(transaction: &'t rusqlite::Transaction<'_>, prefix: &'static str) -> Result<Self, rusqlite::Error> {
        let mut wide = transaction.prepare("SELECT scope FROM wide_scopes")?;
        let wide = wide.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        Ok(ReaderIndex {
            prefix,
            wide,
            scopes_of: [
                transaction.prepare("SELECT scopes FROM traces WHERE path = ?1")?,
                transaction.prepare("SELECT scopes FROM checks WHERE key = ?1")?,
            ],
            drop_owner: [
                transaction.prepare("DELETE FROM traces WHERE path = ?1")?,
                transaction.prepare("DELETE FROM checks WHERE key = ?1")?,
            ],
            file: transaction.prepare("INSERT OR IGNORE INTO readers (scope, kind, owner) VALUES (?1, ?2, ?3)")?,
            unfile: transaction.prepare("DELETE FROM readers WHERE scope = ?1 AND kind = ?2 AND owner = ?3")?,
        })
    }

    /// Marks wide the scopes that more than [`WIDE_SCOPE_READERS`] of
    /// `traces` read, and unfiles their readers.
    fn widen<'a>(
        &mut self,
        transaction: &rusqlite::Transaction<'_>,
        traces: impl Iterator<Item = &'a Trace>,
    ) -> Result<(), rusqlite::Error> {
        let mut readers: HashMap<&str, usize> = HashMap::new();
        for trace in traces {
            let scopes: HashSet<&str> = trace.reads.iter().map(|read| &*read.scope).collect();
            for scope in scopes.into_iter().filter(|scope| scope.starts_with(self.prefix)) {
                *readers.entry(scope).or_default() += 1;
            }
        }
        for (scope, _) in readers.into_iter().filter(|(_, count)| *count > WIDE_SCOPE_READERS) {
            if self.wide.insert(scope.to_owned()) {
                transaction.execute("INSERT OR IGNORE INTO wide_scopes (scope) VALUES (?1)", [scope])?;
                transaction.execute("DELETE FROM readers WHERE scope = ?1", [scope])?;
            }
        }
        Ok(())
    }

    /// Unfiles the trace `owner` has now.
    fn unfile_current(&mut self, kind: i64, owner: &str) -> Result<(), rusqlite::Error> {
        let slot = usize::from(kind != OUTPUT_READER);
        let filed: Option<String> = self.scopes_of[slot].query_row([owner], |row| row.get(0)).optional()?;
        for scope in filed.iter().flat_map(|scopes| scopes.split('\n')).filter(|scope| !scope.is_empty()) {
            self.unfile.execute(params![scope, kind, owner])?;
        }
        Ok(())
    }

    /// Files `owner`'s new trace in place of its old one; returns the scopes
    /// it is filed under, for its row.
    fn replace(&mut self, kind: i64, owner: &str, trace: &Trace) -> Result<String, rusqlite::Error> {
        self.unfile_current(kind, owner)?;
        let scopes: std::collections::BTreeSet<&str> =
            trace.reads.iter().map(|read| &*read.scope).filter(|scope| self.is_filed(scope)).collect();
        for scope in &scopes {
            self.file.execute(params![scope, kind, owner])?;
        }
        Ok(scopes.into_iter().collect::<Vec<_>>().join("\n"))
    }

    /// Whether readers of `scope` are listed.
    fn is_filed(&self, scope: &str) -> bool {
        scope.starts_with(self.prefix) && !self.wide.contains(scope)
    }

    /// Removes `owner`'s trace and unfiles it.
    fn forget(&mut self, kind: i64, owner: &str) -> Result<(), rusqlite::Error> {
        self.unfile_current(kind, owner)?;
        self.drop_owner[usize::from(kind != OUTPUT_READER)].execute([owner])?;
        Ok(())
    }
}

/// Meta keys of the last collection of unreferenced reads: how many reads
/// it kept, and the highest id then.
const READS_KEPT: &str = "reads_kept_at_collection";
const READS_MAX_ID: &str = "reads_max_id_at_collection";

/// Drops the reads no trace refers to any more, once as many reads have
/// been added since the last collection as it kept (at least a few
/// thousand): the cache stays proportional to the site while a build that
/// renders one page does not scan every trace.
fn collect_unreferenced_reads(transaction: &rusqlite::Transaction<'_>) -> Result<(), rusqlite::Error> {
    let meta = |key: &str| -> Result<i64, rusqlite::Error> {
        Ok(transaction
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get::<_, String>(0))
            .optional()?
            .and_then(|value| value.parse().ok())
            .unwrap_or(0))
    };
    let max_id: i64 = transaction.query_row("SELECT coalesce(max(id), 0) FROM reads", [], |row| row.get(0))?;
    if max_id - meta(READS_MAX_ID)? <= meta(READS_KEPT)?.max(4096) {
        return Ok(());
    }
    let mut referenced = std::collections::HashSet::new();
    for table in ["SELECT reads FROM traces", "SELECT reads FROM checks"] {
        let mut all = transaction.prepare(table)?;
        for ids in all.query_map([], |row| row.get::<_, Vec<u8>>(0))? {
            referenced.extend(decode_ids(&ids?));
        }
    }
    let mut ids = transaction.prepare("SELECT id FROM reads")?;
    let unreferenced: Vec<i64> = ids
        .query_map([], |row| row.get::<_, i64>(0))?
        .filter_map(Result::ok)
        .filter(|id| !referenced.contains(id))
        .collect();
    let mut delete = transaction.prepare("DELETE FROM reads WHERE id = ?1")?;
    for id in unreferenced {
        delete.execute([id])?;
    }
    let kept: i64 = transaction.query_row("SELECT count(*) FROM reads", [], |row| row.get(0))?;
    let max_id: i64 = transaction.query_row("SELECT coalesce(max(id), 0) FROM reads", [], |row| row.get(0))?;
    let mut set = transaction.prepare(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?;
    set.execute([READS_KEPT, &kept.to_string()])?;
    set.execute([READS_MAX_ID, &max_id.to_string()])?;
    Ok(())
}

/// The read ids of a stored trace: little-endian 64-bit integers.
fn decode_ids(bytes: &[u8]) -> impl Iterator<Item = i64> + '_ {
    bytes.chunks_exact(8).map(|chunk| i64::from_le_bytes(chunk.try_into().unwrap_or_default()))
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// The name a damaged cache file is moved to, beside the cache, for
/// whoever wants to see what went wrong; the next damaged one replaces it.
pub const DAMAGED_FILE: &str = "cache.sqlite.damaged";

/// The facts of these files (those it has), read on `connection`.
///
/// # Performance
/// One index lookup per file.
fn facts_of<'a>(
    connection: &Connection,
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Fact>, CacheError> {
    let mut statement = connection.prepare_cached("SELECT hash, meta, value, sum FROM facts WHERE path = ?1")?;
    let mut facts = HashMap::new();
    for path in paths {
        if let Some(Some(fact)) = statement.query_row([path], |row| fact_row(row, 0)).optional()? {
            facts.insert(path.to_owned(), fact);
        }
    }
    Ok(facts)
}

/// Reads files' facts from any thread while a build holds the cache, so
/// that the host can fetch one file's facts when a query asks for them
/// rather than loading every file's up front. It does not keep the cache
/// open: once the cache is closed or replaced (set aside, reset), it finds
/// nothing, and the host then reads the file instead.
#[derive(Debug, Clone)]
pub struct FactsReader(Weak<Mutex<Connection>>);

impl FactsReader {
    /// The facts of the file at `path`, if the cache is still open and has
    /// sound ones.
    pub fn fact_of(&self, path: &str) -> Result<Option<Fact>, CacheError> {
        let Some(connection) = self.0.upgrade() else { return Ok(None) };
        let connection = connection.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(facts_of(&connection, [path])?.remove(path))
    }
}

/// Moves a damaged cache file aside (see [`DAMAGED_FILE`]) and removes its
/// WAL companions, so the next open starts an empty cache.
fn set_aside_cache_files(path: &Utf8Path) {
    // Only a file is moved: a folder in its place is not a cache, and stays.
    let is_file = std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_file());
    if !is_file || std::fs::rename(path, path.with_file_name(DAMAGED_FILE)).is_err() {
        let _ = std::fs::remove_file(path);
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> (tempfile::TempDir, Utf8PathBuf) {
        let temporary = tempfile::tempdir().unwrap();
        let path = Utf8PathBuf::from_path_buf(temporary.path().join(".qsite")).unwrap();
        (temporary, path)
    }

    fn stat(n: u8) -> FileStat {
        FileStat { size: n as u64, mtime_ns: n as i64 * 1000, ctime_ns: 0, inode: n as u64, device: 1, hash: [n; 32] }
    }

    #[test]
    fn a_commit_is_read_back_by_the_next_open() {
        let (_keep, dir) = dir();
        let (mut cache, reason) = Cache::open(&dir, "build-1");
        assert_eq!(reason, Some(ColdReason::Missing));
        let output = OutputRecord { size: 3, mtime_ns: 9, hash: [7; 32] };
        let record = BuildRecord {
            files: vec![("content/a.md".into(), stat(1))],
            output_folder: "public".into(),
            outputs: vec![("a/index.html".into(), output)],
            meta: vec![("options".into(), "drafts".into())],
            ..BuildRecord::default()
        };
        cache.commit(&record).unwrap();
        drop(cache);
        let (cache, reason) = Cache::open(&dir, "build-1");
        assert_eq!(reason, None);
        assert_eq!(cache.files().unwrap()["content/a.md"], stat(1));
        assert_eq!(cache.outputs("public").unwrap()["a/index.html"], output);
        assert!(cache.outputs("elsewhere").unwrap().is_empty(), "records are kept per output folder");
        assert_eq!(cache.meta("options").unwrap().as_deref(), Some("drafts"));
    }

    #[test]
    fn another_build_starts_cold_but_keeps_what_it_recorded_of_the_disk() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        cache.commit(&BuildRecord { files: vec![("x".into(), stat(2))], ..BuildRecord::default() }).unwrap();
        drop(cache);
        let (cache, reason) = Cache::open(&dir, "build-2");
        assert_eq!(reason, Some(ColdReason::OtherBuild));
        assert_eq!(cache.files().unwrap()["x"], stat(2));
        drop(cache);
        assert_eq!(Cache::open(&dir, "build-2").1, None);
    }

    #[test]
    fn another_schema_is_discarded() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        cache
            .commit(&BuildRecord {
                files: vec![("x".into(), stat(2))],
                meta: vec![("schema_version".into(), "0".into())],
                ..BuildRecord::default()
            })
            .unwrap();
        drop(cache);
        let (cache, reason) = Cache::open(&dir, "build-1");
        assert_eq!(reason, Some(ColdReason::OtherSchema));
        assert!(cache.files().unwrap().is_empty());
    }

    #[test]
    fn garbage_is_replaced() {
        let (_keep, dir) = dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(CACHE_FILE), b"this is not a database at all, just some text").unwrap();
        let (mut cache, reason) = Cache::open(&dir, "build-1");
        assert!(matches!(reason, Some(ColdReason::Corrupt(_))), "{reason:?}");
        assert!(cache.is_persistent());
        cache.commit(&BuildRecord::default()).unwrap();
    }

    #[test]
    fn traces_share_reads_and_unused_reads_are_collected_once_enough_accumulate() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        let output = OutputRecord { size: 1, mtime_ns: 1, hash: [1; 32] };
        let read = |key: &str, hash: u8| TraceRead { key: key.into(), scope: "s".into(), hash: [hash; 32] };
        let trace = |reads: Vec<TraceRead>| Trace { route: "page a".into(), reads };
        cache
            .commit(&BuildRecord {
                outputs: vec![("a".into(), output), ("b".into(), output)],
                traces: vec![
                    ("a".into(), trace(vec![read("title a", 1), read("config", 2)])),
                    ("b".into(), trace(vec![read("config", 2)])),
                ],
                ..BuildRecord::default()
            })
            .unwrap();
        let resolved = |cache: &Cache, path: &str| {
            let table = cache.read_table().unwrap();
            let stored = &cache.traces().unwrap()[path];
            stored.reads.iter().map(|id| table[id].clone()).collect::<Vec<_>>()
        };
        assert_eq!(resolved(&cache, "a"), [("title a".to_owned(), [1; 32]), ("config".to_owned(), [2; 32])]);
        assert_eq!(cache.reads_in(["s"]).unwrap().len(), 2);
        assert_eq!(cache.scopes_starting_with("s").unwrap(), ["s"]);
        assert!(cache.scopes_starting_with("*").unwrap().is_empty());
        let mut ids = cache.traces().unwrap()["a"].reads.clone();
        ids.extend([ids[0], 9_999]);
        assert_eq!(cache.reads_with_ids(&ids).unwrap().len(), 2, "each stored id once; unknown ids are left out");
        assert!(cache.reads_in(["other"]).unwrap().is_empty());
        cache
            .commit(&BuildRecord {
                traces: vec![("a".into(), trace(vec![read("config", 3)]))],
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(resolved(&cache, "a"), [("config".to_owned(), [3; 32])]);
        assert_eq!(resolved(&cache, "b"), [("config".to_owned(), [2; 32])], "a trace keeps the hash its render saw");
        let count = |cache: &Cache| -> i64 {
            cache.connection().query_row("SELECT count(*) FROM reads", [], |row| row.get(0)).unwrap()
        };
        assert_eq!(count(&cache), 3, "a few unreferenced reads wait for the next collection");
        let many: Vec<TraceRead> = (0..5000).map(|n| read(&format!("title {n}"), 4)).collect();
        cache.commit(&BuildRecord { traces: vec![("a".into(), trace(many))], ..BuildRecord::default() }).unwrap();
        cache
            .commit(&BuildRecord {
                traces: vec![("a".into(), trace(vec![read("config", 3)]))],
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(count(&cache), 5002, "collected when the many were added, before they went unused");
    }

    #[test]
    fn the_reverse_index_follows_traces_as_they_are_replaced_and_removed() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        let output = OutputRecord { size: 1, mtime_ns: 1, hash: [1; 32] };
        let read = |scope: &str| TraceRead { key: format!("title {scope}").into(), scope: scope.into(), hash: [1; 32] };
        let trace = |scopes: &[&str]| Trace { route: "page".into(), reads: scopes.iter().map(|s| read(s)).collect() };
        let readers = |cache: &Cache, scope: &str| {
            let found = cache.readers_of([scope]).unwrap().unwrap();
            let mut outputs: Vec<String> = found.outputs.into_iter().collect();
            let mut checks: Vec<String> = found.checks.into_iter().collect();
            outputs.sort();
            checks.sort();
            (outputs, checks)
        };
        cache
            .commit(&BuildRecord {
                outputs: vec![("a".into(), output), ("b".into(), output)],
                traces: vec![
                    ("a".into(), trace(&["content/a.md", "templates/page.html"])),
                    ("b".into(), trace(&["content/a.md", "content/b.md"])),
                ],
                checks: vec![("content/b.md".into(), trace(&["content/a.md"]), "[]".into())],
                indexed_scopes: "content/",
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(readers(&cache, "content/a.md"), (vec!["a".into(), "b".into()], vec!["content/b.md".into()]));
        assert_eq!(readers(&cache, "templates/page.html"), (vec![], vec![]), "only the named scopes are indexed");
        assert_eq!(cache.trace_count().unwrap(), 2);
        assert_eq!(cache.traces_of(["b", "c"]).unwrap().keys().collect::<Vec<_>>(), ["b"]);
        cache
            .commit(&BuildRecord {
                traces: vec![("a".into(), trace(&["content/c.md"]))],
                removed_outputs: vec!["b".into()],
                removed_checks: vec!["content/b.md".into()],
                indexed_scopes: "content/",
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(readers(&cache, "content/a.md"), (vec![], vec![]));
        assert_eq!(readers(&cache, "content/c.md"), (vec!["a".into()], vec![]));
        assert_eq!(cache.trace_count().unwrap(), 1, "a removed output's trace goes with it");
        assert!(cache.check_results().unwrap().is_empty());
        let everywhere: Vec<(String, Trace)> = (0..=WIDE_SCOPE_READERS)
            .map(|n| (format!("page-{n}"), trace(&["content/menu.md", "content/c.md"])))
            .collect();
        cache
            .commit(&BuildRecord { traces: everywhere, indexed_scopes: "content/", ..BuildRecord::default() })
            .unwrap();
        assert_eq!(cache.readers_of(["content/menu.md"]).unwrap(), None, "a scope every output reads is not listed");
        assert_eq!(cache.readers_of(["content/a.md", "content/c.md"]).unwrap(), None);
        let filed: i64 = cache.connection().query_row("SELECT count(*) FROM readers", [], |row| row.get(0)).unwrap();
        assert_eq!(filed, 0, "nor are the scopes that one build found so widely read");
    }

    #[test]
    fn the_store_drops_dead_keys_and_facts_go_with_their_file() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        let fact = Fact { hash: [1; 32], meta: vec![2; 64], value: b"front".to_vec() };
        cache
            .commit(&BuildRecord {
                store: vec![([1; 32], b"one".to_vec()), ([2; 32], b"two".to_vec())],
                facts: vec![("content/a.md".into(), fact.clone())],
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(cache.stored(&[[1; 32], [3; 32]]).unwrap(), HashMap::from([([1; 32], b"one".to_vec())]));
        assert_eq!(cache.facts().unwrap()["content/a.md"], fact);
        assert_eq!(cache.fact_hashes().unwrap(), HashMap::from([("content/a.md".to_owned(), [1; 32])]));
        assert_eq!(
            cache.facts_of(["content/a.md", "content/b.md"]).unwrap(),
            HashMap::from([("content/a.md".to_owned(), fact.clone())])
        );
        cache
            .commit(&BuildRecord {
                dead_keys: vec![[1; 32]],
                removed_files: vec!["content/a.md".into()],
                ..BuildRecord::default()
            })
            .unwrap();
        assert_eq!(cache.has_keys(&[[1; 32], [2; 32]]).unwrap(), HashSet::from([[2; 32]]));
        assert!(cache.facts().unwrap().is_empty());
    }

    #[test]
    fn a_facts_reader_reads_on_another_thread_only_while_the_cache_is_open() {
        let (_keep, dir) = dir();
        let (mut cache, _) = Cache::open(&dir, "build-1");
        let fact = Fact { hash: [1; 32], meta: vec![2; 64], value: b"front".to_vec() };
        cache
            .commit(&BuildRecord { facts: vec![("content/a.md".into(), fact.clone())], ..BuildRecord::default() })
            .unwrap();
        let reader = cache.facts_reader();
        let on_a_thread = reader.clone();
        let found = std::thread::spawn(move || on_a_thread.fact_of("content/a.md").unwrap()).join().unwrap();
        assert_eq!(found, Some(fact));
        assert_eq!(reader.fact_of("content/b.md").unwrap(), None);
        drop(cache);
        assert_eq!(reader.fact_of("content/a.md").unwrap(), None, "a closed cache is not kept open by its reader");
        assert!(!dir.join(format!("{CACHE_FILE}-wal")).exists(), "closing folded the log into the file");
    }
}
