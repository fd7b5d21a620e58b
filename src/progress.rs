//! The progress bar of a long build: shown on a terminal once a build has
//! run for a second (a quick build prints only its summary), never when
//! stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its progress bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Counts outputs as they are rendered, from any thread.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    /// Whether the bar may ever be drawn (a terminal, not `--quiet`).
    may_show: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar for `total` outputs, drawn only if `wanted` and stderr is a terminal.
    pub fn new(total: usize, wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} rendering {pos}/{len} outputs {wide_bar} {eta}") {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            may_show: wanted && std::io::stderr().is_terminal(),
            shown: false.into(),
        }
    }

    /// A bar that never shows, for renders nobody watches (serve, tests).
    pub fn hidden() -> Progress {
        Progress::new(0, false)
    }

    /// One more output rendered.
    pub fn tick(&self) {
        self.bar.inc(1);
        if self.may_show && !self.shown.load(Ordering::Relaxed) && self.started.elapsed() > SHOW_AFTER {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar, so the summary line stands alone.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
