//! Live reload: the open tabs, what each was served, the messages pushed to
//! them over one long-lived Server-Sent Events connection each, and the
//! error overlay every page carries while the site has errors.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The script every served HTML page loads (see `live.js`).
pub const SCRIPT: &str = include_str!("live.js");

/// Where the server serves [`SCRIPT`]; a path no site output can take,
/// since qsite never writes files whose names start with `__qsite`.
pub const SCRIPT_PATH: &str = "/__qsite/live.js";

/// Where tabs open their event stream.
pub const EVENTS_PATH: &str = "/__qsite/events";

/// What the server tells a tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The tab's page changed: load it again.
    Reload,
    /// Only stylesheets changed: swap them in without a reload.
    Css,
    /// The site has errors: show this overlay (HTML).
    Overlay(Arc<str>),
    /// The site has no more errors: remove the overlay.
    Clear,
}

/// One open tab.
struct Tab {
    /// Which connection it is, to forget it when the connection closes.
    id: u64,
    /// The URL path it shows.
    path: String,
    /// The fingerprint of the answer it was served (see `Answer::fingerprint`).
    fingerprint: String,
    sender: UnboundedSender<Message>,
}

/// The open tabs and the current overlay, shared by request handlers and
/// the writer thread.
#[derive(Default)]
pub struct LiveReload {
    tabs: Arc<Mutex<Vec<Tab>>>,
    next_id: AtomicU64,
    overlay: Mutex<Option<Arc<str>>>,
}

/// Held by a tab's event stream: dropped when the connection closes, it
/// forgets the tab at once, so a closed tab keeps no memory until the next
/// edit.
pub struct Departure {
    tabs: Arc<Mutex<Vec<Tab>>>,
    id: u64,
}

impl Drop for Departure {
    fn drop(&mut self) {
        lock(&self.tabs).retain(|tab| tab.id != self.id);
    }
}

/// What a round of notifications did, for the rebuild line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Notified {
    /// Tabs told to reload.
    pub reloaded: usize,
    /// Tabs told to swap their stylesheets.
    pub restyled: usize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LiveReload {
    /// Registers a tab showing `path`, served with `fingerprint`; the
    /// receiver yields its messages until it disconnects, and the tab is
    /// forgotten when the [`Departure`] is dropped.
    pub fn connect(
        &self,
        path: &str,
        fingerprint: &str,
    ) -> (UnboundedSender<Message>, UnboundedReceiver<Message>, Departure) {
        let (sender, receiver) = unbounded_channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.tabs).push(Tab {
            id,
            path: path.to_owned(),
            fingerprint: fingerprint.to_owned(),
            sender: sender.clone(),
        });
        (sender, receiver, Departure { tabs: Arc::clone(&self.tabs), id })
    }

    /// The distinct paths open tabs show, forgetting disconnected tabs.
    pub fn open_paths(&self) -> Vec<String> {
        let mut tabs = lock(&self.tabs);
        tabs.retain(|tab| !tab.sender.is_closed());
        let mut paths: Vec<String> = tabs.iter().map(|tab| tab.path.clone()).collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// Tells each tab whose page's fingerprint is no longer the one in
    /// `current` (path → fingerprint) to reload, and, when `stylesheets`
    /// changed, every other tab to swap its stylesheets.
    pub fn notify(&self, current: &HashMap<String, String>, stylesheets: bool) -> Notified {
        let mut notified = Notified::default();
        for tab in lock(&self.tabs).iter_mut() {
            let Some(fingerprint) = current.get(&tab.path) else { continue };
            if *fingerprint != tab.fingerprint {
                tab.fingerprint = fingerprint.clone();
                if tab.sender.send(Message::Reload).is_ok() {
                    notified.reloaded += 1;
                }
            } else if stylesheets && tab.sender.send(Message::Css).is_ok() {
                notified.restyled += 1;
            }
        }
        notified
    }

    /// The overlay to show, while the site has errors.
    pub fn overlay(&self) -> Option<Arc<str>> {
        lock(&self.overlay).clone()
    }

    /// Sets the overlay (`None` once the site has no errors) and pushes the
    /// change to every tab.
    pub fn set_overlay(&self, overlay: Option<Arc<str>>) {
        let mut current = lock(&self.overlay);
        if *current == overlay {
            return;
        }
        *current = overlay.clone();
        let message = overlay.map_or(Message::Clear, Message::Overlay);
        for tab in lock(&self.tabs).iter() {
            let _ = tab.sender.send(message.clone());
        }
    }

    /// Ends every event stream, so the server can shut down.
    pub fn disconnect_all(&self) {
        lock(&self.tabs).clear();
    }
}

/// The id of the element that hosts the overlay's shadow root (`live.js`
/// makes the same one when an overlay arrives later).
const OVERLAY_ID: &str = "qsite-overlay";

/// An HTML page as the server sends it: the overlay (when the site has
/// errors or warnings) and the live-reload script inserted before
/// `</body>`, or appended when the page has none.
pub fn inject(html: &str, fingerprint: &str, overlay: Option<&str>) -> String {
    let tag = format!(r#"<script src="{SCRIPT_PATH}" data-fingerprint="{fingerprint}"></script>"#);
    // A declarative shadow root: the site's styles cannot reach inside.
    let overlay = overlay
        .map(|content| format!(r#"<div id="{OVERLAY_ID}"><template shadowrootmode="open">{content}</template></div>"#));
    let insert = format!("{}{tag}", overlay.unwrap_or_default());
    match html.rfind("</body>") {
        Some(at) => format!("{}{insert}{}", &html[..at], &html[at..]),
        None => format!("{html}{insert}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_end_of_the_body() {
        let page = inject("<html><body><p>Hi</p></body></html>", "abc", Some("<p>oops</p>"));
        assert_eq!(
            page,
            r#"<html><body><p>Hi</p><div id="qsite-overlay"><template shadowrootmode="open"><p>oops</p></template></div><script src="/__qsite/live.js" data-fingerprint="abc"></script></body></html>"#
        );
        assert!(inject("<p>bare</p>", "abc", None).starts_with("<p>bare</p><script"));
    }

    #[test]
    fn only_tabs_whose_page_changed_reload() {
        let live = LiveReload::default();
        let (_a, mut first, _first_open) = live.connect("/a/", "1");
        let (_b, mut second, _second_open) = live.connect("/b/", "2");
        let current = HashMap::from([("/a/".to_owned(), "1".to_owned()), ("/b/".to_owned(), "3".to_owned())]);
        let notified = live.notify(&current, true);
        assert_eq!((notified.reloaded, notified.restyled), (1, 1));
        assert_eq!(first.try_recv().ok(), Some(Message::Css));
        assert_eq!(second.try_recv().ok(), Some(Message::Reload));
        // The reloaded tab is now known to have the new page.
        assert_eq!(live.notify(&current, false).reloaded, 0);
    }

    #[test]
    fn a_closed_connection_is_forgotten_at_once() {
        // See issue #27.
        let live = LiveReload::default();
        let (_a, _first, first_open) = live.connect(&"/a".repeat(5_000), "1");
        let (_b, _second, _second_open) = live.connect("/b/", "2");
        drop(first_open);
        assert_eq!(lock(&live.tabs).len(), 1);
        assert_eq!(live.open_paths(), ["/b/"]);
    }
}
