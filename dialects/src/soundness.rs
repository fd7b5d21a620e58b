//! The promises a translation keeps, checked on one input: what the
//! `dialect` fuzz target runs on every input it makes, and what the test
//! suite replays on the fuzz corpus.

use crate::{Dialect, translate};

/// Panics unless translating `input` (read as UTF-8, invalid bytes
/// replaced) keeps every promise: every generated position maps inside the
/// user's text, onto a character boundary, in order, the ends onto the
/// ends; every byte outside a replaced span is the user's byte it maps to;
/// every line maps to a span inside the user's text; and text without a
/// construct the dialect rewrites comes out unchanged with an identity map.
pub fn assert_sound(dialect: Dialect, input: &[u8]) {
    let user = String::from_utf8_lossy(input);
    let translated = translate(dialect, &user);
    let (text, map) = (&translated.text, &translated.map);

    let mut previous = 0;
    for generated in 0..=text.len() {
        let mapped = map.user_offset(generated);
        assert!(mapped <= user.len(), "position {generated} maps to {mapped}, past the end");
        assert!(mapped >= previous, "position {generated} maps to {mapped}, before {previous}");
        if text.is_char_boundary(generated) {
            assert!(user.is_char_boundary(mapped), "position {generated} maps inside a character");
        }
        previous = mapped;
    }
    assert_eq!(map.user_offset(0), 0, "the start maps to the start");
    assert_eq!(map.user_offset(text.len()), user.len(), "the end maps to the end");

    let mut copied_from = 0;
    for (generated, replaced) in map.replaced().chain([(text.len()..text.len(), user.len()..user.len())]) {
        let copied = copied_from..generated.start;
        let source = map.user_range(copied.clone());
        assert_eq!(text[copied.clone()], user[source], "copied text {copied:?} differs from the user's");
        assert!(replaced.end <= user.len(), "replaced span {replaced:?} is past the end");
        copied_from = generated.end;
    }

    for line in 1..=text.lines().count() + 1 {
        let range = translated.user_range_of_line(line);
        assert!(range.start <= range.end && range.end <= user.len(), "line {line} maps to {range:?}");
    }

    let rewritable = match dialect {
        Dialect::Tera1 => {
            user.contains("::")
                || user.contains("endmacro")
                || user.contains("set_global")
                || (user.contains("for") && user.contains(','))
        }
    };
    if !rewritable {
        assert_eq!(*text, *user, "text without a rewritable construct changed");
        assert!(map.is_identity(), "text without a rewritable construct has a map");
    }
    if map.is_identity() {
        assert_eq!(*text, *user, "an identity map over a changed text");
    }
}
