//! qsite's integration tests: real site folders through the real binary
//! (and the library's `Workspace` for in-process rebuilds), always ending by
//! comparing with a clean build.

mod bounds;
mod browser;
mod build;
mod cache;
mod cdp;
mod cli;
mod damaged_cache;
mod differential;
mod errors;
mod fuzz_corpus;
mod highlighting;
mod incremental;
mod init;
mod new_content;
mod output_safety;
mod persisted;
mod planted_links;
mod random_site;
mod readme;
mod serve;
mod summary;
mod support;
mod url_values;
mod values;
mod verify;
mod zola_config;
mod zola_data;
mod zola_feeds;
mod zola_fields;
mod zola_fixtures;
mod zola_images;
mod zola_languages;
mod zola_sass;
mod zola_search;
mod zola_shortcodes;
mod zola_markdown;
mod zola_structure;
mod zola_templates;
mod zola_themes;
