//! What a workspace hands to and takes from the cache between builds:
//! content files' facts (front matter and the hashes of their metadata's
//! facets) and the values of whole-site reads.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use camino::{Utf8Path, Utf8PathBuf};
use queries::trace::{Facets, Footprint, Read};
use queries::{Change, FileText};
use rayon::prelude::*;

use super::{Workspace, is_read};

impl Workspace {
    /// Each content file's front matter as the cache keeps it between
    /// builds, with the hashes of its metadata's facets
    /// ([`queries::trace::facet_hashes`]); `None` for a file the database
    /// lacks, one that is not sound text, or one whose front matter would not
    /// read back the same.
    ///
    /// # Performance
    /// One encode and decode per file, in parallel.
    pub fn front_matter_facts(&self, paths: &[&Utf8Path]) -> Vec<Option<(Vec<u8>, Vec<u8>)>> {
        let seed = Mutex::new(self.db.clone());
        let inputs = &self.inputs;
        paths
            .par_iter()
            .map_init(
                || seed.lock().unwrap_or_else(|poison| poison.into_inner()).clone(),
                |db, path| {
                    let file = inputs.file(path)?;
                    if !matches!(file.text(db), FileText::Text(_) | FileText::Unread { .. }) {
                        return None;
                    }
                    let encoded = queries::front_matter::encode(queries::front_matter::front_matter(db, file))?;
                    Some((encoded, queries::trace::facet_hashes(db, path.as_str())))
                },
            )
            .collect()
    }

    /// Hands the database the whole-site values of an earlier build (by read
    /// key) that depend on none of the `changed` facets of the site's
    /// metadata, for a build that knows the rest of it unchanged since.
    pub fn prepare_site(&mut self, values: &[(String, String)], changed: Facets) {
        let holds = |key: &str| {
            Read::from_key(key).is_some_and(|read| match read.footprint() {
                Footprint::Site(facets) => !facets.meets(changed),
                Footprint::Settings | Footprint::File(_) | Footprint::Clock => false,
            })
        };
        let still = values.iter().filter(|(key, _)| holds(key)).map(|(key, value)| (key.as_str(), value.as_str()));
        let prepared = queries::trace::prepared_site(still);
        Change { prepared_site: Some(Arc::new(prepared)), ..Change::default() }.apply(&mut self.db, &mut self.inputs);
    }

    /// The whole-site values of the reads among `keys` that have one
    /// ([`queries::trace::site_value`]), by read key; with `new_only`, those
    /// of reads the database was not handed ([`Workspace::prepare_site`]).
    pub fn site_values<'a>(&self, keys: impl IntoIterator<Item = &'a str>, new_only: bool) -> Vec<(String, String)> {
        let prepared = queries::Site::get(&self.db).prepared_site(&self.db).clone().unwrap_or_default();
        let known = |read: &Read| match read {
            Read::PagesMatching(listing) => prepared.listings.contains_key(listing),
            Read::TermName(taxonomy, slug) => prepared.term_names.contains_key(&(taxonomy.clone(), slug.clone())),
            _ => false,
        };
        let keys: BTreeSet<&str> = keys.into_iter().collect();
        keys.into_iter()
            .filter_map(|key| Some((key, Read::from_key(key)?)))
            .filter(|(_, read)| !(new_only && known(read)))
            .filter_map(|(key, read)| Some((key.to_owned(), queries::trace::site_value(&self.db, &read)?)))
            .collect()
    }

    /// The Markdown content files this workspace read from disk (rather than
    /// leaving them unread with the cache's facts), whether it read them
    /// when it loaded them or when a query asked its host.
    pub fn read_content(&self) -> Vec<Utf8PathBuf> {
        let loaded = self
            .inputs
            .paths()
            .filter(|path| self.inputs.file(path).is_some_and(|file| is_read(file.text(&self.db))))
            .map(Utf8Path::to_path_buf);
        let mut paths: Vec<Utf8PathBuf> = loaded
            .chain(self.host.read_paths())
            .filter(|path| path.starts_with("content") && path.extension() == Some("md"))
            .collect();
        paths.sort();
        paths
    }

    /// The hashes of a content file's metadata, facet by facet
    /// ([`queries::trace::facet_hashes`]).
    pub fn facet_hashes(&self, relative: &Utf8Path) -> Vec<u8> {
        queries::trace::facet_hashes(&self.db, relative.as_str())
    }
}
