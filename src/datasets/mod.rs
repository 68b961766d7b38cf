//! Data to learn from: the data sets shipped in `data/` and by linfa-datasets, as typed
//! [`Dataset`]s that convert to and from linfa's.

mod dataset;
mod digits;
mod files;
mod tabular;

pub use dataset::Dataset;
pub use digits::digits;
pub use files::data_dir;
pub use tabular::{diabetes, iris, winequality};
