//! Training: seeded mini-batches, a fit loop with a live progress line, early stopping and a
//! history that plots in one call; accuracy and confusion matrices; saving and loading
//! parameters.

mod checkpoint;
mod fit;
mod metrics;

pub use checkpoint::{load_parameters, save_parameters, save_parameters_overwrite};
pub use fit::{fit_classifier, shuffled_batches, EpochRecord, FitOptions, History};
pub use metrics::{accuracy, argmax_rows, confusion_matrix, evaluate_classifier, predict_classes};
