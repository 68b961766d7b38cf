//! A matrix as a grid of coloured cells with row and column labels: confusion matrices,
//! attention weights, weight matrices.

use super::figure::{Draw, Figure, Panel};
use super::style::{colour_scale, diverging, draw_colorbar, finite_range, viridis, TICK_SIZE, TITLE_SIZE};
use crate::error::{Error, Result};
use ndarray::{Array2, ArrayView2};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The largest side, in pixels, of the grid of cells of [`MatrixPlot::figure`].
const MAX_GRID_PX: usize = 1800;

/// A matrix drawn cell by cell (row 0 at the top), with optional labels, values written in the
/// cells, and a colour bar.
///
/// ```
/// use dlcourse::prelude::*;
/// let confusion = array![[50.0, 2.0], [3.0, 45.0]];
/// let m = MatrixPlot::new("confusion", confusion.view()).row_labels(&["cat", "dog"]).col_labels(&["cat", "dog"])
///     .axis_labels("predicted", "true").annotate();
/// assert!(m.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct MatrixPlot {
    title: String,
    values: Array2<f64>,
    row_labels: Vec<String>,
    col_labels: Vec<String>,
    axis_labels: (String, String),
    annotate: bool,
    signed: bool,
    range: Option<(f64, f64)>,
}

impl MatrixPlot {
    /// A plot of `values` (rows × columns).
    pub fn new(title: impl Into<String>, values: ArrayView2<f64>) -> Self {
        MatrixPlot {
            title: title.into(),
            values: values.to_owned(),
            row_labels: vec![],
            col_labels: vec![],
            axis_labels: (String::new(), String::new()),
            annotate: false,
            signed: false,
            range: None,
        }
    }

    /// Names of the rows, top to bottom.
    pub fn row_labels(mut self, labels: &[impl ToString]) -> Self {
        self.row_labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }

    /// Names of the columns, left to right.
    pub fn col_labels(mut self, labels: &[impl ToString]) -> Self {
        self.col_labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }

    /// What the columns and the rows stand for (e.g. "predicted", "true"; "key", "query").
    pub fn axis_labels(mut self, columns: impl Into<String>, rows: impl Into<String>) -> Self {
        self.axis_labels = (columns.into(), rows.into());
        self
    }

    /// Writes each value in its cell (integers without decimals, others with two).
    pub fn annotate(mut self) -> Self {
        self.annotate = true;
        self
    }

    /// Signed values: a blue–white–red scale symmetric around 0 (for weights).
    pub fn signed(mut self) -> Self {
        self.signed = true;
        self
    }

    /// Fixes the range of the colour scale (e.g. (0, 1) for probabilities).
    pub fn range(mut self, low: f64, high: f64) -> Self {
        self.range = Some((low, high));
        self
    }

    /// This plot as a panel for [`Figure::grid`] (several plots side by side).
    pub fn panel(self) -> Box<dyn Panel> {
        Box::new(self)
    }

    /// This plot as a one-panel figure, sized to the matrix: cells of 12 to 48 px, smaller for a
    /// matrix of more than 150 rows or columns so that the grid stays within about 1800 px.
    pub fn figure(self) -> Figure {
        let (r, c) = self.values.dim();
        let longest = r.max(c).max(1);
        let cell = if longest * 12 > MAX_GRID_PX {
            (MAX_GRID_PX / longest).max(1) as u32
        } else {
            (40 * 12 / longest).clamp(12, 48) as u32
        };
        let w = (c as u32 * cell + 260).max(420);
        let h = (r as u32 * cell + 150).max(300);
        Figure::new(self).size(w, h)
    }

    fn scale(&self) -> (f64, f64) {
        let (lo, hi) = self.range.or_else(|| finite_range(self.values.iter())).unwrap_or((0.0, 1.0));
        colour_scale((lo, hi), self.signed)
    }

    /// The colour of `v` on the scale (lo, hi) of [`MatrixPlot::scale`] (computed once per
    /// drawing: it scans every value).
    fn colour(&self, v: f64, (lo, hi): (f64, f64)) -> RGBColor {
        let t = (v - lo) / (hi - lo);
        if self.signed {
            diverging(2.0 * t - 1.0)
        } else {
            viridis(t)
        }
    }
}

