//! Line plots: several series with a legend (loss curves, functions over their data points).

use super::figure::{Draw, Figure, Panel};
use super::style::{category_color, draw_legend, equal_aspect, padded_range, Mark, LABEL_SIZE, TICK_SIZE, TITLE_SIZE};
use super::ticks::{log_label, log_ticks, whole_numbers, Ticks};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::borrow::Borrow;

/// One named series of (x, y) points.
#[derive(Clone, Debug)]
struct Series {
    name: String,
    x: Vec<f64>,
    y: Vec<f64>,
    mark: Mark,
}

/// Several series over a common pair of axes, with a legend.
///
/// ```
/// use dlcourse::prelude::*;
/// let epochs = [1.0, 2.0, 3.0];
/// let fig = LinePlot::new("loss").x_label("epoch")
///     .line("train", &epochs, &[0.9, 0.5, 0.3])
///     .line("validation", &epochs, &[1.0, 0.7, 0.6])
///     .figure();
/// assert!(fig.to_png().is_ok());
/// ```
#[derive(Clone, Debug, Default)]
pub struct LinePlot {
    title: String,
    x_label: String,
    y_label: String,
    log_y: bool,
    equal: bool,
    y_limits: Option<(f64, f64)>,
    series: Vec<Series>,
}

fn collect<I>(values: I) -> Vec<f64>
where
    I: IntoIterator,
    I::Item: Borrow<f64>,
{
    values.into_iter().map(|v| *v.borrow()).collect()
}

impl LinePlot {
    /// An empty plot with a title.
    pub fn new(title: impl Into<String>) -> Self {
        LinePlot { title: title.into(), ..Default::default() }
    }

    /// Label of the horizontal axis.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Label of the vertical axis.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Logarithmic vertical axis (for losses spanning decades); non-positive values are skipped.
    pub fn log_y(mut self) -> Self {
        self.log_y = true;
        self
    }

    /// Fixes the vertical range (a curve that leaves it is cut at the frame): to look at the
    /// data when one series explodes, such as an over-fitted polynomial between its points.
    pub fn y_range(mut self, low: f64, high: f64) -> Self {
        if low.is_finite() && high.is_finite() && low < high {
            self.y_limits = Some((low, high));
        }
        self
    }

    /// One unit has the same length on both axes (a circle looks round). Ignored with [`LinePlot::log_y`].
    pub fn equal_aspect(mut self) -> Self {
        self.equal = true;
        self
    }

    /// Adds a series drawn with the given mark. `x` and `y` are anything that iterates over
    /// `f64` or `&f64` (slices, `Vec`, ndarray arrays); their lengths must match.
    pub fn series<X, Y>(mut self, name: impl Into<String>, x: X, y: Y, mark: Mark) -> Self
    where
        X: IntoIterator,
        X::Item: Borrow<f64>,
        Y: IntoIterator,
        Y::Item: Borrow<f64>,
    {
        self.series.push(Series { name: name.into(), x: collect(x), y: collect(y), mark });
        self
    }

    /// Adds a series drawn as a line.
    pub fn line<X, Y>(self, name: impl Into<String>, x: X, y: Y) -> Self
    where
        X: IntoIterator,
        X::Item: Borrow<f64>,
        Y: IntoIterator,
        Y::Item: Borrow<f64>,
    {
        self.series(name, x, y, Mark::Line)
    }

    /// Adds a series drawn as dots.
    pub fn points<X, Y>(self, name: impl Into<String>, x: X, y: Y) -> Self
    where
        X: IntoIterator,
        X::Item: Borrow<f64>,
        Y: IntoIterator,
        Y::Item: Borrow<f64>,
    {
        self.series(name, x, y, Mark::Points)
    }

