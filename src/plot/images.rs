//! Grids of small grey images with captions: digits, reconstructions, samples, adversarial
//! examples, filters and feature maps.

use super::figure::{Draw, Figure, Panel};
use super::style::{colour_scale, diverging, finite_range, ink, viridis, TICK_SIZE, TITLE_SIZE};
use crate::error::{Error, Result};
use ndarray::{Array2, ArrayView2, ArrayView3, Axis};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How pixel values become colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Palette {
    Ink,
    Viridis,
    Signed,
}

/// Images in a grid, each with a caption.
///
/// By default all images share one grey scale from the smallest to the largest pixel of the grid
/// (dark = high, like ink), so that brightness compares across images; see
/// [`ImageGrid::range`], [`ImageGrid::per_image`] and [`ImageGrid::signed`].
///
/// ```
/// use dlcourse::prelude::*;
/// let digits = datasets::digits().unwrap();
/// let first = digits.images(0..8).unwrap();
/// let grid = ImageGrid::new("digits", 8).images(first.view(), &["0"; 8]).unwrap().range(0.0, 16.0);
/// assert!(grid.figure().to_png().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct ImageGrid {
    title: String,
    columns: usize,
    images: Vec<(String, Array2<f64>)>,
    palette: Palette,
    range: Option<(f64, f64)>,
    per_image: bool,
}

impl ImageGrid {
    /// An empty grid with `columns` images per row.
    pub fn new(title: impl Into<String>, columns: usize) -> Self {
        ImageGrid {
            title: title.into(),
            columns: columns.max(1),
            images: vec![],
            palette: Palette::Ink,
            range: None,
            per_image: false,
        }
    }

    /// Adds one image (rows × columns of pixels) with a caption.
    pub fn image(mut self, caption: impl Into<String>, pixels: ArrayView2<f64>) -> Self {
        self.images.push((caption.into(), pixels.to_owned()));
        self
    }

    /// Adds a stack of images (n × rows × columns) with one caption each.
    pub fn images(mut self, stack: ArrayView3<f64>, captions: &[impl ToString]) -> Result<Self> {
        if captions.len() != stack.len_of(Axis(0)) {
            return Err(Error::Shape {
                op: format!("ImageGrid::images \"{}\"", self.title),
                expected: "one caption per image".into(),
                got: format!("{} images, {} captions", stack.len_of(Axis(0)), captions.len()),
            });
        }
        for (img, caption) in stack.axis_iter(Axis(0)).zip(captions) {
            self.images.push((caption.to_string(), img.to_owned()));
        }
        Ok(self)
    }

    /// A fixed range of pixel values for all images (e.g. (0, 16) for the digits).
    pub fn range(mut self, low: f64, high: f64) -> Self {
        self.range = Some((low, high));
        self
    }

    /// Each image uses its own range (contrast stretched per image: filters, feature maps).
    pub fn per_image(mut self) -> Self {
        self.per_image = true;
        self
    }

    /// Signed values: blue–white–red, symmetric around 0 (filters, perturbations).
    pub fn signed(mut self) -> Self {
        self.palette = Palette::Signed;
        self
    }

    /// Viridis colours instead of grey.
    pub fn viridis(mut self) -> Self {
        self.palette = Palette::Viridis;
        self
    }

    /// This plot as a panel for [`Figure::grid`] (several plots side by side).
    pub fn panel(self) -> Box<dyn Panel> {
        Box::new(self)
    }

    /// This grid as a one-panel figure sized to its images.
    pub fn figure(self) -> Figure {
        let cols = self.columns.min(self.images.len().max(1)) as u32;
        let rows = self.images.len().div_ceil(self.columns).max(1) as u32;
        let cell = if cols > 10 { 72 } else { 96 };
        Figure::new(self).size((cols * cell + 20).max(260), rows * (cell + 20) + 48)
    }

    fn scale(&self, img: &Array2<f64>) -> (f64, f64) {
        let (lo, hi) = if let Some(r) = self.range {
            r
        } else if self.per_image {
            finite_range(img.iter()).unwrap_or((0.0, 1.0))
        } else {
            finite_range(self.images.iter().flat_map(|(_, i)| i.iter())).unwrap_or((0.0, 1.0))
        };
        colour_scale((lo, hi), self.palette == Palette::Signed)
    }
}

