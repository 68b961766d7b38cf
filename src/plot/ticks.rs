//! Tick labels, shared by every plot kind.
//!
//! A label is written with as many decimals as the distance between two ticks (the *step*) needs:
//! ticks 0.1 apart read 0.1, 0.2, 0.3 (never `0.30000000000000004`), ticks 1 apart read 1, 2, 3.
//! Very small or very large numbers are written short, as `1e-4` or `2.5e6`. An axis whose data
//! are whole numbers (epochs, counts, k) only gets whole-number ticks. The number of ticks is
//! chosen so that the labels do not touch their neighbours on the given length in pixels.

use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;

/// The most ticks an axis gets (plotters' default).
const MOST_TICKS: usize = 11;
/// Width of one character of a tick label in pixels (digits of DejaVu Sans at 14 px are 8.9 px).
const CHAR_PX: f64 = 9.0;
/// Free space between two labels along a horizontal axis, in pixels.
const GAP_PX: f64 = 14.0;
/// Height a label takes along a vertical axis, text and space, in pixels.
const ROW_PX: f64 = 26.0;

/// How the ticks of one linear axis are placed and written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ticks {
    /// The number of ticks to ask plotters for (`x_labels`, `y_labels`).
    pub count: usize,
    /// The distance between two ticks.
    step: f64,
    /// Labels as `2.5e-4` instead of `0.00025`.
    scientific: bool,
    /// Only whole numbers get a label.
    integer: bool,
}

/// Decimals needed to write `step` exactly: 0.1 → 1, 0.25 → 2, 5 → 0, 0.30000000000000004 → 1.
pub(crate) fn decimals(step: f64) -> usize {
    let step = step.abs();
    (0..12)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(12)
}

/// `v` with `d` decimals, and never "-0" or "-0.0".
fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// `v` in short scientific notation, precise to `step`: 1e-4, 2.5e-4, -3e6 (0 stays 0).
fn scientific(v: f64, step: f64) -> String {
    if v.abs() < step.abs() * 1e-6 {
        return "0".into();
    }
    let exponent = (v.abs().log10() + 1e-9).floor() as i32;
    let mantissa = v / 10f64.powi(exponent);
    let text = fixed(mantissa, decimals(step / 10f64.powi(exponent)).min(6));
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    // rounding can give "10" (9.96e-5 with one significant digit): write it as the next power
    if text.trim_start_matches('-') == "10" {
        return format!("{}e{}", if v < 0.0 { "-1" } else { "1" }, exponent + 1);
    }
    format!("{text}e{exponent}")
}

impl Ticks {
    /// Ticks for a linear axis from `lo` to `hi` drawn over `pixels` (its length on screen),
    /// `horizontal` for an x axis; with `integer` only whole numbers are ticked.
    pub(crate) fn linear(lo: f64, hi: f64, pixels: u32, horizontal: bool, integer: bool) -> Ticks {
        let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 0.5, lo + 0.5) };
        // whole numbers in the range: asking for no more ticks than that keeps plotters' step ≥ 1
        let whole = ((hi.floor() - lo.ceil()) as i64 + 1).max(1) as usize;
        let mut best = None;
        for count in (2..=MOST_TICKS).rev() {
            let count = if integer { count.min(whole) } else { count };
            let points = RangedCoordf64::from(lo..hi).key_points(count);
            let ticks = Ticks::for_points(&points, count, integer);
            best = Some(ticks);
            let widest = points.iter().map(|v| ticks.label(v).chars().count()).max().unwrap_or(1) as f64;
            let needed = if horizontal {
                points.len() as f64 * (widest * CHAR_PX + GAP_PX)
            } else {
                points.len() as f64 * ROW_PX
            };
            if needed <= pixels as f64 {
                break;
            }
        }
        best.unwrap_or(Ticks { count: 2, step: hi - lo, scientific: false, integer })
    }

    /// How to write the labels of these tick positions.
    fn for_points(points: &[f64], count: usize, integer: bool) -> Ticks {
        let step = match points {
            [a, b, ..] => b - a,
            _ => 1.0,
        };
        let plain = Ticks { count, step, scientific: false, integer };
        let sci = Ticks { scientific: true, ..plain };
        let longest = |t: &Ticks| points.iter().map(|v| t.label(v).trim_start_matches('-').len()).max().unwrap_or(0);
        let largest = points.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        // fixed notation, unless all ticks are tiny (below 0.001) or huge, or fixed labels are long
        // (12345678.5) and scientific ones shorter
        let extreme = largest > 0.0 && !(1e-3..1e6).contains(&largest);
        if extreme || (longest(&plain) > 7 && longest(&sci) < longest(&plain)) {
            sci
        } else {
            plain
        }
    }

    /// The label of the tick at `v`.
    pub(crate) fn label(&self, v: &f64) -> String {
        let v = *v;
        if self.integer && (v - v.round()).abs() > 1e-9 {
            return String::new();
        }
        if self.scientific {
            scientific(v, self.step)
        } else {
            fixed(v, decimals(self.step))
        }
    }
}

