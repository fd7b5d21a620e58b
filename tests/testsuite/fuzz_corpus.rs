//! The fuzzers' corpus (`fuzz/corpus/`) and every input they once failed on
//! (`fuzz/regressions/`), replayed through the same functions the fuzz
//! targets call (the whole-site computation, the output folder's writing
//! and pruning, the template dialect front end): what fuzzing found stays
//! fixed without a fuzzer installed.

use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use dialects::{Dialect, assert_sound};
use queries::BuildOptions;
use queries::whole_site::{
    assert_outputs_inside, files_from_blob, files_from_page, files_from_url_values, load_files, render_everything,
};

fn inputs(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut inputs: Vec<(String, Vec<u8>)> = entries
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.is_file())
        .map(|path| (path.display().to_string(), std::fs::read(&path).expect("corpus file")))
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn page_corpus_renders_without_panicking() {
    let inputs = [inputs("corpus/page"), inputs("regressions/page")].concat();
    assert!(!inputs.is_empty(), "the page corpus is in the repository");
    for (_path, bytes) in inputs {
        let (db, _log, _inputs) = load_files(files_from_page(&bytes), BuildOptions::default());
        render_everything(&db);
    }
}

#[test]
fn site_corpus_renders_without_panicking() {
    let inputs = [inputs("corpus/site"), inputs("regressions/site")].concat();
    assert!(!inputs.is_empty(), "the site corpus is in the repository");
    for (_path, bytes) in inputs {
        let options = BuildOptions { drafts: bytes.len() % 2 == 1, base_url: None };
        let (db, _log, _inputs) = load_files(files_from_blob(&bytes), options);
        render_everything(&db);
    }
}

#[test]
fn paths_corpus_keeps_every_output_inside_the_output_folder() {
    let inputs = [inputs("corpus/paths"), inputs("regressions/paths")].concat();
    assert!(!inputs.is_empty(), "the paths corpus is in the repository");
    for (_path, bytes) in inputs {
        let (db, _log, _inputs) = load_files(files_from_url_values(&bytes), BuildOptions::default());
        assert_outputs_inside(&db);
        render_everything(&db);
    }
}

#[test]
fn folders_corpus_changes_nothing_outside_the_output_folder() {
    let inputs = [inputs("corpus/folders"), inputs("regressions/folders")].concat();
    assert!(!inputs.is_empty(), "the folders corpus is in the repository");
    for (path, bytes) in inputs {
        // On a thread of its own: a FIFO opened to read or write would block
        // it forever, and the test must say so and which input did it.
        let (done, finished) = channel();
        std::thread::spawn(move || {
            qsite::folder_fuzzing::run(&bytes);
            let _ = done.send(());
        });
        match finished.recv_timeout(Duration::from_secs(60)) {
            Ok(()) => {}
            Err(RecvTimeoutError::Timeout) => panic!("`{path}` blocked"),
            Err(RecvTimeoutError::Disconnected) => panic!("`{path}` failed a check (its panic is above)"),
        }
    }
}

#[test]
fn dialect_corpus_translates_soundly() {
    let inputs = [inputs("corpus/dialect"), inputs("regressions/dialect")].concat();
    assert!(!inputs.is_empty(), "the dialect corpus is in the repository");
    for (_path, bytes) in inputs {
        assert_sound(Dialect::Tera1, &bytes);
    }
}
