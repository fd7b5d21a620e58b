//! Footprints: what the value of a traced read may depend on, so that a host
//! that knows which files changed can tell which stored reads to compute
//! again and which still hold.

use salsa::Database;

use super::{Read, content_at, current_hash};
use crate::stable_hash::stable_hash;

/// What the value of a [`Read`] is a function of, besides the configuration,
/// the build options and the set of files (which paths exist).
///
/// A host that knows those three are unchanged, and which files' contents
/// changed, can tell that a read scoped to one unchanged file still has its
/// hash without computing it: the per-file reads are most of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footprint {
    /// Nothing more: the configuration, the options and the file set alone.
    Settings,
    /// One file's contents, by path relative to the site root.
    File(String),
    /// These parts of every page's metadata: computed to be verified when
    /// one of them changed.
    Site(Facets),
    /// The build clock, which moves at every build: computed to be verified
    /// by every build.
    Clock,
}

/// A part of a page's metadata that whole-site reads depend on: an edit
/// that changes only a page's title touches the reads that depend on
/// titles (link texts, listings sorted by title), not the route table or
/// the listings sorted by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// `title`.
    Title,
    /// `date`, `updated`.
    Dates,
    /// URL path, permalink, slug, aliases.
    Location,
    /// Terms by taxonomy.
    Terms,
    /// `draft`.
    Draft,
    /// `weight`.
    Weight,
    /// A section's order, pagination and page template.
    Listing,
}

impl Facet {
    /// Every facet, in the order [`facet_hashes`] hashes them.
    pub const ALL: [Facet; 7] =
        [Facet::Title, Facet::Dates, Facet::Location, Facet::Terms, Facet::Draft, Facet::Weight, Facet::Listing];

    fn letter(self) -> char {
        match self {
            Facet::Title => 'T',
            Facet::Dates => 'D',
            Facet::Location => 'L',
            Facet::Terms => 'G',
            Facet::Draft => 'X',
            Facet::Weight => 'W',
            Facet::Listing => 'S',
        }
    }
}

/// A set of [`Facet`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facets(u8);

impl Facets {
    /// Every facet: what a section's edit, or a page without recorded
    /// facets, may have changed.
    pub const ALL: Facets = Facets(0x7f);

    /// The set of `facets`.
    pub fn of(facets: &[Facet]) -> Facets {
        Facets(facets.iter().fold(0, |bits, facet| bits | Facets::bit(*facet)))
    }

    fn bit(facet: Facet) -> u8 {
        1 << Facet::ALL.iter().position(|each| *each == facet).unwrap_or(0)
    }

    /// This set and `other`.
    pub fn with(self, other: Facets) -> Facets {
        Facets(self.0 | other.0)
    }

    /// Whether the two sets share a facet.
    pub fn meets(self, other: Facets) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether `facet` is in the set.
    pub fn has(self, facet: Facet) -> bool {
        self.0 & Facets::bit(facet) != 0
    }

    /// The set as a stored scope: [`SITE_SCOPE`] and a letter per facet.
    fn scope(self) -> String {
        let letters: String = Facet::ALL.iter().filter(|facet| self.has(**facet)).map(|facet| facet.letter()).collect();
        format!("{SITE_SCOPE}{letters}")
    }

    /// The facets a stored scope names; `None` for a scope that is not a
    /// site scope.
    pub fn from_scope(scope: &str) -> Option<Facets> {
        let letters = scope.strip_prefix(SITE_SCOPE)?;
        let facets: Vec<Facet> = letters
            .chars()
            .map(|letter| Facet::ALL.iter().copied().find(|facet| facet.letter() == letter))
            .collect::<Option<_>>()?;
        Some(Facets::of(&facets))
    }
}

impl Footprint {
    /// The footprint as the cache stores it beside each read, so a host can
    /// load only the reads an edit may have changed: a file's path,
    /// [`SETTINGS_SCOPE`], or [`SITE_SCOPE`] followed by a letter per facet.
    pub fn scope(&self) -> String {
        match self {
            Footprint::Settings => SETTINGS_SCOPE.to_owned(),
            Footprint::File(path) => path.clone(),
            Footprint::Site(facets) => facets.scope(),
            Footprint::Clock => CLOCK_SCOPE.to_owned(),
        }
    }
}

/// The stored scope of reads whose footprint is [`Footprint::Clock`]; no
/// file path begins with `~`, which the walk never lists.
pub const CLOCK_SCOPE: &str = "~clock";

/// The stored scope of reads whose footprint is [`Footprint::Settings`]; no
/// file path is empty.
pub const SETTINGS_SCOPE: &str = "";

/// How the stored scope of reads whose footprint is [`Footprint::Site`]
/// begins; no file path begins with `*`, which the walk never lists.
pub const SITE_SCOPE: &str = "*";

/// The hash of each [`Facet`] of a content file's metadata, in
/// [`Facet::ALL`]'s order, as one byte string to keep beside its facts. A
/// section's whole metadata counts in every facet: the route table reads it
/// all.
pub fn facet_hashes(db: &dyn Database, path: &str) -> Vec<u8> {
    let Some(file) = content_at(db, path) else { return Vec::new() };
    let meta = crate::page::page_meta(db, file);
    let whole =
        (meta.kind == crate::page::PageKind::Section).then(|| current_hash(db, &Read::PageMeta(path.to_owned())));
    let mut bytes = Vec::with_capacity(Facet::ALL.len() * 32);
    for facet in Facet::ALL {
        let hash = match (whole, facet) {
            (Some(whole), _) => whole,
            (None, Facet::Title) => stable_hash(db, &meta.title),
            (None, Facet::Dates) => stable_hash(db, &(&meta.date, &meta.updated)),
            (None, Facet::Location) => {
                stable_hash(db, &(&meta.url_path, &meta.permalink, &meta.slug, &meta.aliases, &meta.render))
            }
            (None, Facet::Terms) => stable_hash(db, &meta.taxonomies),
            (None, Facet::Draft) => stable_hash(db, &meta.draft),
            (None, Facet::Weight) => stable_hash(db, &meta.weight),
            (None, Facet::Listing) => stable_hash(db, &(&meta.sort_by, &meta.paginate_by, &meta.page_template)),
        };
        bytes.extend_from_slice(&hash);
    }
    bytes
}

/// The facets that differ between two [`facet_hashes`]: all of them when
/// either is not a whole record.
pub fn changed_facets(before: &[u8], after: &[u8]) -> Facets {
    let whole = Facet::ALL.len() * 32;
    if before.len() != whole || after.len() != whole {
        return Facets::ALL;
    }
    let changed: Vec<Facet> = Facet::ALL
        .iter()
        .zip(before.chunks(32).zip(after.chunks(32)))
        .filter(|(_, (old, new))| old != new)
        .map(|(facet, _)| *facet)
        .collect();
    Facets::of(&changed)
}
