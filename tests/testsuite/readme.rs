//! The README's Quick start, run as written, so it cannot break unnoticed.
//!
//! Its one command installs qsite, writes a starter site and serves it. The
//! test runs everything after the install with this build's `qsite` first
//! on `PATH` (`.ci/run` runs the install itself, as written), then fetches
//! the home page the server prints the address of.

use std::path::Path;
use std::process::Command;

use crate::support::{Served, SiteTest};

/// The README's text.
fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README.md")
}

/// The lines of the first `sh` block after the heading `heading`.
fn commands_under(readme: &str, heading: &str) -> Vec<String> {
    let section = &readme[readme.find(heading).unwrap_or_else(|| panic!("README has {heading:?}"))..];
    let block = &section[section.find("```sh\n").expect("an sh block") + "```sh\n".len()..];
    block[..block.find("```").expect("the block ends")].lines().map(str::to_owned).collect()
}

#[test]
fn the_quick_start_installs_writes_and_serves_a_site() {
    let commands = commands_under(&readme(), "## Quick start");
    assert_eq!(commands.len(), 1, "the Quick start is one command: {commands:?}");
    let (install, rest) = commands[0].split_once(" && ").expect("install && the rest");
    assert_eq!(install, "cargo install --locked --path .", "the install step that .ci/run runs");
    let folder = SiteTest::empty();
    let binaries = Path::new(env!("CARGO_BIN_EXE_qsite")).parent().expect("the binary's folder");
    let path = std::env::join_paths(
        std::iter::once(binaries.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let mut shell = Command::new("sh");
    shell.args(["-c", rest]).current_dir(folder.root()).env("PATH", path);
    let served = Served::start(shell);
    let home = served.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("<html"), "{}", home.text());
    assert!(folder.root().join("my-site/content").is_dir(), "the starter site is in my-site/");
}

#[test]
fn the_test_command_is_the_one_ci_runs() {
    let commands = commands_under(&readme(), "Run the tests:");
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).expect(".ci/run");
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(ci.lines().any(|line| line.trim() == commands[0]), "`.ci/run` runs `{}`", commands[0]);
}
