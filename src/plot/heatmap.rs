//! A function of two variables as colours over the plane, with level lines and overlays: loss
//! surfaces with optimisation paths, probability maps, decision regions, gradient fields.

use super::figure::{Draw, Figure, Panel};
use super::style::{
    cartesian_chart, category_color, draw_colorbar, draw_legend, finite_range, padded_range, pale, viridis,
};
use crate::datasets::Dataset;
use crate::error::{Error, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use plotters::coord::Shift;
use plotters::prelude::*;

/// How the cells of the grid are coloured.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fill {
    /// Continuous viridis colours, with a colour bar.
    Colormap,
    /// `k` bands of constant colour (filled contours), with a colour bar.
    Bands(usize),
    /// Values are class indices: pale class colours (decision regions).
    Classes,
    /// White: only the level lines and overlays.
    None,
}

/// Something drawn over the colours.
#[derive(Clone, Debug)]
enum Overlay {
    /// Points of one colour index, with a legend entry.
    Points { name: String, colour: usize, points: Vec<(f64, f64)> },
    /// A polyline with dots (an optimisation path), with a legend entry.
    Path { name: String, colour: usize, points: Vec<(f64, f64)> },
    /// Arrows from each point along its vector.
    Arrows { starts: Vec<(f64, f64)>, vectors: Vec<(f64, f64)> },
}

/// A scalar field z = f(x, y) sampled on a grid, drawn as colours (with a colour bar), level
/// lines, or class regions; with points, paths and arrows on top.
///
/// ```
/// use dlcourse::prelude::*;
/// let bowl = Heatmap::from_fn("x² + 3y²", (-2.0, 2.0), (-2.0, 2.0), 60, |x, y| x * x + 3.0 * y * y)
///     .levels(8)
///     .path("gradient descent", &[(1.5, 1.5), (0.9, 0.3), (0.5, 0.05), (0.0, 0.0)])
///     .quiver(9, |x, y| (-2.0 * x, -6.0 * y));
/// assert!(bowl.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct Heatmap {
    title: String,
    x_label: String,
    y_label: String,
    x_range: (f64, f64),
    y_range: (f64, f64),
    /// `values[[j, i]]` is the value at (x_i, y_j): rows go up the y axis.
    values: Array2<f64>,
    fill: Fill,
    levels: Vec<f64>,
    overlays: Vec<Overlay>,
    equal: bool,
    colours_used: usize,
    /// Why the heatmap cannot be drawn (a resolution over [`MAX_HEATMAP_RESOLUTION`] given to
    /// a method that cannot return an error): drawing returns it as the error.
    problem: Option<(String, String)>,
}

/// The largest resolution of a heatmap's grid (or of its arrows): 1000 × 1000 samples, more
/// than the pixels of a figure's panel.
pub const MAX_HEATMAP_RESOLUTION: usize = 1000;

/// What is wrong with `resolution` if it is over [`MAX_HEATMAP_RESOLUTION`].
fn resolution_problem(what: &str, resolution: usize) -> Option<String> {
    (resolution > MAX_HEATMAP_RESOLUTION).then(|| {
        format!(
            "{what} = {resolution} is too large: at most {MAX_HEATMAP_RESOLUTION} ({resolution} × {resolution} \
             samples would take {:.1} GB, and more time than the few hundred pixels of a figure can show); 60 to \
             200 is plenty",
            (resolution as f64).powi(2) * 8.0 / 1e9
        )
    })
}

/// `n` evenly spaced values from `lo` to `hi` inclusive.
fn grid(lo: f64, hi: f64, n: usize) -> Array1<f64> {
    Array1::linspace(lo, hi, n.max(2))
}

fn check_range(op: &str, name: &str, r: (f64, f64)) -> Result<()> {
    if r.0.is_finite() && r.1.is_finite() && r.0 < r.1 {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("{name} = {r:?}: give a finite interval (low, high) with low < high")))
    }
}

