//! One content page of arbitrary bytes in an otherwise plain site: front
//! matter (TOML and YAML), dates, the Markdown pipeline, summaries, heading
//! ids and links must never panic or hang, whatever the page holds.

#![no_main]

use libfuzzer_sys::fuzz_target;
use queries::BuildOptions;
use queries::whole_site::{files_from_page, load_files, render_everything};

fuzz_target!(|page: &[u8]| {
    let (db, _log, _inputs) = load_files(files_from_page(page), BuildOptions::default());
    render_everything(&db);
});
