//! # dlcourse — the support crate of a deep-learning course workbook
//!
//! The notebooks of the course (in `notebooks/`) load this crate in an evcxr cell and bring
//! everything they need into scope with the prelude:
//!
//! ```text
//! :dep dlcourse = { path = ".." }
//! use dlcourse::prelude::*;
//! ```
//!
//! - [`datasets`]: the 8×8 digits shipped in `data/`, the tabular sets of linfa-datasets, as typed
//!   [`datasets::Dataset`]s that convert to and from linfa's;
//! - [`tensor`], [`nn`], [`train`]: tensors with reverse-mode automatic differentiation, layers,
//!   losses, optimisers and a training loop;
//! - [`geometry`]: distances and angles between points;
//! - [`plot`]: one-call figures that show in JupyterLab (as PNG) and save as PNG or SVG;
//! - [`display`]: showing figures while a cell runs, and a progress line updated in place;
//! - [`table`]: named columns shown as an HTML table (and, with the `tables` feature, polars data
//!   frames: `datasets::anscombe`, `Table::from_frame`);
//! - the libraries the course uses, re-exported so that a notebook needs no `:dep` of its own:
//!   [`ndarray`], [`ndarray_linalg`], [`plotters`], [`linfa`], [`linfa_linear`], [`linfa_logistic`],
//!   [`linfa_reduction`], [`rand`], and `polars` with the `tables` feature.
//!
//! # Features
//!
//! `tables` adds polars (data frames, `df!`, `Table::from_frame`). It is off by default because
//! polars is large: with it, evcxr's code analysis of a kernel's first cells takes about 9 s longer
//! on two cores (polars is nine tenths of what rust-analyzer reads) and each cell links against
//! it. The notebooks that show tables ask for it:
//!
//! ```text
//! :dep dlcourse = { path = "..", features = ["tables"] }
//! ```
#![warn(missing_docs)]

pub mod datasets;
pub mod display;
pub mod error;
pub mod geometry;
pub mod nn;
pub mod plot;
mod save;
pub mod table;
pub mod tensor;
pub mod train;

pub use error::{Error, Result};
#[cfg(feature = "tables")]
pub use polars;
pub use {linfa, linfa_linear, linfa_logistic, linfa_reduction, ndarray, ndarray_linalg, plotters, rand, rand_distr};

/// The crate's version, as a notebook can print and check it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything a notebook needs in scope: `use dlcourse::prelude::*;`.
pub mod prelude {
    pub use crate::datasets::{self, Dataset};
    pub use crate::error::{Error, Result};
    pub use crate::geometry::{cosine_similarity, distances, distinct_pair_distances, pairwise_distances};
    pub use crate::nn::loss;
    pub use crate::nn::optim::{Adam, AdamOptions, Optimizer, Sgd, SgdOptions};
    pub use crate::nn::schedule::Schedule;
    pub use crate::nn::{self, mlp, Activation, Module, Sequential};
    pub use crate::plot::{
        category_color, decision_boundary, BarChart, Figure, Heatmap, Histogram, ImageGrid, LinePlot, Mark, MatrixPlot,
        Panel, ScatterPlot, SurfacePlot,
    };
    #[cfg(feature = "tables")]
    pub use crate::polars;
    pub use crate::table::Table;
    pub use crate::tensor::{gradcheck, no_grad, Param, Tensor};
    pub use crate::train::{
        accuracy, argmax_rows, confusion_matrix, evaluate_classifier, fit_classifier, predict_classes, FitOptions,
        History,
    };
    pub use crate::VERSION;
    pub use crate::{linfa, linfa_linear, linfa_logistic, linfa_reduction, ndarray, ndarray_linalg, plotters};

    pub use linfa::prelude::{Fit, Predict};
    pub use ndarray::prelude::*;
    pub use ndarray::{concatenate, stack, Zip};
    pub use ndarray_linalg::{c64, Determinant, Eig, Eigh, Inverse, Norm, Solve, SVD, UPLO};
    #[cfg(feature = "tables")]
    pub use polars::df;
    #[cfg(feature = "tables")]
    pub use polars::prelude::{ChunkCompareEq, Column, DataFrame, DataType, NamedFrom, PolarsError, Series};
    pub use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
    pub use rand_distr::{Distribution, Normal, Uniform};
}
