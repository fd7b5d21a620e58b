//! The search index of one language, as Zola writes it with
//! `build_search_index = true`: an elasticlunr index (the `elasticlunr.min.js`
//! that themes load reads it unchanged) or a Fuse.js list, as a script that
//! sets `window.searchIndex` or as JSON.
//!
//! It reads each page's fields through [`crate::trace::reads`], so it
//! re-renders only when a field it holds changes: a body edit reaches it
//! only when `include_content` is on.

use std::sync::Arc;

use elasticlunr::{Index, IndexBuilder};
use salsa::Database;
use serde::Serialize;

use crate::config::{Config, SearchSettings, key_range};
use crate::diagnostic::Diagnostic;
use crate::inputs::{Site, SourceFile, text_of};
use crate::search_entries::SearchEntry;
use crate::sections::{SectionEntry, SectionTree};
use crate::trace::reads::{config, is_hidden, search_entry, search_text, section_tree};

/// One page or section in the index: its fields and, with
/// `include_content`, its text.
struct Document<'db> {
    entry: &'db SearchEntry,
    text: Option<Arc<str>>,
}

/// The text of the search index of the language `code`, in the configured
/// format; an error on the configuration when elasticlunr cannot stem that
/// language, as Zola fails the build.
///
/// # Performance
/// O(pages of the language), and O(their text) with `include_content`.
pub fn search_index(db: &dyn Database, code: &str) -> Result<String, Diagnostic> {
    let config = &config(db).config;
    let Some(settings) = &config.search else { return Ok(String::new()) };
    let documents = documents(db, config, settings, code);
    let index = match settings.index_format.is_elasticlunr() {
        true => elasticlunr_index(db, settings, code, &documents)?,
        false => fuse_index(settings, &documents),
    };
    Ok(match settings.index_format.is_javascript() {
        true => format!("window.searchIndex = {index}"),
        false => index,
    })
}

/// The documents of a language, as Zola collects them: each section with
/// `in_search_index` (unless it redirects) and its rendered pages that do
/// not opt out; a section that opts out takes its pages with it. Drafts are
/// left out unless the build shows them.
fn documents<'db>(
    db: &'db dyn Database,
    config: &Config,
    settings: &SearchSettings,
    code: &str,
) -> Vec<Document<'db>> {
    let lang = config.other_language(code);
    let mut documents = Vec::new();
    let tree = section_tree(db);
    let sections = tree.sections.iter().filter(|((_, section_lang), _)| section_lang.as_deref() == lang);
    for (_, section) in sections {
        let entry = search_entry(db, section.file);
        if !entry.in_search_index {
            continue;
        }
        if entry.listed {
            documents.push(document(db, settings, section.file, entry));
        }
        for page in section_pages(db, tree, section) {
            if is_hidden(db, page) {
                continue;
            }
            let entry = search_entry(db, page);
            if entry.listed && entry.in_search_index {
                documents.push(document(db, settings, page, entry));
            }
        }
    }
    documents
}

/// A section's pages as Zola lists them for the index: its own, then those
/// of its transparent subsections, theirs included, so a page below a
/// transparent section is a document of each section it is listed in.
fn section_pages(db: &dyn Database, tree: &SectionTree, section: &SectionEntry) -> Vec<SourceFile> {
    let mut pages = section.pages.clone();
    let subsections = section.subsections.iter().filter(|&&file| search_entry(db, file).transparent);
    for &subsection in subsections {
        if let Some(entry) = tree.sections.values().find(|entry| entry.file == subsection) {
            pages.extend(section_pages(db, tree, entry));
        }
    }
    pages
}

fn document<'db>(
    db: &'db dyn Database,
    settings: &SearchSettings,
    file: SourceFile,
    entry: &'db SearchEntry,
) -> Document<'db> {
    let text = settings.include_content.then(|| search_text(db, file).clone());
    Document { entry, text }
}

/// The elasticlunr index: fields in Zola's order (`title`, `description`,
/// `date`, `path`, `body`), each document keyed by its permalink.
fn elasticlunr_index(
    db: &dyn Database,
    settings: &SearchSettings,
    code: &str,
    documents: &[Document],
) -> Result<String, Diagnostic> {
    let Some(language) = elasticlunr::lang::from_code(code) else {
        let file = *Site::get(db).config_file(db);
        return Err(Diagnostic::error(
            file.path(db).clone(),
            key_range(&text_of(db, file), "build_search_index"),
            "qsite::search::language",
            format!("the search index cannot be built for the language `{code}`: elasticlunr does not know it"),
        )
        .with_help("turn `build_search_index` off for this language"));
    };
    let mut builder = IndexBuilder::with_language(language);
    let fields = [
        (settings.include_title, "title"),
        (settings.include_description, "description"),
        (settings.include_date, "date"),
    ];
    for (_, name) in fields.iter().filter(|(included, _)| *included) {
        builder = builder.add_field(name);
    }
    if settings.include_path {
        builder = builder.add_field_with_tokenizer("path", Box::new(path_tokens));
    }
    if settings.include_content {
        builder = builder.add_field("body");
    }
    let mut index: Index = builder.build();
    for document in documents {
        index.add_doc(&document.entry.permalink, elasticlunr_values(settings, document));
    }
    Ok(index.to_json())
}

/// A document's values in field order. A page without a date gives no value
/// for `date`, so the values after it move up a field: what Zola writes, and
/// so what themes' indexes hold.
fn elasticlunr_values<'a>(settings: &SearchSettings, document: &'a Document) -> Vec<&'a str> {
    let entry = document.entry;
    let mut values = Vec::new();
    if settings.include_title {
        values.push(entry.title.as_str());
    }
    if settings.include_description {
        values.push(entry.description.as_str());
    }
    if settings.include_date
        && let Some(date) = &entry.date
    {
        values.push(date.as_str());
    }
    if settings.include_path {
        values.push(entry.path.as_str());
    }
    values.extend(document.text.as_deref());
    values
}

/// The words of a URL path: split at spaces, `-` and `/`, lowercased.
fn path_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|word| !word.is_empty())
        .map(|word| word.trim().to_lowercase())
        .collect()
}

/// One document of a Fuse.js index; fields left out of the settings are
/// absent, not empty.
#[derive(Serialize)]
struct FuseDocument<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
}

/// The Fuse.js index: a list of documents in section order, each section
/// followed by its pages (Zola has no `date` in this format).
fn fuse_index(settings: &SearchSettings, documents: &[Document]) -> String {
    let list: Vec<FuseDocument> = documents
        .iter()
        .map(|document| {
            let entry = document.entry;
            FuseDocument {
                url: &entry.permalink,
                title: settings.include_title.then_some(entry.title.as_str()),
                description: settings.include_description.then_some(entry.description.as_str()),
                body: document.text.as_deref(),
                path: settings.include_path.then_some(entry.path.as_str()),
            }
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_splits_at_slashes_and_dashes() {
        assert_eq!(path_tokens("/blog/My-Post/"), vec!["blog", "my", "post"]);
    }
}
