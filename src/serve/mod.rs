//! `qsite serve`: one process holds the database in memory, watches the
//! site folder, recomputes what an edit changed and live-reloads exactly
//! the browser tabs whose page changed.
//!
//! Threads: the notify debouncer sends batches of paths to the writer
//! thread ([`rebuild`]), the only one that sets inputs; axum's handlers
//! ([`http`]) answer from short-lived database clones ([`shared`]). The
//! server writes nothing to the site folder: `public/` is `qsite build`'s.

mod answer;
mod http;
mod images;
mod live;
mod rebuild;
mod shared;
mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use camino::{Utf8Path, Utf8PathBuf};
use queries::BuildOptions;

use crate::serve::http::{Server, router};
use crate::serve::images::ServedImages;
use crate::serve::live::LiveReload;
use crate::serve::rebuild::Rebuilder;
use crate::serve::shared::SharedDb;
use crate::serve::watch::Watcher;
use crate::site_folder::{EnvironmentError, hidden_content, input_paths, skipped_warning};
use crate::workspace::Workspace;

/// What `qsite serve` was asked for, resolved from the command line.
pub struct ServeOptions {
    /// The site folder.
    pub root: Utf8PathBuf,
    /// The configuration file, relative to the root.
    pub config: Utf8PathBuf,
    /// The address to listen on.
    pub interface: IpAddr,
    /// The first port to try; 0 lets the system choose.
    pub port: u16,
    /// Open the site in the default browser.
    pub open: bool,
    /// `--drafts`.
    pub drafts: bool,
    /// `--base-url`; by default the address served, so links stay local.
    pub base_url: Option<String>,
}

/// How many ports after the requested one are tried when it is taken.
const PORT_ATTEMPTS: u16 = 100;

/// Serves the site until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<(), EnvironmentError> {
    let root = absolute(&options.root)?;
    let listener = listen(options.interface, options.port)?;
    let address = listener.local_addr().map_err(|source| listen_error(options.interface, options.port, source))?;
    let url = site_url(address);
    let base_url = options.base_url.clone().unwrap_or_else(|| url.clone());
    let mut workspace =
        Workspace::load(&root, &options.config, BuildOptions { drafts: options.drafts, base_url: Some(base_url) })?;
    for (path, kind) in workspace.take_skipped() {
        eprintln!("{}", skipped_warning(&path, kind));
    }
    // One more walk, at start only, to explain a site that comes out empty.
    if let Some(hidden) = hidden_content(&root, input_paths(&root)?.paths.iter().map(|path| path.as_path())) {
        eprintln!("warning: {hidden}");
    }
    let server = Arc::new(Server {
        root: root.clone(),
        db: SharedDb::new(workspace.db().clone()),
        live: LiveReload::default(),
        images: ServedImages::default(),
    });
    let (sender, batches) = mpsc::channel();
    let watcher = Watcher::start(&root, &options.config, sender)?;
    let mut rebuilder = Rebuilder::new(workspace, Arc::clone(&server), watcher);
    rebuilder.check_site();
    std::thread::Builder::new()
        .name("qsite-rebuild".into())
        .spawn(move || rebuilder.run(batches))
        .map_err(|source| listen_error(options.interface, options.port, source))?;
    if options.port != 0 && address.port() != options.port {
        println!("Port {} is busy, so the site is served on port {}.", options.port, address.port());
    }
    println!("Serving `{}` at {url}/ (press Ctrl-C to stop)", options.root);
    if options.open
        && let Err(error) = webbrowser::open(&format!("{url}/"))
    {
        eprintln!("note: could not open a browser ({error}); open {url}/ yourself");
    }
    run_http(listener, server).map_err(|source| listen_error(options.interface, options.port, source))?;
    println!("Stopped.");
    Ok(())
}

/// The root as an absolute path: watcher events name absolute paths.
fn absolute(root: &Utf8Path) -> Result<Utf8PathBuf, EnvironmentError> {
    let absolute = std::path::absolute(root)
        .map_err(|source| EnvironmentError::UnreadableRoot { root: root.to_owned(), source })?;
    Utf8PathBuf::from_path_buf(absolute).map_err(|path| EnvironmentError::NonUtf8Path(path.display().to_string()))
}

fn listen_error(interface: IpAddr, port: u16, source: io::Error) -> EnvironmentError {
    EnvironmentError::Listen { address: SocketAddr::new(interface, port).to_string(), source }
}

/// Binds `port`, or the next free one when it is taken.
fn listen(interface: IpAddr, port: u16) -> Result<TcpListener, EnvironmentError> {
    let last = if port == 0 { 0 } else { port.saturating_add(PORT_ATTEMPTS) };
    let mut candidate = port;
    loop {
        match TcpListener::bind((interface, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse && candidate < last => candidate += 1,
            Err(error) => return Err(listen_error(interface, candidate, error)),
        }
    }
}

/// `http://127.0.0.1:1111`, with brackets for IPv6.
fn site_url(address: SocketAddr) -> String {
    format!("http://{address}")
}

/// Runs the HTTP server until Ctrl-C; open event streams are ended first,
/// so shutting down waits for no tab.
fn run_http(listener: TcpListener, server: Arc<Server>) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let app = router(Arc::clone(&server));
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                server.live.disconnect_all();
            })
            .await
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}
