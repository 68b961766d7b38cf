//! Scatter plots of 2-D points coloured by class.

use super::figure::{Draw, Figure, Panel};
use super::style::{cartesian_chart, category_color, draw_legend, padded_range};
use super::ticks::whole_numbers;
use crate::error::{Error, Result};
use ndarray::{ArrayView1, ArrayView2};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Points in the plane, one colour per class, with a legend.
///
/// ```
/// use dlcourse::prelude::*;
/// let points = array![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]];
/// let fig = ScatterPlot::new("classes").classes(points.view(), array![0, 1, 1].view()).unwrap().figure();
/// assert!(fig.to_png().is_ok());
/// ```
#[derive(Clone, Debug, Default)]
pub struct ScatterPlot {
    title: String,
    x_label: String,
    y_label: String,
    /// (class name, points of that class)
    groups: Vec<(String, Vec<(f64, f64)>)>,
    equal: bool,
}

impl ScatterPlot {
    /// An empty scatter plot with a title.
    pub fn new(title: impl Into<String>) -> Self {
        ScatterPlot {
            title: title.into(), x_label: "x₁".into(), y_label: "x₂".into(), groups: vec![], equal: false
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

    /// One unit has the same length on both axes (circles look round).
    pub fn equal_aspect(mut self) -> Self {
        self.equal = true;
        self
    }

    /// Adds one group of points (`n × 2`) under a name.
    pub fn group(mut self, name: impl Into<String>, points: ArrayView2<f64>) -> Result<Self> {
        let name = name.into();
        if points.ncols() != 2 {
            return Err(Error::Shape {
                op: format!("ScatterPlot::group \"{name}\""),
                expected: "points of shape (n, 2)".into(),
                got: format!("{:?}", points.shape()),
            });
        }
        self.groups.push((name, points.rows().into_iter().map(|r| (r[0], r[1])).collect()));
        Ok(self)
    }

    /// Adds points (`n × 2`) coloured by their class label (`n`); classes are named by their number.
    pub fn classes(mut self, points: ArrayView2<f64>, labels: ArrayView1<usize>) -> Result<Self> {
        if points.ncols() != 2 || points.nrows() != labels.len() {
            return Err(Error::Shape {
                op: "ScatterPlot::classes".into(),
                expected: "points (n, 2) and labels (n)".into(),
                got: format!("points {:?}, labels {:?}", points.shape(), labels.shape()),
            });
        }
        let n_classes = labels.iter().max().map_or(0, |m| m + 1);
        for class in 0..n_classes {
            let pts: Vec<(f64, f64)> = points
                .rows()
                .into_iter()
                .zip(labels)
                .filter(|(_, l)| **l == class)
                .map(|(r, _)| (r[0], r[1]))
                .collect();
            if !pts.is_empty() {
                self.groups.push((format!("class {class}"), pts));
            }
        }
        Ok(self)
    }

    /// This plot as a panel for [`Figure::grid`] (several plots side by side).
    pub fn panel(self) -> Box<dyn Panel> {
        Box::new(self)
    }

    /// This plot as a one-panel figure.
    pub fn figure(self) -> Figure {
        Figure::new(self)
    }
}

impl Draw for ScatterPlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let all = || self.groups.iter().flat_map(|(_, p)| p.iter()).filter(|(x, y)| x.is_finite() && y.is_finite());
        if all().next().is_none() {
            return Err(Error::invalid(
                format!("ScatterPlot \"{}\"", self.title),
                "no finite points to draw: add points with .group(name, points) or .classes(points, labels)",
            ));
        }
        let (x0, x1) = padded_range(all().map(|p| p.0)).unwrap_or((0.0, 1.0));
        let (y0, y1) = padded_range(all().map(|p| p.1)).unwrap_or((0.0, 1.0));
        let whole = (whole_numbers(all().map(|p| p.0)), whole_numbers(all().map(|p| p.1)));
        let err = |e: &dyn std::fmt::Display| Error::plot(format!("ScatterPlot \"{}\"", self.title), e);
        let mut chart =
            cartesian_chart(area, &self.title, (&self.x_label, &self.y_label), (x0, x1), (y0, y1), self.equal, whole)?;
        for (i, (name, pts)) in self.groups.iter().enumerate() {
            let color = category_color(i);
            chart
                .draw_series(
                    pts.iter()
                        .filter(|(x, y)| x.is_finite() && y.is_finite())
                        .map(|p| Circle::new(*p, 3, color.mix(0.8).filled())),
                )
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 9, y), 4, color.filled()));
        }
        let shown: Vec<(f64, f64)> = all().copied().collect();
        let labels: Vec<&str> = self.groups.iter().map(|(name, _)| name.as_str()).collect();
        draw_legend(&mut chart, &format!("ScatterPlot \"{}\"", self.title), &shown, &labels)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn classes_render_and_bad_shapes_are_named() {
        let pts = array![[0.0, 1.0], [1.0, 2.0], [f64::NAN, 0.0]];
        let fig = ScatterPlot::new("s").classes(pts.view(), array![0, 1, 1].view()).unwrap().figure();
        assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        let fig = ScatterPlot::new("s").equal_aspect().classes(pts.view(), array![0, 1, 1].view()).unwrap().figure();
        assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        let e = ScatterPlot::new("s").classes(pts.view(), array![0, 1].view()).unwrap_err().to_string();
        assert!(e.contains("points [3, 2], labels [2]"), "{e}");
        let e = ScatterPlot::new("empty").figure().to_png().unwrap_err().to_string();
        assert!(e.contains("no finite points"), "{e}");
    }
}
