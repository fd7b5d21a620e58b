//! The one place salsa inputs are set.
//!
//! The host (a build, a watcher) describes what it saw as a [`Change`]; applying
//! it compares every value with what the database holds and sets only what
//! differs, so an editor that rewrites an unchanged file starts no revision.

use std::collections::HashMap;
use std::sync::Arc;

use camino::{Utf8Path, Utf8PathBuf};
use salsa::{Durability, Setter};

use crate::body::Markdown;
use crate::database::QueryDb;
use crate::host::HostHandle;
use crate::inputs::{BuildClock, BuildOptions, FileText, Prepared, PreparedSite, Site, SiteFiles, SourceFile};
use crate::site_paths::{HOME_SECTION, SASS, THEMES, content_path, name_and_code, section_file_name};

/// What changed in the site since the database last saw it.
#[derive(Debug, Default, Clone)]
pub struct Change {
    /// Files written or created (`Some`) and deleted (`None`), by path relative
    /// to the site root.
    pub files: Vec<(Utf8PathBuf, Option<FileText>)>,
    /// New build options, if they changed.
    pub options: Option<BuildOptions>,
    /// Markdown renderings from the host's content-addressed store.
    pub prepared_markdown: Vec<(Utf8PathBuf, Prepared<Arc<Markdown>>)>,
    /// Encoded front matter from the host's cache, for files it may leave
    /// unread ([`FileText::Unread`]).
    pub prepared_front_matter: Vec<(Utf8PathBuf, Prepared<Arc<[u8]>>)>,
    /// Whole-site values from the host's cache (see [`Site::prepared_site`]).
    pub prepared_site: Option<Arc<PreparedSite>>,
    /// When this build started, if the host tells.
    pub clock: Option<BuildClock>,
}

/// The host's handles into the database: the path → file map the design keeps
/// outside salsa, the site singleton, and the host itself, which the site
/// carries for queries.
pub struct Inputs {
    config_path: Utf8PathBuf,
    host: HostHandle,
    /// By path as a string: hashing a string is one pass over its bytes,
    /// where a path hashes component by component.
    files: HashMap<String, SourceFile>,
    site: Option<Site>,
    /// The home section of a site without `content/_index.md`: an empty
    /// `_index.md` that no host wrote, as Zola makes one, so the home still
    /// renders `index.html` and holds the pages at the root.
    default_home: Option<SourceFile>,
    /// The homes of languages that have no `_index.fr.md`, by code, made
    /// when a content file's name or the configuration first names that code.
    language_homes: HashMap<String, SourceFile>,
}

/// Which part of the site a path belongs to; decides its key in [`SiteFiles`]
/// and its durability.
enum FileKind {
    Config,
    Content(Utf8PathBuf),
    Template(String),
    Data,
    Static(Utf8PathBuf),
    Sass(Utf8PathBuf),
    Theme(Utf8PathBuf),
    Other,
}

impl Inputs {
    /// Handles for a site whose configuration file is `config_path`
    /// (relative to the site root, usually `qsite.toml`), whose unread
    /// files queries ask `host` for.
    pub fn new(config_path: impl Into<Utf8PathBuf>, host: HostHandle) -> Self {
        Inputs {
            config_path: config_path.into(),
            host,
            files: HashMap::new(),
            site: None,
            default_home: None,
            language_homes: HashMap::new(),
        }
    }

    /// The site singleton, once a change has been applied.
    pub fn site(&self) -> Option<Site> {
        self.site
    }

    /// The handle of a file the database knows, by path relative to the root.
    pub fn file(&self, path: &Utf8Path) -> Option<SourceFile> {
        self.files.get(path.as_str()).copied()
    }

