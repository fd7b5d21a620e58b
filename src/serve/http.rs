//! The HTTP side of `qsite serve` (axum on tokio): pages answered from the
//! database in memory, static files streamed from the site folder (ranges
//! included, through tower-http), resized images encoded in memory, the
//! live-reload script and event stream.
//! Every response says `Cache-Control: no-store`, so a browser never shows
//! a page the server would no longer send.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use camino::Utf8PathBuf;
use tokio_stream::{Stream, StreamExt};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::serve::answer::{Answer, answer};
use crate::serve::images::ServedImages;
use crate::serve::live::{EVENTS_PATH, LiveReload, Message, SCRIPT, SCRIPT_PATH, inject};
use crate::serve::shared::SharedDb;

/// What every request handler shares.
pub struct Server {
    /// The site root, where copied files are read from.
    pub root: Utf8PathBuf,
    /// The database handlers read.
    pub db: SharedDb,
    /// Open tabs and the overlay.
    pub live: LiveReload,
    /// Resized images encoded so far.
    pub images: ServedImages,
}

/// The server's routes.
pub fn router(server: Arc<Server>) -> Router {
    Router::new().route(SCRIPT_PATH, get(script)).route(EVENTS_PATH, get(events)).fallback(page).with_state(server)
}

/// The answer for `path` on the current revision, computed off the async
/// threads; `None` if computing it hit a bug (the server goes on).
async fn current_answer(server: &Arc<Server>, path: String) -> Option<Answer> {
    let server = Arc::clone(server);
    tokio::task::spawn_blocking(move || server.db.read(|db| answer(db, &path))).await.ok()
}

async fn page(State(server): State<Arc<Server>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")]).into_response();
    }
    let mut response = match current_answer(&server, request.uri().path().to_owned()).await {
        None => (StatusCode::INTERNAL_SERVER_ERROR, "qsite hit a bug rendering this page; the terminal says more")
            .into_response(),
        Some(Answer::Redirect(location)) => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
        }
        Some(Answer::File { source, .. }) => {
            let file = ServeFile::new(server.root.join(source).as_std_path());
            match file.oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(never) => match never {},
            }
        }
        Some(Answer::Image { request, hash }) => {
            let content_type = content_type(&request.output());
            let server = Arc::clone(&server);
            match tokio::task::spawn_blocking(move || server.images.image(&server.db, &request, hash)).await {
                Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, content_type)], Body::from(bytes.to_vec())).into_response(),
                Ok(Err(problem)) => (StatusCode::INTERNAL_SERVER_ERROR, problem.message).into_response(),
                Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "qsite hit a bug resizing this image").into_response(),
            }
        }
        Some(answer @ Answer::Rendered { .. }) => {
            let fingerprint = answer.fingerprint();
            let Answer::Rendered { status, output, text } = answer else { unreachable!("matched above") };
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let content_type = content_type(&output);
            if output.ends_with(".html") {
                let html = inject(&text, &fingerprint, server.live.overlay().as_deref());
                (status, [(header::CONTENT_TYPE, content_type)], html).into_response()
            } else {
                (status, [(header::CONTENT_TYPE, content_type)], text.to_string()).into_response()
            }
        }
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The content type of an output, by its extension; text is UTF-8.
fn content_type(output: &str) -> String {
    let mime = mime_guess::from_path(output).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT || output.ends_with(".xml") {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    }
}

async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], SCRIPT)
        .into_response()
}

/// Which page a tab shows and what it was served.
#[derive(serde::Deserialize)]
struct TabQuery {
    path: String,
    fingerprint: String,
}

async fn events(
    State(server): State<Arc<Server>>,
    Query(tab): Query<TabQuery>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Register first, then compare: a change applied in between is either
    // seen here or notified by the writer, never missed.
    let (sender, receiver, departure) = server.live.connect(&tab.path, &tab.fingerprint);
    if let Some(current) = current_answer(&server, tab.path.clone()).await
        && current.fingerprint() != tab.fingerprint
    {
        let _ = sender.send(Message::Reload);
    }
    let _ = sender.send(server.live.overlay().map_or(Message::Clear, Message::Overlay));
    drop(sender);
    // Reconnect quickly after a restart.
    let hello = Event::default().comment("qsite").retry(Duration::from_millis(250));
    let stream = tokio_stream::once(hello)
        .chain(tokio_stream::wrappers::UnboundedReceiverStream::new(receiver).map(move |message| {
            // The stream owns the tab's departure: dropped with it when the
            // connection closes.
            let _ = &departure;
            event(message)
        }))
        .map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn event(message: Message) -> Event {
    match message {
        Message::Reload => Event::default().event("reload").data("reload"),
        Message::Css => Event::default().event("css").data("css"),
        Message::Overlay(html) => {
            Event::default().event("overlay").data(serde_json::to_string(&*html).unwrap_or_default())
        }
        Message::Clear => Event::default().event("clear").data("clear"),
    }
}
