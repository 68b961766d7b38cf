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

mod figure;
mod line;
mod scatter;
mod style;

pub use figure::{Figure, Panel};
pub use line::LinePlot;
pub use scatter::ScatterPlot;
pub use style::{category_color, Mark};
