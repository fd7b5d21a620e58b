//! What the development server answers for a URL path, computed from the
//! route table on one database revision: the same bytes `qsite build`
//! would write for that path. A resized image is found among the requests
//! the site's renders recorded, and encoded by the server ([`super::images`]).

use std::sync::Arc;

use camino::Utf8PathBuf;
use imaging::PROCESSED_IMAGES;
use queries::trace::Read;
use queries::{FileText, QueryDb, Route, RouteKey, output_path, rendered_output, route_table};

use crate::processed_images::Request;
use crate::serve::images::source_hash;

/// The answer for one URL path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A rendered output: a page, a listing, the feed, or the site's 404
    /// page (with status 404) for a path the site does not have.
    Rendered {
        /// 200, or 404 for the not-found page.
        status: u16,
        /// The output path it was rendered for, which gives its content type.
        output: String,
        /// The bytes.
        text: Arc<str>,
    },
    /// A static file or colocated asset, streamed from the site folder.
    File {
        /// Relative to the site root.
        source: Utf8PathBuf,
        /// The hash of its contents, as the database holds it.
        hash: [u8; 32],
    },
    /// A resized image some render asked for, to encode from its source.
    Image {
        /// What was asked.
        request: Request,
        /// The hash of the source's contents, as the database holds it.
        hash: [u8; 32],
    },
    /// `/blog` when `/blog/` exists: a 301 to the URL with the slash.
    Redirect(String),
}

impl Answer {
    /// A short fingerprint of what a browser shows for this answer: a tab
    /// reloads exactly when the fingerprint of its page changes.
    pub fn fingerprint(&self) -> String {
        let hash = match self {
            Answer::Rendered { status, text, .. } => {
                let mut hasher = blake3::Hasher::new();
                hasher.update(&status.to_le_bytes());
                hasher.update(text.as_bytes());
                hasher.finalize()
            }
            Answer::File { hash, .. } => blake3::Hash::from(*hash),
            Answer::Image { request, hash } => {
                let mut hasher = blake3::Hasher::new();
                hasher.update(hash);
                hasher.update(request.output().as_bytes());
                hasher.finalize()
            }
            Answer::Redirect(location) => blake3::hash(location.as_bytes()),
        };
        hash.to_hex()[..16].to_owned()
    }
}

/// The answer for `url_path` (as requested, percent-encoded).
///
/// # Performance
/// One route table lookup and, for a rendered output, its memoized render;
/// for a resized image no route makes, every output's memoized render.
pub fn answer(db: &QueryDb, url_path: &str) -> Answer {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8_lossy();
    let table = route_table(db);
    let output = output_path(&decoded).unwrap_or_default();
    if let Some(route) = table.routes.get(&output) {
        return match route {
            Route::Copy(file) => {
                let hash = match file.text(db) {
                    FileText::Opaque { hash, .. } => *hash,
                    text => *blake3::hash(text.as_str().as_bytes()).as_bytes(),
                };
                Answer::File { source: file.path(db).clone(), hash }
            }
            route => Answer::Rendered { status: 200, output, text: render(db, route) },
        };
    }
    if let Some(request) = requested_image(db, &output) {
        let hash = source_hash(db, &request).unwrap_or_default();
        return Answer::Image { request, hash };
    }
    if !decoded.ends_with('/')
        && output_path(&format!("{decoded}/")).is_ok_and(|folder| table.routes.contains_key(&folder))
    {
        return Answer::Redirect(format!("{url_path}/"));
    }
    let not_found = "404.html".to_owned();
    let text = match table.routes.get(&not_found) {
        Some(route) => render(db, route),
        None => Arc::from("Not found"),
    };
    Answer::Rendered { status: 404, output: not_found, text }
}

fn render(db: &QueryDb, route: &Route) -> Arc<str> {
    rendered_output(db, RouteKey::new(db, route.clone())).text.clone()
}

/// The request of some output's render for the resized image at `output`,
/// if any asks for it (a site's own `static/processed_images/` file is a
/// route, found before).
fn requested_image(db: &QueryDb, output: &str) -> Option<Request> {
    let name = output.strip_prefix(PROCESSED_IMAGES)?.strip_prefix('/')?;
    let table = route_table(db);
    let renders = table.routes.values().filter(|route| !matches!(route, Route::Copy(_)));
    renders.into_iter().find_map(|route| {
        let rendered = rendered_output(db, RouteKey::new(db, route.clone()));
        rendered.trace.iter().find_map(|(read, _)| match read {
            Read::ResizedImage(_, file_name, _) if file_name == name => Request::of_read(read.clone()),
            _ => None,
        })
    })
}
