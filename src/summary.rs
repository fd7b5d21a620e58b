//! What a build says when it ends: one line in words a site author reads
//! (`Built 1,204 pages in 0.41 s — 3 rendered, 1,201 unchanged`), and with
//! `-v` the counts behind it and each output rendered, with the reason.

use std::time::Duration;

use queries::words::{counted, thousands};

use crate::output::WriteStats;

/// How much a command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// `--quiet`: errors only.
    Quiet,
    /// The summary line, warnings and errors.
    #[default]
    Normal,
    /// `-v`: also the counts behind the summary and what was rendered, and why.
    Verbose,
}

impl Verbosity {
    /// Whether notes, warnings, the summary and progress are printed.
    pub fn says_more_than_errors(self) -> bool {
        self != Verbosity::Quiet
    }
}

/// What the site holds, for the summary.
pub struct SiteCounts {
    /// Pages built.
    pub pages: usize,
    /// Sections built.
    pub sections: usize,
    /// Taxonomy terms built.
    pub terms: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
}

impl SiteCounts {
    /// `1,204 pages, 12 sections and 40 terms` (parts that are zero left
    /// out, except pages), plus the drafts left out.
    pub fn phrase(&self) -> String {
        let mut parts = vec![counted(self.pages, "page")];
        if self.sections > 0 {
            parts.push(counted(self.sections, "section"));
        }
        if self.terms > 0 {
            parts.push(counted(self.terms, "term"));
        }
        let mut phrase = match parts.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        if self.drafts_skipped > 0 {
            phrase.push_str(&format!(" ({} left out)", counted(self.drafts_skipped, "draft")));
        }
        phrase
    }
}

/// The summary line of a build that wrote its output.
pub fn built_line(site: &str, elapsed: Duration, rendered: usize, reused: usize, written: &WriteStats) -> String {
    let mut line = format!("Built {site} in {}", duration(elapsed));
    if reused == 0 && written.unchanged == 0 && written.repaired == 0 {
        line.push_str(&format!(" — first build, {} written", counted(written.written, "file")));
    } else {
        line.push_str(&format!(" — {} rendered, {} unchanged", thousands(rendered), thousands(reused)));
    }
    if written.deleted > 0 {
        line.push_str(&format!(", {} deleted", thousands(written.deleted)));
    }
    if written.repaired > 0 {
        line.push_str(&format!(
            ", {} changed or deleted by hand in the output and written back",
            counted(written.repaired, "file")
        ));
    }
    line
}

/// `41 ms` under a second, `1.20 s` from there.
pub fn duration(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(1) {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_phrase_names_only_what_there_is() {
        let counts = |pages, sections, terms, drafts_skipped| SiteCounts { pages, sections, terms, drafts_skipped };
        assert_eq!(counts(1, 0, 0, 0).phrase(), "1 page");
        assert_eq!(counts(1204, 3, 0, 0).phrase(), "1,204 pages and 3 sections");
        assert_eq!(counts(2, 1, 5, 1).phrase(), "2 pages, 1 section and 5 terms (1 draft left out)");
    }
}