/// Whether every finite value is a whole number and they span at least 2 (epochs 1, 2, 3, counts,
/// k): such an axis is ticked at whole numbers only.
pub(crate) fn whole_numbers(values: impl IntoIterator<Item = f64>) -> bool {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        if v.fract() != 0.0 || v.abs() > 1e15 {
            return false;
        }
        lo = lo.min(v);
        hi = hi.max(v);
    }
    hi - lo >= 2.0
}

/// Tick positions of a logarithmic axis from `lo` to `hi` (both > 0) over `pixels` along a vertical
/// axis: the powers of ten, and 2 and 5 times them (or every digit) when there are few decades,
/// or every second (third, …) power of ten when there are many.
pub(crate) fn log_ticks(lo: f64, hi: f64, pixels: u32) -> Vec<f64> {
    let most = ((pixels as f64 / ROW_PX) as usize).clamp(2, MOST_TICKS);
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let with = |digits: &[f64], every: i32| -> Vec<f64> {
        (first..=last)
            .filter(|k| k.rem_euclid(every) == 0)
            .flat_map(|k| digits.iter().map(move |d| d * 10f64.powi(k)))
            .filter(inside)
            .collect()
    };
    let all_digits = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    // the richest set of ticks that fits
    for digits in [&all_digits[..], &[1.0, 2.0, 5.0][..], &[1.0][..]] {
        let ticks = with(digits, 1);
        if ticks.len() <= most {
            return ticks;
        }
    }
    (1..).map(|every| with(&[1.0], every)).find(|t| t.len() <= most).unwrap_or_default()
}

