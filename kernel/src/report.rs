//! A compile error drawn under the lines of the cell it came from.
//!
//! evcxr's own `CompilationError::build_report` gives up on a cell that holds any non-ASCII
//! character (it turns rustc's character columns into byte offsets, which only agree on ASCII), and
//! the course's cells are full of them (`θ`, `σ`, `—` in comments and strings): such a cell's error
//! lost its line and kept only its message. Here the same report is built from character offsets,
//! which is what ariadne counts by default, so every cell's error points at its line.

use ariadne::{Color, ColorGenerator, Label, Report, ReportKind};
use evcxr::CompilationError;
use std::ops::Range;

/// The error as the lines of a traceback: rustc's message and code, each labelled span drawn
/// under the cell's line (`name:line:column` in the header), notes without a span at the end.
/// `None` when the error has no labelled span in the cell (it came from code evcxr generated).
pub fn compile_error(error: &CompilationError, name: &str, code: &str) -> Option<Vec<String>> {
    // the header names the primary span's line and column: `cell[3]:2:17`
    let at = error
        .primary_spanned_message()
        .and_then(|m| m.span.as_ref())
        .map_or(0..0, |span| char_range(code, (span.start_line, span.start_column), (span.end_line, span.end_column)));
    let kind = if error.level() == "warning" { ReportKind::Warning } else { ReportKind::Error };
    let mut report = Report::build(kind, (name.to_string(), at)).with_message(error.message());
    if let Some(code) = error.code() {
        report = report.with_code(code);
    }
    // The light theme's colours, as evcxr_jupyter draws them (dark enough on a white page).
    let mut colors = ColorGenerator::new();
    let mut next_color = move || match colors.next() {
        Color::Fixed(x) => Color::Fixed(255 - x),
        other => other,
    };
    let (mut labels, mut notes) = (0, vec![]);
    for message in error.spanned_messages().iter().chain(error.help_spanned()) {
        match &message.span {
            Some(span) if !message.label.is_empty() => {
                let range = char_range(code, (span.start_line, span.start_column), (span.end_line, span.end_column));
                report = report.with_label(
                    Label::new((name.to_string(), range))
                        .with_message(&message.label)
                        .with_color(next_color())
                        .with_order(10),
                );
                labels += 1;
            }
            Some(_) => {}
            None if !message.label.is_empty() => notes.push(message.label.clone()),
            None => {}
        }
    }
    if labels == 0 {
        return None;
    }
    if let Some(hint) = error.evcxr_extra_hint() {
        notes.push(hint.to_string());
    }
    if !notes.is_empty() {
        report = report.with_note(notes.join("\n"));
    }
    let mut text = Vec::new();
    report.finish().write(ariadne::sources([(name.to_string(), code.to_string())]), &mut text).ok()?;
    Some(String::from_utf8_lossy(&text).lines().map(str::to_string).collect())
}

/// Character offsets in `code` of a span given as 1-based (line, column) pairs, columns counted
/// in characters, the end exclusive — how evcxr reports rustc's spans in the cell's own lines.
fn char_range(code: &str, start: (usize, usize), end: (usize, usize)) -> Range<usize> {
    let total = code.chars().count();
    let offset = |(line, column): (usize, usize)| {
        let before: usize = code.split('\n').take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum();
        (before + column.saturating_sub(1)).min(total)
    };
    let (a, b) = (offset(start), offset(end));
    a..b.max(a)
}

#[cfg(test)]
mod tests {
    use super::char_range;

    #[test]
    fn spans_count_characters_not_bytes() {
        let code = "let θ = 0.7; // angle\nlet b: String = θ;";
        // `θ` on line 2, columns 17..18 (1-based, end exclusive): one character, two bytes
        let r = char_range(code, (2, 17), (2, 18));
        assert_eq!(code.chars().skip(r.start).take(r.len()).collect::<String>(), "θ");
        let r = char_range(code, (2, 1), (2, 4));
        assert_eq!(code.chars().skip(r.start).take(r.len()).collect::<String>(), "let");
    }

    #[test]
    fn a_span_past_the_end_is_clamped() {
        let code = "x";
        assert_eq!(char_range(code, (3, 5), (4, 1)), 1..1);
    }
}
