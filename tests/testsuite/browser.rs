//! `qsite serve`'s live reload in a real headless Chromium: the tests in
//! `serve.rs` check the messages the server sends, and these check that the
//! injected script turns them into what a person sees (a reloaded page, a
//! restyled page that kept its state, an error overlay that comes and goes).
//!
//! Without Chromium the tests pass with a note, so `cargo test` works on
//! any machine; CI installs Chromium and sets `QSITE_REQUIRE_BROWSER` so
//! that there a missing browser fails instead.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::cdp::{Browser, Page, chromium_executable};
use crate::support::SiteTest;

/// Chromium, or `None` (after a note) when it is not installed and
/// `QSITE_REQUIRE_BROWSER` is not set.
fn chromium_or_skip() -> Option<PathBuf> {
    if let Some(executable) = chromium_executable() {
        return Some(executable);
    }
    assert!(
        std::env::var_os("QSITE_REQUIRE_BROWSER").is_none(),
        "QSITE_REQUIRE_BROWSER is set but Chromium is not installed (no /usr/bin/chromium, no chromium on PATH)"
    );
    eprintln!("note: Chromium is not installed, so the live-reload browser test did nothing");
    None
}

/// Waits until the live-reload script of the document `loader` has its
/// event stream open. The server registers a tab before it answers, so from
/// then on every edit reaches the tab; an edit made earlier would only be
/// caught by the fingerprint check, and a stylesheet edit not at all.
#[track_caller]
fn wait_for_event_stream(page: &mut Page, loader: &str) {
    let response = page.take_event("Network.responseReceived", |params| {
        params["loaderId"] == loader
            && params["response"]["url"].as_str().is_some_and(|url| url.contains("/__qsite/events?"))
    });
    assert_eq!(response["response"]["status"], 200, "the event stream opens");
}

/// Sets a variable that only lives as long as the document: its absence
/// later proves the page was reloaded, its presence that it was not.
#[track_caller]
fn set_marker(page: &mut Page) {
    assert_eq!(page.evaluate("window.__qsiteMarker = 1"), Ok(json!(1)));
}

#[test]
fn live_reload_reloads_restyles_and_shows_errors_in_a_browser() {
    let Some(executable) = chromium_or_skip() else { return };
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let mut browser = Browser::launch(&executable);
    let mut page = browser.open_page();
    // Network events tell when the script's event stream is open.
    page.call("Network.enable", json!({})).expect("enable network events");
    let loader = page.navigate(&format!("{}/blog/post-01/", served.url));
    wait_for_event_stream(&mut page, &loader);

    // A body edit reloads the page showing it.
    set_marker(&mut page);
    site.edit("content/blog/post-01.md", "More about post 1.", "Much more about post 1.");
    page.wait_until(
        "document.body.innerText.includes('Much more about post 1.') && window.__qsiteMarker === undefined",
        "the page to reload with the new text",
    );
    let line = served.wait_for_line("content/blog/post-01.md changed");
    assert!(line.contains("1 tab reloaded"), "{line}");
    let loader = page.loader_id();
    wait_for_event_stream(&mut page, &loader);

    // A stylesheet edit restyles the page in place.
    set_marker(&mut page);
    site.write("static/style.css", "h1 { color: rgb(1, 2, 3); }\n");
    page.wait_until(
        "getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'",
        "the new stylesheet to apply",
    );
    assert_eq!(page.evaluate("window.__qsiteMarker"), Ok(json!(1)), "a stylesheet edit must not reload the page");
    let line = served.wait_for_line("static/style.css changed");
    assert!(line.contains("0 tabs reloaded, 1 restyled"), "{line}");

    // A broken template shows the error, where it is, over the page.
    let template = site.read_input("templates/page.html");
    site.edit("templates/page.html", "{{ page.title }}</h1>", "{{ page.title | nope }}</h1>");
    page.wait_until(
        r"(function () {
            var overlay = document.getElementById('qsite-overlay');
            return overlay !== null && overlay.shadowRoot !== null
                && /templates\/page\.html:\d+:\d+/.test(overlay.shadowRoot.textContent);
        })()",
        "the overlay to name templates/page.html with line and column",
    );
    served.wait_for_line("templates/page.html changed");
    page.wait_until(
        "(function () {
            var overlay = document.getElementById('qsite-overlay');
            return overlay !== null && overlay.shadowRoot !== null
                && overlay.shadowRoot.textContent.includes('unknown filter')
                && !overlay.shadowRoot.textContent.includes('qsite::');
        })()",
        "the overlay to say what is wrong without internal codes",
    );
    // The site's styles cannot reach into the overlay's shadow root. Each
    // check retries, because the tab may still reload for the broken page.
    page.wait_until(
        "(function () {
            var overlay = document.getElementById('qsite-overlay');
            if (overlay === null || overlay.shadowRoot === null) return false;
            if (document.getElementById('site-rule') === null) {
                var style = document.createElement('style');
                style.id = 'site-rule';
                style.textContent = 'section, div, p { display: none !important; color: red !important; }';
                document.head.appendChild(style);
            }
            var entry = overlay.shadowRoot.querySelector('section');
            return entry !== null && getComputedStyle(entry).display === 'block';
        })()",
        "the overlay to keep its own styles under a site rule that hides sections",
    );
    // Its close button removes it.
    page.wait_until(
        "(function () {
            var overlay = document.getElementById('qsite-overlay');
            if (overlay === null || overlay.shadowRoot === null) return false;
            overlay.shadowRoot.querySelector('[data-qsite-close]').click();
            return document.getElementById('qsite-overlay') === null;
        })()",
        "the close button to remove the overlay",
    );

    // Fixing it shows the page again, with no overlay.
    site.write("templates/page.html", &template);
    page.wait_until(
        "document.getElementById('qsite-overlay') === null && document.querySelector('h1') !== null \
         && document.querySelector('h1').innerText === 'Post 1'",
        "the page to come back",
    );
    served.wait_for_line("templates/page.html changed");
    let overlay_count = page.evaluate("document.querySelectorAll('#qsite-overlay').length");
    assert_eq!(overlay_count, Ok(Value::from(0)));

    // A warning shows too, in a corner panel rather than over the page.
    let loader = page.loader_id();
    wait_for_event_stream(&mut page, &loader);
    site.edit("content/blog/post-01.md", "+++\n", "+++\nmood = \"good\"\n");
    page.wait_until(
        r"(function () {
            var overlay = document.getElementById('qsite-overlay');
            if (overlay === null || overlay.shadowRoot === null) return false;
            var root = overlay.shadowRoot;
            return root.querySelector('section.warning') !== null && root.querySelector('.panel.compact') !== null
                && root.textContent.includes('unknown front matter key');
        })()",
        "the warning to show in the overlay",
    );
}
