//! A [`Figure`] is one or more panels drawn side by side; it renders to PNG (what a notebook shows)
//! and to SVG (for print), and displays itself as the last expression of an evcxr cell.

use super::style::TITLE_SIZE;
use super::text::{ensure_font, FontFallback};
use crate::error::{Error, Result};
use crate::save::{already_exists, write_file};
use base64::Engine as _;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Something that draws itself into a rectangle of a figure: a line plot, a scatter plot, ….
///
/// Implemented by every plot type of this module; the two methods exist because plotters'
/// backends are different types, and a boxed panel must be drawable on both.
pub trait Panel {
    /// Draws on a bitmap (for PNG), whose text is drawn with the shipped font.
    fn draw_on_bitmap(&self, area: &DrawingArea<FontFallback<BitMapBackend<'_>>, Shift>) -> Result<()>;
    /// Draws on an SVG document.
    fn draw_on_svg(&self, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>;
}

/// Plot types implement this generic drawing method once; [`Panel`] follows for both backends.
pub(crate) trait Draw {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>;
}

impl<T: Draw> Panel for T {
    fn draw_on_bitmap(&self, area: &DrawingArea<FontFallback<BitMapBackend<'_>>, Shift>) -> Result<()> {
        self.draw(area)
    }
    fn draw_on_svg(&self, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()> {
        self.draw(area)
    }
}

/// A figure: panels laid out on a grid, an optional overall title, a size in pixels.
pub struct Figure {
    panels: Vec<Box<dyn Panel>>,
    columns: usize,
    width: u32,
    height: u32,
    title: Option<String>,
}

/// The largest width or height of a figure, in pixels.
pub const MAX_FIGURE_SIDE: u32 = 8192;
/// The largest number of pixels of a figure (4096 × 4096: 48 MB of RGB).
pub const MAX_FIGURE_PIXELS: u64 = 4096 * 4096;

/// Width of one panel in pixels, unless set with [`Figure::size`].
const PANEL_WIDTH: u32 = 640;
/// Height of one panel in pixels, unless set with [`Figure::size`].
const PANEL_HEIGHT: u32 = 420;

impl Figure {
    /// A figure with one panel (each plot's `.figure()` calls this).
    pub fn new(panel: impl Panel + 'static) -> Self {
        Figure { panels: vec![Box::new(panel)], columns: 1, width: PANEL_WIDTH, height: PANEL_HEIGHT, title: None }
    }

    /// Panels side by side, `columns` per row (rows are added as needed).
    ///
    /// Make the panels with each plot's `.panel()`:
    /// `Figure::grid(vec![loss.panel(), accuracy.panel()], 2)`. (In a notebook, `.panel()` is
    /// much faster to compile than `Box::new(plot)`: the drawing code is already compiled in the
    /// crate instead of being generated again for the cell.)
    pub fn grid(panels: Vec<Box<dyn Panel>>, columns: usize) -> Result<Self> {
        if panels.is_empty() {
            return Err(Error::invalid("Figure::grid", "no panels given: pass at least one plot"));
        }
        if columns == 0 {
            return Err(Error::invalid("Figure::grid", "columns = 0: a grid needs at least one column"));
        }
        let columns = columns.min(panels.len());
        let rows = panels.len().div_ceil(columns) as u32;
        let (w, h) = if columns == 1 { (PANEL_WIDTH, PANEL_HEIGHT) } else { (460, 360) };
        Ok(Figure { panels, columns, width: w * columns as u32, height: h * rows, title: None })
    }

    /// Sets the size of the whole figure in pixels (at least 50 a side). A figure larger than
    /// [`MAX_FIGURE_SIDE`] a side or [`MAX_FIGURE_PIXELS`] in all is refused when it is drawn,
    /// with an error that gives the size.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width.max(50);
        self.height = height.max(50);
        self
    }

    /// Sets a title over all panels.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn cells<'a, DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Vec<DrawingArea<DB, Shift>>> {
        root.fill(&WHITE).map_err(|e| Error::plot("filling the background", e))?;
        let body = match &self.title {
            Some(t) => root
                .titled(t, ("sans-serif", TITLE_SIZE + 4).into_font())
                .map_err(|e| Error::plot("drawing the figure title", e))?,
            None => root.clone(),
        };
        let rows = self.panels.len().div_ceil(self.columns);
        Ok(body.split_evenly((rows, self.columns)))
    }

    /// An error if the figure is too large to draw (it would take gigabytes, or abort the
    /// process on a failed allocation).
    fn check_size(&self, op: &str) -> Result<()> {
        let (w, h) = (self.width, self.height);
        if w > MAX_FIGURE_SIDE || h > MAX_FIGURE_SIDE || u64::from(w) * u64::from(h) > MAX_FIGURE_PIXELS {
            return Err(Error::invalid(
                op,
                format!(
                    "a figure of {w} × {h} px is too large: at most {MAX_FIGURE_SIDE} px a side and {MAX_FIGURE_PIXELS} \
                     px in all (4096 × 4096); set a smaller size, e.g. .size(1200, 800) (a panel is 640 × 420 px)"
                ),
            ));
        }
        Ok(())
    }

    /// Renders to PNG bytes.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        self.check_size("Figure::to_png")?;
        ensure_font();
        let (w, h) = (self.width, self.height);
        let mut rgb = vec![255u8; w as usize * h as usize * 3];
        {
            let root = FontFallback(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
            for (panel, cell) in self.panels.iter().zip(self.cells(&root)?) {
                panel.draw_on_bitmap(&cell)?;
            }
            root.present().map_err(|e| Error::plot("finishing the bitmap", e))?;
        }
        encode_png(&rgb, w, h)
    }

    /// Renders to an SVG document.
    pub fn to_svg(&self) -> Result<String> {
        self.check_size("Figure::to_svg")?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (self.width, self.height)).into_drawing_area();
            for (panel, cell) in self.panels.iter().zip(self.cells(&root)?) {
                panel.draw_on_svg(&cell)?;
            }
            root.present().map_err(|e| Error::plot("finishing the SVG", e))?;
        }
        Ok(svg)
    }

    /// Saves as PNG to a new file. An existing file is never replaced: the call is refused with
    /// an error naming the file; [`Figure::save_png_overwrite`] replaces it.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        save("save_png", path.as_ref(), &self.to_png()?, false)
    }

    /// Saves as PNG, replacing the file at `path` if there is one.
    pub fn save_png_overwrite(&self, path: impl AsRef<Path>) -> Result<()> {
        save("save_png_overwrite", path.as_ref(), &self.to_png()?, true)
    }

    /// Saves as SVG to a new file. An existing file is never replaced: the call is refused with
    /// an error naming the file; [`Figure::save_svg_overwrite`] replaces it.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        save("save_svg", path.as_ref(), self.to_svg()?.as_bytes(), false)
    }

    /// Saves as SVG, replacing the file at `path` if there is one.
    pub fn save_svg_overwrite(&self, path: impl AsRef<Path>) -> Result<()> {
        save("save_svg_overwrite", path.as_ref(), self.to_svg()?.as_bytes(), true)
    }

    /// Shows the figure in the notebook now (useful inside loops; a figure that is the last
    /// expression of a cell shows itself). In the course kernel every figure a cell shows stays,
    /// in order; in stock evcxr_jupyter a later figure of the same cell replaces this one.
    pub fn show(&self) {
        match self.to_png() {
            Ok(png) => crate::display::show(&[("image/png", &base64_of(&png)), ("text/plain", &self.describe())]),
            Err(e) => eprintln!("the figure could not be drawn: {e}"),
        }
    }

    /// Called by evcxr when the figure is the value of a cell: emits the PNG (shown by JupyterLab
    /// even in an untrusted notebook, by nbconvert's HTML and by PNG-only viewers).
    pub fn evcxr_display(&self) {
        match self.to_png() {
            Ok(png) => println!(
                "EVCXR_BEGIN_CONTENT image/png\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT",
                base64_of(&png),
                self.describe()
            ),
            Err(e) => eprintln!("the figure could not be drawn: {e}"),
        }
    }

    /// The figure's text form: its size and number of panels.
    fn describe(&self) -> String {
        format!("Figure {}x{} px, {} panel(s)", self.width, self.height, self.panels.len())
    }
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl std::fmt::Debug for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Writes a rendered figure; `op` names the method in the messages.
fn save(op: &str, path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_file(path, bytes, overwrite).map_err(|e| {
        let context = format!("{op} {}", path.display());
        if already_exists(&e) {
            let replace = if op.starts_with("save_png") { "save_png_overwrite" } else { "save_svg_overwrite" };
            Error::plot(
                context,
                format!(
                    "the file already exists, and {op} does not replace a file: choose another name, delete the \
                     old file, or call {replace}(path) to replace it"
                ),
            )
        } else {
            Error::plot(context, e)
        }
    })
}

