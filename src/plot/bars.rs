//! Histograms (weights under L1 vs L2, pairwise distances) and bar charts (explained variance,
//! class counts).

use super::figure::{Draw, Figure, Panel};
use super::style::{cartesian_chart, category_color, draw_legend, finite_range, padded_range, TICK_SIZE};
use super::ticks::{whole_numbers, Ticks};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::borrow::Borrow;

/// Histograms of one or more samples over shared bins, overlaid with transparent colours.
///
/// Non-finite values are left out and counted in the legend ("3 NaN/∞ left out").
///
/// ```
/// use dlcourse::prelude::*;
/// let h = Histogram::new("values").bins(10).data("a", &[1.0, 2.0, 2.5, 3.0]).data("b", &[2.0, 2.2]);
/// assert!(h.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct Histogram {
    title: String,
    x_label: String,
    bins: usize,
    density: bool,
    range: Option<(f64, f64)>,
    samples: Vec<(String, Vec<f64>)>,
}

impl Histogram {
    /// An empty histogram with 30 bins.
    pub fn new(title: impl Into<String>) -> Self {
        Histogram {
            title: title.into(),
            x_label: String::new(),
            bins: 30,
            density: false,
            range: None,
            samples: vec![],
        }
    }

    /// Label of the horizontal axis.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Number of bins (at least 1).
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = bins.max(1);
        self
    }

    /// Heights are densities (each histogram has area 1) instead of counts, so that samples of
    /// different sizes compare.
    pub fn density(mut self) -> Self {
        self.density = true;
        self
    }

    /// The range the bins cover (values outside are not counted); by default, all the data.
    pub fn range(mut self, low: f64, high: f64) -> Self {
        self.range = Some((low, high));
        self
    }

    /// Adds a sample: anything iterating over `f64` or `&f64`.
    pub fn data<I>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<f64>,
    {
        self.samples.push((name.into(), values.into_iter().map(|v| *v.borrow()).collect()));
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

    /// The bin edges' range and each sample's bar heights.
    fn heights(&self) -> Result<((f64, f64), Vec<Vec<f64>>)> {
        let op = || format!("Histogram \"{}\"", self.title);
        if self.samples.is_empty() {
            return Err(Error::invalid(op(), "no data: add a sample with .data(name, values)"));
        }
        let (lo, hi) = match self.range {
            Some((lo, hi)) if lo.is_finite() && hi.is_finite() && lo < hi => (lo, hi),
            Some(r) => return Err(Error::invalid(op(), format!("range {r:?}: give finite low < high"))),
            None => {
                let all = self.samples.iter().flat_map(|(_, v)| v.iter());
                let (lo, hi) = finite_range(all).ok_or_else(|| Error::invalid(op(), "no finite values to count"))?;
                if hi > lo {
                    (lo, hi)
                } else {
                    (lo - 0.5, lo + 0.5)
                }
            }
        };
        let width = (hi - lo) / self.bins as f64;
        let heights = self
            .samples
            .iter()
            .map(|(_, values)| {
                let mut counts = vec![0.0; self.bins];
                let mut n = 0.0;
                for &v in values.iter().filter(|v| v.is_finite() && (lo..=hi).contains(*v)) {
                    counts[(((v - lo) / width) as usize).min(self.bins - 1)] += 1.0;
                    n += 1.0;
                }
                if self.density && n > 0.0 {
                    counts.iter_mut().for_each(|c| *c /= n * width);
                }
                counts
            })
            .collect();
        Ok(((lo, hi), heights))
    }
}

impl Draw for Histogram {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let ((lo, hi), heights) = self.heights()?;
        let top = heights.iter().flatten().fold(0.0_f64, |a, &b| a.max(b)).max(1e-12) * 1.08;
        let y_label = if self.density { "density" } else { "count" };
        let mut chart = cartesian_chart(
            area,
            &self.title,
            (&self.x_label, y_label),
            (lo, hi),
            (0.0, top),
            false,
            (false, !self.density),
        )?;
        let err = |e: &dyn std::fmt::Display| Error::plot(format!("Histogram \"{}\"", self.title), e);
        let width = (hi - lo) / self.bins as f64;
        let alpha = if self.samples.len() > 1 { 0.5 } else { 0.85 };
        for (k, ((name, values), h)) in self.samples.iter().zip(&heights).enumerate() {
            let c = category_color(k);
            let skipped = values.iter().filter(|v| !v.is_finite()).count();
            let label = if skipped > 0 { format!("{name} ({skipped} NaN/∞ left out)") } else { name.clone() };
            chart
                .draw_series(h.iter().enumerate().map(|(b, &y)| {
                    let x0 = lo + b as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width, y)], c.mix(alpha).filled())
                }))
                .map_err(|e| err(&e))?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.mix(alpha).filled()));
        }
        // each bar as points from its base to its top, so that the legend avoids tall bars
        let shown: Vec<(f64, f64)> = heights
            .iter()
            .flat_map(|h| h.iter().enumerate())
            .flat_map(|(b, &y)| (0..=8).map(move |k| (lo + (b as f64 + 0.5) * width, y * k as f64 / 8.0)))
            .collect();
        let labels: Vec<&str> = self.samples.iter().map(|(name, _)| name.as_str()).collect();
        draw_legend(&mut chart, &format!("Histogram \"{}\"", self.title), &shown, &labels)?;
        Ok(())
    }
}

