//! Resized images as outputs. A render that calls `resize_image` records
//! the request on its trace ([`Read::ResizedImage`]) and prints only the
//! URL and sizes; here the host gathers what every output of the site asks
//! for (the outputs rendered now from their traces, the others from what
//! the last build stored), encodes each image not already written from the
//! same source, in parallel, and hands them to the writer as outputs of
//! their own under `processed_images/`. Each has a trace that reads its
//! source's bytes, so an edited source is encoded again; an image no output
//! asks for any more leaves the site like any stale output.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use camino::Utf8Path;
use imaging::{PROCESSED_IMAGES, Resize};
use queries::Diagnostic;
use queries::site_paths::STATIC;
use queries::trace::{Read, current_hash};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use snapshots::{Cache, Trace, TraceRead};

use crate::workspace::{IMAGE_ROUTE, OutputFile, RenderedSite, Workspace};

/// The cache's note of which outputs asked for which images.
const REQUESTS: &str = "image_requests";

/// The bytes of one resized image, or an error at its source.
pub type Encoded = Result<Arc<[u8]>, Diagnostic>;

/// One resized image an output asked for: its source (from the site root),
/// its file name under `processed_images/`, and the resize as
/// [`Resize`] spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Request {
    source: String,
    file_name: String,
    resize: String,
}

impl Request {
    /// The request a read records, if it is a resized image's.
    pub fn of_read(read: Read) -> Option<Request> {
        match read {
            Read::ResizedImage(source, file_name, resize) => Some(Request { source, file_name, resize }),
            _ => None,
        }
    }

    /// The source image, relative to the site root.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Its path under the output folder.
    pub fn output(&self) -> String {
        format!("{PROCESSED_IMAGES}/{}", self.file_name)
    }

    /// Encodes the image from its source's `bytes` (`None` when they could
    /// not be read).
    pub fn encode(&self, bytes: Option<&[u8]>) -> Encoded {
        let problem = |message: String| Diagnostic::error(self.source.as_str(), 0..0, "image", message);
        let resize: Resize = self.resize.parse().map_err(problem)?;
        let bytes = bytes.ok_or_else(|| problem("the image could not be read to resize it".to_owned()))?;
        let encoded =
            imaging::encode(bytes, &resize).map_err(|reason| problem(format!("cannot resize the image: {reason}")))?;
        Ok(encoded.into())
    }
}

/// The images each output asks for, by output path: outputs that ask for
/// none are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRequests(BTreeMap<String, BTreeSet<Request>>);

impl ImageRequests {
    /// What the last build stored; nothing for a cache without the note (a
    /// cold build renders every output, which asks again).
    pub fn stored(cache: &Cache) -> ImageRequests {
        let json = cache.meta(REQUESTS).ok().flatten();
        json.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
    }

    /// The requests of every output `site` rendered, all of them: what a
    /// server that renders the whole site on each change wants.
    pub fn asked_by(site: &RenderedSite) -> ImageRequests {
        ImageRequests::default().updated(site)
    }

    /// The cache's note, as a `meta` row.
    pub fn meta_row(&self) -> (String, String) {
        (REQUESTS.to_owned(), serde_json::to_string(self).unwrap_or_default())
    }

    /// The requests of the site `site` renders: this render's outputs ask
    /// what their traces say, the outputs it reused what they asked before,
    /// and outputs the site no longer makes ask nothing.
    fn updated(&self, site: &RenderedSite) -> ImageRequests {
        let mut requests = self.0.clone();
        requests.retain(|output, _| site.produced.contains(output));
        for (output, trace) in &site.traces {
            let asked: BTreeSet<Request> =
                trace.reads.iter().filter_map(|read| Request::of_read(Read::from_key(&read.key)?)).collect();
            match asked.is_empty() {
                true => requests.remove(output),
                false => requests.insert(output.clone(), asked),
            };
        }
        ImageRequests(requests)
    }

    /// Every image asked for, by output path.
    pub fn wanted(&self) -> BTreeMap<String, &Request> {
        (self.0.values().flatten()).map(|request| (request.output(), request)).collect()
    }
}

/// What [`add_images`] did, for the cache and `build -v`.
pub struct ImageWork {
    /// The requests to store for the next build.
    pub requests: ImageRequests,
    /// Images encoded by this build.
    pub encoded: usize,
    /// Images asked for and left as the last build wrote them.
    pub kept: usize,
}

/// Adds the images the site asks for to `site`: every one to what it
/// produces, those `keep` does not vouch for (written by the last build
/// from the same source, and intact) encoded, in parallel, to its files,
/// with their traces. An image the site's own `static/processed_images/`
/// holds (as Zola leaves them) is that copied file. A source that cannot be
/// decoded is an error at the source.
pub fn add_images(
    workspace: &Workspace,
    site: &mut RenderedSite,
    previous: &ImageRequests,
    keep: impl Fn(&str) -> bool + Sync,
) -> ImageWork {
    let requests = previous.updated(site);
    let copied = |output: &String| workspace.has_file(&Utf8Path::new(STATIC).join(output));
    for output in previous.wanted().keys().filter(|output| !copied(output)) {
        site.produced.remove(output);
    }
    let wanted: Vec<(String, &Request)> = requests.wanted().into_iter().filter(|(output, _)| !copied(output)).collect();
    site.produced.extend(wanted.iter().map(|(output, _)| output.clone()));
    // The database is not shared between threads: sources are read and
    // traced first, then encoded in parallel.
    let jobs: Vec<Job> = wanted
        .iter()
        .filter(|(output, _)| !keep(output))
        .map(|(output, request)| Job::new(workspace, output, request))
        .collect();
    let encoded: Vec<(Job, Encoded)> = jobs
        .into_par_iter()
        .map(|job| {
            let result = job.request.encode(job.source.as_deref());
            (job, result)
        })
        .collect();
    let (encoded_count, kept) = (encoded.len(), wanted.len() - encoded.len());
    let mut diagnostics = site.diagnostics.to_vec();
    for (job, result) in &encoded {
        match result {
            Ok(bytes) => {
                site.files.insert(job.output.clone(), OutputFile::Bytes(bytes.clone()));
                site.traces.push((job.output.clone(), job.trace.clone()));
            }
            Err(diagnostic) => diagnostics.push(diagnostic.clone()),
        }
    }
    if diagnostics.len() != site.diagnostics.len() {
        queries::diagnostics::sort_diagnostics(&mut diagnostics);
        site.diagnostics = diagnostics.into();
    }
    drop((encoded, wanted));
    ImageWork { requests, encoded: encoded_count, kept }
}

/// One image to encode: its output path, what was asked, its source's
/// bytes (if they could be read) and the trace it is stored with.
struct Job<'a> {
    output: String,
    request: &'a Request,
    source: Option<Arc<[u8]>>,
    trace: Trace,
}

impl<'a> Job<'a> {
    /// The job for `request`, written to `output`, traced as a read of its
    /// source's bytes.
    fn new(workspace: &Workspace, output: &str, request: &'a Request) -> Job<'a> {
        let read = Read::Bytes(request.source.clone());
        let trace = Trace {
            route: IMAGE_ROUTE.to_owned(),
            reads: vec![TraceRead {
                key: Arc::from(read.to_key()),
                scope: Arc::from(read.footprint().scope()),
                hash: current_hash(workspace.db(), &read),
            }],
        };
        let source = workspace.file_bytes(Utf8Path::new(&request.source));
        Job { output: output.to_owned(), request, source, trace }
    }
}