impl Heatmap {
    /// Samples `f(x, y)` on a `resolution × resolution` grid over the rectangle.
    ///
    /// Ranges that are empty or not finite are replaced by (−1, 1) so that something is drawn;
    /// use [`Heatmap::from_grid`] to get an error instead. A resolution over
    /// [`MAX_HEATMAP_RESOLUTION`] is not sampled: drawing the heatmap returns an error that
    /// gives it.
    pub fn from_fn(
        title: impl Into<String>,
        x_range: (f64, f64),
        y_range: (f64, f64),
        resolution: usize,
        f: impl Fn(f64, f64) -> f64,
    ) -> Self {
        let title = title.into();
        let fix = |r: (f64, f64)| if check_range("", "", r).is_ok() { r } else { (-1.0, 1.0) };
        let (x_range, y_range) = (fix(x_range), fix(y_range));
        if let Some(problem) = resolution_problem("resolution", resolution) {
            let op = format!("Heatmap::from_fn \"{title}\"");
            let mut map = Self::with_values(title, x_range, y_range, Array2::zeros((2, 2)), Fill::Colormap);
            map.problem = Some((op, problem));
            return map;
        }
        let (xs, ys) = (grid(x_range.0, x_range.1, resolution), grid(y_range.0, y_range.1, resolution));
        let values = Array2::from_shape_fn((ys.len(), xs.len()), |(j, i)| f(xs[i], ys[j]));
        Self::with_values(title, x_range, y_range, values, Fill::Colormap)
    }

    /// Values already computed on a grid: `values[[j, i]]` is the value at the i-th x and the
    /// j-th y (rows go up the y axis), the grid spanning the two ranges.
    pub fn from_grid(
        title: impl Into<String>,
        values: ArrayView2<f64>,
        x_range: (f64, f64),
        y_range: (f64, f64),
    ) -> Result<Self> {
        let title = title.into();
        let op = format!("Heatmap::from_grid \"{title}\"");
        check_range(&op, "x_range", x_range)?;
        check_range(&op, "y_range", y_range)?;
        if values.nrows() < 2 || values.ncols() < 2 {
            return Err(Error::Shape {
                op,
                expected: "a grid of at least 2 × 2 values".into(),
                got: format!("{:?}", values.shape()),
            });
        }
        Ok(Self::with_values(title, x_range, y_range, values.to_owned(), Fill::Colormap))
    }

    /// The regions where `classify` predicts each class, as pale class colours. `classify` gets
    /// all grid points at once (one row (x, y) per point) and returns one class index per row.
    pub fn decision_regions(
        title: impl Into<String>,
        x_range: (f64, f64),
        y_range: (f64, f64),
        resolution: usize,
        classify: impl Fn(ArrayView2<f64>) -> Array1<usize>,
    ) -> Result<Self> {
        let title = title.into();
        let op = format!("Heatmap::decision_regions \"{title}\"");
        check_range(&op, "x_range", x_range)?;
        check_range(&op, "y_range", y_range)?;
        if let Some(problem) = resolution_problem("resolution", resolution) {
            return Err(Error::invalid(op, problem));
        }
        let (xs, ys) = (grid(x_range.0, x_range.1, resolution), grid(y_range.0, y_range.1, resolution));
        let (nx, ny) = (xs.len(), ys.len());
        let points = Array2::from_shape_fn((nx * ny, 2), |(k, c)| if c == 0 { xs[k % nx] } else { ys[k / nx] });
        let classes = classify(points.view());
        if classes.len() != nx * ny {
            return Err(Error::Shape {
                op,
                expected: format!("the classifier to return one class per grid point ({})", nx * ny),
                got: format!("{} classes", classes.len()),
            });
        }
        let values = Array2::from_shape_fn((ny, nx), |(j, i)| classes[j * nx + i] as f64);
        let mut map = Self::with_values(title, x_range, y_range, values, Fill::Classes);
        map.levels = (0..classes.iter().max().map_or(0, |m| *m)).map(|c| c as f64 + 0.5).collect();
        Ok(map)
    }