/// The label of a tick on a logarithmic axis: 0.01, 0.2, 5, 100, and 1e-4, 2e6 beyond.
pub(crate) fn log_label(v: &f64) -> String {
    let v = *v;
    if v <= 0.0 || !v.is_finite() {
        return String::new();
    }
    let exponent = (v.log10() + 1e-9).floor() as i32;
    if (-3..5).contains(&exponent) {
        fixed(v, (-exponent).max(0) as usize)
    } else {
        scientific(v, 10f64.powi(exponent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(lo: f64, hi: f64, pixels: u32, horizontal: bool, integer: bool) -> Vec<String> {
        let t = Ticks::linear(lo, hi, pixels, horizontal, integer);
        RangedCoordf64::from(lo..hi).key_points(t.count).iter().map(|v| t.label(v)).collect()
    }

    #[test]
    fn step_decimals() {
        assert_eq!(decimals(0.1 + 0.2), 1);
        assert_eq!(decimals(0.25), 2);
        assert_eq!(decimals(5.0), 0);
        assert_eq!(decimals(1e-4), 4);
        assert_eq!(decimals(0.30000000000000004 - 0.1), 1);
    }

    #[test]
    fn sums_of_tenths_read_as_tenths() {
        // ticks such as 0.1 + 0.2 = 0.30000000000000004 and 1 - 1e-16 are written with one decimal
        let t = Ticks { count: 11, step: 0.1, scientific: false, integer: false };
        assert_eq!(t.label(&(0.1 + 0.2)), "0.3");
        assert_eq!(t.label(&0.9999999999999999), "1.0");
        assert_eq!(t.label(&-0.0000000000000001), "0.0");
        let l = labels(0.0, 1.0, 640, true, false);
        assert_eq!(l, ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]);
        println!("0..1 on 640 px: {l:?}");
    }

    #[test]
    fn small_steps_are_short_scientific() {
        // ticks of a learning rate between 0 and 5e-4: 1e-4 apart
        let l = labels(0.0, 5e-4, 640, true, false);
        assert_eq!(l, ["0", "1e-4", "2e-4", "3e-4", "4e-4", "5e-4"]);
        let l = labels(0.0, 2.5e-4, 640, true, false);
        assert!(l.iter().all(|s| s == "0" || s.contains("e-")) && l.contains(&"1e-4".to_string()), "{l:?}");
        assert_eq!(scientific(9.999999999999999e-5, 1e-5), "1e-4");
        assert_eq!(scientific(1e6, 1e5), "1e6");
        // near 1 the decimals stay fixed: 0.9995 is clearer than 9.995e-1
        let l = labels(0.999, 1.001, 640, true, false);
        assert!(l.contains(&"0.9995".to_string()) && l.contains(&"1.0000".to_string()), "{l:?}");
        println!("0..5e-4 on 640 px: {:?}", labels(0.0, 5e-4, 640, true, false));
    }

    #[test]
    fn whole_number_axes_have_whole_ticks() {
        // epochs 1..3 padded by 5 %: 1, 2, 3, not 1.0, 1.2, …
        assert!(whole_numbers([1.0, 2.0, 3.0]) && !whole_numbers([0.0, 0.5, 3.0]) && !whole_numbers([0.0, 1.0]));
        assert_eq!(labels(0.9, 3.1, 640, true, true), ["1", "2", "3"]);
        let l = labels(-4.0, 104.0, 640, true, true);
        assert!(l.iter().all(|s| s.parse::<i64>().is_ok()), "{l:?}");
        assert_eq!(labels(0.0, 27.0, 360, false, true), ["0", "5", "10", "15", "20", "25"]);
        println!("epochs 0.9..3.1: {:?}", labels(0.9, 3.1, 640, true, true));
    }

    #[test]
    fn labels_do_not_touch_their_neighbours() {
        for (lo, hi) in [(0.0, 1.0), (-3.2, 7.9), (0.0, 5e-4), (12345.0, 12399.0), (0.0, 2.5e6)] {
            for pixels in [150, 300, 640] {
                let t = Ticks::linear(lo, hi, pixels, true, false);
                let points = RangedCoordf64::from(lo..hi).key_points(t.count);
                let widest = points.iter().map(|v| t.label(v).chars().count()).max().unwrap_or(0) as f64;
                let room = pixels as f64 / points.len() as f64;
                assert!(points.len() <= 2 || widest * CHAR_PX + GAP_PX <= room, "{lo}..{hi} on {pixels}px: {points:?}");
                // and no two labels are the same
                let written: Vec<String> = points.iter().map(|v| t.label(v)).collect();
                let mut unique = written.clone();
                unique.dedup();
                assert_eq!(unique, written);
            }
        }
    }

    #[test]
    fn log_axes_label_decades_below_one() {
        // a loss from 0.005 to 2: the ticks below 1 get labels 0.01 and 0.1
        let ticks = log_ticks(0.004, 2.5, 360);
        let l: Vec<String> = ticks.iter().map(log_label).collect();
        assert_eq!(l, ["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"]);
        // many decades: powers of ten only, short below 1e-3
        let l: Vec<String> = log_ticks(1e-6, 10.0, 360).iter().map(log_label).collect();
        assert_eq!(l, ["1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10"]);
        // within one decade: every digit
        let l: Vec<String> = log_ticks(0.2, 0.8, 360).iter().map(log_label).collect();
        assert_eq!(l, ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"]);
        // too many decades for the height: every third one here
        let l: Vec<String> = log_ticks(1e-10, 1e10, 200).iter().map(log_label).collect();
        assert_eq!(l, ["1e-9", "1e-6", "0.001", "1", "1000", "1e6", "1e9"]);
        println!("log 0.004..2.5: {:?}", log_ticks(0.004, 2.5, 360).iter().map(log_label).collect::<Vec<_>>());
    }
}
