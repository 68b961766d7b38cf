//! Colours, fonts and the shared look of every figure.

use plotters::style::{register_font, FontStyle, RGBColor};
use std::sync::Once;

/// The font shipped with the crate (DejaVu Sans, see `assets/fonts/LICENSE-DejaVu.txt`), so that
/// text in bitmaps never depends on the fonts installed on the machine.
const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the shipped font as plotters' "sans-serif" family (once per process).
pub(crate) fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled into the crate, so failing to parse it is a build defect, not user input.
        if register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_err() {
            eprintln!("dlcourse: the shipped DejaVu Sans font could not be parsed; text will be missing from figures");
        }
    });
}

/// Ten well-separated colours for categories (matplotlib's "tab10").
const TAB10: [(u8, u8, u8); 10] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
];

/// The colour of category `i` (series, classes); it cycles after ten.
pub fn category_color(i: usize) -> RGBColor {
    let (r, g, b) = TAB10[i % TAB10.len()];
    RGBColor(r, g, b)
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A polyline through the points, in order.
    Line,
    /// A dot at each point.
    Points,
    /// Both.
    LinePoints,
}

pub(crate) const TITLE_SIZE: u32 = 22;
pub(crate) const LABEL_SIZE: u32 = 17;
pub(crate) const TICK_SIZE: u32 = 14;

/// Finite minimum and maximum of some values, widened a little (and around a constant) so that
/// every point is inside the frame.
pub(crate) fn padded_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    let span = hi - lo;
    let pad = if span > 0.0 { 0.05 * span } else { 0.5 * lo.abs().max(1.0) };
    Some((lo - pad, hi + pad))
}

/// Tick labels for an axis spanning `span`: enough decimals to tell ticks apart, and no "-0.0".
pub(crate) fn tick_label(span: f64) -> impl Fn(&f64) -> String {
    let decimals = if span > 0.0 && span.is_finite() { (1.0 - span.log10().floor()).clamp(0.0, 8.0) as usize } else { 2 };
    move |v: &f64| {
        let s = format!("{v:.decimals$}");
        if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { s.trim_start_matches('-').to_string() } else { s }
    }
}
