//! Printing diagnostics as miette reports, with the file's text so line and
//! column are right, and the build summary line.

use std::io::IsTerminal;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report};
use queries::builtin::{OverlayEntryView, overlay_html as overlay_entries_html};
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
    report = report.with_label(LabeledSpan::at(char_range(&text, &diagnostic.range), "here"));
    Report::new(report).with_source_code(
        NamedSource::new(diagnostic.file.as_str(), text).with_language(language(diagnostic.file.as_str())),
    )
}

/// A diagnostic's range widened to whole characters of `text`: a range at a
/// bad byte of a file read lossily may fall inside the replacement character.
fn char_range(text: &str, range: &Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The overlay `qsite serve` shows for the site's errors and warnings
/// (errors first), each with its `file:line:column` and source line; `None`
/// when there are none.
pub fn overlay_html(workspace: &Workspace, diagnostics: &[Diagnostic]) -> Option<String> {
    let mut entries: Vec<OverlayEntryView> = diagnostics
        .iter()
        .map(|diagnostic| {
            let text = workspace.file_text(&diagnostic.file).unwrap_or_default();
            let start = char_range(&text, &diagnostic.range).start;
            let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |newline| start + newline);
            let line = text[..start].matches('\n').count() + 1;
            let column = text[line_start..start].chars().count() + 1;
            OverlayEntryView {
                severity: if diagnostic.is_error() { "error" } else { "warning" },
                location: format!("{}:{line}:{column}", diagnostic.file),
                code: diagnostic.code.clone(),
                message: diagnostic.message.clone(),
                help: diagnostic.help.clone(),
                source_line: text[line_start..line_end].trim_end_matches('\r').to_owned(),
            }
        })
        .collect();
    entries.sort_by_key(|entry| entry.severity != "error");
    (!entries.is_empty()).then(|| overlay_entries_html(&entries))
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
