//! Running a build as a whole process and measuring it: wall time, CPU time
//! and peak resident memory (from `wait4`, in a small relay process), and
//! what it printed.

use std::process::Command;
use std::time::Instant;

/// One timed run of a command.
#[derive(Clone, Debug)]
pub struct Sample {
    pub wall_ms: f64,
    pub cpu_ms: f64,
    pub max_rss_kb: i64,
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` to completion and measures it, through a fresh `xtask`
/// process ([`relay`]): Linux counts a child's peak memory from the moment it
/// is forked, so a child of this process, which holds the generated sites'
/// texts, would be charged for this process's own memory.
pub fn run(command: &Command) -> Sample {
    let mut relayed = Command::new(std::env::current_exe().expect("the bench knows its own binary"));
    relayed.arg(RELAY).arg(command.get_program()).args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        relayed.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => relayed.env(key, value),
            None => relayed.env_remove(key),
        };
    }
    let output = relayed.output().expect("start the measuring relay");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The relay's own line comes last, after the command has exited.
    let (stderr, measured) = stderr.trim_end().rsplit_once('\n').unwrap_or(("", stderr.trim_end()));
    let stderr = stderr.trim_end().to_owned();
    let fields: Vec<f64> = measured
        .strip_prefix(MEASURED)
        .unwrap_or_else(|| panic!("the measuring relay reported nothing: {measured}"))
        .split(' ')
        .filter_map(|field| field.parse().ok())
        .collect();
    let [wall_ms, cpu_ms, max_rss_kb, exit_code] = fields[..] else {
        panic!("the measuring relay reported `{measured}`")
    };
    Sample { wall_ms, cpu_ms, max_rss_kb: max_rss_kb as i64, exit_code: exit_code as i32, stdout, stderr }
}

/// The hidden argument that makes `xtask` a measuring relay.
pub const RELAY: &str = "measure-relay";

/// Starts the line a relay reports on.
const MEASURED: &str = "xtask-measured: ";

/// The relay: runs `program` with `args` on this process's standard streams,
/// reaps it with `wait4`, and reports wall time, CPU time, peak RSS and exit
/// code as the last line of standard error.
pub fn relay(program: &str, args: &[String]) -> ! {
    let started = Instant::now();
    let child = Command::new(program).args(args).spawn().expect("start the measured command");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; the pointers are to live locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(reaped, pid, "wait4 failed");
    let time_ms = |time: libc::timeval| time.tv_sec as f64 * 1000.0 + time.tv_usec as f64 / 1000.0;
    let exit_code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let cpu_ms = time_ms(usage.ru_utime) + time_ms(usage.ru_stime);
    eprintln!("\n{MEASURED}{wall_ms} {cpu_ms} {} {exit_code}", usage.ru_maxrss);
    std::process::exit(0)
}
