//! What the serve bench asks of the server over HTTP, said in its own terms
//! on top of `ureq`: a GET that reads the whole answer, and a Server-Sent
//! Events stream whose events are stamped with the instant they arrive.

use std::io::{BufRead, BufReader};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ureq::Agent;

/// A whole answer to a GET.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    /// 404 tells an added page not yet served from a deleted one.
    pub status: u16,
    /// The page as served, live-reload script included.
    pub body: String,
}

/// Sends `GET path` to the server on loopback `port` and reads its whole
/// answer, giving up if it takes longer than `timeout`.
pub fn get(port: u16, path: &str, timeout: Duration) -> Result<Response, ureq::Error> {
    // An agent of its own per GET means a new connection each time, so one
    // run's idle keep-alive connection is never what the next run waits on.
    let agent: Agent = ureq::config::Config::builder()
        // A 404 or a redirect is an answer the bench compares, not a failure.
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let mut response = agent.get(loopback_url(port, path)).call()?;
    let status = response.status().as_u16();
    // A listing page of a large site may pass ureq's default 10 MB cap.
    let body = response.body_mut().with_config().limit(u64::MAX).read_to_string()?;
    Ok(Response { status, body })
}

/// One event of a Server-Sent Events stream.
#[derive(Debug)]
pub struct Event {
    /// Its `event:` field (`message` when it has none).
    pub name: String,
    /// When its closing blank line was read: the moment a browser would act on it.
    pub arrived: Instant,
}

/// An open Server-Sent Events connection. A thread reads it as the bytes
/// come, so an event's arrival time does not depend on when the bench
/// looks at it. Dropping it closes the connection, as closing a tab does.
pub struct EventStream {
    /// Its own agent, so that shutting it down closes this connection only.
    agent: Agent,
    events: Receiver<Event>,
    reader: Option<JoinHandle<()>>,
}

impl EventStream {
    /// Opens `GET path?query` on loopback `port` as an event stream; ureq
    /// percent-encodes the query's names and values.
    pub fn open(port: u16, path: &str, query: &[(&str, &str)]) -> Result<EventStream, ureq::Error> {
        // The defaults have no timeout: the stream stays open for the whole
        // run, and anything but a 2xx answer is an error.
        let agent: Agent = ureq::config::Config::builder().proxy(None).build().into();
        let response = agent.get(loopback_url(port, path)).query_pairs(query.iter().copied()).call()?;
        let mut lines = BufReader::new(response.into_body().into_reader());
        let (sender, events) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut name: Option<String> = None;
            let mut has_data = false;
            let mut line = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let line = line.trim_end_matches(['\r', '\n']);
                if line.is_empty() {
                    if name.is_some() || has_data {
                        let event = Event {
                            name: name.take().unwrap_or_else(|| "message".to_owned()),
                            arrived: Instant::now(),
                        };
                        has_data = false;
                        if sender.send(event).is_err() {
                            return;
                        }
                    }
                    continue;
                }
                // A line starting with a colon is a comment (keep-alives).
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                match field {
                    "event" => name = Some(value.strip_prefix(' ').unwrap_or(value).to_owned()),
                    "data" => has_data = true,
                    _ => {}
                }
            }
        });
        Ok(EventStream { agent, events, reader: Some(reader) })
    }

    /// The next event, or `None` if none arrives before `deadline` or the
    /// server closed the stream.
    pub fn next_before(&self, deadline: Instant) -> Option<Event> {
        self.events.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()
    }

    /// The events that have already arrived, without waiting.
    pub fn arrived(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        // Shutting the agent down fails the reader thread's blocked read, so
        // it returns now rather than at the server's next keep-alive, and
        // the server stops counting this tab before the next run.
        self.agent.clone().shutdown();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The URL of `path` on the server on loopback `port`.
fn loopback_url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}
