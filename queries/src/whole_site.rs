//! A whole site computed at once from files held in memory, with no host:
//! every output and every diagnostic. What query tests compare against and
//! what the fuzz targets (`fuzz/`) drive, so both exercise the path a build
//! takes.

use std::collections::BTreeMap;

use camino::Utf8PathBuf;

use crate::change::{Change, Inputs};
use crate::database::{ExecutionLog, QueryDb};
use crate::diagnostic::Diagnostic;
use crate::diagnostics::{linked_files, site_diagnostics, sort_diagnostics};
use crate::inputs::{BuildOptions, FileText};
use crate::routes::{Route, RouteKey, route_table};
use crate::{link_check, rendered_output};

/// A database holding `files` (path relative to the site root → text),
/// with the log of what it executes.
pub fn load_files(
    files: impl IntoIterator<Item = (Utf8PathBuf, String)>,
    options: BuildOptions,
) -> (QueryDb, ExecutionLog, Inputs) {
    let (mut db, log) = QueryDb::with_log();
    let mut inputs = Inputs::new("qsite.toml");
    let change = Change {
        files: files.into_iter().map(|(path, text)| (path, Some(FileText::Text(text.into())))).collect(),
        options: Some(options),
        ..Change::default()
    };
    change.apply(&mut db, &mut inputs);
    (db, log, inputs)
}

/// Every output as text (copied files as `copy of <path>`), and every
/// diagnostic of the site, sorted.
///
/// # Performance
/// O(site): renders every output and checks every link.
pub fn render_everything(db: &QueryDb) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
    let table = route_table(db);
    let mut diagnostics = site_diagnostics(db).to_vec();
    let mut outputs = BTreeMap::new();
    for (output, route) in &table.routes {
        let text = match route {
            Route::Copy(file) => format!("copy of {}", file.path(db)),
            route => {
                let rendered = rendered_output(db, RouteKey::new(db, route.clone()));
                diagnostics.extend(rendered.diagnostics.iter().cloned());
                rendered.text.to_string()
            }
        };
        outputs.insert(output.clone(), text);
    }
    for file in linked_files(db) {
        diagnostics.extend(link_check(db, file).diagnostics.iter().cloned());
    }
    sort_diagnostics(&mut diagnostics);
    (outputs, diagnostics)
}

/// A small site made from one byte string, as a fuzzer generates it: the
/// parts between `\u{1}` bytes are, in order, a page, the configuration, a
/// page that links to the first, and the page template. Missing parts get a
/// plain default, so a short input still makes a whole site.
pub fn files_from_blob(blob: &[u8]) -> Vec<(Utf8PathBuf, String)> {
    let text = String::from_utf8_lossy(blob);
    let mut parts = text.split('\u{1}');
    let mut next = |default: &str| parts.next().map_or_else(|| default.to_owned(), str::to_owned);
    let page = next("");
    let config = next("title = \"F\"\nbase_url = \"https://f.test\"\ntaxonomies = [\"tags\"]\n");
    let linking = next("+++\ntitle = \"B\"\n+++\nSee [](@/blog/a.md#details) and [a](/blog/a/).\n");
    let mut files = vec![
        (Utf8PathBuf::from("content/blog/a.md"), page),
        (Utf8PathBuf::from("qsite.toml"), config),
        (Utf8PathBuf::from("content/blog/b.md"), linking),
        (Utf8PathBuf::from("content/blog/_index.md"), "+++\ntitle = \"Blog\"\npaginate_by = 1\n+++\n".to_owned()),
    ];
    if let Some(template) = parts.next() {
        files.push((Utf8PathBuf::from("templates/page.html"), template.to_owned()));
    }
    files
}

/// The site of [`files_from_blob`] whose first page is all of `page`, with
/// the rest left to defaults: what the page fuzz target generates.
pub fn files_from_page(page: &[u8]) -> Vec<(Utf8PathBuf, String)> {
    let page: Vec<u8> = page.iter().map(|&byte| if byte == 1 { b' ' } else { byte }).collect();
    files_from_blob(&page)
}
