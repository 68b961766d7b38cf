//! What a running cell prints, turned into IOPub messages: `stream` for text, `display_data` and
//! `update_display_data` for the displays the course crate emits, and the panic message or `?`
//! error that ends a cell, kept back to become the cell's `error`.
//!
//! One thread reads the child's stdout and stderr (as evcxr passes them on) in arrival order. The
//! execution thread marks the start of a cell ([`Output::begin`]) and, once evcxr returns, asks
//! how the cell ended ([`Output::finish`]): that waits for the child's `done` marker on stderr
//! (see `child.rs`), so that every line of the cell has been handled before the reply is sent.

use crate::child::MARKER;
use crate::wire::Message;
use crossbeam_channel::{select, unbounded, Receiver, Sender};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Starts a line of stdout that carries a display for the course kernel (written by the crate).
pub const DISPLAY: &str = "\u{1f}dlcourse-display ";

/// How long stderr lines are held before being shown: an error returned with `?` is printed just
/// before evcxr's error notification, so lines still held when it arrives are that error's text.
const HOLD: Duration = Duration::from_millis(40);
/// How long to wait for the child's `done` marker once evcxr has returned.
const DONE_WAIT: Duration = Duration::from_secs(5);

/// A panic as the default panic hook printed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panic {
    /// `src/lib.rs:12:5`, as printed after "panicked at".
    pub location: String,
    /// The panic message (one or more lines) and, if RUST_BACKTRACE is set, the backtrace.
    pub lines: Vec<String>,
}

/// How a cell that ran ended.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The cell panicked (a failed `assert!` …); `None` inside if the message was not seen.
    pub panic: Option<Option<Panic>>,
    /// The cell returned an error with `?`: the error's text.
    pub error: Option<String>,
}

enum Command {
    Begin(Message),
    Finish(bool, Sender<Outcome>),
}

/// Handle held by the execution thread.
pub struct Output {
    commands: Sender<Command>,
}

impl Output {
    /// Starts the thread that reads the child's output.
    pub fn start(stdout: Receiver<String>, stderr: Receiver<String>, iopub: UnboundedSender<Message>) -> Output {
        let (commands, receiver) = unbounded();
        std::thread::Builder::new()
            .name("output".into())
            .spawn(move || Router::new(iopub).run(stdout, stderr, receiver))
            .expect("starting the output thread");
        Output { commands }
    }

    /// What the child prints from now on belongs to this request.
    pub fn begin(&self, request: &Message) {
        let _ = self.commands.send(Command::Begin(request.clone()));
    }

    /// Waits until every line of the cell has been handled (if the cell `ran`, until the child's
    /// `done` marker), and says how the cell ended.
    pub fn finish(&self, ran: bool) -> Outcome {
        let (tx, rx) = unbounded();
        if self.commands.send(Command::Finish(ran, tx)).is_err() {
            return Outcome::default();
        }
        rx.recv().unwrap_or_default()
    }
}

#[derive(Default)]
struct Cell {
    ran: bool,
    done: bool,
    panicked: bool,
    error: Option<String>,
    /// Panic messages seen in this cell (a caught panic prints one too).
    panics: Vec<Panic>,
    /// The panic message being read.
    open_panic: Option<Panic>,
}

struct Router {
    iopub: UnboundedSender<Message>,
    parent: Option<Message>,
    cell: Cell,
    held_stderr: Vec<String>,
    held_since: Option<Instant>,
    waiting: Option<(Sender<Outcome>, Instant)>,
}

impl Router {
    fn new(iopub: UnboundedSender<Message>) -> Router {
        Router { iopub, parent: None, cell: Cell::default(), held_stderr: vec![], held_since: None, waiting: None }
    }

    fn run(mut self, stdout: Receiver<String>, stderr: Receiver<String>, commands: Receiver<Command>) {
        loop {
            // Wake up on a timer only while stderr lines are held or a reply waits for `done`.
            let pending = self.held_since.is_some() || self.waiting.is_some();
            let tick = if pending { crossbeam_channel::after(HOLD / 2) } else { crossbeam_channel::never() };
            select! {
                recv(stdout) -> line => match line {
                    Ok(line) => self.stdout_line(line),
                    Err(_) => return,
                },
                recv(stderr) -> line => match line {
                    Ok(line) => self.stderr_line(line),
                    Err(_) => return,
                },
                recv(commands) -> command => match command {
                    Ok(Command::Begin(request)) => {
                        self.flush_stderr();
                        self.parent = Some(request);
                        self.cell = Cell::default();
                    }
                    Ok(Command::Finish(ran, reply)) => {
                        self.cell.ran = ran;
                        self.waiting = Some((reply, Instant::now() + DONE_WAIT));
                    }
                    Err(_) => return,
                },
                recv(tick) -> _ => {}
            }
            if self.held_since.is_some_and(|t| t.elapsed() >= HOLD) {
                self.flush_stderr();
            }
            if let Some((_, deadline)) = &self.waiting {
                if !self.cell.ran || self.cell.done || Instant::now() >= *deadline {
                    let (reply, _) = self.waiting.take().expect("checked");
                    let _ = reply.send(self.outcome());
                }
            }
        }
    }

