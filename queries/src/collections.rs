//! The sets of pages listings show: `pages_matching` and the taxonomy index.
//!
//! These change exactly when membership or order changes, never on a body
//! edit, which is what keeps listings cached while their pages are edited.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::Arc;

use salsa::Database;

use crate::dates::PageDate;
use crate::front_matter::SortBy;
use crate::inputs::{ListingKey, Site, SourceFile, TaxonomyId};
use crate::languages::{languages, page_language};
use crate::lookup::file_at;
use crate::page::{is_hidden, page_dates, page_location, page_meta, page_terms, page_title, section_listing};
use crate::sections::{SectionTree, section_tree};
use crate::stable_hash::StableHash;

/// Which pages a listing takes, before sorting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every page of the site.
    All,
    /// The direct pages of the section with this `_index.md`.
    Section(SourceFile),
    /// Every page of one language, by its code (the default's too): what
    /// that language's site feeds carry.
    Language(String),
    /// The pages filed under a term: taxonomy and term slug.
    Term(TaxonomyId, String),
}

/// What a listing selects: the key of [`pages_matching`].
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct Selector<'db> {
    /// Where the pages come from.
    #[returns(ref)]
    pub scope: Scope,
    /// Their order.
    pub sort_by: SortBy,
    /// At most this many, after sorting.
    pub limit: Option<usize>,
}

/// The listing key of a selector.
pub fn listing_key(db: &dyn Database, selector: Selector<'_>) -> ListingKey {
    let (section, term, lang) = match selector.scope(db) {
        Scope::All => (None, None, None),
        Scope::Language(code) => (None, None, Some(code.clone())),
        Scope::Section(file) => (Some(file.path(db).to_string()), None, None),
        Scope::Term(taxonomy, term) => (None, Some((taxonomy.name.clone(), term.clone())), taxonomy.lang.clone()),
    };
    ListingKey { section, term, lang, sort_by: format!("{:?}", selector.sort_by(db)), limit: *selector.limit(db) }
}

/// The pages a listing shows, in order, drafts left out unless `--drafts`.
///
/// Invalidated when a candidate's metadata changes, but its value changes
/// only when membership or order does, so the listings reading it re-render
/// only then.
///
/// # Performance
/// O(candidates · log) with memoized metadata; for [`Scope::All`], O(pages).
#[salsa::tracked(returns(ref))]
pub fn pages_matching<'db>(db: &'db dyn Database, selector: Selector<'db>) -> Arc<[SourceFile]> {
    if let Some(prepared) = Site::get(db).prepared_site(db)
        && let Some(paths) = prepared.listings.get(&listing_key(db, selector))
        && let Some(files) = paths.iter().map(|path| file_at(db, path)).collect::<Option<Vec<_>>>()
    {
        return files.into();
    }
    let tree = section_tree(db);
    let candidates: Vec<SourceFile> = match selector.scope(db) {
        Scope::All => tree.pages.clone(),
        Scope::Language(code) => tree.pages.iter().copied().filter(|&file| page_language(db, file) == code).collect(),
        Scope::Section(section) => section_pages(db, tree, *section),
        Scope::Term(taxonomy, term) => taxonomy_index(db)
            .get(taxonomy)
            .and_then(|terms| terms.get(term))
            .map(|term| term.pages.clone())
            .unwrap_or_default(),
    };
    let mut pages: Vec<SourceFile> = candidates.into_iter().filter(|&file| !is_hidden(db, file)).collect();
    let sort_by = *selector.sort_by(db);
    // Each page's key is read once, not once per comparison.
    pages.sort_by_cached_key(|&file| sort_key(db, sort_by, file));
    if let Some(limit) = *selector.limit(db) {
        pages.truncate(limit);
    }
    pages.into()
}

/// A section's own pages and, as Zola lists them, those of its
/// `transparent` subsections (and of theirs that are transparent too).
fn section_pages(db: &dyn Database, tree: &SectionTree, section: SourceFile) -> Vec<SourceFile> {
    let Some(entry) = tree.sections.values().find(|entry| entry.file == section) else { return Vec::new() };
    let mut pages = entry.pages.clone();
    for &subsection in &entry.subsections {
        if section_listing(db, subsection).transparent {
            pages.extend(section_pages(db, tree, subsection));
        }
    }
    pages
}

/// Where a page goes under `sort_by` (see [`SortBy`]); ties go by path, so
/// the order is total and every build agrees on it.
fn sort_key(db: &dyn Database, sort_by: SortBy, file: SourceFile) -> (SortKey, String) {
    let newest = |date: Option<&PageDate>| date.map_or(SortKey::Last, |date| SortKey::Newest(Reverse(date.timestamp)));
    let title = |key: fn(&str) -> SortKey| {
        let title = page_title(db, file);
        if title.is_empty() { SortKey::Last } else { key(title) }
    };
    let primary = match sort_by {
        SortBy::Date => newest(page_dates(db, file).0.as_ref()),
        SortBy::UpdateDate => {
            let (date, updated) = page_dates(db, file);
            newest(date.as_ref().max(updated.as_ref()))
        }
        SortBy::Title => title(natural),
        SortBy::TitleBytes => title(|title| SortKey::Text(title.to_owned())),
        SortBy::Weight => page_meta(db, file).weight.map_or(SortKey::Last, SortKey::Number),
        SortBy::Slug => natural(&page_location(db, file).slug),
        SortBy::Permalink => SortKey::Text(page_location(db, file).permalink.clone()),
        SortBy::None => SortKey::Last,
    };
    (primary, file.path(db).to_string())
}