    /// Every path the database knows, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &Utf8Path> {
        self.files.keys().map(Utf8Path::new)
    }

    fn kind(&self, path: &Utf8Path) -> FileKind {
        if path == self.config_path {
            return FileKind::Config;
        }
        let under = |dir: &str| path.strip_prefix(dir).ok().map(Utf8Path::to_path_buf);
        if let Some(rest) = under("content") {
            FileKind::Content(rest)
        } else if let Some(rest) = under("templates") {
            FileKind::Template(rest.as_str().to_owned())
        } else if path.starts_with("data") {
            FileKind::Data
        } else if let Some(rest) = under("static") {
            FileKind::Static(rest)
        } else if let Some(rest) = under(SASS) {
            FileKind::Sass(rest)
        } else if let Some(rest) = under(THEMES) {
            FileKind::Theme(rest)
        } else {
            FileKind::Other
        }
    }
}

impl Change {
    /// Sets the inputs that really changed. Returns whether anything did.
    ///
    /// The configuration file must be part of the first change applied.
    pub fn apply(self, db: &mut QueryDb, inputs: &mut Inputs) -> bool {
        let mut changed = false;
        let mut set_changed = false;
        // The configuration may declare a language that no file name carries yet.
        let mut config_changed = false;
        let mut front_matters: HashMap<String, Prepared<Arc<[u8]>>> =
            self.prepared_front_matter.into_iter().map(|(path, prepared)| (path.into_string(), prepared)).collect();
        for (path, text) in self.files {
            let durability = match inputs.kind(&path) {
                FileKind::Content(_) | FileKind::Static(_) | FileKind::Other => Durability::LOW,
                    FileKind::Config
                | FileKind::Template(_)
                | FileKind::Data
                | FileKind::Sass(_)
                | FileKind::Theme(_) => Durability::MEDIUM,
            };
            match (inputs.files.get(path.as_str()).copied(), text) {
                (Some(file), Some(text)) => {
                    if *file.text(db) != text {
                        file.set_text(db).with_durability(durability).to(text);
                        changed = true;
                        config_changed |= path == inputs.config_path;
                    }
                }
                (None, Some(text)) => {
                    let file = SourceFile::builder(path.clone(), text)
                        .prepared_front_matter(front_matters.remove(path.as_str()))
                        .durability(durability)
                        .new(db);
                    inputs.files.insert(path.into_string(), file);
                    set_changed = true;
                }
                (Some(_), None) => {
                    inputs.files.remove(path.as_str());
                    set_changed = true;
                }
                (None, None) => {}
            }
        }
        for (path, prepared) in self.prepared_markdown {
            if let Some(file) = inputs.files.get(path.as_str())
                && file.prepared_markdown(db).as_ref() != Some(&prepared)
            {
                file.set_prepared_markdown(db).with_durability(Durability::LOW).to(Some(prepared));
                changed = true;
            }
        }
        for (path, prepared) in front_matters {
            if let Some(file) = inputs.files.get(&path)
                && file.prepared_front_matter(db).as_ref() != Some(&prepared)
            {
                file.set_prepared_front_matter(db).with_durability(Durability::LOW).to(Some(prepared));
                changed = true;
            }
        }
        if inputs.default_home.is_none() {
            // Never set again: its text is no file's, and stays empty.
            let home = SourceFile::builder(content_path(HOME_SECTION).into(), FileText::Text("".into()))
                .durability(Durability::HIGH)
                .new(db);
            inputs.default_home = Some(home);
        }
        let files_changed = set_changed || config_changed;
        let codes =
            if files_changed || inputs.site.is_none() { language_codes(db, inputs) } else { Default::default() };
        for code in codes {
            // Never set again, as the default home.
            inputs.language_homes.entry(code).or_insert_with_key(|code| {
                let path = content_path(&section_file_name(Some(code)));
                SourceFile::builder(path.into(), FileText::Text("".into())).durability(Durability::HIGH).new(db)
            });
        }
        let options = self.options;
        let clock = self.clock;
        match inputs.site {
            None => {
                let config_file = inputs
                    .file(&inputs.config_path)
                    .unwrap_or_else(|| SourceFile::new(db, inputs.config_path.clone(), FileText::Text("".into())));
                // LOW, as `set_files` sets it later: a value whose durability
                // drops cannot be backdated, so the first page added would
                // re-render every output that ever looked a file up.
                let site = Site::builder(
                    site_files(db, inputs),
                    config_file,
                    options.unwrap_or_default(),
                    inputs.host.clone(),
                )
                .durability(Durability::LOW)
                // Set once: a database keeps its host.
                .host_durability(Durability::HIGH)
                .new(db);
                inputs.site = Some(site);
                changed = true;
            }
            Some(site) => {
                if files_changed {
                    let files = site_files(db, inputs);
                    if *site.files(db) != files {
                        site.set_files(db).with_durability(Durability::LOW).to(files);
                        changed = true;
                    }
                }
                if let Some(options) = options
                    && *site.options(db) != options
                {
                    site.set_options(db).with_durability(Durability::MEDIUM).to(options);
                    changed = true;
                }
                if let Some(prepared) = self.prepared_site
                    && site.prepared_site(db).as_ref() != Some(&prepared)
                {
                    site.set_prepared_site(db).with_durability(Durability::LOW).to(Some(prepared));
                    changed = true;
                }
            }
        }
        // The clock alone is no change to the site: only what printed it
        // may differ, and it backdates when it does not.
        if let (Some(site), Some(clock)) = (inputs.site, clock)
            && *site.clock(db) != clock
        {
            site.set_clock(db).with_durability(Durability::LOW).to(clock);
        }
        changed
    }
}

