//! Fenced code blocks highlighted at build time with giallo (VS Code's
//! TextMate grammars and themes), as Zola 0.22 highlights them: the site's
//! highlighting settings in both of Zola's spellings, the theme CSS that
//! class style writes, and the HTML of one block.
//!
//! The built-in grammars and themes are loaded once per process, on the
//! first block or theme a site asks for; a site without highlighting never
//! loads them.

use std::ops::Range;
use std::sync::LazyLock;

use giallo::{HighlightOptions, HtmlRenderer, PLAIN_GRAMMAR_NAME, Registry, ThemeVariant, parse_markdown_fence};
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use crate::body::MissingLanguage;
use crate::stable_hash::StableHash;

/// Names the highlighter in the Markdown step's store key: change it when
/// giallo or the markup around its output changes.
pub const HIGHLIGHTER_VERSION: &str = "giallo-0.2.2";

/// The theme Zola 0.18–0.21 used when `highlight_code` named none.
const SYNTECT_DEFAULT_THEME: &str = "base16-ocean-dark";

/// The giallo theme nearest to [`SYNTECT_DEFAULT_THEME`]: what a site gets
/// whose settings name no usable theme.
const FALLBACK_THEME: &str = "material-theme-ocean";

/// The class prefix of class style, Zola's.
const CLASS_PREFIX: &str = "z-";

/// How a site highlights its code blocks: the settings of
/// `[markdown.highlighting]` (Zola 0.22) or of `highlight_code` and its
/// companions (Zola 0.18–0.21), read into one shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct Highlighting {
    /// The theme or themes whose colors the blocks get.
    pub themes: Themes,
    /// Whether colors are written on each token or as classes.
    pub style: HighlightStyle,
    /// Whether a block in a language giallo lacks fails the build.
    pub error_on_missing_language: bool,
    /// The theme style sheets written to the output folder, by file name.
    pub css_files: Vec<ThemeCss>,
}

/// One theme, or a light and a dark one that follow the reader's preference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub enum Themes {
    /// `theme = "…"`.
    Single(String),
    /// `light_theme` and `dark_theme`.
    Dual {
        /// The theme of a light color scheme.
        light: String,
        /// The theme of a dark color scheme.
        dark: String,
    },
}

/// Where the colors go: `style` in Zola 0.22, the theme `css` before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, StableHash)]
pub enum HighlightStyle {
    /// On each token, in `style` attributes.
    Inline,
    /// As `z-…` classes, colored by the theme CSS files.
    Class,
}

/// A theme style sheet the site gets: its file name at the output root and
/// the theme it colors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, StableHash)]
pub struct ThemeCss {
    /// `giallo.css`, or the name `highlight_themes_css` gives.
    pub filename: String,
    /// The giallo theme.
    pub theme: String,
}

/// A problem with the highlighting settings: the key it is about (for its
/// place in the file) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// The last part of the key's name, as the file writes it.
    pub key: &'static str,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Whether Zola fails the build on it.
    pub is_error: bool,
}

/// The highlighting settings of a configuration file's `[markdown]` table,
/// or `None` when the site does not highlight, with what is wrong in them.
pub fn from_settings(markdown: Option<&toml::Table>) -> (Option<Highlighting>, Vec<SettingProblem>) {
    let mut problems = Vec::new();
    let Some(markdown) = markdown else { return (None, problems) };
    let highlighting = match markdown.get("highlighting") {
        Some(toml::Value::Table(table)) => Some(from_highlighting_table(table, &mut problems)),
        Some(_) => {
            problems.push(error("highlighting", "`[markdown.highlighting]` must be a table".to_owned()));
            None
        }
        None if markdown.get("highlight_code").and_then(toml::Value::as_bool) == Some(true) => {
            Some(from_syntect_keys(markdown, &mut problems))
        }
        None => None,
    };
    if let Some(highlighting) = &highlighting {
        let table = markdown.get("highlighting").and_then(toml::Value::as_table);
        let own_themes = table.and_then(|table| table.get("extra_themes")).is_some();
        check_themes(highlighting, own_themes, &mut problems);
    }
    (highlighting, problems)
}

