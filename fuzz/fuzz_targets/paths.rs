//! A small site whose page file name, `path`, `slug`, `aliases` and tags,
//! and whose section's and second page's `path`, are arbitrary text (see
//! `queries::whole_site::files_from_url_values`): however odd the values,
//! every output path stays inside the output folder, and nothing panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use queries::BuildOptions;
use queries::whole_site::{assert_outputs_inside, files_from_url_values, load_files, render_everything};

fuzz_target!(|blob: &[u8]| {
    let (db, _log, _inputs) = load_files(files_from_url_values(blob), BuildOptions::default());
    assert_outputs_inside(&db);
    render_everything(&db);
});
