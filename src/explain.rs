//! `qsite explain`: why the last build rendered an output, or reused it.
//!
//! Every build records in the cache, for each output it rendered, the reason:
//! the output is new, the cache could not be used, its file was edited by
//! hand, or values its last render read had changed. Those values are named
//! as the query and key the render read, each with the input files of the
//! build that reach it, so a user can follow an edit from the file, through
//! the queries, to the output.

use std::collections::HashMap;

use camino::Utf8Path;
use queries::route_names::names_copy;
use queries::trace::{Footprint, Read};
use snapshots::{Cache, OutputRecord, StoredTrace};

use crate::reuse::Verifier;
use crate::site_folder::CACHE_DIR;
use crate::site_folder::EnvironmentError;

/// What a build knows when it explains why it rendered outputs.
pub struct BuildFacts<'a> {
    /// Why no stored trace could be used at all (a cold cache, `--clean`,
    /// other options); `None` on a warm build.
    pub cold: Option<String>,
    /// What the last build wrote.
    pub records: &'a HashMap<String, OutputRecord>,
    /// The traces the last build left.
    pub traces: &'a HashMap<String, StoredTrace>,
    /// Input files (relative to the root) new or changed since the last build.
    pub changed: &'a [String],
    /// Input files deleted since the last build.
    pub removed: &'a [String],
}

/// Meta key of the last build's outcome, for `qsite explain`.
pub const LAST_BUILD: &str = "last_build";

impl BuildFacts<'_> {
    /// Why `output` was rendered. `intact` says whether its file was as the
    /// last build left it, `route` what produces it now.
    pub fn reason(&self, output: &str, intact: bool, route: &str, verifier: &Verifier) -> String {
        if let Some(cold) = &self.cold {
            return format!("rendered: no stored trace could be used ({cold})");
        }
        if !self.records.contains_key(output) {
            return "rendered: it is new; the last build did not produce it".to_owned();
        }
        if !intact {
            return "rendered: its file in the output was edited or deleted since qsite wrote it".to_owned();
        }
        let Some(trace) = self.traces.get(output) else {
            return "rendered: the last build stored no trace for it".to_owned();
        };
        if trace.route != route {
            return format!("rendered: what produces it changed (was `{}`, now `{route}`)", trace.route);
        }
        let mut lines = vec!["rendered: values its last render read had changed:".to_owned()];
        for key in verifier.failing(&trace.reads) {
            let read = Read::from_key(key);
            let name = read.as_ref().map_or_else(|| key.to_owned(), ToString::to_string);
            let cause = read.map(|read| self.cause(&read)).unwrap_or_default();
            lines.push(format!("  {name}{cause}"));
        }
        lines.join("\n")
    }

    /// The input changes of this build that reach `read`.
    fn cause(&self, read: &Read) -> String {
        let files: Vec<&str> = match read.footprint() {
            Footprint::File(path) => {
                if self.removed.contains(&path) {
                    return format!(" <- {path} was deleted");
                }
                if self.changed.contains(&path) {
                    return format!(" <- {path} changed");
                }
                Vec::new()
            }
            Footprint::Clock => return " <- the build clock moved".to_owned(),
            Footprint::Settings | Footprint::Site(_) => {
                self.changed.iter().chain(self.removed).map(String::as_str).collect()
            }
        };
        match files.as_slice() {
            [] => " <- the configuration, the options or the set of files changed".to_owned(),
            [one] => format!(" <- {one} changed"),
            many => {
                let shown = many.iter().take(5).copied().collect::<Vec<_>>().join(", ");
                let more = many.len().saturating_sub(5);
                format!(" <- changed: {shown}{}", if more > 0 { format!(" and {more} more") } else { String::new() })
            }
        }
    }
}

/// The output path a user names, relative to the output directory:
/// `public/blog/a/index.html`, `blog/a/index.html` or the URL `/blog/a/`.
fn output_key(named: &str, output_dir_name: &str) -> String {
    let trimmed = named.trim_start_matches("./");
    let relative = trimmed.strip_prefix(&format!("{output_dir_name}/")).unwrap_or(trimmed);
    let relative = relative.trim_start_matches('/');
    let last = relative.rsplit('/').next().unwrap_or(relative);
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else if last.contains('.') {
        relative.to_owned()
    } else {
        format!("{relative}/index.html")
    }
}

/// What `qsite explain <path>` prints about the last build of the site at
/// `root` writing into `output_dir_name` (a folder under the root).
pub fn explain(root: &Utf8Path, output_dir_name: &str, named: &str) -> Result<String, EnvironmentError> {
    let key = output_key(named, output_dir_name);
    let shown = format!("{output_dir_name}/{key}");
    let Some(cache) = Cache::open_read_only(&root.join(CACHE_DIR)) else {
        return Ok(format!("{shown}: qsite has no record of a build here (no readable `.qsite/` cache)"));
    };
    let manifest = cache.outputs(output_dir_name.trim_end_matches('/')).unwrap_or_default();
    if !manifest.contains_key(&key) {
        return Ok(format!("{shown}: the last build did not produce this file"));
    }
    let last = cache.meta(LAST_BUILD).ok().flatten().unwrap_or_default();
    if last == "nothing changed" {
        return Ok(format!(
            "{shown}: up to date. The last build found no input changed since the one before, and rendered nothing."
        ));
    }
    Ok(match cache.explanation(&key).ok().flatten() {
        Some(reason) => format!("{shown} was {reason}"),
        None => {
            let trace = cache.traces_of([key.as_str()]).ok().and_then(|mut traces| traces.remove(&key));
            match trace {
                Some(trace) if !names_copy(&trace.route) => format!(
                    "{shown} was reused: every value its last render read ({}) was unchanged, and its file was as qsite wrote it",
                    trace.reads.len()
                ),
                _ => format!("{shown} was copied from the site's files, whose bytes it mirrors"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_named_as_users_name_them() {
        assert_eq!(output_key("public/blog/a/index.html", "public"), "blog/a/index.html");
        assert_eq!(output_key("blog/a/index.html", "public"), "blog/a/index.html");
        assert_eq!(output_key("/blog/a/", "public"), "blog/a/index.html");
        assert_eq!(output_key("/blog/a", "public"), "blog/a/index.html");
        assert_eq!(output_key("/", "public"), "index.html");
        assert_eq!(output_key("atom.xml", "public"), "atom.xml");
    }
}
