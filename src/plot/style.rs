//! Colours, fonts and the shared look of every figure.

use super::ticks::Ticks;
use plotters::style::RGBColor;

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

/// The viridis colour of `t` ∈ [0, 1] (perceptually uniform, readable in grey); NaN is light grey.
pub(crate) fn viridis(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(220, 220, 220);
    }
    plotters::style::colors::colormaps::ViridisRGB::get_color(t.clamp(0.0, 1.0))
}

/// A diverging colour for `t` ∈ [−1, 1]: blue for negative, white at 0, red for positive
/// (for signed quantities such as weights, where 0 must look neutral); NaN is light grey.
pub(crate) fn diverging(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(220, 220, 220);
    }
    let t = t.clamp(-1.0, 1.0);
    let (end, s) = if t < 0.0 { ((33.0, 102.0, 172.0), -t) } else { ((178.0, 24.0, 43.0), t) };
    let mix = |e: f64| (247.0 + (e - 247.0) * s).round() as u8;
    RGBColor(mix(end.0), mix(end.1), mix(end.2))
}

/// Ink on paper: 0 is white, 1 is black (how digits are drawn).
pub(crate) fn ink(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(255, 200, 200);
    }
    let v = (255.0 * (1.0 - t.clamp(0.0, 1.0))).round() as u8;
    RGBColor(v, v, v)
}

/// `c` mixed with white (`amount` = 0 keeps it, 1 is white): class regions behind their points.
pub(crate) fn pale(c: RGBColor, amount: f64) -> RGBColor {
    let m = |v: u8| (v as f64 + (255.0 - v as f64) * amount).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Widens the shorter of two axis ranges so that one unit has the same length on both axes in a
/// plotting rectangle of `pixels` = (width, height).
pub(crate) fn equal_aspect(x: (f64, f64), y: (f64, f64), pixels: (u32, u32)) -> ((f64, f64), (f64, f64)) {
    let (w, h) = (pixels.0.max(1) as f64, pixels.1.max(1) as f64);
    let (sx, sy) = ((x.1 - x.0) / w, (y.1 - y.0) / h); // units per pixel
    if sx > sy {
        let half = sx * h / 2.0;
        let c = (y.0 + y.1) / 2.0;
        (x, (c - half, c + half))
    } else {
        let half = sy * w / 2.0;
        let c = (x.0 + x.1) / 2.0;
        ((c - half, c + half), y)
    }
}

/// A 2-D chart with the shared look: title, axis labels, tick labels written from the tick step
/// (see [`Ticks`]), light grid lines. With `equal` one unit has the same length on both axes;
/// `whole` = (x, y) says which axes show whole numbers only (epochs, counts).
pub(crate) fn cartesian_chart<'a, 'b, DB: plotters::prelude::DrawingBackend>(
    area: &'a plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    labels: (&str, &str),
    x: (f64, f64),
    y: (f64, f64),
    equal: bool,
    whole: (bool, bool),
) -> crate::error::Result<
    plotters::prelude::ChartContext<
        'a,
        DB,
        plotters::prelude::Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
> {
    use plotters::prelude::*;
    let err = |e: &dyn std::fmt::Display| crate::error::Error::plot(format!("\"{title}\""), e);
    let (x, y) = if equal {
        let (w, h) = area.dim_in_pixel();
        // the plotting rectangle: minus margins, label areas and the caption
        equal_aspect(
            x,
            y,
            (w.saturating_sub(24 + 64), h.saturating_sub(24 + 44 + if title.is_empty() { 0 } else { 32 })),
        )
    } else {
        (x, y)
    };
    let mut builder = ChartBuilder::on(area);
    if !title.is_empty() {
        builder.caption(title, ("sans-serif", TITLE_SIZE));
    }
    let mut chart = builder
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(|e| err(&e))?;
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let (x_ticks, y_ticks) = (Ticks::linear(x.0, x.1, w, true, whole.0), Ticks::linear(y.0, y.1, h, false, whole.1));
    let (x_fmt, y_fmt) = (|v: &f64| x_ticks.label(v), |v: &f64| y_ticks.label(v));
    chart
        .configure_mesh()
        .x_labels(x_ticks.count)
        .y_labels(y_ticks.count)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(labels.0)
        .y_desc(labels.1)
        .axis_desc_style(("sans-serif", LABEL_SIZE))
        .label_style(("sans-serif", TICK_SIZE))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(plotters::style::colors::TRANSPARENT)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(chart)
}

/// Draws a vertical colour bar for values from `lo` to `hi` in `area`.
pub(crate) fn draw_colorbar<DB: plotters::prelude::DrawingBackend>(
    area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    (lo, hi): (f64, f64),
    color: impl Fn(f64) -> RGBColor,
    top_margin: u32,
) -> crate::error::Result<()> {
    use plotters::prelude::*;
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 0.5, lo + 0.5) };
    let err = |e: &dyn std::fmt::Display| crate::error::Error::plot("colour bar", e);
    let mut chart = ChartBuilder::on(area)
        .margin_top(top_margin)
        .margin_bottom(56)
        .margin_right(8)
        .y_label_area_size(0)
        .right_y_label_area_size(58)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(|e| err(&e))?;
    let ticks = Ticks::linear(lo, hi, chart.plotting_area().dim_in_pixel().1.min(6 * 26), false, false);
    let fmt = |v: &f64| ticks.label(v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .disable_x_axis()
        .y_labels(ticks.count)
        .y_label_formatter(&fmt)
        .label_style(("sans-serif", TICK_SIZE))
        .draw()
        .map_err(|e| err(&e))?;
    let steps = 64;
    chart
        .draw_series((0..steps).map(|i| {
            let (a, b) = (lo + (hi - lo) * i as f64 / steps as f64, lo + (hi - lo) * (i + 1) as f64 / steps as f64);
            Rectangle::new([(0.0, a), (1.0, b)], color((i as f64 + 0.5) / steps as f64).filled())
        }))
        .map_err(|e| err(&e))?;
    Ok(())
}

