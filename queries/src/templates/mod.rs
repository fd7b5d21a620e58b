//! Site templates: the minijinja environment they render in, the loader
//! that reads them through salsa and translates them from the dialect they
//! are written in, the filters, tests and functions qsite gives them (one
//! [`registry`] table, callables in modules by family), and their
//! errors as diagnostics that point at the user's line.
//!
//! What a template reads of the site comes through the lazy [`objects`],
//! which read through `crate::trace::reads`, and prints in the bounded form
//! of [`printing`]. Rendering (`crate::render`) builds each output's context
//! and calls [`render_template`].

pub mod anchor_links;
mod arguments;
mod collections;
mod content;
mod data;
mod dates;
mod environment;
pub mod errors;
mod expression_bounds;
mod i18n;
mod images;
pub mod limits;
mod loader;
mod numbers;
pub mod objects;
pub mod printing;
mod registry;
pub mod shortcodes;
mod taxonomy;
mod text;
mod urls;

pub use environment::render_template;
pub use loader::has_template;
