//! The kernel's sockets and the requests they carry: shell (execute, complete, inspect,
//! is_complete, kernel_info, history, comm_info), control (shutdown, interrupt), heartbeat, and
//! IOPub, on which every other part publishes through one channel so that messages keep order.

use crate::exec::{Executor, Job};
use crate::warm::Course;
use crate::wire::{ConnectionInfo, Message, Signer};
use anyhow::Result;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::oneshot;
use zeromq::{PubSocket, RepSocket, RouterSocket, Socket, SocketRecv, SocketSend};

/// After a failed cell, the cells queued behind it are aborted, as ipykernel does (JupyterLab's
/// Run All sends them all at once): those that arrive without a gap of this length and were sent
/// before the failure was reported. A cell sent after the reply (a student running the next
/// cell) runs.
const ABORT_GAP: Duration = Duration::from_millis(50);

pub async fn serve(info: ConnectionInfo, course: Option<Course>) -> Result<()> {
    let signer = Signer::new(&info.key);
    let mut iopub = PubSocket::new();
    iopub.bind(&info.endpoint(info.iopub_port)).await?;
    let mut shell = RouterSocket::new();
    shell.bind(&info.endpoint(info.shell_port)).await?;
    let mut control = RouterSocket::new();
    control.bind(&info.endpoint(info.control_port)).await?;
    let mut stdin = RouterSocket::new();
    stdin.bind(&info.endpoint(info.stdin_port)).await?;
    let mut heartbeat = RepSocket::new();
    heartbeat.bind(&info.endpoint(info.hb_port)).await?;

    let (publish, mut to_publish) = unbounded_channel::<Message>();
    let iopub_signer = signer.clone();
    tokio::spawn(async move {
        while let Some(message) = to_publish.recv().await {
            if let Err(e) = iopub.send(message.encode(&iopub_signer)).await {
                eprintln!("dlcourse-kernel: iopub: {e}");
            }
        }
    });
    tokio::spawn(async move {
        while let Ok(ping) = heartbeat.recv().await {
            if heartbeat.send(ping).await.is_err() {
                break;
            }
        }
    });

    let executor = Executor::start(publish.clone(), course)?;
    let control_side = (executor.clone(), publish.clone(), signer.clone());
    tokio::spawn(async move {
        let (executor, publish, signer) = control_side;
        loop {
            let Ok(raw) = control.recv().await else { break };
            let Ok(request) = Message::decode(raw, &signer) else { continue };
            status(&publish, &request, "busy");
            let reply = match request.msg_type() {
                "shutdown_request" => {
                    let restart = request.content["restart"].as_bool().unwrap_or(false);
                    let reply = request.reply("shutdown_reply", json!({"status": "ok", "restart": restart}));
                    let _ = control.send(reply.encode(&signer)).await;
                    executor.kill_child();
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    std::process::exit(0);
                }
                "interrupt_request" => {
                    executor.interrupt();
                    request.reply("interrupt_reply", json!({"status": "ok"}))
                }
                "kernel_info_request" => request.reply("kernel_info_reply", kernel_info()),
                other => request.reply(
                    &other.replace("_request", "_reply"),
                    json!({"status": "error", "ename": "NotSupported", "evalue": other, "traceback": []}),
                ),
            };
            let _ = control.send(reply.encode(&signer)).await;
            status(&publish, &request, "idle");
        }
    });

    // When the last cell failed, with stop_on_error: the time its reply was sent.
    let mut aborting: Option<chrono::DateTime<chrono::Utc>> = None;
    loop {
        let raw = if aborting.is_some() {
            match tokio::time::timeout(ABORT_GAP, shell.recv()).await {
                Ok(raw) => raw?,
                Err(_) => {
                    aborting = None;
                    continue;
                }
            }
        } else {
            shell.recv().await?
        };
        let request = match Message::decode(raw, &signer) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("dlcourse-kernel: shell: {e}");
                continue;
            }
        };
        status(&publish, &request, "busy");
        let reply = match request.msg_type() {
            "execute_request" if aborting.is_some_and(|failed| sent_before(&request, failed)) => {
                request.reply("execute_reply", json!({"status": "aborted"}))
            }
            "execute_request" => {
                let stop_on_error = request.content["stop_on_error"].as_bool().unwrap_or(true);
                let content = ask(&executor, |tx| Job::Execute(request.clone(), tx)).await;
                aborting = (stop_on_error && content["status"] == "error").then(chrono::Utc::now);
                request.reply("execute_reply", content)
            }
            "complete_request" => {
                request.reply("complete_reply", ask(&executor, |tx| Job::Complete(request.clone(), tx)).await)
            }
            "inspect_request" => {
                request.reply("inspect_reply", ask(&executor, |tx| Job::Inspect(request.clone(), tx)).await)
            }
            "is_complete_request" => {
                let code = request.content["code"].as_str().unwrap_or("");
                request.reply("is_complete_reply", is_complete(code))
            }
            "kernel_info_request" => request.reply("kernel_info_reply", kernel_info()),
            "history_request" => request.reply("history_reply", json!({"status": "ok", "history": []})),
            "comm_info_request" => request.reply("comm_info_reply", json!({"status": "ok", "comms": {}})),
            "comm_open" | "comm_msg" | "comm_close" => {
                status(&publish, &request, "idle");
                continue;
            }
            other => {
                eprintln!("dlcourse-kernel: unsupported shell message {other}");
                status(&publish, &request, "idle");
                continue;
            }
        };
        shell.send(reply.encode(&signer)).await?;
        status(&publish, &request, "idle");
    }
}

