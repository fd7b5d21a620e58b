//! Routes named by paths rather than salsa ids: how the cache stores which
//! route produced an output, so a later process can find the route again.

use salsa::Database;
use serde::{Deserialize, Serialize};

use crate::inputs::TaxonomyId;
use crate::lookup::file_at;
use crate::routes::{FeedSource, Route};
use crate::site_paths::is_content;

/// A [`Route`] with paths in place of salsa ids, as traces store it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum RouteName {
    Page(String),
    Section {
        section: String,
        pager: usize,
    },
    /// The default language's list of a taxonomy's terms.
    TaxonomyList(String),
    /// Another language's: a variant of its own, so the default language's
    /// keys read as they did before languages had taxonomies.
    LanguageTaxonomyList {
        taxonomy: String,
        lang: String,
    },
    Term {
        taxonomy: String,
        term: String,
        pager: usize,
        /// `None` for the default language, and then left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
    Alias {
        target: String,
    },
    /// The site's `atom.xml`: the name of the only feed before feeds had
    /// names, kept so that outputs stored then still find their route.
    Feed,
    /// Any other feed.
    NamedFeed {
        source: FeedSourceName,
        filename: String,
    },
    Sitemap,
    /// A language's search index, by its code.
    SearchIndex(String),
    Robots,
    NotFound,
    HighlightCss(String),
    Copy(String),
    Stylesheet(String),
}

/// A [`FeedSource`] with paths in place of salsa ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum FeedSourceName {
    Site,
    Language(String),
    Section(String),
    Term {
        taxonomy: String,
        term: String,
        /// `None` for the default language, and then left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
}

/// A route with paths in place of salsa ids: if the route behind an output
/// path changes, the output is rendered again.
pub fn route_key(db: &dyn Database, route: &Route) -> String {
    let name = match route {
        Route::Page(file) => RouteName::Page(file.path(db).to_string()),
        Route::Section { section, pager } => {
            RouteName::Section { section: section.path(db).to_string(), pager: *pager }
        }
        Route::TaxonomyList(TaxonomyId { name, lang: None }) => RouteName::TaxonomyList(name.clone()),
        Route::TaxonomyList(TaxonomyId { name, lang: Some(lang) }) => {
            RouteName::LanguageTaxonomyList { taxonomy: name.clone(), lang: lang.clone() }
        }
        Route::Term { taxonomy, term, pager } => RouteName::Term {
            taxonomy: taxonomy.name.clone(),
            term: term.clone(),
            pager: *pager,
            lang: taxonomy.lang.clone(),
        },
        Route::Alias { target } => RouteName::Alias { target: target.clone() },
        Route::Feed { source: FeedSource::Site, filename } if filename == "atom.xml" => RouteName::Feed,
        Route::Feed { source, filename } => RouteName::NamedFeed {
            source: match source {
                FeedSource::Site => FeedSourceName::Site,
                FeedSource::Language(code) => FeedSourceName::Language(code.clone()),
                FeedSource::Section(section) => FeedSourceName::Section(section.path(db).to_string()),
                FeedSource::Term { taxonomy, term } => FeedSourceName::Term {
                    taxonomy: taxonomy.name.clone(),
                    term: term.clone(),
                    lang: taxonomy.lang.clone(),
                },
            },
            filename: filename.clone(),
        },
        Route::Sitemap => RouteName::Sitemap,
        Route::SearchIndex { lang } => RouteName::SearchIndex(lang.clone()),
        Route::Robots => RouteName::Robots,
        Route::NotFound => RouteName::NotFound,
        Route::HighlightCss(filename) => RouteName::HighlightCss(filename.clone()),
        Route::Copy(file) => RouteName::Copy(file.path(db).to_string()),
        Route::Stylesheet(file) => RouteName::Stylesheet(file.path(db).to_string()),
    };
    serde_json::to_string(&name).unwrap_or_default()
}

