//! qsite's host: the command line, reading the site folder, writing `public/`
//! and printing diagnostics. The only crate that touches user files; all
//! computing happens in the `queries` crate.

pub mod build;
pub mod clean;
pub mod cli;
pub mod explain;
pub mod folder;
#[cfg(unix)]
#[cfg(unix)]
pub mod folder_fuzzing;
pub mod init;
pub mod manifest;
pub mod new_content;
pub mod output;
pub mod output_folder;
pub mod processed_images;
pub mod progress;
pub mod report;
pub mod reuse;
pub mod serve;
pub mod site_folder;
pub mod site_lock;
pub mod stored_facts;
pub mod stored_values;
pub mod summary;
pub mod verify;
pub mod workspace;