    fn with_values(title: String, x_range: (f64, f64), y_range: (f64, f64), values: Array2<f64>, fill: Fill) -> Self {
        Heatmap {
            title,
            x_label: "x".into(),
            y_label: "y".into(),
            x_range,
            y_range,
            values,
            fill,
            levels: vec![],
            overlays: vec![],
            equal: false,
            colours_used: 0,
            problem: None,
        }
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

    /// One unit has the same length on both axes (circles look round, gradients look
    /// perpendicular to level lines).
    pub fn equal_aspect(mut self) -> Self {
        self.equal = true;
        self
    }

    /// `n` level lines evenly spaced between the smallest and largest value.
    pub fn levels(mut self, n: usize) -> Self {
        if let Some((lo, hi)) = finite_range(self.values.iter()) {
            self.levels = (1..=n).map(|k| lo + (hi - lo) * k as f64 / (n + 1) as f64).collect();
        }
        self
    }

    /// `n` level lines spaced evenly in log scale between the smallest positive and the largest
    /// value (for losses that span several decades).
    pub fn log_levels(mut self, n: usize) -> Self {
        let positive: Vec<f64> = self.values.iter().copied().filter(|v| *v > 0.0).collect();
        if let Some((lo, hi)) = finite_range(positive.iter()) {
            let (a, b) = (lo.ln(), hi.ln());
            self.levels = (1..=n).map(|k| (a + (b - a) * k as f64 / (n + 1) as f64).exp()).collect();
        }
        self
    }

    /// Level lines at the given values (e.g. `&[0.5]` for the boundary of a probability map).
    pub fn level_values(mut self, values: &[f64]) -> Self {
        self.levels = values.to_vec();
        self
    }

    /// Colours in `n` constant bands (filled contours) instead of a continuous scale.
    pub fn bands(mut self, n: usize) -> Self {
        if self.fill != Fill::Classes {
            self.fill = Fill::Bands(n.max(2));
        }
        self
    }

    /// No colours: level lines and overlays on white.
    pub fn lines_only(mut self) -> Self {
        self.fill = Fill::None;
        self
    }

    fn next_colour(&mut self) -> usize {
        self.colours_used += 1;
        self.colours_used - 1
    }

    /// Points (n × 2) of one colour, with a legend entry.
    pub fn points(mut self, name: impl Into<String>, points: ArrayView2<f64>) -> Result<Self> {
        let name = name.into();
        let pts = rows_as_pairs(&format!("Heatmap::points \"{name}\""), points)?;
        let colour = self.next_colour();
        self.overlays.push(Overlay::Points { name, colour, points: pts });
        Ok(self)
    }

    /// Points (n × 2) coloured by class label, one legend entry per class (class c has colour c,
    /// the colour of its region in [`Heatmap::decision_regions`]).
    pub fn classes(mut self, points: ArrayView2<f64>, labels: ArrayView1<usize>, names: &[String]) -> Result<Self> {
        let pts = rows_as_pairs("Heatmap::classes", points)?;
        if pts.len() != labels.len() {
            return Err(Error::Shape {
                op: "Heatmap::classes".into(),
                expected: "one label per point".into(),
                got: format!("{} points, {} labels", pts.len(), labels.len()),
            });
        }
        let n_classes = labels.iter().max().map_or(0, |m| m + 1);
        for c in 0..n_classes {
            let points: Vec<(f64, f64)> = pts.iter().zip(labels).filter(|(_, l)| **l == c).map(|(p, _)| *p).collect();
            let name = names.get(c).cloned().unwrap_or_else(|| format!("class {c}"));
            self.overlays.push(Overlay::Points { name, colour: c, points });
        }
        self.colours_used = self.colours_used.max(n_classes);
        Ok(self)
    }

    /// A path through the given points (an optimisation trajectory), with a legend entry.
    pub fn path(mut self, name: impl Into<String>, points: &[(f64, f64)]) -> Self {
        let colour = self.next_colour();
        self.overlays.push(Overlay::Path { name: name.into(), colour, points: points.to_vec() });
        self
    }

    /// Arrows of a vector field sampled on an `n × n` grid, scaled so that the longest arrow is
    /// 0.9 grid spacings long (a zero vector is drawn as a dot). For gradients, pass ∇f to show
    /// steepest ascent or −∇f to show the way gradient descent goes.
    ///
    /// An `n` over [`MAX_HEATMAP_RESOLUTION`] draws no arrows: drawing returns an error that gives it.
    pub fn quiver(mut self, n: usize, field: impl Fn(f64, f64) -> (f64, f64)) -> Self {
        if let Some(problem) = resolution_problem("n", n) {
            let op = format!("Heatmap::quiver \"{}\"", self.title);
            self.problem.get_or_insert((op, problem));
            return self;
        }
        let (xs, ys) = (grid(self.x_range.0, self.x_range.1, n + 2), grid(self.y_range.0, self.y_range.1, n + 2));
        let mut starts = vec![];
        let mut vectors = vec![];
        for &y in ys.iter().skip(1).take(n) {
            for &x in xs.iter().skip(1).take(n) {
                starts.push((x, y));
                vectors.push(field(x, y));
            }
        }
        let longest = vectors.iter().map(|(u, v)| u.hypot(*v)).filter(|l| l.is_finite()).fold(0.0, f64::max);
        let spacing = ((self.x_range.1 - self.x_range.0) / (n + 1) as f64)
            .min((self.y_range.1 - self.y_range.0) / (n + 1) as f64);
        let scale = if longest > 0.0 { 0.9 * spacing / longest } else { 0.0 };
        let vectors = vectors.into_iter().map(|(u, v)| (u * scale, v * scale)).collect();
        self.overlays.push(Overlay::Arrows { starts, vectors });
        self
    }

    /// This plot as a panel for [`Figure::grid`] (several plots side by side).
    pub fn panel(self) -> Box<dyn Panel> {
        Box::new(self)
    }

    /// This plot as a one-panel figure.
    pub fn figure(self) -> Figure {
        Figure::new(self)
    }

    fn value_range(&self) -> (f64, f64) {
        finite_range(self.values.iter()).unwrap_or((0.0, 1.0))
    }

    /// The fill colour of a value.
    fn colour(&self, v: f64, (lo, hi): (f64, f64)) -> RGBColor {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        match self.fill {
            Fill::Colormap => viridis(if v.is_finite() { t } else { f64::NAN }),
            Fill::Bands(k) => viridis(if v.is_finite() {
                ((t * k as f64).floor().min(k as f64 - 1.0) + 0.5) / k as f64
            } else {
                f64::NAN
            }),
            Fill::Classes if v.is_finite() => pale(category_color(v as usize), 0.7),
            Fill::Classes => RGBColor(220, 220, 220),
            Fill::None => WHITE,
        }
    }
}

/// Rows of an n × 2 array as (x, y) pairs.
fn rows_as_pairs(op: &str, points: ArrayView2<f64>) -> Result<Vec<(f64, f64)>> {
    if points.ncols() != 2 {
        return Err(Error::Shape {
            op: op.into(),
            expected: "points of shape (n, 2)".into(),
            got: format!("{:?}", points.shape()),
        });
    }
    Ok(points.rows().into_iter().map(|r| (r[0], r[1])).collect())
}

/// Segments of the level line `level` through one grid cell with corner values
/// `v` = [bottom-left, bottom-right, top-right, top-left] at `corners` (marching squares).
fn cell_segments(v: [f64; 4], corners: [(f64, f64); 4], level: f64) -> Vec<((f64, f64), (f64, f64))> {
    if v.iter().any(|v| !v.is_finite()) {
        return vec![];
    }
    let mut crossings = vec![];
    for k in 0..4 {
        let (a, b) = (v[k], v[(k + 1) % 4]);
        if (a < level) != (b < level) {
            let t = (level - a) / (b - a);
            let (p, q) = (corners[k], corners[(k + 1) % 4]);
            crossings.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
        }
    }
    match crossings.len() {
        2 => vec![(crossings[0], crossings[1])],
        // a saddle cell: join the crossings according to the value at the centre
        4 => {
            let centre = v.iter().sum::<f64>() / 4.0;
            if (centre < level) == (v[0] < level) {
                vec![(crossings[0], crossings[3]), (crossings[1], crossings[2])]
            } else {
                vec![(crossings[0], crossings[1]), (crossings[2], crossings[3])]
            }
        }
        _ => vec![],
    }
}

impl Draw for Heatmap {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        if let Some((op, problem)) = &self.problem {
            return Err(Error::invalid(op.clone(), problem.clone()));
        }
        let err = |e: &dyn std::fmt::Display| Error::plot(format!("Heatmap \"{}\"", self.title), e);
        let with_bar = matches!(self.fill, Fill::Colormap | Fill::Bands(_));
        let (w, _) = area.dim_in_pixel();
        let (main, bar) =
            if with_bar { area.split_horizontally(w.saturating_sub(80)) } else { area.split_horizontally(w) };
        let mut chart = cartesian_chart(
            &main,
            &self.title,
            (&self.x_label, &self.y_label),
            self.x_range,
            self.y_range,
            self.equal,
            (false, false),
        )?;
        let (ny, nx) = self.values.dim();
        let (xs, ys) = (grid(self.x_range.0, self.x_range.1, nx), grid(self.y_range.0, self.y_range.1, ny));
        let (dx, dy) = ((xs[1] - xs[0]) / 2.0, (ys[1] - ys[0]) / 2.0);
        let range = self.value_range();
        if self.fill != Fill::None {
            let cell = |j: usize, i: usize| {
                let (x0, x1) = ((xs[i] - dx).max(self.x_range.0), (xs[i] + dx).min(self.x_range.1));
                let (y0, y1) = ((ys[j] - dy).max(self.y_range.0), (ys[j] + dy).min(self.y_range.1));
                Rectangle::new([(x0, y0), (x1, y1)], self.colour(self.values[[j, i]], range).filled())
            };
            chart
                .draw_series((0..ny).flat_map(|j| (0..nx).map(move |i| (j, i))).map(|(j, i)| cell(j, i)))
                .map_err(|e| err(&e))?;
        }
        let line_colour = if self.fill == Fill::None { RGBColor(60, 60, 60) } else { WHITE };
        for &level in &self.levels {
            let mut segments = vec![];
            for j in 0..ny - 1 {
                for i in 0..nx - 1 {
                    let v = [
                        self.values[[j, i]],
                        self.values[[j, i + 1]],
                        self.values[[j + 1, i + 1]],
                        self.values[[j + 1, i]],
                    ];
                    let c = [(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])];
                    segments.extend(cell_segments(v, c, level));
                }
            }
            let style =
                if self.fill == Fill::Classes { BLACK.stroke_width(2) } else { line_colour.mix(0.85).stroke_width(1) };
            chart
                .draw_series(segments.into_iter().map(|(a, b)| PathElement::new(vec![a, b], style)))
                .map_err(|e| err(&e))?;
        }
        let mut legend = false;
        for overlay in &self.overlays {
            match overlay {
                Overlay::Points { name, colour, points } => {
                    let c = category_color(*colour);
                    let visible = points.iter().filter(|(x, y)| x.is_finite() && y.is_finite());
                    chart
                        .draw_series(visible.map(|p| Circle::new(*p, 3, c.filled())))
                        .map_err(|e| err(&e))?
                        .label(name)
                        .legend(move |(x, y)| Circle::new((x + 9, y), 4, c.filled()));
                    legend = true;
                }
                Overlay::Path { name, colour, points } => {
                    let c = category_color(*colour);
                    let visible: Vec<(f64, f64)> =
                        points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
                    chart
                        .draw_series(LineSeries::new(visible.clone(), c.stroke_width(2)))
                        .map_err(|e| err(&e))?
                        .label(name)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
                    chart.draw_series(visible.iter().map(|p| Circle::new(*p, 2, c.filled()))).map_err(|e| err(&e))?;
                    if let Some(last) = visible.last() {
                        chart.draw_series([Cross::new(*last, 6, c.stroke_width(2))]).map_err(|e| err(&e))?;
                    }
                    legend = true;
                }
                Overlay::Arrows { starts, vectors } => {
                    let colour =
                        if self.fill == Fill::Colormap || matches!(self.fill, Fill::Bands(_)) { WHITE } else { BLACK };
                    // arrow heads are drawn in pixel space so that they keep their shape on any aspect ratio
                    let (pw, ph) = chart.plotting_area().dim_in_pixel();
                    let (x_r, y_r) = (chart.x_range(), chart.y_range());
                    let (sx, sy) = (pw as f64 / (x_r.end - x_r.start), ph as f64 / (y_r.end - y_r.start));
                    for (&(x, y), &(u, v)) in starts.iter().zip(vectors) {
                        if !(u.is_finite() && v.is_finite()) {
                            continue;
                        }
                        let (pu, pv) = (u * sx, v * sy);
                        let len = pu.hypot(pv);
                        if len < 1.0 {
                            chart.draw_series([Circle::new((x, y), 2, colour.filled())]).map_err(|e| err(&e))?;
                            continue;
                        }
                        let tip = (x + u, y + v);
                        let head = 6.0_f64.min(len / 2.0);
                        let (bu, bv) = (-pu / len * head, -pv / len * head);
                        let side = |sign: f64| {
                            let (c, s) = (0.45_f64.cos(), sign * 0.45_f64.sin());
                            (tip.0 + (bu * c - bv * s) / sx, tip.1 + (bu * s + bv * c) / sy)
                        };
                        let path = vec![side(1.0), tip, side(-1.0)];
                        chart
                            .draw_series([
                                PathElement::new(vec![(x, y), tip], colour.stroke_width(1)),
                                PathElement::new(path, colour.stroke_width(1)),
                            ])
                            .map_err(|e| err(&e))?;
                    }
                }
            }
        }
        if legend {
            let mut shown = vec![];
            let mut labels = vec![];
            for overlay in &self.overlays {
                match overlay {
                    Overlay::Points { name, points, .. } | Overlay::Path { name, points, .. } => {
                        shown.extend(points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()));
                        labels.push(name.as_str());
                    }
                    Overlay::Arrows { .. } => {}
                }
            }
            draw_legend(&mut chart, &format!("Heatmap \"{}\"", self.title), &shown, &labels)?;
        }
        if with_bar {
            let top = if self.title.is_empty() { 12 } else { 44 };
            let fill = self.fill;
            draw_colorbar(
                &bar,
                range,
                move |t| match fill {
                    Fill::Bands(k) => viridis(((t * k as f64).floor().min(k as f64 - 1.0) + 0.5) / k as f64),
                    _ => viridis(t),
                },
                top,
            )?;
        }
        Ok(())
    }
}

