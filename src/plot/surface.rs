//! A function of two variables as a 3-D surface (the MSE bowl, a saddle).

use super::figure::{Draw, Figure, Panel};
use super::style::{finite_range, viridis, LABEL_SIZE, TICK_SIZE, TITLE_SIZE};
use super::ticks::Ticks;
use crate::error::{Error, Result};
use ndarray::{Array1, Array2};
use plotters::coord::Shift;
use plotters::prelude::*;

/// z = f(x, y) drawn as a shaded surface seen from an angle, coloured by height (viridis), with
/// optional paths on it.
///
/// ```
/// use dlcourse::prelude::*;
/// let saddle = SurfacePlot::from_fn("x² − y²", (-1.0, 1.0), (-1.0, 1.0), 25, |x, y| x * x - y * y);
/// assert!(saddle.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct SurfacePlot {
    title: String,
    labels: [String; 3],
    x_range: (f64, f64),
    y_range: (f64, f64),
    /// `values[[j, i]]` = f(x_i, y_j).
    values: Array2<f64>,
    paths: Vec<Vec<(f64, f64, f64)>>,
    yaw: f64,
    pitch: f64,
}

impl SurfacePlot {
    /// Samples `f` on a `resolution × resolution` grid (keep it ≤ 60: each cell is a polygon).
    /// Empty or non-finite ranges become (−1, 1).
    pub fn from_fn(
        title: impl Into<String>,
        x_range: (f64, f64),
        y_range: (f64, f64),
        resolution: usize,
        f: impl Fn(f64, f64) -> f64,
    ) -> Self {
        let fix = |r: (f64, f64)| if r.0.is_finite() && r.1.is_finite() && r.0 < r.1 { r } else { (-1.0, 1.0) };
        let (x_range, y_range) = (fix(x_range), fix(y_range));
        let n = resolution.clamp(2, 200);
        let (xs, ys) = (Array1::linspace(x_range.0, x_range.1, n), Array1::linspace(y_range.0, y_range.1, n));
        let values = Array2::from_shape_fn((n, n), |(j, i)| f(xs[i], ys[j]));
        SurfacePlot {
            title: title.into(),
            labels: ["x".into(), "y".into(), "z".into()],
            x_range,
            y_range,
            values,
            paths: vec![],
            yaw: 0.6,
            pitch: 0.45,
        }
    }

    /// Names of the three axes.
    pub fn labels(mut self, x: impl Into<String>, y: impl Into<String>, z: impl Into<String>) -> Self {
        self.labels = [x.into(), y.into(), z.into()];
        self
    }

    /// The viewing angles in radians: `yaw` turns around the vertical axis, `pitch` tilts.
    pub fn view(mut self, yaw: f64, pitch: f64) -> Self {
        self.yaw = yaw;
        self.pitch = pitch;
        self
    }