/// A chart whose x axis shows category names at 0, 1, 2, … instead of numbers; `values` are the
/// bars' heights (whole numbers get whole-number ticks).
fn cartesian_chart_labelled<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    x: (f64, f64),
    y: (f64, f64),
    categories: &[String],
    values: &[f64],
) -> Result<
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>,
> {
    let err = |e: &dyn std::fmt::Display| Error::plot(format!("\"{title}\""), e);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", super::style::TITLE_SIZE))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(|e| err(&e))?;
    let whole = whole_numbers(values.iter().copied());
    let y_ticks = Ticks::linear(y.0, y.1, chart.plotting_area().dim_in_pixel().1, false, whole);
    let y_fmt = |v: &f64| y_ticks.label(v);
    let x_fmt = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 {
            categories.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(categories.len().clamp(2, 24) + 1)
        .y_labels(y_ticks.count)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(y_label)
        .axis_desc_style(("sans-serif", super::style::LABEL_SIZE))
        .label_style(("sans-serif", TICK_SIZE))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(chart)
}

/// Bars for named categories; several series are drawn side by side within each category.
///
/// ```
/// use dlcourse::prelude::*;
/// let b = BarChart::new("explained variance", &["PC1", "PC2", "PC3"]).series("share", &[0.6, 0.3, 0.1]);
/// assert!(b.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct BarChart {
    title: String,
    y_label: String,
    categories: Vec<String>,
    series: Vec<(String, Vec<f64>)>,
}

impl BarChart {
    /// A bar chart over the given category names.
    pub fn new(title: impl Into<String>, categories: &[impl ToString]) -> Self {
        BarChart {
            title: title.into(),
            y_label: String::new(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: vec![],
        }
    }

    /// Label of the vertical axis.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Adds one value per category.
    pub fn series(mut self, name: impl Into<String>, values: &[f64]) -> Self {
        self.series.push((name.into(), values.to_vec()));
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

impl Draw for BarChart {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let op = || format!("BarChart \"{}\"", self.title);
        if self.series.is_empty() || self.categories.is_empty() {
            return Err(Error::invalid(
                op(),
                "nothing to draw: give categories and add values with .series(name, values)",
            ));
        }
        for (name, v) in &self.series {
            if v.len() != self.categories.len() {
                return Err(Error::Shape {
                    op: format!("{}, series \"{name}\"", op()),
                    expected: format!("one value per category ({})", self.categories.len()),
                    got: format!("{} values", v.len()),
                });
            }
        }
        let values = self.series.iter().flat_map(|(_, v)| v.iter().copied()).chain([0.0]);
        let (y0, y1) = padded_range(values).unwrap_or((0.0, 1.0));
        let n = self.categories.len();
        let x_range = (-0.5, n as f64 - 0.5);
        let heights: Vec<f64> = self.series.iter().flat_map(|(_, v)| v.iter().copied()).collect();
        let mut chart =
            cartesian_chart_labelled(area, &self.title, &self.y_label, x_range, (y0, y1), &self.categories, &heights)?;
        let err = |e: &dyn std::fmt::Display| Error::plot(op(), e);
        let k = self.series.len();
        for (s, (name, v)) in self.series.iter().enumerate() {
            let c = category_color(s);
            // category i spans [i − 0.4, i + 0.4]; the series share it side by side
            let bars = v.iter().enumerate().filter(|(_, y)| y.is_finite()).map(move |(i, &y)| {
                let left = i as f64 - 0.4 + 0.8 * s as f64 / k as f64;
                Rectangle::new([(left, 0.0), (left + 0.8 / k as f64, y)], c.filled())
            });
            chart
                .draw_series(bars)
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
        if k > 1 {
            let shown: Vec<(f64, f64)> = self
                .series
                .iter()
                .flat_map(|(_, v)| v.iter().enumerate())
                .filter(|(_, y)| y.is_finite())
                .flat_map(|(i, &y)| (0..=8).map(move |k| (i as f64, y * k as f64 / 8.0)))
                .collect();
            let labels: Vec<&str> = self.series.iter().map(|(name, _)| name.as_str()).collect();
            draw_legend(&mut chart, &format!("BarChart \"{}\"", self.title), &shown, &labels)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_count_and_explain() {
        let h = Histogram::new("h").bins(4).range(0.0, 4.0).data("a", &[0.5, 1.5, 1.7, 3.9, 9.0]);
        let (_, heights) = h.heights().unwrap();
        assert_eq!(heights[0], vec![1.0, 2.0, 0.0, 1.0]); // 9.0 is outside the range
        let d = Histogram::new("d").bins(2).density().data("a", &[0.0, 0.0, 1.0, 1.0]);
        let ((lo, hi), heights) = d.heights().unwrap();
        let area: f64 = heights[0].iter().map(|h| h * (hi - lo) / 2.0).sum();
        assert!((area - 1.0).abs() < 1e-12);
        for h in [
            Histogram::new("constant").data("c", &[2.0; 5]),
            Histogram::new("nan").data("n", &[f64::NAN, 1.0, f64::INFINITY]),
            Histogram::new("two").data("a", &[1.0, 2.0]).data("b", &[1.5, 3.0]),
        ] {
            let fig = h.figure();
            assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        }
        assert!(Histogram::new("e").figure().to_png().unwrap_err().to_string().contains("no data"));
        assert!(Histogram::new("e")
            .data("n", &[f64::NAN])
            .figure()
            .to_png()
            .unwrap_err()
            .to_string()
            .contains("no finite"));
    }

    #[test]
    fn bar_charts_render_and_check_lengths() {
        let b = BarChart::new("b", &["a", "b", "c"]).series("x", &[1.0, -2.0, 3.0]).series("y", &[0.5, 0.5, f64::NAN]);
        assert!(b.figure().to_png().is_ok());
        let e = BarChart::new("b", &["a", "b"]).series("x", &[1.0]).figure().to_png().unwrap_err().to_string();
        assert!(e.contains("series \"x\"") && e.contains("one value per category (2)"), "{e}");
        assert!(BarChart::new("b", &[0, 1]).figure().to_png().is_err());
    }
}
