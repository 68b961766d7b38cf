//! Figures for notebooks: one-call plot helpers that display in JupyterLab (as PNG, which an
//! untrusted notebook still shows) and save as PNG or SVG.
//!
//! ```no_run
//! use dlcourse::prelude::*;
//! let x: Vec<f64> = (0..50).map(|i| i as f64 / 10.0).collect();
//! let y: Vec<f64> = x.iter().map(|x| x.sin()).collect();
//! let fig = LinePlot::new("sin x").x_label("x").y_label("y").line("sin", &x, &y).figure();
//! fig.save_png("sin.png").unwrap();
//! ```

mod bars;
mod figure;
mod heatmap;
mod images;
mod line;
mod matrix;
mod scatter;
mod style;
mod surface;
mod text;
mod ticks;

pub use bars::{BarChart, Histogram};
pub use figure::{Figure, Panel, MAX_FIGURE_PIXELS, MAX_FIGURE_SIDE};
pub use heatmap::{decision_boundary, Heatmap, MAX_HEATMAP_RESOLUTION};
pub use images::ImageGrid;
pub use line::LinePlot;
pub use matrix::MatrixPlot;
pub use scatter::ScatterPlot;
pub use style::{category_color, Mark};
pub use surface::SurfacePlot;
pub use text::FontFallback;
