//! The execution thread: owns evcxr's `CommandContext`, runs one request at a time (cells,
//! completions, inspections) and turns what happened into the reply and IOPub messages.

use crate::output::{Outcome, Output, Panic};
use crate::report;
use crate::warm::Course;
use crate::wire::Message;
use evcxr::{CommandContext, Error, EvalCallbacks};
use serde_json::{json, Value};
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

/// How long without a request before the kernel spends time on work that can wait.
const IDLE: std::time::Duration = std::time::Duration::from_millis(500);

/// A request for the execution thread; each carries where its reply content goes.
pub enum Job {
    Execute(Message, oneshot::Sender<Value>),
    Complete(Message, oneshot::Sender<Value>),
    Inspect(Message, oneshot::Sender<Value>),
}

/// The handle the protocol side holds.
#[derive(Clone)]
pub struct Executor {
    jobs: mpsc::Sender<Job>,
    child: Arc<Mutex<Child>>,
    running: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
}

impl Executor {
    /// Starts the evcxr context (and its child process) on its own thread; if the kernel was
    /// started inside the course, the course crate is compiled there first (jobs wait for it).
    pub fn start(iopub: UnboundedSender<Message>, course: Option<Course>) -> anyhow::Result<Executor> {
        let (jobs, queue) = mpsc::channel();
        let (ready, started) = mpsc::channel();
        let running = Arc::new(AtomicBool::new(false));
        let interrupted = Arc::new(AtomicBool::new(false));
        let flags = (running.clone(), interrupted.clone());
        std::thread::Builder::new().name("execution".into()).spawn(move || {
            let started = std::time::Instant::now();
            let (mut context, outputs) = match CommandContext::new() {
                Ok(pair) => pair,
                Err(e) => {
                    let _ = ready.send(Err(anyhow::anyhow!("evcxr could not start: {e}")));
                    return;
                }
            };
            let _ = ready.send(Ok(context.process_handle()));
            let output = Output::start(outputs.stdout, outputs.stderr, iopub.clone());
            if let Err(e) = context.execute(":load_config --quiet") {
                eprintln!("evcxr.toml: {e}");
            }
            eprintln!("dlcourse-kernel: evcxr ready in {:.1} s", started.elapsed().as_secs_f64());
            if let Some(course) = &course {
                course.warm_up(&mut context);
            }
            let mut thread = Thread { context, output, iopub, count: 0, running: flags.0, interrupted: flags.1 };
            // The code analysis (4–6 s, uninterruptible) waits until a first request has been
            // answered and none came for a moment (a student reading): the notebook's `:dep` and
            // `use` cells, which need no analysis, never wait behind it.
            let mut to_analyse = course;
            let mut answered = false;
            loop {
                let job = match to_analyse.as_ref().filter(|_| answered) {
                    None => queue.recv().map_err(|_| ()),
                    Some(course) => match queue.recv_timeout(IDLE) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            course.analyse(&mut thread.context);
                            to_analyse = None;
                            continue;
                        }
                        other => other.map_err(|_| ()),
                    },
                };
                match job {
                    Ok(job) => {
                        thread.handle(job);
                        answered = true;
                    }
                    Err(()) => break,
                }
            }
        })?;
        let child = started.recv()??;
        Ok(Executor { jobs, child, running, interrupted })
    }

    pub fn submit(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    /// Stops the running cell by ending the process that runs cells (evcxr starts a new one; the
    /// variables are lost, which the cell's error says). Does nothing between cells.
    pub fn interrupt(&self) {
        if self.running.load(Ordering::SeqCst) {
            self.interrupted.store(true, Ordering::SeqCst);
            if let Ok(mut child) = self.child.lock() {
                let _ = child.kill();
            }
        }
    }

    /// Ends the process that runs cells (at shutdown).
    pub fn kill_child(&self) {
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
        }
    }
}

struct Thread {
    context: CommandContext,
    output: Output,
    iopub: UnboundedSender<Message>,
    count: u64,
    running: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
}

/// An error to report: what the `error` message and the reply carry.
struct Failure {
    ename: String,
    evalue: String,
    traceback: Vec<String>,
}

impl Thread {
    fn handle(&mut self, job: Job) {
        match job {
            Job::Execute(request, reply) => {
                let content = self.execute(&request);
                let _ = reply.send(content);
            }
            Job::Complete(request, reply) => {
                let _ = reply.send(self.complete(&request.content));
            }
            Job::Inspect(request, reply) => {
                let _ = reply.send(self.inspect(&request.content));
            }
        }
    }

    fn publish(&self, request: &Message, msg_type: &str, content: Value) {
        let _ = self.iopub.send(request.broadcast(msg_type, content));
    }