    /// Checks the series: lengths agree, something finite to draw.
    fn validate(&self) -> Result<()> {
        if self.series.is_empty() {
            return Err(Error::invalid(
                format!("LinePlot \"{}\"", self.title),
                "no series to draw: add one with .line(name, x, y) or .points(name, x, y)",
            ));
        }
        for s in &self.series {
            if s.x.len() != s.y.len() {
                return Err(Error::Shape {
                    op: format!("LinePlot \"{}\", series \"{}\"", self.title, s.name),
                    expected: "x and y of the same length".into(),
                    got: format!("x has {} values, y has {}", s.x.len(), s.y.len()),
                });
            }
        }
        let drawable = |s: &Series| s.x.iter().zip(&s.y).any(|(x, y)| self.visible(*x, *y));
        if !self.series.iter().any(drawable) {
            let names: Vec<String> = self
                .series
                .iter()
                .map(|s| {
                    let what = if s.x.is_empty() { "empty" } else { "no finite point" };
                    format!("\"{}\" ({what})", s.name)
                })
                .collect();
            let log = if self.log_y { ", or every value is ≤ 0 on the logarithmic y axis" } else { "" };
            return Err(Error::invalid(
                format!("LinePlot \"{}\"", self.title),
                format!(
                    "nothing to draw: no series has a point with finite x and y{log}: {}. The figure would be \
                     blank; check the values (a NaN loss?)",
                    names.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn visible(&self, x: f64, y: f64) -> bool {
        x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0)
    }

    /// This plot as a panel for [`Figure::grid`] (several plots side by side).
    pub fn panel(self) -> Box<dyn Panel> {
        Box::new(self)
    }

    /// This plot as a one-panel figure.
    pub fn figure(self) -> Figure {
        Figure::new(self)
    }

    /// Draws on a `DrawingArea`, with either coordinate type for y: `y_linear` is the range of a
    /// linear y axis, `None` for a logarithmic one (whose `y_spec` carries its ticks).
    fn draw_on<DB: DrawingBackend, Y>(
        &self,
        area: &DrawingArea<DB, Shift>,
        y_spec: Y,
        y_linear: Option<(f64, f64)>,
        x_range: Option<(f64, f64)>,
    ) -> Result<()>
    where
        Y: plotters::coord::ranged1d::Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
    {
        let points = || self.series.iter().flat_map(|s| s.x.iter().zip(&s.y)).filter(|(x, y)| self.visible(**x, **y));
        let (x0, x1) = x_range.or_else(|| padded_range(points().map(|(x, _)| *x))).unwrap_or((0.0, 1.0));
        let err = |e: &dyn std::fmt::Display| Error::plot(format!("LinePlot \"{}\"", self.title), e);
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", TITLE_SIZE))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y_spec)
            .map_err(|e| err(&e))?;
        let (w, h) = chart.plotting_area().dim_in_pixel();
        let shown = || self.series.iter().flat_map(|s| s.x.iter().zip(&s.y)).filter(|(x, y)| self.visible(**x, **y));
        let x_ticks = Ticks::linear(x0, x1, w, true, whole_numbers(shown().map(|(x, _)| *x)));
        let y_ticks = y_linear.map(|(y0, y1)| Ticks::linear(y0, y1, h, false, whole_numbers(shown().map(|(_, y)| *y))));
        let x_fmt = |v: &f64| x_ticks.label(v);
        let y_fmt = |v: &f64| match &y_ticks {
            Some(t) => t.label(v),
            None => log_label(v),
        };
        let mut mesh = chart.configure_mesh();
        mesh.x_labels(x_ticks.count)
            .y_labels(y_ticks.map_or(11, |t| t.count))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .axis_desc_style(("sans-serif", LABEL_SIZE))
            .label_style(("sans-serif", TICK_SIZE))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT);
        mesh.draw().map_err(|e| err(&e))?;
        for (i, s) in self.series.iter().enumerate() {
            let color = category_color(i);
            let pts: Vec<(f64, f64)> =
                s.x.iter().zip(&s.y).map(|(x, y)| (*x, *y)).filter(|(x, y)| self.visible(*x, *y)).collect();
            let legend_color = color;
            if matches!(s.mark, Mark::Line | Mark::LinePoints) {
                // plotters would squash points outside a fixed range onto the frame: cut the lines instead
                let pieces = match self.y_limits {
                    Some(limits) if !self.log_y => clip_polyline(&pts, limits),
                    _ => vec![pts.clone()],
                };
                let mut legend_done = false;
                for piece in pieces {
                    let drawn =
                        chart.draw_series(LineSeries::new(piece, color.stroke_width(2))).map_err(|e| err(&e))?;
                    if !legend_done {
                        drawn.label(&s.name).legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 18, y)], legend_color.stroke_width(2))
                        });
                        legend_done = true;
                    }
                }
            }
            let pts: Vec<(f64, f64)> = match self.y_limits {
                Some((lo, hi)) if !self.log_y => pts.into_iter().filter(|p| (lo..=hi).contains(&p.1)).collect(),
                _ => pts,
            };
            if matches!(s.mark, Mark::Points | Mark::LinePoints) {
                let drawn =
                    chart.draw_series(pts.iter().map(|p| Circle::new(*p, 3, color.filled()))).map_err(|e| err(&e))?;
                if s.mark == Mark::Points {
                    drawn.label(&s.name).legend(move |(x, y)| Circle::new((x + 9, y), 4, legend_color.filled()));
                }
            }
        }
        if self.series.iter().any(|s| !s.name.is_empty()) {
            // the points, and the lines between them, that the legend should not cover
            let mut shown: Vec<(f64, f64)> = points().map(|(x, y)| (*x, *y)).collect();
            for s in self.series.iter().filter(|s| s.mark != Mark::Points) {
                for (a, b) in s.x.iter().zip(&s.y).zip(s.x.iter().zip(&s.y).skip(1)) {
                    if self.visible(*a.0, *a.1) && self.visible(*b.0, *b.1) {
                        shown.extend((1..16).map(|k| {
                            let t = k as f64 / 16.0;
                            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
                        }));
                    }
                }
            }
            let labels: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
            draw_legend(&mut chart, &format!("LinePlot \"{}\"", self.title), &shown, &labels)?;
        }
        Ok(())
    }
}