impl Draw for ImageGrid {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let op = || format!("ImageGrid \"{}\"", self.title);
        let err = |e: &dyn std::fmt::Display| Error::plot(op(), e);
        if self.images.is_empty() {
            return Err(Error::invalid(
                op(),
                "no images: add some with .image(caption, pixels) or .images(stack, captions)",
            ));
        }
        if let Some((caption, img)) = self.images.iter().find(|(_, i)| i.is_empty()) {
            return Err(Error::Shape {
                op: op(),
                expected: "images with at least one pixel".into(),
                got: format!("\"{caption}\": {:?}", img.shape()),
            });
        }
        let (w, h) = area.dim_in_pixel();
        let title_h = if self.title.is_empty() { 4 } else { 40 };
        area.draw(&Text::new(
            self.title.clone(),
            ((w / 2) as i32, 8),
            ("sans-serif", TITLE_SIZE).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(|e| err(&e))?;
        let cols = self.columns.min(self.images.len());
        let rows = self.images.len().div_ceil(cols);
        let slot_w = (w as i32 - 8) / cols as i32;
        let slot_h = (h as i32 - title_h - 4) / rows as i32;
        let caption_h = 18;
        for (k, (caption, img)) in self.images.iter().enumerate() {
            let (r, c) = (k / cols, k % cols);
            let (ih, iw) = img.dim();
            let px = ((slot_w - 8) / iw as i32).min((slot_h - caption_h - 6) / ih as i32).max(1);
            let x0 = 4 + c as i32 * slot_w + (slot_w - px * iw as i32) / 2;
            let y0 = title_h + r as i32 * slot_h;
            let (lo, hi) = self.scale(img);
            let colour = |v: f64| {
                let t = (v - lo) / (hi - lo);
                match self.palette {
                    Palette::Ink => ink(t),
                    Palette::Viridis => viridis(t),
                    Palette::Signed => diverging(2.0 * t - 1.0),
                }
            };
            for ((i, j), &v) in img.indexed_iter() {
                let (x, y) = (x0 + j as i32 * px, y0 + i as i32 * px);
                area.draw(&Rectangle::new([(x, y), (x + px, y + px)], colour(v).filled())).map_err(|e| err(&e))?;
            }
            let frame = [(x0 - 1, y0 - 1), (x0 + px * iw as i32, y0 + px * ih as i32)];
            area.draw(&Rectangle::new(frame, RGBColor(180, 180, 180))).map_err(|e| err(&e))?;
            let style = ("sans-serif", TICK_SIZE).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
            area.draw(&Text::new(caption.clone(), (x0 + px * iw as i32 / 2, y0 + px * ih as i32 + 3), style))
                .map_err(|e| err(&e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array3};

    #[test]
    fn grids_render_and_explain_bad_input() {
        let stack = Array3::from_shape_fn((5, 8, 8), |(k, i, j)| (k + i * j) as f64);
        for g in [
            ImageGrid::new("g", 3).images(stack.view(), &["a", "b", "c", "d", "e"]).unwrap(),
            ImageGrid::new("s", 2).image("w", array![[-1.0, 2.0], [0.0, f64::NAN]].view()).signed().per_image(),
            ImageGrid::new("c", 1).image("constant", Array2::from_elem((4, 4), 3.0).view()).viridis(),
        ] {
            let fig = g.figure();
            assert!(fig.to_png().is_ok() && fig.to_svg().is_ok());
        }
        let e = ImageGrid::new("g", 3).images(stack.view(), &["a"]).unwrap_err().to_string();
        assert!(e.contains("5 images, 1 captions"), "{e}");
        assert!(ImageGrid::new("empty", 3).figure().to_png().unwrap_err().to_string().contains("no images"));
        assert!(ImageGrid::new("z", 3).image("z", Array2::zeros((0, 3)).view()).figure().to_png().is_err());
    }
}