/// The primary part of [`sort_key`]; variants order before those below
/// them, so dated pages come before undated ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Newest(Reverse<jiff::Timestamp>),
    Natural(Vec<Chunk>),
    Text(String),
    Number(i64),
    Last,
}

/// A run of digits or of other characters, in natural order: numbers by
/// value and before words, words without case or accents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    /// Digits without leading zeros, by length then by digit: their value.
    Number(usize, String),
    /// Letters and signs, transliterated to ASCII and lowercased.
    Word(String),
}

/// The natural-order key of a text (`Track-13` after `Track-2`, `Métro` with `metro`).
fn natural(text: &str) -> SortKey {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut chunks = Vec::new();
    let mut rest = ascii.as_str();
    while let Some(first) = rest.chars().next() {
        let is_digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != is_digit).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        chunks.push(if is_digit {
            let digits = run.trim_start_matches('0');
            Chunk::Number(digits.len(), digits.to_owned())
        } else {
            Chunk::Word(run.to_owned())
        });
        rest = after;
    }
    SortKey::Natural(chunks)
}

/// A section's direct subsections in Zola's order: by ascending `weight`
/// (none counts as 0), ties by path.
///
/// Invalidated by a file added or removed and by any metadata edit of a
/// subsection; its value changes only when the order or membership does.
#[salsa::tracked(returns(ref))]
pub fn subsections(db: &dyn Database, section: SourceFile) -> Arc<[SourceFile]> {
    let tree = section_tree(db);
    let mut subsections = tree
        .sections
        .values()
        .find(|entry| entry.file == section)
        .map(|entry| entry.subsections.clone())
        .unwrap_or_default();
    // Stable: the tree lists them by path, which breaks ties.
    subsections.sort_by_cached_key(|&file| page_meta(db, file).weight.unwrap_or(0));
    subsections.into()
}

/// One term of a taxonomy and the pages filed under it, by path.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct Term {
    /// The term as first written (by page path order).
    pub name: String,
    /// Its URL segment.
    pub slug: String,
    /// The visible pages that carry it, by path.
    pub pages: Vec<SourceFile>,
}

/// Terms by slug, by taxonomy of each language.
pub type TaxonomyIndex = BTreeMap<TaxonomyId, BTreeMap<String, Term>>;

/// The key of [`term_name`]: a taxonomy and a term slug.
#[salsa::interned(debug, revisions = usize::MAX)]
pub struct TermKey<'db> {
    /// The taxonomy.
    #[returns(ref)]
    pub taxonomy: TaxonomyId,
    /// The term's slug.
    #[returns(ref)]
    pub slug: String,
}

/// A term's name as pages write it, if any visible page carries it. A term
/// page reads this rather than the whole index, so a tag added elsewhere
/// does not re-render it.
#[salsa::tracked(returns(ref))]
pub fn term_name<'db>(db: &'db dyn Database, key: TermKey<'db>) -> Option<String> {
    let (taxonomy, slug) = (key.taxonomy(db).clone(), key.slug(db).clone());
    if let Some(prepared) = Site::get(db).prepared_site(db)
        && let Some(name) = prepared.term_names.get(&(taxonomy, slug))
    {
        return name.clone();
    }
    taxonomy_index(db).get(key.taxonomy(db)).and_then(|terms| terms.get(key.slug(db))).map(|term| term.name.clone())
}

/// Every configured taxonomy of every language with its terms and their
/// pages: a page's terms go to its own language's taxonomy of that name.
///
/// Invalidated by any metadata edit; its value changes only when a page's
/// terms, draft state or existence do.
///
/// # Performance
/// O(pages · terms per page).
#[salsa::tracked(returns(ref))]
pub fn taxonomy_index(db: &dyn Database) -> Arc<TaxonomyIndex> {
    let mut index = TaxonomyIndex::new();
    let config = &crate::config::config(db).config;
    let languages = languages(db);
    for lang in languages.all() {
        for taxonomy in config.taxonomies_of(lang) {
            index.insert(TaxonomyId::new(&taxonomy.name, lang), BTreeMap::new());
        }
    }
    for &file in &section_tree(db).pages {
        if is_hidden(db, file) {
            continue;
        }
        let lang = languages.of(file.path(db).file_name().unwrap_or("")).code;
        for (taxonomy, terms) in page_terms(db, file) {
            let Some(by_slug) = index.get_mut(&TaxonomyId::new(taxonomy, lang)) else { continue };
            for name in terms {
                let slug = slug::slugify(name);
                let term =
                    by_slug.entry(slug.clone()).or_insert_with(|| Term { name: name.clone(), slug, pages: Vec::new() });
                if term.pages.last() != Some(&file) {
                    term.pages.push(file);
                }
            }
        }
    }
    Arc::new(index)
}