/// Minimum and maximum of the finite values, if any.
pub(crate) fn finite_range<'a>(values: impl IntoIterator<Item = &'a f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo <= hi).then_some((lo, hi))
}

/// The legend box every plot uses, in the corner of the plotting area that covers the fewest of
/// the plot's `points` (upper right on a tie), so that the legend does not hide the data.
/// `labels` are the legend's entries (their number and length give the box's size).
pub(crate) fn draw_legend<'a, DB, CT>(
    chart: &mut plotters::prelude::ChartContext<'a, DB, CT>,
    context: &str,
    points: &[CT::From],
    labels: &[&str],
) -> crate::error::Result<()>
where
    DB: plotters::prelude::DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate,
{
    use plotters::prelude::*;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32;
    let (w, h) = (40 + 8 * longest, 10 + 20 * labels.len() as i32);
    let corners = [
        (SeriesLabelPosition::UpperRight, (xs.end - w - 10, ys.start)),
        (SeriesLabelPosition::UpperLeft, (xs.start, ys.start)),
        (SeriesLabelPosition::LowerRight, (xs.end - w - 10, ys.end - h - 10)),
        (SeriesLabelPosition::LowerLeft, (xs.start, ys.end - h - 10)),
    ];
    let pixels: Vec<(i32, i32)> = points.iter().map(|p| chart.plotting_area().map_coordinate(p)).collect();
    let covered = |(x0, y0): (i32, i32)| {
        pixels.iter().filter(|(x, y)| (x0 - 5..x0 + w + 15).contains(x) && (y0 - 5..y0 + h + 15).contains(y)).count()
    };
    let best = corners.iter().min_by_key(|(_, corner)| covered(*corner)).map(|(position, _)| position.clone());
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", TICK_SIZE))
        .position(best.unwrap_or(SeriesLabelPosition::UpperRight))
        .draw()
        .map_err(|e| crate::error::Error::plot(context.to_string(), e))
}

/// The range a colour scale spans for values from `lo` to `hi`: symmetric around 0 for signed
/// data (so that 0 is the neutral colour), and widened around a constant.
pub(crate) fn colour_scale((lo, hi): (f64, f64), signed: bool) -> (f64, f64) {
    if signed {
        let m = lo.abs().max(hi.abs()).max(1e-12);
        (-m, m)
    } else if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}
