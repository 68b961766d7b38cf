//! Dropout: during training each activation is kept with probability p (and scaled by 1/p:
//! "inverted dropout", so the expected activation is unchanged); in evaluation it is the identity.

use super::Module;
use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::ArrayD;
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::cell::{Cell, RefCell};

/// Inverted dropout with keep probability `keep`.
#[derive(Debug)]
pub struct Dropout {
    keep: f64,
    training: Cell<bool>,
    rng: RefCell<StdRng>,
}

impl Dropout {
    /// Keeps each activation with probability `keep` ∈ (0, 1]; masks come from a generator
    /// seeded with `seed`.
    pub fn new(keep: f64, seed: u64) -> Result<Dropout> {
        if !(keep > 0.0 && keep <= 1.0) {
            return Err(Error::invalid("Dropout::new", format!("keep probability {keep} must be in (0, 1]")));
        }
        Ok(Dropout { keep, training: Cell::new(true), rng: RefCell::new(StdRng::seed_from_u64(seed)) })
    }

    /// A fresh Bernoulli(keep) mask scaled by 1/keep, of the given shape.
    pub fn mask(&self, shape: &[usize]) -> ArrayD<f64> {
        let mut rng = self.rng.borrow_mut();
        ArrayD::from_shape_fn(
            ndarray::IxDyn(shape),
            |_| if rng.gen::<f64>() < self.keep { 1.0 / self.keep } else { 0.0 },
        )
    }
}

impl Module for Dropout {
    /// # Shapes
    /// any → the same
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if !self.training.get() || self.keep == 1.0 {
            return Ok(x.clone());
        }
        x.try_mul(&Tensor::new(self.mask(x.shape())))
    }

    fn set_training(&self, training: bool) {
        self.training.set(training);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_in_eval_and_mean_preserved_in_training() {
        let d = Dropout::new(0.8, 0).unwrap();
        let x = Tensor::new(ArrayD::from_elem(ndarray::IxDyn(&[100, 100]), 1.0));
        let y = d.forward(&x).unwrap();
        let mean = y.value().mean().unwrap();
        assert!((mean - 1.0).abs() < 0.02, "inverted dropout keeps the mean: {mean}");
        let dropped = y.value().iter().filter(|&&v| v == 0.0).count() as f64 / 1e4;
        assert!((dropped - 0.2).abs() < 0.02, "{dropped}");
        d.set_training(false);
        assert_eq!(d.forward(&x).unwrap().value(), x.value());
        assert!(Dropout::new(0.0, 0).unwrap_err().to_string().contains("(0, 1]"));
    }
}