/// The decision regions of a classifier over the bounding box of a 2-D data set, with the data
/// points on top coloured by their true class (a point on a region of another colour is an error).
///
/// `classify` gets the grid points (one row (x₁, x₂) per point) and returns a class per row.
pub fn decision_boundary(
    title: impl Into<String>,
    data: &Dataset<usize>,
    classify: impl Fn(ArrayView2<f64>) -> Array1<usize>,
) -> Result<Heatmap> {
    let title = title.into();
    if data.n_features() != 2 || data.n_samples() == 0 {
        return Err(Error::Shape {
            op: format!("decision_boundary \"{title}\""),
            expected: "a non-empty data set with 2 features".into(),
            got: format!("{:?}", data.features.shape()),
        });
    }
    let x_range = padded_range(data.features.column(0).iter().copied()).unwrap_or((-1.0, 1.0));
    let y_range = padded_range(data.features.column(1).iter().copied()).unwrap_or((-1.0, 1.0));
    let names = data.target_names.clone();
    let (x_label, y_label) = (
        data.feature_names.first().cloned().unwrap_or_else(|| "x₁".into()),
        data.feature_names.get(1).cloned().unwrap_or_else(|| "x₂".into()),
    );
    Heatmap::decision_regions(title, x_range, y_range, 150, classify)?.x_label(x_label).y_label(y_label).classes(
        data.features.view(),
        data.targets.view(),
        &names,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn level_lines_cross_where_the_value_crosses() {
        // a linear function: the level 0.5 crosses the bottom edge at x = 0.5 and the top edge too
        let segs = cell_segments([0.0, 1.0, 1.0, 0.0], [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], 0.5);
        assert_eq!(segs, vec![((0.5, 0.0), (0.5, 1.0))]);
        assert!(cell_segments([0.0; 4], [(0.0, 0.0); 4], 0.5).is_empty());
        assert_eq!(cell_segments([1.0, 0.0, 1.0, 0.0], [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], 0.5).len(), 2);
    }

    #[test]
    fn every_variant_renders_png_and_svg() {
        let base = Heatmap::from_fn("f", (-1.0, 1.0), (-1.0, 2.0), 30, |x, y| x * x - y).levels(5);
        let variants = vec![
            base.clone(),
            base.clone().bands(6).equal_aspect(),
            base.clone().lines_only().path("p", &[(0.5, 0.5), (0.0, 0.0)]).quiver(5, |x, y| (2.0 * x, -1.0 + 0.0 * y)),
            base.clone().log_levels(4),
            Heatmap::from_fn("constant", (0.0, 1.0), (0.0, 1.0), 10, |_, _| 3.0).levels(3),
            Heatmap::from_fn("nan", (0.0, 1.0), (1.0, 1.0), 10, |x, _| if x > 0.5 { f64::NAN } else { x }).levels(3),
        ];
        for h in variants {
            let fig = h.figure();
            assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        }
    }

    #[test]
    fn decision_regions_and_errors() {
        let data = crate::datasets::xor(40, 0.2, 1).unwrap();
        let fig =
            decision_boundary("xor", &data, |p| p.rows().into_iter().map(|r| usize::from(r[0] * r[1] < 0.0)).collect())
                .unwrap()
                .figure();
        assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        let e = Heatmap::decision_regions("d", (0.0, 1.0), (0.0, 1.0), 10, |_| array![0usize]).unwrap_err().to_string();
        assert!(e.contains("one class per grid point (100)"), "{e}");
        let e = Heatmap::from_grid("g", array![[1.0]].view(), (0.0, 1.0), (0.0, 1.0)).unwrap_err().to_string();
        assert!(e.contains("at least 2 × 2"), "{e}");
        assert!(Heatmap::from_grid("g", array![[1.0, 2.0], [3.0, 4.0]].view(), (1.0, 0.0), (0.0, 1.0)).is_err());
        let e = Heatmap::from_fn("f", (0.0, 1.0), (0.0, 1.0), 5, |x, _| x)
            .points("p", array![[1.0, 2.0, 3.0]].view())
            .unwrap_err();
        assert!(e.to_string().contains("(n, 2)"));
    }

    #[test]
    fn a_resolution_too_large_is_refused_without_sampling() {
        let calls = std::cell::Cell::new(0usize);
        let map = Heatmap::from_fn("big", (0.0, 1.0), (0.0, 1.0), 100_000, |x, _| {
            calls.set(calls.get() + 1);
            x
        });
        assert_eq!(calls.get(), 0, "f is not evaluated 10¹⁰ times");
        let e = map.levels(5).figure().to_png().unwrap_err().to_string();
        assert_eq!(
            e,
            "Heatmap::from_fn \"big\": resolution = 100000 is too large: at most 1000 (100000 × 100000 samples \
             would take 80.0 GB, and more time than the few hundred pixels of a figure can show); 60 to 200 is plenty"
        );
        let e = Heatmap::decision_regions("d", (0.0, 1.0), (0.0, 1.0), 5000, |p| Array1::zeros(p.nrows()));
        assert!(e.unwrap_err().to_string().contains("resolution = 5000 is too large"));
        let e = Heatmap::from_fn("q", (0.0, 1.0), (0.0, 1.0), 10, |x, _| x).quiver(2000, |x, y| (x, y));
        assert!(e.figure().to_svg().unwrap_err().to_string().starts_with("Heatmap::quiver \"q\": n = 2000"));
        assert!(Heatmap::from_fn("ok", (0.0, 1.0), (0.0, 1.0), 1000, |x, y| x * y).figure().to_png().is_ok());
    }
}
