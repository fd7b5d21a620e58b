//! The command line itself: help in the order of use, shell completions that
//! a shell really loads, global flags in any position.

use std::process::Command;

use crate::support::SiteTest;

#[test]
fn help_lists_the_commands_in_the_order_of_use() {
    let run = SiteTest::empty().qsite(&["--help"]);
    run.assert_code(0);
    let order: Vec<usize> = ["init", "new", "serve", "build", "check", "clean", "explain", "completions"]
        .iter()
        .map(|command| {
            run.stdout.find(&format!("\n  {command} ")).unwrap_or_else(|| panic!("{command}: {}", run.stdout))
        })
        .collect();
    assert!(order.is_sorted(), "{}", run.stdout);
}

#[test]
fn bash_completes_commands_from_the_generated_script() {
    let run = SiteTest::empty().qsite(&["completions", "bash"]);
    run.assert_code(0);
    let script = format!(
        "{}\nCOMP_WORDS=(qsite se); COMP_CWORD=1; COMP_LINE='qsite se'; COMP_POINT=8; _qsite qsite se qsite; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        run.stdout
    );
    let output = Command::new("bash").args(["--norc", "-c", &script]).output().expect("bash");
    let completions = String::from_utf8_lossy(&output.stdout);
    assert!(completions.lines().any(|line| line == "serve"), "{completions}");
}

#[test]
fn zsh_and_fish_scripts_name_every_command() {
    for shell in ["zsh", "fish"] {
        let run = SiteTest::empty().qsite(&["completions", shell]);
        run.assert_code(0);
        for command in ["init", "new", "serve", "build", "check", "clean", "explain"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_build_without_a_panic() {
    let site = SiteTest::copy("blog");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qsite"))
        .args(["--root"])
        .arg(site.root())
        .args(["build", "-v"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start qsite");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