/// The file set as queries see it, rebuilt from the path map.
///
/// # Performance
/// O(files); runs only when a file is added or removed.
fn site_files(db: &QueryDb, inputs: &Inputs) -> SiteFiles {
    let mut files = SiteFiles::default();
    for (path, file) in &inputs.files {
        let path = Utf8Path::new(path);
        match inputs.kind(path) {
            FileKind::Content(rest) => {
                files.content.insert(rest, *file);
            }
            FileKind::Template(name) => {
                files.templates.insert(name, *file);
            }
            FileKind::Data => {
                files.data.insert(path.to_path_buf(), *file);
            }
            FileKind::Static(rest) => {
                files.static_files.insert(rest, *file);
            }
            FileKind::Sass(rest) => {
                files.sass.insert(rest, *file);
            }
            FileKind::Theme(rest) => {
                files.themes.insert(rest, *file);
            }
            FileKind::Config | FileKind::Other => {}
        }
    }
    if let Some(home) = inputs.default_home {
        files.content.entry(HOME_SECTION.into()).or_insert(home);
    }
    for code in language_codes(db, inputs) {
        if let Some(&home) = inputs.language_homes.get(&code) {
            files.language_homes.insert(code, home);
        }
    }
    files
}

/// The language codes the names of content Markdown files carry
/// (`fr` for `a.fr.md`) and those the configuration's `[languages.*]`
/// tables name, whether or not they are declared languages: a home made for
/// a code that is not one is never used. The configuration is read loosely
/// here, as a TOML table: its parsed value is a query, above the inputs.
///
/// # Performance
/// O(files).
fn language_codes(db: &QueryDb, inputs: &Inputs) -> std::collections::BTreeSet<String> {
    let content = inputs.files.keys().filter_map(|path| match inputs.kind(Utf8Path::new(path)) {
        FileKind::Content(rest) => Some(rest),
        _ => None,
    });
    let mut codes: std::collections::BTreeSet<String> = content
        .filter(|rest| rest.extension() == Some("md"))
        .filter_map(|rest| name_and_code(rest.file_name().unwrap_or("")).1.map(str::to_owned))
        .collect();
    if let Some(FileText::Text(text)) = inputs.file(&inputs.config_path).map(|file| file.text(db))
        && let Ok(table) = toml::from_str::<toml::Table>(text)
        && let Some(toml::Value::Table(languages)) = table.get("languages")
    {
        codes.extend(languages.keys().cloned());
    }
    codes
}
