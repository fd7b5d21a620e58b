//! Printing diagnostics as miette reports, with the file's text so line and
//! column are right, and the build summary line.

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};
use queries::{Diagnostic, Severity};

use crate::workspace::Workspace;

/// A diagnostic as a miette report carrying its file's text.
pub fn to_report(workspace: &Workspace, diagnostic: &Diagnostic) -> Report {
    let severity = match diagnostic.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut report =
        MietteDiagnostic::new(diagnostic.message.clone()).with_code(diagnostic.code.clone()).with_severity(severity);
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help.clone());
    }
    let text = workspace.file_text(&diagnostic.file).unwrap_or_default();
    // Widen the range to whole characters: a range at a bad byte of a file
    // read lossily may fall inside the replacement character.
    let mut start = diagnostic.range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = diagnostic.range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    report = report.with_label(LabeledSpan::at(start..end, "here"));
    Report::new(report).with_source_code(
        NamedSource::new(diagnostic.file.as_str(), text).with_language(language(diagnostic.file.as_str())),
    )
}

fn language(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("md") => "Markdown",
        Some("toml") => "TOML",
        Some("html") => "HTML",
        _ => "Plain Text",
    }
}

/// Renders a report as text, with colors or without.
pub fn render_report(report: &Report, colored: bool) -> String {
    let theme = if colored { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{report:?}");
    }
    out
}

/// Whether what goes to stderr may use colors: only on a terminal.
pub fn stderr_is_colored() -> bool {
    std::io::stderr().is_terminal()
}

/// Every diagnostic rendered as text, errors and warnings alike, in order.
pub fn render_diagnostics(workspace: &Workspace, diagnostics: &[Diagnostic], colored: bool) -> String {
    diagnostics.iter().map(|diagnostic| render_report(&to_report(workspace, diagnostic), colored) + "\n").collect()
}
