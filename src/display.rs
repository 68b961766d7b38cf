//! Showing things in the notebook while a cell runs: figures, and a progress line that is
//! replaced in place.
//!
//! In the course kernel (`dlcourse-kernel`, which sets the `DLCOURSE_KERNEL` environment variable
//! for the code it runs) every display of a cell is shown, in order, and a display with an id is
//! updated in place: a training loop shows one progress line, and the saved notebook keeps its
//! final state. Elsewhere (stock evcxr_jupyter, a plain program) [`show`] uses evcxr's own
//! protocol, where a cell keeps one output per MIME type, so a second figure replaces the first,
//! and [`Progress`] rewrites its line with a carriage return.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Starts a stdout line that the course kernel turns into a display (see the kernel's `output`).
const DISPLAY: &str = "\u{1f}dlcourse-display ";

/// Whether the code runs in the course kernel.
pub fn in_course_kernel() -> bool {
    std::env::var_os("DLCOURSE_KERNEL").is_some()
}

/// Shows `data` (pairs of MIME type and content, e.g. `("image/png", base64)`) now.
pub fn show(data: &[(&str, &str)]) {
    if in_course_kernel() {
        emit(data, None, false);
    } else {
        let mut out = std::io::stdout().lock();
        for (mime, content) in data {
            let _ = writeln!(out, "EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT");
        }
    }
}

/// One display message for the course kernel: a single stdout line holding JSON.
fn emit(data: &[(&str, &str)], id: Option<&str>, update: bool) {
    let fields: Vec<String> = data.iter().map(|(m, c)| format!("{}:{}", json_string(m), json_string(c))).collect();
    let id = id.map_or("null".to_string(), json_string);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{DISPLAY}{{\"data\":{{{}}},\"display_id\":{id},\"update\":{update}}}", fields.join(","));
    let _ = out.flush();
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A line of progress (e.g. "epoch 3/20: loss 0.41") that each update replaces.
///
/// Updates are drawn at most every 100 ms (a fast loop does not flood the notebook); the last
/// one is always drawn by [`Progress::finish`].
///
/// ```
/// let mut progress = dlcourse::display::Progress::new();
/// for epoch in 1..=3 {
///     progress.update(&format!("epoch {epoch}/3"));
/// }
/// progress.finish();
/// ```
pub struct Progress {
    id: String,
    shown: bool,
    last_drawn: Option<Instant>,
    pending: Option<String>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    const EVERY: Duration = Duration::from_millis(100);

    /// A progress line, not shown until the first update.
    pub fn new() -> Progress {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = format!("dlcourse-progress-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        Progress { id, shown: false, last_drawn: None, pending: None }
    }

    /// Replaces the line with `text` (drawn now, or within 100 ms by a later update or `finish`).
    pub fn update(&mut self, text: &str) {
        if self.last_drawn.is_some_and(|t| t.elapsed() < Self::EVERY) {
            self.pending = Some(text.to_string());
        } else {
            self.draw(text);
        }
    }

    /// Draws the last update if it was held back, and ends the line: it stays as it is.
    pub fn finish(&mut self) {
        if let Some(text) = self.pending.take() {
            self.draw(&text);
        }
        if self.shown && !in_course_kernel() {
            println!();
        }
    }

    fn draw(&mut self, text: &str) {
        self.pending = None;
        self.last_drawn = Some(Instant::now());
        if in_course_kernel() {
            emit(&[("text/plain", text)], Some(&self.id), self.shown);
        } else {
            print!("\r{text}   ");
            let _ = std::io::stdout().flush();
        }
        self.shown = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(json_string("θ = 1"), "\"θ = 1\"");
    }
}
