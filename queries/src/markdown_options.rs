//! How the configuration's `[markdown]` table asks bodies to be rendered:
//! one struct every concern of the Markdown step reads its settings from
//! (extend it there, not with a second options value), and where heading
//! anchor links go, which sections set in their front matter. It is what
//! the Markdown step takes besides a body's text, and what its stored
//! renderings are keyed by.

use serde::{Deserialize, Serialize};

use crate::highlight::{self, Highlighting, SettingProblem};
use crate::stable_hash::StableHash;

/// What the Markdown step renders differently by configuration. It is part
/// of the step's store key, so a rendering is reused only under the options
/// it was made with; settings that do not change a body stay out of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, StableHash)]
pub struct MarkdownOptions {
    /// How code blocks are highlighted, or `None` when they are not.
    pub highlighting: Option<Highlighting>,
    /// `smart_punctuation`: typographic quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// `definition_list`: `term` / `: definition` blocks.
    pub definition_list: bool,
    /// `github_alerts`: `> [!NOTE]` block quotes as alerts.
    pub github_alerts: bool,
    /// `bottom_footnotes`: footnotes gathered in a list at the end.
    pub bottom_footnotes: bool,
    /// `render_emoji`: `:smile:` shortcodes as emoji.
    pub render_emoji: bool,
    /// `lazy_async_image`: images marked `loading="lazy" decoding="async"`.
    pub lazy_async_image: bool,
    /// How links to `http:` and `https:` URLs are marked.
    pub external_links: ExternalLinks,
}

/// The attributes Zola gives links to other sites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, StableHash)]
pub struct ExternalLinks {
    /// `external_links_target_blank`: open in a new tab (with `noopener`).
    pub target_blank: bool,
    /// `external_links_no_follow`: `rel="nofollow"`.
    pub no_follow: bool,
    /// `external_links_no_referrer`: `rel="noreferrer"`.
    pub no_referrer: bool,
    /// `external_links_external`: `rel="external"` (Zola 0.22, on by default there).
    pub external: bool,
    /// `external_links_class`: a class on every external link.
    pub class: Option<String>,
}

impl ExternalLinks {
    /// Whether external links are written differently from other links at all.
    pub fn any(&self) -> bool {
        self.target_blank || self.no_follow || self.no_referrer || self.external || self.class.is_some()
    }
}

impl MarkdownOptions {
    /// The options a configuration sets, and what is wrong in them: `file`
    /// is the file's table as written (highlighting is on only where it
    /// asks), `markdown` its `[markdown]` table laid over Zola's defaults; a
    /// flag of the wrong type reads as its default.
    pub fn from_config(file: &toml::Table, markdown: &toml::Table) -> (Self, Vec<SettingProblem>) {
        let flag = |key: &str| markdown.get(key).and_then(toml::Value::as_bool).unwrap_or(false);
        let (highlighting, problems) = highlight::from_settings(file.get("markdown").and_then(toml::Value::as_table));
        let options = MarkdownOptions {
            highlighting,
            smart_punctuation: flag("smart_punctuation"),
            definition_list: flag("definition_list"),
            github_alerts: flag("github_alerts"),
            bottom_footnotes: flag("bottom_footnotes"),
            render_emoji: flag("render_emoji"),
            lazy_async_image: flag("lazy_async_image"),
            external_links: ExternalLinks {
                target_blank: flag("external_links_target_blank"),
                no_follow: flag("external_links_no_follow"),
                no_referrer: flag("external_links_no_referrer"),
                external: flag("external_links_external"),
                class: markdown.get("external_links_class").and_then(toml::Value::as_str).map(str::to_owned),
            },
        };
        (options, problems)
    }

    /// Whether rendering a body with these options costs much more than
    /// reading the rendering back from the host's store: then the host
    /// stores every page's own body, not only those that listings show.
    pub fn is_expensive(&self) -> bool {
        self.highlighting.is_some()
    }
}

/// Where a heading's anchor link goes: `insert_anchor_links` in a section's
/// front matter (for the section and its pages) or, since Zola 0.21, in
/// `[markdown]` for sections that do not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, StableHash)]
#[serde(rename_all = "lowercase")]
pub enum AnchorPlacement {
    /// No anchor link.
    #[default]
    None,
    /// Before the heading's text.
    Left,
    /// After the heading's text.
    Right,
    /// Around the heading's text: the link's opening tag, the text, `</a>`.
    Heading,
}

impl AnchorPlacement {
    /// The placement a setting names, if it names one.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "none" => Some(AnchorPlacement::None),
            "left" => Some(AnchorPlacement::Left),
            "right" => Some(AnchorPlacement::Right),
            "heading" => Some(AnchorPlacement::Heading),
            _ => None,
        }
    }
}