/// Zola 0.22's `[markdown.highlighting]`.
fn from_highlighting_table(table: &toml::Table, problems: &mut Vec<SettingProblem>) -> Highlighting {
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str).map(str::to_owned);
    let themes = match (text("theme"), text("light_theme"), text("dark_theme")) {
        (Some(theme), None, None) => Themes::Single(theme),
        (None, Some(light), Some(dark)) => Themes::Dual { light, dark },
        _ => {
            problems.push(error(
                "highlighting",
                "`[markdown.highlighting]` needs either `theme`, or both `light_theme` and `dark_theme`".to_owned(),
            ));
            Themes::Single(FALLBACK_THEME.to_owned())
        }
    };
    let style = match text("style").as_deref() {
        None | Some("inline") => HighlightStyle::Inline,
        Some("class") => HighlightStyle::Class,
        Some(other) => {
            problems.push(error("style", format!("`style = \"{other}\"`: the style is `inline` or `class`")));
            HighlightStyle::Inline
        }
    };
    for key in ["extra_grammars", "extra_themes"] {
        if table.get(key).and_then(toml::Value::as_array).is_some_and(|list| !list.is_empty()) {
            problems.push(SettingProblem {
                key,
                message: format!("qsite does not load `{key}` yet: only giallo's built-in ones are known"),
                is_error: false,
            });
        }
    }
    let css_files = match (style, &themes) {
        (HighlightStyle::Inline, _) => Vec::new(),
        (HighlightStyle::Class, Themes::Single(theme)) => vec![css("giallo.css", theme)],
        (HighlightStyle::Class, Themes::Dual { light, dark }) => {
            vec![css("giallo-light.css", light), css("giallo-dark.css", dark)]
        }
    };
    let error_on_missing_language =
        table.get("error_on_missing_language").and_then(toml::Value::as_bool).unwrap_or(false);
    Highlighting { themes, style, error_on_missing_language, css_files }
}

/// Zola 0.18–0.21's `highlight_code`, `highlight_theme` and
/// `highlight_themes_css`, with their syntect themes mapped to giallo's.
fn from_syntect_keys(markdown: &toml::Table, problems: &mut Vec<SettingProblem>) -> Highlighting {
    let mut css_files = Vec::new();
    for entry in markdown.get("highlight_themes_css").and_then(toml::Value::as_array).into_iter().flatten() {
        let field = |name: &str| entry.get(name).and_then(toml::Value::as_str);
        match (field("theme"), field("filename")) {
            (Some(theme), Some(filename)) => {
                css_files.push(css(filename, &mapped_theme("highlight_themes_css", theme, problems)));
            }
            _ => problems.push(error(
                "highlight_themes_css",
                "each `highlight_themes_css` entry needs a `theme` and a `filename`".to_owned(),
            )),
        }
    }
    let written = markdown.get("highlight_theme").and_then(toml::Value::as_str).unwrap_or(SYNTECT_DEFAULT_THEME);
    let (style, theme) = if written == "css" {
        // Classes do not depend on the theme; the first style sheet's theme
        // merges tokens as it would color them.
        let theme = css_files.first().map(|file| file.theme.clone());
        let theme = theme.unwrap_or_else(|| FALLBACK_THEME.to_owned());
        (HighlightStyle::Class, theme)
    } else {
        (HighlightStyle::Inline, mapped_theme("highlight_theme", written, problems))
    };
    Highlighting { themes: Themes::Single(theme), style, error_on_missing_language: false, css_files }
}

/// The giallo theme for a theme an older release's `key` names, or the
/// default's with a warning when giallo has nothing like it.
fn mapped_theme(key: &'static str, theme: &str, problems: &mut Vec<SettingProblem>) -> String {
    let fallback = FALLBACK_THEME;
    giallo_theme(theme).map_or_else(
        || {
            problems.push(SettingProblem {
                key,
                message: format!("giallo has no theme like `{theme}`; qsite highlights with `{fallback}` instead"),
                is_error: false,
            });
            fallback.to_owned()
        },
        str::to_owned,
    )
}

/// The giallo theme standing for a theme name a site wrote: itself when
/// giallo has it, else the nearest giallo theme to one of syntect's (Zola
/// 0.18–0.21), else `None` for the syntect themes giallo has nothing like
/// (`1337`, `agola-dark`, `kronuz`, `zenburn`, …).
fn giallo_theme(name: &str) -> Option<&str> {
    if registry().is_some_and(|registry| registry.contains_theme(name)) {
        return Some(name);
    }
    const SYNTECT_TO_GIALLO: &[(&str, &str)] = &[
        (SYNTECT_DEFAULT_THEME, FALLBACK_THEME),
        ("base16-ocean-light", "material-theme-lighter"),
        ("gruvbox-dark", "gruvbox-dark-medium"),
        ("gruvbox-light", "gruvbox-light-medium"),
        ("inspired-github", "github-light"),
        ("material-dark", "material-theme"),
        ("material-light", "material-theme-lighter"),
        ("one-dark", "one-dark-pro"),
        ("onehalfdark", "one-dark-pro"),
        ("onehalflight", "one-light"),
        ("two-dark", "one-dark-pro"),
        ("solarized (dark)", "solarized-dark"),
        ("solarized (light)", "solarized-light"),
        ("visual-studio-dark", "dark-plus"),
        ("ayu-mirage", "ayu-dark"),
    ];
    let lower = name.to_lowercase();
    SYNTECT_TO_GIALLO.iter().find(|(syntect, _)| *syntect == lower).map(|(_, giallo)| *giallo)
}

