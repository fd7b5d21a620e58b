//! Links to other sites, marked as the `[markdown] external_links_*`
//! settings ask: a class, `rel` words and a new tab, in Zola's order.

use crate::markdown_options::ExternalLinks;

/// Whether a destination is another site's, as Zola tells: `http:` or `https:`.
pub fn is_external(destination: &str) -> bool {
    destination.starts_with("http:") || destination.starts_with("https:")
}

/// The opening `<a>` tag of an external link, or `None` when the options
/// leave external links as any other link.
pub fn opening_tag(options: &ExternalLinks, destination: &str, title: &str) -> Option<String> {
    if !options.any() {
        return None;
    }
    let mut tag = String::from("<a ");
    if let Some(class) = &options.class {
        attribute(&mut tag, "class", class);
    }
    let rel: Vec<&str> = [
        (options.target_blank, "noopener"),
        (options.no_follow, "nofollow"),
        (options.no_referrer, "noreferrer"),
        (options.external, "external"),
    ]
    .into_iter()
    .filter_map(|(on, word)| on.then_some(word))
    .collect();
    if !rel.is_empty() {
        attribute(&mut tag, "rel", &rel.join(" "));
    }
    if options.target_blank {
        tag.push_str("target=\"_blank\" ");
    }
    if !title.is_empty() {
        attribute(&mut tag, "title", title);
    }
    tag.push_str("href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut tag, destination);
    tag.push_str("\">");
    Some(tag)
}

/// Appends `name="value" `, the value escaped.
fn attribute(tag: &mut String, name: &str, value: &str) {
    tag.push_str(name);
    tag.push_str("=\"");
    let _ = pulldown_cmark_escape::escape_html(&mut *tag, value);
    tag.push_str("\" ");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_come_in_zolas_order() {
        let options = ExternalLinks {
            target_blank: true,
            no_follow: true,
            no_referrer: true,
            external: true,
            class: Some("ext".to_owned()),
        };
        assert_eq!(
            opening_tag(&options, "https://x.org/?a&b", "T").unwrap(),
            "<a class=\"ext\" rel=\"noopener nofollow noreferrer external\" target=\"_blank\" title=\"T\" \
             href=\"https://x.org/?a&amp;b\">"
        );
        assert_eq!(opening_tag(&ExternalLinks::default(), "https://x.org", ""), None);
        assert!(is_external("http://x.org") && !is_external("mailto:a@x.org") && !is_external("//x.org"));
    }
}