/// The parts of a polyline inside the horizontal band y ∈ [lo, hi], cut where it crosses the band's
/// edges.
fn clip_polyline(points: &[(f64, f64)], (lo, hi): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| (lo..=hi).contains(&y);
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![];
    let mut current: Vec<(f64, f64)> = vec![];
    for (k, &p) in points.iter().enumerate() {
        if k > 0 {
            let q = points[k - 1];
            // the part of the segment q → p inside the band, as parameters t ∈ [t0, t1]
            let (mut t0, mut t1) = (0.0f64, 1.0f64);
            let dy = p.1 - q.1;
            if dy == 0.0 {
                if !inside(q.1) {
                    t0 = 1.0;
                    t1 = 0.0;
                }
            } else {
                let (ta, tb) = ((lo - q.1) / dy, (hi - q.1) / dy);
                t0 = t0.max(ta.min(tb));
                t1 = t1.min(ta.max(tb));
            }
            if t0 <= t1 {
                let at = |t: f64| (q.0 + t * (p.0 - q.0), q.1 + t * dy);
                if current.is_empty() || t0 > 0.0 {
                    if !current.is_empty() {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.push(at(t0));
                }
                current.push(at(t1));
                if t1 < 1.0 {
                    pieces.push(std::mem::take(&mut current));
                }
            } else if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
        } else if inside(p.1) && points.len() == 1 {
            current.push(p);
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

impl Draw for LinePlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        self.validate()?;
        let ys = self.series.iter().flat_map(|s| s.x.iter().zip(&s.y)).filter(|(x, y)| self.visible(**x, **y));
        let (y0, y1) = self.y_limits.or_else(|| padded_range(ys.map(|(_, y)| *y))).unwrap_or((0.0, 1.0));
        if self.log_y {
            let lo = self
                .series
                .iter()
                .flat_map(|s| s.y.iter().copied())
                .filter(|y| y.is_finite() && *y > 0.0)
                .fold(f64::INFINITY, f64::min);
            let hi = self.series.iter().flat_map(|s| s.y.iter().copied()).filter(|y| y.is_finite()).fold(0.0, f64::max);
            let (lo, hi) = if lo.is_finite() && hi > lo { (lo * 0.8, hi * 1.25) } else { (0.1, 10.0) };
            // the plotting height: the area minus margins, the x labels and the title
            let height = area.dim_in_pixel().1.saturating_sub(24 + 44 + if self.title.is_empty() { 0 } else { 32 });
            let y: LogCoord<f64> = (lo..hi).log_scale().into();
            self.draw_on(area, y.with_key_points(log_ticks(lo, hi, height)), None, None)
        } else {
            let xs = self.series.iter().flat_map(|s| s.x.iter().zip(&s.y)).filter(|(x, y)| self.visible(**x, **y));
            let x_range = padded_range(xs.map(|(x, _)| *x)).unwrap_or((0.0, 1.0));
            let ((x0, x1), (y0, y1)) = if self.equal {
                let (w, h) = area.dim_in_pixel();
                let title = if self.title.is_empty() { 0 } else { 32 };
                equal_aspect(x_range, (y0, y1), (w.saturating_sub(24 + 64), h.saturating_sub(24 + 44 + title)))
            } else {
                (x_range, (y0, y1))
            };
            let y: plotters::coord::types::RangedCoordf64 = (y0..y1).into();
            self.draw_on(area, y, Some((y0, y1)), Some((x0, x1)))
        }
    }
}

impl From<LinePlot> for Figure {
    fn from(p: LinePlot) -> Figure {
        Figure::new(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_png_and_svg() {
        let fig = LinePlot::new("t").line("a", &[0.0, 1.0, 2.0], &[1.0, 3.0, 2.0]).points("b", [0.5], [2.0]).figure();
        let png = fig.to_png().unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(fig.to_svg().unwrap().contains("<svg"));
    }

    #[test]
    fn lines_are_cut_at_a_fixed_range() {
        // (0, 0) → (1, 100) leaves the band y ≤ 1 at x = 0.01 and comes back at the end
        let pieces = clip_polyline(&[(0.0, 0.0), (1.0, 100.0), (2.0, 0.0)], (-1.0, 1.0));
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0], vec![(0.0, 0.0), (0.01, 1.0)]);
        assert!((pieces[1][0].0 - 1.99).abs() < 1e-12 && pieces[1][1] == (2.0, 0.0));
        assert_eq!(clip_polyline(&[(0.0, 0.5), (1.0, 0.2)], (0.0, 1.0)), vec![vec![(0.0, 0.5), (1.0, 0.2)]]);
        assert!(clip_polyline(&[(0.0, 5.0), (1.0, 6.0)], (0.0, 1.0)).is_empty());
    }

    #[test]
    fn degenerate_inputs_draw_or_explain() {
        // constant data, NaN and infinities, a log axis with non-positive values: all draw.
        let fig = LinePlot::new("c").line("flat", &[1.0, 1.0], &[2.0, 2.0]).figure();
        assert!(fig.to_png().is_ok());
        let fig = LinePlot::new("cut").y_range(-1.0, 1.0).line("big", &[0.0, 1.0, 2.0], &[0.0, 100.0, -5.0]).figure();
        assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        let fig = LinePlot::new("circle").equal_aspect().line("c", &[1.0, 0.0, -1.0], &[0.0, 1.0, 0.0]).figure();
        assert!(fig.to_png().is_ok());
        let fig = LinePlot::new("nan").line("n", &[0.0, 1.0, 2.0], &[f64::NAN, 1.0, f64::INFINITY]).figure();
        assert!(fig.to_png().is_ok());
        let fig = LinePlot::new("log").log_y().line("l", &[0.0, 1.0, 2.0], &[0.0, -1.0, 2.0]).figure();
        assert!(fig.to_png().is_ok());
        // an empty plot and mismatched lengths are errors that name the plot and the series.
        let e = LinePlot::new("empty").figure().to_png().unwrap_err().to_string();
        assert!(e.contains("empty") && e.contains("no series"), "{e}");
        let e = LinePlot::new("m").line("s", &[0.0, 1.0], &[1.0]).figure().to_png().unwrap_err().to_string();
        assert!(e.contains("series \"s\"") && e.contains("x has 2 values, y has 1"), "{e}");
    }

    #[test]
    fn a_plot_with_nothing_finite_is_refused_not_blank() {
        let e = LinePlot::new("loss").line("train", [1.0, 2.0], [f64::NAN, f64::NAN]).line(
            "val",
            Vec::<f64>::new(),
            Vec::<f64>::new(),
        );
        let e = e.figure().to_png().unwrap_err().to_string();
        assert_eq!(
            e,
            "LinePlot \"loss\": nothing to draw: no series has a point with finite x and y: \"train\" (no finite \
             point), \"val\" (empty). The figure would be blank; check the values (a NaN loss?)"
        );
        let e = LinePlot::new("log").log_y().line("l", [0.0, 1.0], [0.0, -1.0]).figure().to_svg().unwrap_err();
        assert!(e.to_string().contains("every value is ≤ 0 on the logarithmic y axis"), "{e}");
        // one drawable point is enough
        assert!(LinePlot::new("one").line("a", [0.0, 1.0], [f64::NAN, 1.0]).figure().to_png().is_ok());
    }
}