impl Draw for MatrixPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let op = || format!("MatrixPlot \"{}\"", self.title);
        let err = |e: &dyn std::fmt::Display| Error::plot(op(), e);
        let (rows, cols) = self.values.dim();
        if rows == 0 || cols == 0 {
            return Err(Error::Shape {
                op: op(),
                expected: "a matrix with at least one row and one column".into(),
                got: format!("{:?}", self.values.shape()),
            });
        }
        for (what, labels, n) in [("row", &self.row_labels, rows), ("column", &self.col_labels, cols)] {
            if !labels.is_empty() && labels.len() != n {
                return Err(Error::Shape {
                    op: op(),
                    expected: format!("{n} {what} labels"),
                    got: format!("{}", labels.len()),
                });
            }
        }
        let (w, h) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w.saturating_sub(90));
        let title_h = if self.title.is_empty() { 8 } else { 40 };
        main.draw(&Text::new(
            self.title.clone(),
            ((w.saturating_sub(90) / 2) as i32, 10),
            ("sans-serif", TITLE_SIZE).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(|e| err(&e))?;
        let longest = self.row_labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i32;
        let left = 16 + longest * 8 + if self.axis_labels.1.is_empty() { 0 } else { 24 };
        let bottom = 30 + if self.axis_labels.0.is_empty() { 0 } else { 24 };
        let avail_w = (w.saturating_sub(90) as i32 - left - 12).max(cols as i32);
        let avail_h = (h as i32 - title_h - bottom).max(rows as i32);
        let cell = (avail_w / cols as i32).min(avail_h / rows as i32).max(1);
        let (x0, y0) = (left + (avail_w - cell * cols as i32) / 2, title_h);
        let (lo, hi) = self.scale();
        let integers = self.values.iter().all(|v| v.fract() == 0.0 && v.abs() < 1e9);
        let font_px = (cell as f64 * 0.38).clamp(8.0, 16.0);
        for ((r, c), &v) in self.values.indexed_iter() {
            let (x, y) = (x0 + c as i32 * cell, y0 + r as i32 * cell);
            let colour = self.colour(v, (lo, hi));
            main.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], colour.filled())).map_err(|e| err(&e))?;
            if self.annotate && cell >= 14 {
                let text = if !v.is_finite() {
                    format!("{v}")
                } else if integers {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                };
                let t = (v - lo) / (hi - lo);
                let dark = if self.signed { (2.0 * t - 1.0).abs() > 0.6 } else { t < 0.55 };
                let ink = if dark { WHITE } else { BLACK };
                let style = ("sans-serif", font_px).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                main.draw(&Text::new(text, (x + cell / 2, y + cell / 2), style)).map_err(|e| err(&e))?;
            }
        }
        let label_font = ("sans-serif", TICK_SIZE).into_font();
        let every = |n: usize| (n / 24).max(1);
        for (r, l) in self.row_labels.iter().enumerate().filter(|(r, _)| r % every(rows) == 0) {
            let pos = (x0 - 6, y0 + r as i32 * cell + cell / 2);
            main.draw(&Text::new(
                l.clone(),
                pos,
                label_font.clone().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(|e| err(&e))?;
        }
        let grid_bottom = y0 + rows as i32 * cell;
        for (c, l) in self.col_labels.iter().enumerate().filter(|(c, _)| c % every(cols) == 0) {
            let pos = (x0 + c as i32 * cell + cell / 2, grid_bottom + 6);
            main.draw(&Text::new(
                l.clone(),
                pos,
                label_font.clone().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(|e| err(&e))?;
        }
        let axis_font = ("sans-serif", super::style::LABEL_SIZE).into_font();
        if !self.axis_labels.0.is_empty() {
            let pos = (x0 + cols as i32 * cell / 2, grid_bottom + 28);
            main.draw(&Text::new(
                self.axis_labels.0.clone(),
                pos,
                axis_font.clone().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(|e| err(&e))?;
        }
        if !self.axis_labels.1.is_empty() {
            let pos = (10, y0 + rows as i32 * cell / 2);
            let style =
                axis_font.transform(FontTransform::Rotate270).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
            main.draw(&Text::new(self.axis_labels.1.clone(), pos, style)).map_err(|e| err(&e))?;
        }
        let signed = self.signed;
        draw_colorbar(
            &bar,
            (lo, hi),
            move |t| if signed { diverging(2.0 * t - 1.0) } else { viridis(t) },
            title_h as u32,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matrices_render_and_labels_are_checked() {
        let m = array![[1.0, -2.0, 0.5], [f64::NAN, 0.0, 3.0]];
        for p in [
            MatrixPlot::new("m", m.view()).annotate().signed(),
            MatrixPlot::new("m", m.view()).row_labels(&["a", "b"]).col_labels(&[1, 2, 3]).axis_labels("key", "query"),
            MatrixPlot::new("constant", Array2::from_elem((3, 3), 2.0).view()).annotate(),
            MatrixPlot::new("big", Array2::from_shape_fn((64, 64), |(i, j)| (i * j) as f64).view()),
        ] {
            let fig = p.figure();
            assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        }
        let e = MatrixPlot::new("m", m.view()).row_labels(&["a"]).figure().to_png().unwrap_err().to_string();
        assert!(e.contains("2 row labels"), "{e}");
        assert!(MatrixPlot::new("e", Array2::zeros((0, 3)).view()).figure().to_png().is_err());
    }

    #[test]
    fn a_large_matrix_draws_in_linear_time() {
        // 784 × 784 (a weight matrix of 28 × 28 images): once a scan of every value per cell,
        // which never finished; now one scan
        let m = Array2::from_shape_fn((784, 784), |(i, j)| ((i * 31 + j * 17) % 97) as f64 - 48.0);
        let fig = MatrixPlot::new("W", m.view()).signed().figure();
        let (w, h) = fig.dimensions();
        assert!(w <= MAX_GRID_PX as u32 + 260 && h <= MAX_GRID_PX as u32 + 150, "{w} × {h}");
        let start = std::time::Instant::now();
        assert!(fig.to_png().is_ok());
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
        // up to 150 rows, the cells keep their size (12 px from 40 rows on)
        let size = MatrixPlot::new("m", Array2::zeros((150, 150)).view()).figure().dimensions();
        assert_eq!(size, (150 * 12 + 260, 150 * 12 + 150));
    }
}
