//! The process that runs the cells (evcxr starts this same binary as its child).
//!
//! evcxr's child tells its parent on stdout that a cell panicked (`EVCXR_PANIC_NOTIFICATION`),
//! that a `?` returned an error (`EVCXR_ERROR_OCCURRED`) and that the cell finished
//! (`EVCXR_EXECUTION_COMPLETE`); the evcxr library reads those lines and keeps them to itself.
//! So that the kernel learns of them, the child's stdout goes through a pipe that a thread
//! watches: before passing each of those lines on, it writes a marker line on stderr. Because the
//! cell's own stderr (the panic message, the error) was written before, the kernel reads the
//! marker after the message; the `done` marker tells it that all of the cell's stderr has arrived.
//! (Nothing is added to stdout: evcxr waits until its stdout channel is read, and at start-up,
//! when it runs a first cell, nobody reads it yet.)

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::FromRawFd;

/// Starts every line the kernel reads from the child's stderr as one of its own.
pub const MARKER: &str = "\u{1f}dlcourse-kernel:";

const WATCHED: [(&str, &str); 3] =
    [("EVCXR_PANIC_NOTIFICATION", "panic"), ("EVCXR_ERROR_OCCURRED", "error"), ("EVCXR_EXECUTION_COMPLETE", "done")];

/// The variable that caps the memory of the process that runs the cells, in MiB (the grader sets
/// it; unset, there is no cap).
pub const MEMORY_LIMIT_VAR: &str = "DLCOURSE_CELL_MEMORY_MB";

/// In the child process only: caps its address space at `DLCOURSE_CELL_MEMORY_MB` MiB, so that a
/// cell that allocates without end fails its own process ("memory allocation of … bytes failed";
/// the kernel reports the process ended and restarts it) instead of exhausting the machine. The
/// compilers, which the kernel runs, are not capped.
pub fn limit_memory() {
    let Ok(text) = std::env::var(MEMORY_LIMIT_VAR) else { return };
    let Ok(mib) = text.trim().parse::<u64>() else {
        eprintln!("dlcourse-kernel: {MEMORY_LIMIT_VAR}={text:?} is not a whole number of MiB; no memory limit set");
        return;
    };
    let bytes = mib.saturating_mul(1 << 20) as libc::rlim_t;
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    // SAFETY: setrlimit only reads the struct passed by reference.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
        eprintln!("dlcourse-kernel: could not set the memory limit of {mib} MiB: {}", std::io::Error::last_os_error());
    }
}

/// In the child process only: routes stdout through the watching thread. Must run before
/// `evcxr::runtime_hook()`, which does not return in the child.
pub fn watch_stdout() {
    let mut fds = [0; 2];
    // SAFETY: plain POSIX calls on descriptors this process owns; on failure nothing is changed.
    let real_stdout = unsafe {
        if libc::pipe(fds.as_mut_ptr()) != 0 {
            return;
        }
        let real = libc::dup(1);
        if real < 0 || libc::dup2(fds[1], 1) < 0 {
            return;
        }
        libc::close(fds[1]);
        real
    };
    // SAFETY: both descriptors were just created and are owned by these Files alone.
    let (pipe, mut out) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(real_stdout)) };
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            if let Some((_, what)) = WATCHED.iter().find(|(l, _)| l.as_bytes() == text) {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{MARKER}{what}");
                let _ = err.flush();
            }
            if out.write_all(&line).is_err() {
                break;
            }
        }
    });
}
