//! Running a build as a whole process and measuring it: wall time, CPU time
//! and peak resident memory (from `wait4`), and what it printed.

use std::io::Read;
use std::process::{Command, Stdio};
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

/// Runs `command` to completion and measures it.
#[expect(clippy::zombie_processes, reason = "the child is reaped by wait4, which also reports its resource use")]
pub fn run(command: &mut Command) -> Sample {
    let started = Instant::now();
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start the build");
    let mut stdout_pipe = child.stdout.take().expect("stdout");
    let mut stderr_pipe = child.stderr.take().expect("stderr");
    let stdout_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout_pipe.read_to_string(&mut text);
        text
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
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
    Sample {
        wall_ms,
        cpu_ms: time_ms(usage.ru_utime) + time_ms(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
        exit_code,
        stdout: stdout_reader.join().unwrap_or_default(),
        stderr: stderr_reader.join().unwrap_or_default(),
    }
}
