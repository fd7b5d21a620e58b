//! Template text written in another engine's dialect, translated to the
//! minijinja text qsite renders, with a map from every generated span back
//! to the user's text.
//!
//! Site templates are written for Tera (every Zola theme is); qsite renders
//! them with minijinja, which reads most of Tera's syntax as it is. The
//! constructs minijinja spells differently, or reads with another meaning
//! (`set_global`, a loop over a map's pairs), are rewritten here, before
//! minijinja sees the text, and the [`SpanMap`] lets every error minijinja
//! reports in the generated text point at the user's own line and column.
//!
//! Pure text: no IO, no salsa. The translation never fails (text it cannot
//! make sense of is copied, for minijinja to report), never panics, and
//! leaves text that uses no translated construct byte-identical, with an
//! identity map. A translated construct may also be minijinja's own (a
//! `for a, b in pairs` loop): its translation renders as minijinja would. [`assert_sound`] checks those promises; the `dialect` fuzz
//! target and the test suite's corpus replay call it.

mod globals;
mod pairs;
mod scan;
mod soundness;
mod span_map;
mod tera1;

use std::ops::Range;

pub use scan::string_len;
pub use soundness::assert_sound;
pub use span_map::SpanMap;

/// The template language a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Tera 1, as Zola themes use it. minijinja's own syntax is nearly all
    /// of it, so minijinja text translates to itself or to text that
    /// renders the same.
    Tera1,
}

/// A template translated to minijinja text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The text minijinja compiles.
    pub text: String,
    /// Where each span of `text` came from in the user's text.
    pub map: SpanMap,
}

impl Translated {
    /// The user's span of 1-based `line` of the generated text, less its
    /// indentation and trailing whitespace: where an error that minijinja
    /// locates only by line points. A line past the end is the empty span
    /// at the start.
    pub fn user_range_of_line(&self, line: usize) -> Range<usize> {
        let mut offset = 0;
        for (index, content) in self.text.split_inclusive('\n').enumerate() {
            if index + 1 == line {
                let trimmed = content.trim_end();
                let indent = trimmed.len() - trimmed.trim_start().len();
                return self.map.user_range(offset + indent..offset + trimmed.len());
            }
            offset += content.len();
        }
        0..0
    }
}

/// `text`, written in `dialect`, as minijinja text.
pub fn translate(dialect: Dialect, text: &str) -> Translated {
    let mut rewriter = span_map::Rewriter::new(text);
    match dialect {
        Dialect::Tera1 => tera1::rewrite(text, &mut rewriter),
    }
    let (text, map) = rewriter.finish();
    Translated { text, map }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(text: &str) -> String {
        translate(Dialect::Tera1, text).text
    }

    #[test]
    fn named_macro_ends_lose_their_name_and_keep_their_markers() {
        assert_eq!(tera("{% macro a() %}x{% endmacro a %}"), "{% macro a() %}x{% endmacro %}");
        assert_eq!(tera("{%- endmacro  a -%}"), "{%- endmacro -%}");
        assert_eq!(tera("{%+endmacro a+%}"), "{%+endmacro+%}");
        assert_eq!(tera("{% endblock a %}{{ endmacro a }}"), "{% endblock a %}{{ endmacro a }}");
    }

    #[test]
    fn namespace_calls_become_attribute_calls() {
        assert_eq!(tera("{{ m::f(x=1) }}"), "{{ m.f(x=1) }}");
        assert_eq!(tera("{%- set y = m :: f () -%}"), "{%- set y = m . f () -%}");
        assert_eq!(tera("{{ self::f(n - 1) }}"), "{{ f(n - 1) }}");
        assert_eq!(tera("{% if m::f() %}{{ a::b }}{% endif %}"), "{% if m.f() %}{{ a::b }}{% endif %}");
    }

    #[test]
    fn strings_comments_raw_blocks_and_text_are_left_alone() {
        let text = "m::f() {{ 'm::f()' ~ \"{% endmacro a %}\" }}{# m::f() #}{% raw %}{{ m::f() }}{% endraw %}";
        let translated = translate(Dialect::Tera1, text);
        assert_eq!(translated.text, text);
        assert!(translated.map.is_identity());
    }

    #[test]
    fn a_line_after_a_rewrite_maps_to_the_users_line() {
        let user = "{% import \"m.html\" as m %}\n{{ m::f() }} {{ self::g() }}\n  {{ oops( }}\n";
        let translated = translate(Dialect::Tera1, user);
        assert_eq!(&user[translated.user_range_of_line(3)], "{{ oops( }}");
        assert_eq!(&user[translated.user_range_of_line(2)], "{{ m::f() }} {{ self::g() }}");
        assert_eq!(translated.user_range_of_line(9), 0..0);
    }

    #[test]
    fn unfinished_statements_keep_the_promises() {
        for text in [
            "{% set_global",
            "{% set_global x = ",
            "{% for a, b in",
            "{% for a, b in x",
            "{% macro f(n) %}{% for p in q %}{% set_global n = n + 1",
            "{%- macro f(a) -%}{% for x in y %}{% set_global a = 1 -%}{% endfor %}{% endmacro",
            "{% endfor %}{% endmacro %}{% else %}{% set_global x = x %}{{ x }}",
            "{% for k, v in m if %}{% set_global k = v %}{{ k }}",
        ] {
            assert_sound(Dialect::Tera1, text.as_bytes());
        }
    }
}