    fn send(&self, msg_type: &str, content: Value) {
        match &self.parent {
            Some(parent) => {
                let _ = self.iopub.send(parent.broadcast(msg_type, content));
            }
            // Output of the warm-up before the first request: the kernel's own log.
            None => eprintln!("[{msg_type}] {content}"),
        }
    }

    fn stream(&self, name: &str, text: String) {
        self.send("stream", json!({"name": name, "text": text}));
    }

    fn stdout_line(&mut self, line: String) {
        self.flush_stderr();
        match line.strip_prefix(DISPLAY) {
            Some(payload) => self.display(payload),
            None => self.stream("stdout", line + "\n"),
        }
    }

    /// `{"data": {mime: content}, "metadata": {}, "display_id": "…" or null, "update": bool}`
    fn display(&self, payload: &str) {
        let Ok(v) = serde_json::from_str::<Value>(payload) else {
            self.stream("stderr", format!("(a display the kernel could not read: {} bytes)\n", payload.len()));
            return;
        };
        let transient = match v["display_id"].as_str() {
            Some(id) => json!({"display_id": id}),
            None => json!({}),
        };
        let content = json!({"data": v["data"], "metadata": v.get("metadata").cloned().unwrap_or(json!({})), "transient": transient});
        let update = v["update"].as_bool().unwrap_or(false) && v["display_id"].is_string();
        self.send(if update { "update_display_data" } else { "display_data" }, content);
    }

    fn stderr_line(&mut self, line: String) {
        if let Some(what) = line.strip_prefix(MARKER) {
            self.close_panic();
            match what {
                "panic" => self.cell.panicked = true,
                "error" => {
                    self.cell.error = Some(self.held_stderr.join("\n"));
                    self.held_stderr.clear();
                    self.held_since = None;
                }
                _ => {
                    self.cell.done = true;
                    self.flush_stderr();
                }
            }
            return;
        }
        if let Some(location) = panic_location(&line) {
            // the default hook starts with an empty line
            while self.held_stderr.last().is_some_and(|l| l.is_empty()) {
                self.held_stderr.pop();
            }
            self.flush_stderr();
            self.close_panic();
            self.cell.open_panic = Some(Panic { location, lines: vec![] });
            return;
        }
        if let Some(panic) = &mut self.cell.open_panic {
            if line.starts_with("note: run with `RUST_BACKTRACE=1`")
                || line.starts_with("note: Some details are omitted")
            {
                self.close_panic();
            } else {
                panic.lines.push(line);
            }
            return;
        }
        self.held_stderr.push(line);
        self.held_since.get_or_insert_with(Instant::now);
    }

    fn close_panic(&mut self) {
        if let Some(panic) = self.cell.open_panic.take() {
            self.cell.panics.push(panic);
        }
    }

    fn flush_stderr(&mut self) {
        self.held_since = None;
        if !self.held_stderr.is_empty() {
            let text = self.held_stderr.join("\n") + "\n";
            self.held_stderr.clear();
            self.stream("stderr", text);
        }
    }

    fn outcome(&mut self) -> Outcome {
        self.close_panic();
        self.flush_stderr();
        let cell = std::mem::take(&mut self.cell);
        let mut panics = cell.panics;
        // The panic that stopped the cell is the last one printed; earlier ones were caught.
        let stopping = if cell.panicked { Some(panics.pop()) } else { None };
        for caught in panics {
            let text = format!("thread panicked at {}:\n{}\n", caught.location, caught.lines.join("\n"));
            self.stream("stderr", text);
        }
        Outcome { panic: stopping, error: cell.error }
    }
}

/// `thread 'main' panicked at src/lib.rs:12:5:` → `src/lib.rs:12:5`
/// (Rust 1.95 also prints the thread's id: `thread '<unnamed>' (31038) panicked at …`.)
fn panic_location(line: &str) -> Option<String> {
    let rest = line.strip_prefix("thread '")?;
    let (_, after) = rest.split_once("' ")?;
    let (_, location) = after.split_once("panicked at ")?;
    Some(location.trim_end_matches(':').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_location_is_read_from_the_default_panic_hook_line() {
        assert_eq!(panic_location("thread 'main' panicked at src/lib.rs:12:5:").as_deref(), Some("src/lib.rs:12:5"));
        assert_eq!(
            panic_location("thread '<unnamed>' panicked at /x/src/nn/linear.rs:3:9:").as_deref(),
            Some("/x/src/nn/linear.rs:3:9")
        );
        assert_eq!(
            panic_location("thread '<unnamed>' (31038) panicked at src/lib.rs:96:1:").as_deref(),
            Some("src/lib.rs:96:1")
        );
        assert_eq!(panic_location("the thread 'main' panicked at"), None);
    }
}
