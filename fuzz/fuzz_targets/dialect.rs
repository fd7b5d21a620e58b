//! Arbitrary template text through the Tera 1 front end (see
//! `dialects::assert_sound`): it never panics, every generated position maps
//! inside the user's text and in order, copied text is the user's own, and
//! text without Tera-only syntax comes out unchanged with an identity map.

#![no_main]

use dialects::{Dialect, assert_sound};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &[u8]| {
    assert_sound(Dialect::Tera1, text);
});
