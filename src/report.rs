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
        MietteDiagnostic::new(diagnostic.message.clone()).with_code(diagnostic.code).with_severity(severity);
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

/// Renders a report as text: colors only when stderr is a terminal.
pub fn render_report(report: &Report) -> String {
    let theme =
        if std::io::stderr().is_terminal() { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{report:?}");
    }
    out
}

/// Prints every diagnostic to stderr, errors and warnings alike.
pub fn print_diagnostics(workspace: &Workspace, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{}", render_report(&to_report(workspace, diagnostic)));
    }
}