/// The route a [`route_key`] names, in this database: `None` when a file it
/// names is gone, or for text from another version of this type.
pub fn route_from_key(db: &dyn Database, key: &str) -> Option<Route> {
    let content = |path: &str| is_content(path).then(|| file_at(db, path)).flatten();
    Some(match serde_json::from_str(key).ok()? {
        RouteName::Page(path) => Route::Page(content(&path)?),
        RouteName::Section { section, pager } => Route::Section { section: content(&section)?, pager },
        RouteName::TaxonomyList(name) => Route::TaxonomyList(TaxonomyId { name, lang: None }),
        RouteName::LanguageTaxonomyList { taxonomy, lang } => {
            Route::TaxonomyList(TaxonomyId { name: taxonomy, lang: Some(lang) })
        }
        RouteName::Term { taxonomy, term, pager, lang } => {
            Route::Term { taxonomy: TaxonomyId { name: taxonomy, lang }, term, pager }
        }
        RouteName::Alias { target } => Route::Alias { target },
        RouteName::Feed => Route::Feed { source: FeedSource::Site, filename: "atom.xml".to_owned() },
        RouteName::NamedFeed { source, filename } => Route::Feed {
            source: match source {
                FeedSourceName::Site => FeedSource::Site,
                FeedSourceName::Language(code) => FeedSource::Language(code),
                FeedSourceName::Section(path) => FeedSource::Section(content(&path)?),
                FeedSourceName::Term { taxonomy, term, lang } => {
                    FeedSource::Term { taxonomy: TaxonomyId { name: taxonomy, lang }, term }
                }
            },
            filename,
        },
        RouteName::Sitemap => Route::Sitemap,
        RouteName::SearchIndex(lang) => Route::SearchIndex { lang },
        RouteName::Robots => Route::Robots,
        RouteName::NotFound => Route::NotFound,
        RouteName::HighlightCss(filename) => Route::HighlightCss(filename),
        RouteName::Copy(path) => Route::Copy(file_at(db, &path)?),
        RouteName::Stylesheet(path) => Route::Stylesheet(file_at(db, &path)?),
    })
}

/// Whether a [`route_key`] names a copied file: serde_json writes the
/// variant's name first, so the prefix tells without parsing.
pub fn names_copy(route_key: &str) -> bool {
    route_key.starts_with("{\"Copy\":")
}

/// Whether an output's route is the page of `path`: its own body is part of
/// it, not a body it shows of another page.
pub fn is_page_route(route_key: &str, path: &str) -> bool {
    serde_json::from_str::<RouteName>(route_key).is_ok_and(|name| name == RouteName::Page(path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_db::TestDb;

    #[test]
    fn every_feed_route_is_found_again_by_its_key_and_the_sites_atom_feed_keeps_its_old_key() {
        let db = TestDb::with_site(crate::tests::FEEDS);
        let routes = &crate::routes::route_table(db.db()).routes;
        for (output, route) in routes.iter().filter(|(_, route)| matches!(route, Route::Feed { .. })) {
            let key = route_key(db.db(), route);
            assert_eq!(route_from_key(db.db(), &key).as_ref(), Some(route), "{output}: {key}");
        }
        assert_eq!(route_key(db.db(), &routes["atom.xml"]), "\"Feed\"");
        assert_eq!(routes.values().filter(|route| matches!(route, Route::Feed { .. })).count(), 8);
    }

    #[test]
    fn language_routes_are_found_again_and_the_default_languages_keep_their_old_keys() {
        let db = TestDb::with_site(
            r#"
//- qsite.toml
base_url = "https://t.test"
generate_feeds = true
taxonomies = [{ name = "tags", feed = true }]
[languages.fr]
generate_feeds = true
taxonomies = [{ name = "tags", feed = true }]
//- content/a.md
+++
title = "A"
date = 2024-01-01
tags = ["x"]
+++
//- content/a.fr.md
+++
title = "A fr"
date = 2024-01-01
tags = ["x"]
+++
"#,
        );
        let routes = &crate::routes::route_table(db.db()).routes;
        for (output, route) in routes {
            let key = route_key(db.db(), route);
            assert_eq!(route_from_key(db.db(), &key).as_ref(), Some(route), "{output}: {key}");
        }
        let key = |output: &str| route_key(db.db(), &routes[output]);
        assert_eq!(key("tags/index.html"), r#"{"TaxonomyList":"tags"}"#);
        assert_eq!(key("tags/x/index.html"), r#"{"Term":{"taxonomy":"tags","term":"x","pager":1}}"#);
        assert_eq!(key("fr/tags/index.html"), r#"{"LanguageTaxonomyList":{"taxonomy":"tags","lang":"fr"}}"#);
        assert_eq!(key("fr/tags/x/index.html"), r#"{"Term":{"taxonomy":"tags","term":"x","pager":1,"lang":"fr"}}"#);
        assert_eq!(key("fr/atom.xml"), r#"{"NamedFeed":{"source":{"Language":"fr"},"filename":"atom.xml"}}"#);
    }
}
