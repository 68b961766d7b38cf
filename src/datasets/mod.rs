//! Data to learn from: the data sets shipped in `data/` and by linfa-datasets, as typed
//! [`Dataset`]s that convert to and from linfa's; seeded [`generators`] of synthetic data; and the
//! preparation steps (splits, standardisation, one-hot encoding).

#[cfg(feature = "tables")]
mod anscombe;
mod dataset;
mod digits;
mod files;
pub mod generators;
mod preprocess;
mod tabular;

#[cfg(feature = "tables")]
pub use anscombe::anscombe;
pub use dataset::{as_images, Dataset};
pub use digits::digits;
pub use files::data_dir;
pub use generators::*;
pub use preprocess::{one_hot, Standardizer};
pub use tabular::{diabetes, iris, winequality};