    /// A path of (x, y, z) points drawn over the surface (e.g. gradient descent's iterates).
    pub fn path(mut self, points: &[(f64, f64, f64)]) -> Self {
        self.paths.push(points.to_vec());
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
}

impl Draw for SurfacePlot {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let err = |e: &dyn std::fmt::Display| Error::plot(format!("SurfacePlot \"{}\"", self.title), e);
        let (lo, hi) = finite_range(self.values.iter()).unwrap_or((0.0, 1.0));
        let (z0, z1) = if hi > lo { (lo, hi) } else { (lo - 0.5, lo + 0.5) };
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", TITLE_SIZE))
            .margin(16)
            .build_cartesian_3d(self.x_range.0..self.x_range.1, z0..z1, self.y_range.0..self.y_range.1)
            .map_err(|e| err(&e))?;
        let (yaw, pitch) = (self.yaw, self.pitch);
        chart.with_projection(|mut p| {
            p.yaw = yaw;
            p.pitch = pitch;
            p.scale = 0.8;
            p.into_matrix()
        });
        // the axes are drawn in perspective: give each tick labels about a third of the panel
        let side = area.dim_in_pixel().0.min(area.dim_in_pixel().1) / 3;
        let x_ticks = Ticks::linear(self.x_range.0, self.x_range.1, side, true, false);
        let z_ticks = Ticks::linear(z0, z1, side, false, false);
        let y_ticks = Ticks::linear(self.y_range.0, self.y_range.1, side, true, false);
        let (x_fmt, z_fmt, y_fmt) =
            (|v: &f64| x_ticks.label(v), |v: &f64| z_ticks.label(v), |v: &f64| y_ticks.label(v));
        chart
            .configure_axes()
            .x_labels(x_ticks.count)
            .y_labels(z_ticks.count)
            .z_labels(y_ticks.count)
            .x_formatter(&x_fmt)
            .y_formatter(&z_fmt)
            .z_formatter(&y_fmt)
            .label_style(("sans-serif", TICK_SIZE))
            .light_grid_style(RGBColor(235, 235, 235))
            .max_light_lines(2)
            .draw()
            .map_err(|e| err(&e))?;
        let (ny, nx) = self.values.dim();
        let xs = Array1::linspace(self.x_range.0, self.x_range.1, nx);
        let ys = Array1::linspace(self.y_range.0, self.y_range.1, ny);
        // painter's algorithm: draw the cells farthest from the viewer first
        let (s, c) = (yaw.sin(), yaw.cos());
        let mut cells: Vec<(usize, usize)> = (0..ny - 1).flat_map(|j| (0..nx - 1).map(move |i| (j, i))).collect();
        let depth = |&(j, i): &(usize, usize)| {
            let u = (i as f64 + 0.5) / nx as f64 - 0.5;
            let v = (j as f64 + 0.5) / ny as f64 - 0.5;
            u * s - v * c
        };
        cells.sort_by(|a, b| depth(b).total_cmp(&depth(a)));
        let z = |j: usize, i: usize| self.values[[j, i]];
        let polygons = cells.into_iter().filter_map(|(j, i)| {
            let corners = [(j, i), (j, i + 1), (j + 1, i + 1), (j + 1, i)];
            if corners.iter().any(|&(j, i)| !z(j, i).is_finite()) {
                return None;
            }
            let mean = corners.iter().map(|&(j, i)| z(j, i)).sum::<f64>() / 4.0;
            let colour = viridis((mean - z0) / (z1 - z0));
            let pts: Vec<(f64, f64, f64)> =
                corners.iter().map(|&(j, i)| (xs[i], z(j, i).clamp(z0, z1), ys[j])).collect();
            Some(Polygon::new(pts, colour.filled()))
        });
        chart.draw_series(polygons).map_err(|e| err(&e))?;
        for path in &self.paths {
            let pts: Vec<(f64, f64, f64)> = path
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
                .map(|&(x, y, z)| (x, z, y))
                .collect();
            chart.draw_series(LineSeries::new(pts.clone(), RED.stroke_width(3))).map_err(|e| err(&e))?;
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 3, RED.filled()))).map_err(|e| err(&e))?;
        }
        // axis names, placed at the ends of the axes
        let font = ("sans-serif", LABEL_SIZE).into_font();
        let names = [
            ((self.x_range.1, z0, self.y_range.0), &self.labels[0]),
            ((self.x_range.0, z0, self.y_range.1), &self.labels[1]),
            ((self.x_range.0, z1, self.y_range.0), &self.labels[2]),
        ];
        chart
            .draw_series(names.iter().map(|(p, name)| Text::new(name.to_string(), *p, font.clone())))
            .map_err(|e| err(&e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surfaces_render_even_when_degenerate() {
        let s = SurfacePlot::from_fn("bowl", (-1.0, 1.0), (-1.0, 1.0), 20, |x, y| x * x + y * y)
            .path(&[(1.0, 1.0, 2.0), (0.0, 0.0, 0.0)]);
        assert!(s.figure().to_png().is_ok());
        let flat = SurfacePlot::from_fn("flat", (0.0, 0.0), (0.0, 1.0), 5, |_, _| 1.0).view(0.2, 0.8);
        assert!(flat.figure().to_svg().is_ok());
        let nan = SurfacePlot::from_fn("nan", (0.0, 1.0), (0.0, 1.0), 5, |x, _| if x > 0.5 { f64::NAN } else { x });
        assert!(nan.figure().to_png().is_ok());
    }
}
