//! Footnotes as `[markdown] bottom_footnotes` renders them (Zola 0.19 and
//! later): definitions taken out of the text and listed at the end in the
//! order they are first referred to, each with links back to its references.

use std::collections::HashMap;
use std::fmt::Write;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Moves the footnote definitions in `events` to a list at the end and
/// writes each reference as a numbered link. `boundary`, the index of the
/// event where the summary ends, is returned moved to where that event now is.
pub fn gather_at_bottom(events: Vec<Event<'_>>, boundary: Option<usize>) -> (Vec<Event<'_>>, Option<usize>) {
    // By name: its number (in order of first reference) and how often it is referred to.
    let mut numbers: HashMap<CowStr, (usize, usize)> = HashMap::new();
    let mut open: Vec<(CowStr, Vec<Event>)> = Vec::new();
    let mut definitions: Vec<(CowStr, Vec<Event>)> = Vec::new();
    let mut text = Vec::with_capacity(events.len());
    let mut new_boundary = None;
    for (index, event) in events.into_iter().enumerate() {
        if Some(index) == boundary {
            new_boundary = Some(text.len());
        }
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(name)) => {
                open.push((name, Vec::new()));
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                definitions.extend(open.pop());
                continue;
            }
            Event::FootnoteReference(name) => {
                let next = numbers.len() + 1;
                let (number, uses) = numbers.entry(name.clone()).or_insert((next, 0));
                *uses += 1;
                let html = format!(
                    "<sup class=\"footnote-reference\" id=\"fr-{name}-{uses}\"><a href=\"#fn-{name}\">{number}</a></sup>"
                );
                Event::Html(html.into())
            }
            other => other,
        };
        match open.last_mut() {
            Some((_, body)) => body.push(event),
            None => text.push(event),
        }
    }
    definitions.retain(|(name, _)| numbers.contains_key(name));
    if definitions.is_empty() {
        return (text, new_boundary);
    }
    definitions.sort_by_key(|(name, _)| numbers[name].0);
    text.push(Event::Html("<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n".into()));
    for (name, mut body) in definitions {
        let mut back = String::new();
        for use_number in 1..=numbers[&name].1 {
            let label = if use_number == 1 { String::new() } else { use_number.to_string() };
            let _ = write!(back, " <a href=\"#fr-{name}-{use_number}\">↩{label}</a>");
        }
        text.push(Event::Html(format!("<li id=\"fn-{name}\">").into()));
        // The links back end the last paragraph when the definition ends with one.
        if matches!(body.last(), Some(Event::End(TagEnd::Paragraph))) {
            body.pop();
            back.push_str("</p>\n");
            text.extend(body);
            text.push(Event::Html(back.into()));
            text.push(Event::Html("</li>\n".into()));
        } else {
            text.extend(body);
            back.push_str("</li>\n");
            text.push(Event::Html(back.into()));
        }
    }
    text.push(Event::Html("</ol>\n</section>\n".into()));
    (text, new_boundary)
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    fn render(markdown: &str) -> String {
        let events = Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, gather_at_bottom(events, None).0.into_iter());
        html
    }

    #[test]
    fn definitions_move_to_the_end_in_order_of_reference() {
        let html = render("[^b]: Bee.\n\nOne[^a] two[^b] three[^a].\n\n[^a]: Ay.\n\n[^unused]: No.\n");
        assert_eq!(
            html,
            "<p>One<sup class=\"footnote-reference\" id=\"fr-a-1\"><a href=\"#fn-a\">1</a></sup> \
             two<sup class=\"footnote-reference\" id=\"fr-b-1\"><a href=\"#fn-b\">2</a></sup> \
             three<sup class=\"footnote-reference\" id=\"fr-a-2\"><a href=\"#fn-a\">1</a></sup>.</p>\n\
             <section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n\
             <li id=\"fn-a\">\n<p>Ay. <a href=\"#fr-a-1\">↩</a> <a href=\"#fr-a-2\">↩2</a></p>\n</li>\n\
             <li id=\"fn-b\">\n<p>Bee. <a href=\"#fr-b-1\">↩</a></p>\n</li>\n\
             </ol>\n</section>\n"
        );
    }
}