    fn execute(&mut self, request: &Message) -> Value {
        let code = request.content["code"].as_str().unwrap_or("").to_string();
        let silent = request.content["silent"].as_bool().unwrap_or(false);
        if request.content["store_history"].as_bool().unwrap_or(!silent) {
            self.count += 1;
        }
        let count = self.count;
        if !silent {
            self.publish(request, "execute_input", json!({"code": code, "execution_count": count}));
        }
        self.output.begin(request);
        // evcxr rewrites its generated crate for every cell it compiles, and runs every cell that
        // compiled: a changed source and an Ok result mean the child ran the cell.
        let source_before = self.context.last_source().ok();
        self.running.store(true, Ordering::SeqCst);
        let result = self.context.execute_with_callbacks(&code, &mut EvalCallbacks::default());
        self.running.store(false, Ordering::SeqCst);
        let ran = result.is_ok() && self.context.last_source().ok() != source_before;
        let outcome = self.output.finish(ran);
        let interrupted = self.interrupted.swap(false, Ordering::SeqCst);

        let failures = match result {
            Ok(outputs) => {
                let data: serde_json::Map<String, Value> =
                    outputs.content_by_mime_type.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                match self.failure_of(&outcome, &code) {
                    Some(failure) => {
                        if !data.is_empty() {
                            self.publish(
                                request,
                                "display_data",
                                json!({"data": data, "metadata": {}, "transient": {}}),
                            );
                        }
                        vec![failure]
                    }
                    None => {
                        if !data.is_empty() && !silent {
                            self.publish(
                                request,
                                "execute_result",
                                json!({"data": data, "metadata": {}, "execution_count": count}),
                            );
                        }
                        vec![]
                    }
                }
            }
            Err(error) => failures_of(error, &code, count, interrupted),
        };
        for f in &failures {
            self.publish(request, "error", json!({"ename": f.ename, "evalue": f.evalue, "traceback": f.traceback}));
        }
        match failures.into_iter().next() {
            None => json!({"status": "ok", "execution_count": count, "user_expressions": {}, "payload": []}),
            Some(f) => json!({
                "status": "error", "execution_count": count,
                "ename": f.ename, "evalue": f.evalue, "traceback": f.traceback,
            }),
        }
    }

    /// A cell that compiled and ran can still have failed: a panic, or an error returned by `?`.
    fn failure_of(&self, outcome: &Outcome, code: &str) -> Option<Failure> {
        if let Some(panic) = &outcome.panic {
            let Some(Panic { location, lines }) = panic else {
                return Some(Failure {
                    ename: "panic".into(),
                    evalue: "the cell panicked".into(),
                    traceback: vec!["the cell panicked (its message was not printed)".into()],
                });
            };
            let generated = self.context.last_source().unwrap_or_default();
            let place = describe_location(location, &generated, code);
            let message = lines.iter().take_while(|l| !l.starts_with("stack backtrace:")).cloned().collect::<Vec<_>>();
            let mut traceback = vec![format!("panicked at {place}:")];
            traceback.extend(message.iter().cloned());
            // evcxr always runs cells with RUST_BACKTRACE=1; the frames are shown only when asked
            // for with DLCOURSE_BACKTRACE=1 in the kernel's environment.
            if std::env::var("DLCOURSE_BACKTRACE").is_ok_and(|v| v != "0") {
                traceback.extend(lines[message.len()..].iter().cloned());
            }
            return Some(Failure { ename: "panic".into(), evalue: message.join("\n"), traceback });
        }
        let text = outcome.error.as_ref()?;
        Some(Failure {
            ename: "Error".into(),
            evalue: text.clone(),
            traceback: vec![
                format!("Error: {text}"),
                "(returned by `?` in this cell: the rest of the cell did not run)".into(),
            ],
        })
    }

    fn complete(&mut self, content: &Value) -> Value {
        let code = content["code"].as_str().unwrap_or("");
        let cursor = byte_offset(code, content["cursor_pos"].as_u64().unwrap_or(0) as usize);
        let empty = json!({"status": "ok", "matches": [], "cursor_start": content["cursor_pos"], "cursor_end": content["cursor_pos"], "metadata": {}});
        let Ok(found) = self.context.completions(code, cursor) else {
            return empty;
        };
        let start = char_offset(code, found.start_offset);
        let end = char_offset(code, found.end_offset);
        let types: Vec<Value> = found
            .completions
            .iter()
            .map(|c| json!({"start": start, "end": end, "text": c.code, "type": c.kind, "signature": c.label}))
            .collect();
        json!({
            "status": "ok",
            "matches": found.completions.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
            "cursor_start": start, "cursor_end": end,
            "metadata": {"_jupyter_types_experimental": types},
        })
    }

