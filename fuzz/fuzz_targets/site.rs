//! A small site whose page, configuration, linking page and page template
//! are all arbitrary text (see `queries::whole_site::files_from_blob`):
//! configuration parsing, link resolution and template rendering join the
//! page's parsers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use queries::BuildOptions;
use queries::whole_site::{files_from_blob, load_files, render_everything};

fuzz_target!(|blob: &[u8]| {
    let (db, _log, _inputs) =
        load_files(files_from_blob(blob), BuildOptions { drafts: blob.len() % 2 == 1, base_url: None });
    render_everything(&db);
});
