//! Just enough of the Chrome DevTools Protocol to drive a headless Chromium
//! from the browser tests: start it on a fresh profile, open a page, navigate,
//! evaluate JavaScript and watch network events. The live-reload script only
//! proves itself in a real browser (EventSource, `location.reload()`,
//! stylesheet swaps), and a hand-written client keeps the tests free of a
//! browser-automation dependency.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::WebSocket;

use crate::support::PATIENCE;

/// How long one read of the DevTools socket blocks, so that waits can
/// check their deadline between messages.
const READ_SLICE: Duration = Duration::from_millis(50);

/// How often [`Page::wait_until`] evaluates its expression again.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// How long Chromium gets to start listening: its first start on a fresh
/// machine builds caches (18 s seen on an idle machine), and the rest of
/// the test suite runs beside it.
const STARTUP_PATIENCE: Duration = Duration::from_secs(120);

/// How long a browser gets to exit after `Browser.close` before it is
/// killed.
const CLOSE_PATIENCE: Duration = Duration::from_secs(5);

/// The Chromium executable: `/usr/bin/chromium`, or `chromium` found on
/// `PATH`; `None` when neither exists.
pub fn chromium_executable() -> Option<PathBuf> {
    let usual = Path::new("/usr/bin/chromium");
    if usual.is_file() {
        return Some(usual.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|folder| folder.join("chromium")).find(|candidate| candidate.is_file())
}

/// A headless Chromium on a temporary profile, and the DevTools socket that
/// drives it. Dropping it closes the browser (killing it if it does not
/// close) and then deletes the profile, so a failing test leaves nothing
/// running.
pub struct Browser {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events read while waiting for something else, oldest first, kept
    /// until a wait looks for them.
    events: VecDeque<Value>,
    process: BrowserProcess,
}

/// The Chromium process and its profile folder. It owns them from the
/// moment Chromium starts, so that a failure while connecting stops it too.
struct BrowserProcess {
    child: Child,
    // Declared after `child`: fields drop in order, so the folder is
    // deleted once Chromium is gone.
    _profile: tempfile::TempDir,
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        // Killing a browser that already exited is harmless.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts `executable` headless, with DevTools on a loopback port the
    /// system picks, and connects to it. A browser that exits before it
    /// listens is started once more: a first start on a busy machine can
    /// fail where the second one does not.
    #[track_caller]
    pub fn launch(executable: &Path) -> Browser {
        match Browser::try_launch(executable) {
            Ok(browser) => browser,
            Err(first) => Browser::try_launch(executable)
                .unwrap_or_else(|second| panic!("chromium did not start:\n{first}\nand again:\n{second}")),
        }
    }

    fn try_launch(executable: &Path) -> Result<Browser, String> {
        let profile = tempfile::tempdir().expect("temporary profile folder");
        let child = Command::new(executable)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let mut process = BrowserProcess { child, _profile: profile };
        let stderr = process.child.stderr.take().expect("stderr");
        let (sender, lines) = std::sync::mpsc::channel();
        // Chromium logs to stderr all its life; the pipe is drained to the
        // end so a full pipe never blocks it.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let _ = sender.send(line);
            }
        });
        let deadline = Instant::now() + STARTUP_PATIENCE;
        let mut seen = Vec::new();
        let address = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => match line.strip_prefix("DevTools listening on ") {
                    Some(address) => break address.trim().to_owned(),
                    None => seen.push(line),
                },
                Err(_) => {
                    let exit = process.child.try_wait().ok().flatten();
                    return Err(format!(
                        "chromium printed no DevTools address (exit: {exit:?}); its stderr:\n{}",
                        seen.join("\n")
                    ));
                }
            }
        };
        let host_and_port = address
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("unexpected DevTools address {address}"));
        assert!(host_and_port.starts_with("127.0.0.1:"), "DevTools must listen on loopback: {address}");
        let stream = TcpStream::connect(host_and_port).expect("connect to DevTools");
        // The handshake blocks, but not forever; afterwards reads return
        // every READ_SLICE so that waits can give up on time.
        stream.set_read_timeout(Some(PATIENCE)).expect("read timeout");
        let (socket, _) = tungstenite::client(address.as_str(), stream).expect("DevTools websocket handshake");
        socket.get_ref().set_read_timeout(Some(READ_SLICE)).expect("read timeout");
        Ok(Browser { socket, next_id: 1, events: VecDeque::new(), process })
    }

    /// Opens a new blank page and attaches to it.
    #[track_caller]
    pub fn open_page(&mut self) -> Page<'_> {
        let created = self.call(None, "Target.createTarget", json!({ "url": "about:blank" })).expect("create target");
        let target = created["targetId"].as_str().expect("targetId").to_owned();
        // Flat sessions: the page's messages travel on the browser socket,
        // tagged with the session id, so one socket serves everything.
        let attached = self
            .call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true }))
            .expect("attach to target");
        let session = attached["sessionId"].as_str().expect("sessionId").to_owned();
        Page { browser: self, session }
    }

    /// Sends one command (to the browser, or to a page's `session`) and
    /// returns its result, or the error message DevTools answered with.
    #[track_caller]
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket.send(tungstenite::Message::text(command.to_string())).expect("send to DevTools");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(message) = self.read_message(deadline) else {
                panic!("DevTools did not answer {method} in time");
            };
            if message["id"].as_u64() == Some(id) {
                return match message.get("error") {
                    Some(error) => Err(error["message"].as_str().unwrap_or("unknown error").to_owned()),
                    None => Ok(message["result"].clone()),
                };
            }
            if message.get("method").is_some() {
                self.events.push_back(message);
            }
        }
    }

    /// The next JSON message from the socket, or `None` at `deadline`.
    fn read_message(&mut self, deadline: Instant) -> Option<Value> {
        while Instant::now() < deadline {
            match self.socket.read() {
                Ok(tungstenite::Message::Text(text)) => {
                    return Some(serde_json::from_str(text.as_str()).expect("DevTools sends JSON"));
                }
                // Pings are answered by tungstenite itself.
                Ok(_) => {}
                Err(tungstenite::Error::Io(error))
                    if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(error) => panic!("the DevTools socket failed: {error}"),
            }
        }
        None
    }

    /// Removes and returns the first event, buffered or still to come, that
    /// belongs to `session`, has this `method` and satisfies `wanted`; other
    /// events stay buffered. Fails after [`PATIENCE`].
    #[track_caller]
    fn take_event(&mut self, session: &str, method: &str, wanted: &dyn Fn(&Value) -> bool) -> Value {
        let matches = |event: &Value| {
            event["sessionId"].as_str() == Some(session) && event["method"] == method && wanted(&event["params"])
        };
        if let Some(index) = self.events.iter().position(matches) {
            return self.events.remove(index).expect("index in range")["params"].clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(message) = self.read_message(deadline) else {
                panic!("no {method} event arrived in time");
            };
            if matches(&message) {
                return message["params"].clone();
            }
            if message.get("method").is_some() {
                self.events.push_back(message);
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closing politely lets Chromium stop its helper processes itself;
        // `BrowserProcess` then kills it if it has not exited in time.
        let close = json!({ "id": self.next_id, "method": "Browser.close" });
        if self.socket.send(tungstenite::Message::text(close.to_string())).is_err() {
            return;
        }
        let deadline = Instant::now() + CLOSE_PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// One browser tab, driven through its DevTools session.
pub struct Page<'browser> {
    browser: &'browser mut Browser,
    session: String,
}

impl Page<'_> {
    /// Sends a command to this page.
    #[track_caller]
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.browser.call(Some(&self.session), method, params)
    }

    /// Navigates to `url` and waits until its document has loaded. Returns
    /// the loader id of the new document, which names the requests it makes.
    #[track_caller]
    pub fn navigate(&mut self, url: &str) -> String {
        let navigated = self.call("Page.navigate", json!({ "url": url })).expect("navigate");
        if let Some(error) = navigated.get("errorText") {
            panic!("navigating to {url} failed: {error}");
        }
        self.wait_until(
            &format!("document.readyState === 'complete' && location.href === {}", json!(url)),
            &format!("{url} loaded"),
        );
        navigated["loaderId"].as_str().expect("loaderId").to_owned()
    }

    /// Evaluates a JavaScript expression in the page and returns its value
    /// (`null` for `undefined`), or the error or exception it raised.
    pub fn evaluate(&mut self, expression: &str) -> Result<Value, String> {
        let evaluated = self.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }))?;
        if let Some(exception) = evaluated.get("exceptionDetails") {
            let description = exception["exception"]["description"].as_str();
            return Err(description.or(exception["text"].as_str()).unwrap_or("exception").to_owned());
        }
        Ok(evaluated["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Evaluates `expression` every [`POLL_INTERVAL`] until it is `true`,
    /// failing after [`PATIENCE`] with `what` and the last outcome. Errors
    /// count as "not yet": a page that is reloading has no context to
    /// evaluate in for a moment.
    #[track_caller]
    pub fn wait_until(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let outcome = self.evaluate(expression);
            if outcome == Ok(Value::Bool(true)) {
                return;
            }
            if Instant::now() >= deadline {
                panic!("waited in vain for {what}: `{expression}` last gave {outcome:?}");
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Removes and returns the parameters of the first event of this page
    /// with `method` that satisfies `wanted`, waiting for it if it has not
    /// come yet. Fails after [`PATIENCE`].
    #[track_caller]
    pub fn take_event(&mut self, method: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        self.browser.take_event(&self.session, method, &wanted)
    }

    /// The loader id of the document the page shows now.
    #[track_caller]
    pub fn loader_id(&mut self) -> String {
        let tree = self.call("Page.getFrameTree", json!({})).expect("frame tree");
        tree["frameTree"]["frame"]["loaderId"].as_str().expect("loaderId").to_owned()
    }
}