    fn inspect(&mut self, content: &Value) -> Value {
        let code = content["code"].as_str().unwrap_or("");
        let cursor = byte_offset(code, content["cursor_pos"].as_u64().unwrap_or(0) as usize);
        match self.context.hover_at(code, cursor) {
            Ok((plain, html)) if !plain.trim().is_empty() => json!({
                "status": "ok", "found": true,
                "data": {"text/plain": plain, "text/html": html}, "metadata": {},
            }),
            _ => json!({"status": "ok", "found": false, "data": {}, "metadata": {}}),
        }
    }
}

/// Errors evcxr returned: compile errors (one `error` each, with the cell's lines), the child
/// process ended (interrupt, crash), or anything else it reported. rustc's warnings come in the
/// same list; they are left out when there is an error (the reply names the first failure, and a
/// warning such as "Greek letters are confusable" is not why a cell failed).
fn failures_of(error: Error, code: &str, count: u64, interrupted: bool) -> Vec<Failure> {
    match error {
        Error::CompilationErrors(errors) => {
            let any_error = errors.iter().any(|e| e.level() != "warning");
            errors
            .iter()
            .filter(|e| !any_error || e.level() != "warning")
            .map(|e| {
                let report = e.is_from_user_code().then(|| report::compile_error(e, &format!("cell[{count}]"), code)).flatten();
                let traceback = report.unwrap_or_else(|| {
                    std::iter::once(e.message()).chain(e.help().into_iter().map(|h| format!("help: {h}"))).collect()
                });
                Failure { ename: "CompileError".into(), evalue: e.message(), traceback }
            })
            .collect()
        }
        Error::SubprocessTerminated(message) if interrupted => vec![Failure {
            ename: "Interrupted".into(),
            evalue: "the cell was stopped".into(),
            traceback: vec![
                "Interrupted: the cell was stopped.".into(),
                "The process that runs the cells was restarted, so the variables of earlier cells are gone: run the cells above again.".into(),
                format!("({message})"),
            ],
        }],
        Error::SubprocessTerminated(message) => vec![Failure {
            ename: "ProcessDied".into(),
            evalue: message.clone(),
            traceback: vec![
                format!("The process that runs the cells ended: {message}"),
                "(a stack overflow, an abort, or the machine ran out of memory). It was restarted; the variables of earlier cells are gone: run the cells above again.".into(),
            ],
        }],
        other => {
            let text = other.to_string();
            vec![Failure { ename: "Error".into(), evalue: text.clone(), traceback: vec![text] }]
        }
    }
}

/// `src/lib.rs:57:9` in evcxr's generated crate → "line 3 of this cell" when the generated line
/// is one of the cell's lines; other files (the course crate) are named as they are.
pub fn describe_location(location: &str, generated: &str, cell: &str) -> String {
    let mut parts = location.rsplitn(3, ':');
    let (_col, line, file) = (parts.next(), parts.next(), parts.next());
    if let (Some("src/lib.rs"), Some(line)) = (file, line.and_then(|l| l.parse::<usize>().ok())) {
        if let Some(text) = generated.lines().nth(line.wrapping_sub(1)).map(str::trim).filter(|t| !t.is_empty()) {
            if let Some(i) = cell.lines().position(|l| l.trim() == text) {
                return format!("line {} of this cell: `{}`", i + 1, text);
            }
        }
        return "this cell".into();
    }
    location.to_string()
}

/// Jupyter counts cursor positions in Unicode code points; evcxr in bytes.
fn byte_offset(code: &str, chars: usize) -> usize {
    code.char_indices().nth(chars).map_or(code.len(), |(i, _)| i)
}

fn char_offset(code: &str, bytes: usize) -> usize {
    code[..bytes.min(code.len())].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_cell_line_is_named_by_its_cell_line() {
        let generated = "fn f() {\nlet x = 1;\nassert_eq!(x, 2, \"x\");\n}";
        let cell = "let x = 1;\nassert_eq!(x, 2, \"x\");";
        assert_eq!(
            describe_location("src/lib.rs:3:1", generated, cell),
            "line 2 of this cell: `assert_eq!(x, 2, \"x\");`"
        );
        assert_eq!(describe_location("src/lib.rs:1:1", generated, cell), "this cell");
        assert_eq!(describe_location("/repo/src/nn/linear.rs:40:9", generated, cell), "/repo/src/nn/linear.rs:40:9");
    }

    #[test]
    fn cursor_offsets_convert_between_code_points_and_bytes() {
        let code = "let θ = 1;";
        assert_eq!(byte_offset(code, 5), 6);
        assert_eq!(char_offset(code, 6), 5);
        assert_eq!(byte_offset(code, 99), code.len());
    }
}
