//! The settings that change how a Markdown body renders, read from the
//! configuration's `[markdown]` table into one value: what the Markdown step
//! takes besides a body's text, and what its stored renderings are keyed by.
//! Each `[markdown]` feature adds its field here.

use crate::highlight::{self, Highlighting, SettingProblem};
use crate::stable_hash::StableHash;

/// How bodies render: every `[markdown]` setting that changes a body's HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, StableHash)]
pub struct MarkdownOptions {
    /// How code blocks are highlighted, or `None` when they are not.
    pub highlighting: Option<Highlighting>,
}

impl MarkdownOptions {
    /// The options a configuration file sets, and what is wrong in them.
    pub fn from_file(file: &toml::Table) -> (MarkdownOptions, Vec<SettingProblem>) {
        let markdown = file.get("markdown").and_then(toml::Value::as_table);
        let (highlighting, problems) = highlight::from_settings(markdown);
        (MarkdownOptions { highlighting }, problems)
    }

    /// Whether rendering a body with these options costs much more than
    /// reading the rendering back from the host's store: then the host
    /// stores every page's own body, not only those that listings show.
    pub fn is_expensive(&self) -> bool {
        self.highlighting.is_some()
    }
}