/// Every theme the settings name must be one giallo has, as Zola requires;
/// only a warning while the site's own themes (`extra_themes`) cannot be
/// loaded, since the theme may be one of those.
fn check_themes(highlighting: &Highlighting, own_themes: bool, problems: &mut Vec<SettingProblem>) {
    let named: Vec<(&'static str, &str)> = match &highlighting.themes {
        Themes::Single(theme) => vec![("theme", theme)],
        Themes::Dual { light, dark } => vec![("light_theme", light), ("dark_theme", dark)],
    };
    for (key, theme) in named {
        if !registry().is_some_and(|registry| registry.contains_theme(theme)) {
            let message = format!("giallo has no theme `{theme}`: code blocks are not colored");
            problems.push(SettingProblem { key, message, is_error: !own_themes });
        }
    }
}

fn error(key: &'static str, message: String) -> SettingProblem {
    SettingProblem { key, message, is_error: true }
}

fn css(filename: &str, theme: &str) -> ThemeCss {
    ThemeCss { filename: filename.to_owned(), theme: theme.to_owned() }
}

/// giallo's built-in grammars and themes, loaded on first use; `None` if
/// the embedded data cannot be read, when every block stays plain.
fn registry() -> Option<&'static Registry> {
    static REGISTRY: LazyLock<Option<Registry>> = LazyLock::new(|| {
        // A loaded registry highlights only once its grammars' references
        // to one another are resolved.
        let mut registry = Registry::builtin().ok()?;
        registry.link_grammars();
        Some(registry)
    });
    REGISTRY.as_ref()
}

/// The style sheet of a theme in class style, as Zola writes it; empty if
/// giallo lacks the theme (the settings' diagnostics say so).
pub fn theme_css(theme: &str) -> String {
    registry().and_then(|registry| registry.generate_css(theme, CLASS_PREFIX).ok()).unwrap_or_default()
}

/// What [`CodeBlocks::absorb`] made of an event.
pub enum Absorbed {
    /// Not part of a fenced or indented code block: the caller renders it.
    No,
    /// Part of a block still open: nothing to render yet.
    Taken,
    /// The end of a block: its whole HTML.
    Block(String),
}

/// The code blocks of one body, highlighted as they close.
pub struct CodeBlocks<'h> {
    highlighting: &'h Highlighting,
    /// The open block's fence info and where its opening line is in the file.
    open: Option<(String, Range<usize>)>,
    code: String,
    /// Blocks whose language giallo lacks, in order.
    pub missing: Vec<MissingLanguage>,
}

impl<'h> CodeBlocks<'h> {
    /// Highlights with `highlighting`.
    pub fn new(highlighting: &'h Highlighting) -> Self {
        CodeBlocks { highlighting, open: None, code: String::new(), missing: Vec::new() }
    }

    /// Takes the events of code blocks; `file_range` is the event's place
    /// in the file.
    pub fn absorb(&mut self, event: &Event<'_>, file_range: Range<usize>, text: &str) -> Absorbed {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let line_end = text.get(file_range.clone()).and_then(|block| block.find('\n')).unwrap_or(0);
                self.open = Some((info, file_range.start..file_range.start + line_end));
                self.code.clear();
                Absorbed::Taken
            }
            Event::Text(code) if self.open.is_some() => {
                self.code.push_str(code);
                Absorbed::Taken
            }
            Event::End(TagEnd::CodeBlock) => match self.open.take() {
                Some((info, range)) => Absorbed::Block(self.render(&info, range)),
                None => Absorbed::No,
            },
            _ => Absorbed::No,
        }
    }

    /// One block's HTML: giallo's markup, as Zola 0.22 writes it.
    fn render(&mut self, info: &str, range: Range<usize>) -> String {
        let fence = parse_markdown_fence(info);
        let known = registry().is_some_and(|registry| registry.contains_grammar(&fence.lang));
        if !known && !fence.lang.is_empty() {
            let is_error = self.highlighting.error_on_missing_language;
            self.missing.push(MissingLanguage { language: fence.lang.clone(), range, is_error });
        }
        let theme = match &self.highlighting.themes {
            Themes::Single(theme) => ThemeVariant::Single(theme.as_str()),
            Themes::Dual { light, dark } => ThemeVariant::Dual { light: light.as_str(), dark: dark.as_str() },
        };
        let options = HighlightOptions::new(&fence.lang, theme).fallback_to_plain(true);
        let highlighted = registry().and_then(|registry| registry.highlight(&self.code, &options).ok());
        let Some(highlighted) = highlighted else { return plain_block(&fence.lang, &self.code) };
        let renderer = HtmlRenderer {
            other_metadata: fence.rest,
            css_class_prefix: (self.highlighting.style == HighlightStyle::Class).then(|| CLASS_PREFIX.to_owned()),
        };
        renderer.render(&highlighted, &fence.options)
    }
}