/// Encodes an RGB8 buffer as PNG.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Figures are committed inside notebooks: spend time on small files.
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = encoder.write_header().map_err(|e| Error::plot("encoding PNG", e))?;
        writer.write_image_data(rgb).map_err(|e| Error::plot("encoding PNG", e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::LinePlot;

    fn small() -> Figure {
        LinePlot::new("t").line("a", [0.0, 1.0], [1.0, 0.0]).figure().size(120, 90)
    }

    #[test]
    fn saving_refuses_to_replace_an_existing_file() {
        let dir = std::env::temp_dir().join(format!("dlcourse-fig-exists-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (ext, png) in [("png", true), ("svg", false)] {
            let path = dir.join(format!("notes.{ext}"));
            std::fs::write(&path, "my notes").unwrap();
            let e = if png { small().save_png(&path) } else { small().save_svg(&path) }.unwrap_err().to_string();
            assert!(
                e.contains(&format!("notes.{ext}"))
                    && e.contains("already exists")
                    && e.contains(&format!("save_{ext}_overwrite(path)")),
                "{e}"
            );
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "my notes", "the file is untouched");
            if png { small().save_png_overwrite(&path) } else { small().save_svg_overwrite(&path) }.unwrap();
            assert_ne!(std::fs::read(&path).unwrap(), b"my notes");
            // a new file is written by the simple call
            let fresh = dir.join(format!("fresh.{ext}"));
            if png { small().save_png(&fresh) } else { small().save_svg(&fresh) }.unwrap();
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_figure_too_large_to_draw_is_refused() {
        let e = small().size(100_000, 100_000).to_png().unwrap_err().to_string();
        assert_eq!(
            e,
            "Figure::to_png: a figure of 100000 × 100000 px is too large: at most 8192 px a side and 16777216 px in \
             all (4096 × 4096); set a smaller size, e.g. .size(1200, 800) (a panel is 640 × 420 px)"
        );
        assert!(small().size(30_000, 30_000).to_svg().unwrap_err().to_string().contains("30000 × 30000 px"));
        assert!(small().size(8000, 3000).to_png().unwrap_err().to_string().contains("16777216 px in all"));
        assert!(small().size(u32::MAX, 60).to_png().is_err());
        assert!(small().size(4096, 1000).to_png().is_ok());
    }
}
