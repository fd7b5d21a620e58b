//! A whole site computed at once from files held in memory, with a host
//! that holds them in memory too ([`MemoryHost`]): every output and every
//! diagnostic. What query tests compare against and what the fuzz targets
//! (`fuzz/`) drive, so both exercise the path a build takes.

use std::collections::BTreeMap;
use std::sync::Arc;

use camino::Utf8PathBuf;

use crate::change::{Change, Inputs};
use crate::database::{ExecutionLog, QueryDb};
use crate::diagnostic::Diagnostic;
use crate::diagnostics::{linked_files, sort_diagnostics};
use crate::host::{FileHost, HostHandle, MemoryHost};
use crate::inputs::{BuildOptions, FileText};
use crate::link_checking::link_check;
use crate::render::rendered_output;
use crate::routes::{Route, RouteKey, route_table};
use crate::site_check::site_check;
use crate::site_paths::{content_path, template_path};

/// A database holding `files` (path relative to the site root → text),
/// with the log of what it executes.
pub fn load_files(
    files: impl IntoIterator<Item = (Utf8PathBuf, String)>,
    options: BuildOptions,
) -> (QueryDb, ExecutionLog, Inputs) {
    let files: Vec<(Utf8PathBuf, Arc<str>)> = files.into_iter().map(|(path, text)| (path, Arc::from(text))).collect();
    let host = MemoryHost::new(files.iter().cloned());
    load_with_host(files, options, host)
}

/// A database holding `files`, as [`load_files`] makes it, whose queries
/// ask `host` for the files a later change leaves unread: what a test of
/// a new process's database uses.
pub fn load_with_host(
    files: impl IntoIterator<Item = (Utf8PathBuf, Arc<str>)>,
    options: BuildOptions,
    host: impl FileHost,
) -> (QueryDb, ExecutionLog, Inputs) {
    let (mut db, log) = QueryDb::with_log();
    let mut inputs = Inputs::new("qsite.toml", HostHandle::new(Arc::new(host)));
    let change = Change {
        files: files.into_iter().map(|(path, text)| (path, Some(FileText::Text(text)))).collect(),
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
    let mut diagnostics = site_check(db).diagnostics.to_vec();
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
        (Utf8PathBuf::from(content_path("blog/a.md")), page),
        (Utf8PathBuf::from("qsite.toml"), config),
        (Utf8PathBuf::from(content_path("blog/b.md")), linking),
        (Utf8PathBuf::from(content_path("blog/_index.md")), "+++\ntitle = \"Blog\"\npaginate_by = 1\n+++\n".to_owned()),
    ];
    if let Some(template) = parts.next() {
        files.push((Utf8PathBuf::from(template_path("page.html")), template.to_owned()));
    }
    files
}

/// The site of [`files_from_blob`] whose first page is all of `page`, with
/// the rest left to defaults: what the page fuzz target generates.
pub fn files_from_page(page: &[u8]) -> Vec<(Utf8PathBuf, String)> {
    let page: Vec<u8> = page.iter().map(|&byte| if byte == 1 { b' ' } else { byte }).collect();
    files_from_blob(&page)
}

/// A small site whose URL-making values are all arbitrary text, as the
/// paths fuzz target generates it: the parts between `\u{1}` bytes are, in
/// order, a page's file name (less `/` and NUL, which no file name holds),
/// its `path`, its `slug`, its `aliases` and its `tags` (each list split at
/// `\u{2}` bytes), the blog section's `path`, and a second page's `path`.
/// A missing part leaves its key out, so the file name and section make the
/// URL, as they do in most sites.
pub fn files_from_url_values(blob: &[u8]) -> Vec<(Utf8PathBuf, String)> {
    let text = String::from_utf8_lossy(blob);
    let mut parts = text.split('\u{1}');
    let name: String = parts.next().unwrap_or("a").chars().filter(|&char| char != '/' && char != '\0').collect();
    let mut page = String::from("+++\ntitle = \"A\"\n");
    let mut section = String::from("+++\ntitle = \"Blog\"\npaginate_by = 1\n");
    let mut other = String::from("+++\ntitle = \"B\"\n");
    for key in ["path", "slug"] {
        if let Some(value) = parts.next() {
            page.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    for key in ["aliases", "tags"] {
        if let Some(values) = parts.next() {
            let values: Vec<String> = values.split('\u{2}').map(toml_string).collect();
            page.push_str(&format!("{key} = [{}]\n", values.join(", ")));
        }
    }
    for front in [&mut section, &mut other] {
        if let Some(value) = parts.next() {
            front.push_str(&format!("path = {}\n", toml_string(value)));
        }
    }
    vec![
        (
            Utf8PathBuf::from("qsite.toml"),
            "title = \"F\"\nbase_url = \"https://f.test\"\ntaxonomies = [\"tags\"]\n".into(),
        ),
        (Utf8PathBuf::from(content_path("blog/_index.md")), section + "+++\n"),
        (Utf8PathBuf::from(content_path(&format!("blog/{name}.md"))), page + "+++\nBody.\n"),
        (Utf8PathBuf::from(content_path("blog/b.md")), other + &format!("+++\nSee [a](@/blog/{name}.md).\n")),
    ]
}

/// `value` as a TOML basic string, so every character reaches the front
/// matter value as it is, control characters included.
fn toml_string(value: &str) -> String {
    let mut quoted = String::from("\"");
    for char in value.chars() {
        match char {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            char if char.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(char))),
            char => quoted.push(char),
        }
    }
    quoted.push('"');
    quoted
}

/// Panics unless every output path of the route table names a file
/// strictly inside the output folder: relative, no `.` or `..` segment, no
/// empty segment, no backslash, NUL or drive letter. Checked piece by piece
/// here rather than by [`crate::check_relative_path`], so the fuzz target
/// tests that function instead of trusting it.
pub fn assert_outputs_inside(db: &QueryDb) {
    for output in route_table(db).routes.keys() {
        assert!(!output.starts_with('/'), "output path `{output}` is absolute");
        assert!(!output.contains('\\'), "output path `{output}` holds a backslash");
        assert!(!output.contains('\0'), "output path `{output}` holds a NUL");
        let segments: Vec<&str> = output.split('/').collect();
        for segment in &segments {
            assert!(!segment.is_empty(), "output path `{output}` has an empty segment");
            assert!(*segment != "." && *segment != "..", "output path `{output}` has a `{segment}` segment");
        }
        let first = segments[0].as_bytes();
        assert!(
            !(first.len() >= 2 && first[0].is_ascii_alphabetic() && first[1] == b':'),
            "output path `{output}` starts with a drive letter"
        );
        let joined = std::path::Path::new("public").join(output);
        assert!(
            joined.components().all(|part| matches!(part, std::path::Component::Normal(_))),
            "output path `{output}` does not stay inside `public/`"
        );
    }
}