/// Whether the request's header says it was sent before `time` (no date: assume so).
fn sent_before(request: &Message, time: chrono::DateTime<chrono::Utc>) -> bool {
    request.header["date"].as_str().and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok()).is_none_or(|d| d < time)
}

fn status(publish: &UnboundedSender<Message>, request: &Message, state: &str) {
    let _ = publish.send(request.broadcast("status", json!({"execution_state": state})));
}

async fn ask(executor: &Executor, job: impl FnOnce(oneshot::Sender<Value>) -> Job) -> Value {
    let (tx, rx) = oneshot::channel();
    executor.submit(job(tx));
    rx.await.unwrap_or_else(|_| json!({"status": "error", "ename": "KernelError", "evalue": "the execution thread stopped", "traceback": []}))
}

pub fn kernel_info() -> Value {
    static RUSTC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let rustc = RUSTC.get_or_init(|| {
        std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
            .unwrap_or_default()
    });
    json!({
        "status": "ok",
        "protocol_version": "5.3",
        "implementation": "dlcourse-kernel",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "rust",
            "version": rustc,
            "mimetype": "text/rust",
            "file_extension": ".rs",
            "pygments_lexer": "rust",
            "codemirror_mode": "rust",
        },
        "banner": format!("dlcourse-kernel {}: Rust cells run by evcxr 0.22, for the deep-learning course", env!("CARGO_PKG_VERSION")),
        "help_links": [{"text": "evcxr commands (:help)", "url": "https://github.com/evcxr/evcxr/blob/main/COMMON.md"}],
        "debugger": false,
    })
}

/// Whether a console should run the code or wait for more lines: brackets left open, or a string
/// or block comment not closed, mean more is to come.
pub fn is_complete(code: &str) -> Value {
    let mut depth = 0i64;
    let mut chars = code.chars().peekable();
    let (mut in_string, mut block_comments) = (false, 0);
    while let Some(c) = chars.next() {
        if block_comments > 0 {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                block_comments -= 1;
            }
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                block_comments += 1;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    if depth < 0 {
        json!({"status": "invalid"})
    } else if depth > 0 || in_string || block_comments > 0 {
        json!({"status": "incomplete", "indent": "    "})
    } else {
        json!({"status": "complete"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_brackets_strings_and_comments_make_code_incomplete() {
        assert_eq!(is_complete("let x = 1;")["status"], "complete");
        assert_eq!(is_complete("fn f() {\n  let x = 1;")["status"], "incomplete");
        assert_eq!(is_complete("let s = \"{ not a bracket\";")["status"], "complete");
        assert_eq!(is_complete("let s = \"open")["status"], "incomplete");
        assert_eq!(is_complete("/* comment")["status"], "incomplete");
        assert_eq!(is_complete("// { in a comment\nlet x = 1;")["status"], "complete");
        assert_eq!(is_complete("let x = 1; }")["status"], "invalid");
    }
}