/// A block left uncolored (its theme is missing), as Zola writes a block
/// when it does not highlight.
fn plain_block(lang: &str, code: &str) -> String {
    let mut html = String::from("<pre><code");
    if !lang.is_empty() && lang != PLAIN_GRAMMAR_NAME {
        html.push_str(" data-lang=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut html, lang);
        html.push('"');
    }
    html.push('>');
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, code);
    html.push_str("</code></pre>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> (Option<Highlighting>, Vec<SettingProblem>) {
        let table: toml::Table = toml::from_str(text).unwrap();
        from_settings(table.get("markdown").and_then(toml::Value::as_table))
    }

    fn block(highlighting: &Highlighting, markdown: &str) -> (String, Vec<MissingLanguage>) {
        let mut blocks = CodeBlocks::new(highlighting);
        let mut html = String::new();
        for (event, range) in pulldown_cmark::Parser::new(markdown).into_offset_iter() {
            if let Absorbed::Block(block) = blocks.absorb(&event, range, markdown) {
                html.push_str(&block);
            }
        }
        (html, blocks.missing)
    }

    #[test]
    fn both_spellings_of_the_settings_are_read() {
        let (new, problems) = settings("[markdown.highlighting]\nlight_theme = \"github-light\"\ndark_theme = \"github-dark\"\nstyle = \"class\"\n");
        let new = new.unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(new.style, HighlightStyle::Class);
        let names: Vec<_> = new.css_files.iter().map(|file| file.filename.as_str()).collect();
        assert_eq!(names, ["giallo-light.css", "giallo-dark.css"]);

        let (old, problems) = settings(
            "[markdown]\nhighlight_code = true\nhighlight_theme = \"css\"\nhighlight_themes_css = [{ theme = \"one-dark\", filename = \"syntax.css\" }]\n",
        );
        let old = old.unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((old.style, &old.themes), (HighlightStyle::Class, &Themes::Single("one-dark-pro".to_owned())));
        assert_eq!(old.css_files, [css("syntax.css", "one-dark-pro")]);

        let (_, problems) = settings("[markdown]\nhighlight_code = true\nhighlight_theme = \"kronuz\"\n");
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].is_error && problems[0].message.contains("kronuz"));
        assert!(settings("[markdown]\nhighlight_code = false\n").0.is_none());
    }

    #[test]
    fn blocks_get_giallo_markup_with_line_options() {
        let highlighting = settings("[markdown.highlighting]\ntheme = \"catppuccin-latte\"\n").0.unwrap();
        let (html, missing) = block(&highlighting, "```rust,linenos,hl_lines=2,name=main.rs\nfn main() {\n    let x = 1;\n}\n```\n");
        assert!(missing.is_empty());
        assert!(html.starts_with("<pre class=\"giallo\" style=\""), "{html}");
        assert!(html.contains("<code data-lang=\"rust\" data-name=\"main.rs\">"), "{html}");
        assert!(html.contains("class=\"giallo-ln\""), "{html}");
        assert!(html.contains("<span class=\"giallo-l\" style=\""), "a highlighted line: {html}");
    }

    #[test]
    fn an_unknown_language_is_plain_text_and_named() {
        let highlighting = settings("[markdown.highlighting]\ntheme = \"catppuccin-latte\"\nstyle = \"class\"\n").0.unwrap();
        let text = "Text\n\n```nosuchlang\n<a>\n```\n";
        let (html, missing) = block(&highlighting, text);
        assert!(html.contains("&lt;a&gt;"), "{html}");
        assert_eq!(missing.len(), 1);
        assert_eq!(&text[missing[0].range.clone()], "```nosuchlang");
    }
}
