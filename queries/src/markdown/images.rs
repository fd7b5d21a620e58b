//! Images as `[markdown] lazy_async_image` writes them: the browser loads
//! them when they come into view and decodes them off the main thread.
//! The alt text between [`opening`] and [`CLOSING`] is an attribute value,
//! so the caller escapes it as one.

/// What closes a lazy image after its alt text.
pub const CLOSING: &str = "\" loading=\"lazy\" decoding=\"async\" />";

/// The start of a lazy image, up to the opening quote of its alt text.
pub fn opening(source: &str, title: &str) -> String {
    let mut html = String::from("<img src=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut html, source);
    if !title.is_empty() {
        // Zola escapes the title as a URL (a space is `%20`); so does qsite, to match it.
        html.push_str("\" title=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut html, title);
    }
    html.push_str("\" alt=\"");
    html
}
