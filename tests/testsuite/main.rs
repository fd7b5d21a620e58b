//! qsite's integration tests: real site folders through the real binary
//! (and the library's `Workspace` for in-process rebuilds), always ending by
//! comparing with a clean build.

mod browser;
mod build;
mod cache;
mod cdp;
mod errors;
mod incremental;
mod init;
mod serve;
mod support;
mod verify;
