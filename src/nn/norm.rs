//! Normalisation layers: batch normalisation (1-D and 2-D) and layer normalisation, built
//! from the engine's operations (so their gradients come from those of mean, sub, div, sqrt).

use super::Module;
use crate::error::{Error, Result};
use crate::tensor::{Param, Tensor};
use ndarray::{ArrayD, IxDyn};
use std::cell::{Cell, RefCell};

/// x̂ = (x − μ) / √(σ² + ε) along axis 0 of a (m, f) tensor, with μ, σ² the batch mean and
/// (biased) variance of each column. Returns x̂ and the batch statistics.
fn standardize_columns(x: &Tensor, eps: f64) -> Result<(Tensor, ArrayD<f64>, ArrayD<f64>)> {
    let mu = x.mean_axis(0, true)?;
    let centred = x.try_sub(&mu)?;
    let var = centred.powf(2.0).mean_axis(0, true)?;
    let x_hat = centred.try_div(&var.add_scalar(eps).sqrt())?;
    Ok((x_hat, mu.value().clone(), var.value().clone()))
}

/// Batch normalisation: y = γ x̂ + β with x̂ = (x − μ_B)/√(σ_B² + ε).
///
/// In training mode μ_B, σ_B² are the statistics of the current batch, and running averages are
/// updated: r ← (1 − momentum) r + momentum · batch statistic. In evaluation mode the running
/// statistics are used, so the output of a sample does not depend on the rest of the batch.
/// Works on (n, f) inputs (per feature) and on (n, c, h, w) inputs (per channel).
#[derive(Debug)]
pub struct BatchNorm {
    /// Scale γ, one per feature/channel.
    pub gamma: Param,
    /// Shift β, one per feature/channel.
    pub beta: Param,
    /// Running mean (used in evaluation).
    pub running_mean: RefCell<ArrayD<f64>>,
    /// Running variance (used in evaluation).
    pub running_var: RefCell<ArrayD<f64>>,
    /// Weight of the newest batch in the running statistics.
    pub momentum: f64,
    /// ε added to the variance.
    pub eps: f64,
    training: Cell<bool>,
}

impl BatchNorm {
    /// Batch norm over `features` features (or channels): γ = 1, β = 0, running mean 0 and
    /// variance 1, momentum 0.1, ε = 1e-5.
    pub fn new(features: usize) -> BatchNorm {
        let shape = IxDyn(&[1, features]);
        BatchNorm {
            gamma: Param::new("gamma", ArrayD::ones(shape.clone())),
            beta: Param::new("beta", ArrayD::zeros(shape.clone())),
            running_mean: RefCell::new(ArrayD::zeros(shape.clone())),
            running_var: RefCell::new(ArrayD::ones(shape)),
            momentum: 0.1,
            eps: 1e-5,
            training: Cell::new(true),
        }
    }

    fn features(&self) -> usize {
        self.gamma.shape()[1]
    }

    /// Normalises a (m, f) tensor.
    fn forward_2d(&self, x: &Tensor) -> Result<Tensor> {
        let x_hat = if self.training.get() {
            let (x_hat, mu, var) = standardize_columns(x, self.eps)?;
            let m = x.shape()[0] as f64;
            let unbiased = var * (m / (m - 1.0).max(1.0));
            let mut rm = self.running_mean.borrow_mut();
            *rm = &*rm * (1.0 - self.momentum) + mu * self.momentum;
            let mut rv = self.running_var.borrow_mut();
            *rv = &*rv * (1.0 - self.momentum) + unbiased * self.momentum;
            x_hat
        } else {
            let mu = Tensor::new(self.running_mean.borrow().clone());
            let sd = Tensor::new(self.running_var.borrow().mapv(|v| (v + self.eps).sqrt()));
            x.try_sub(&mu)?.try_div(&sd)?
        };
        x_hat.try_mul(&self.gamma.tensor())?.try_add(&self.beta.tensor())
    }
}

impl Module for BatchNorm {
    /// # Shapes
    /// (n, f) → (n, f), or (n, c, h, w) → (n, c, h, w) with f = c
    ///
    /// In training mode a batch needs more than one value per feature (n ≥ 2, or n·h·w ≥ 2):
    /// the statistics of a single value standardise it to 0, so the output would be β whatever
    /// the input. Such a batch is refused (as in PyTorch).
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let f = self.features();
        let per_feature = match x.shape() {
            [n, _] => *n,
            [n, _, h, w] => n * h * w,
            _ => usize::MAX, // the shape error below
        };
        if self.training.get() && per_feature < 2 {
            return Err(Error::invalid(
                "BatchNorm::forward",
                format!(
                    "a batch of shape {:?} in training mode has {per_feature} value per feature: its batch \
                     statistics would standardise every input to 0, so the output would be β whatever the input. \
                     Use a batch of at least 2 samples, or evaluation mode (set_training(false)) to normalise with \
                     the running statistics",
                    x.shape()
                ),
            ));
        }
        match x.shape() {
            [_, c] if *c == f => self.forward_2d(x),
            [n, c, h, w] if *c == f => {
                let (n, h, w) = (*n, *h, *w);
                let flat = x.permute(&[0, 2, 3, 1])?.reshape(&[n * h * w, f])?;
                self.forward_2d(&flat)?.reshape(&[n, h, w, f])?.permute(&[0, 3, 1, 2])
            }
            other => Err(Error::Shape {
                op: "BatchNorm::forward".into(),
                expected: format!("(n, {f}) or (n, {f}, h, w)"),
                got: format!("{other:?}"),
            }),
        }
    }

    fn parameters(&self) -> Vec<Param> {
        vec![self.gamma.clone(), self.beta.clone()]
    }

    fn set_training(&self, training: bool) {
        self.training.set(training);
    }
}

/// Layer normalisation: each sample is standardised over its last axis (its features), then
/// scaled and shifted: y = γ (x − μ)/√(σ² + ε) + β. Same in training and evaluation.
#[derive(Debug)]
pub struct LayerNorm {
    /// Scale γ (features).
    pub gamma: Param,
    /// Shift β (features).
    pub beta: Param,
    /// ε added to the variance.
    pub eps: f64,
}

impl LayerNorm {
    /// Layer norm over `features` features: γ = 1, β = 0, ε = 1e-5.
    pub fn new(features: usize) -> LayerNorm {
        LayerNorm {
            gamma: Param::new("gamma", ArrayD::ones(IxDyn(&[features]))),
            beta: Param::new("beta", ArrayD::zeros(IxDyn(&[features]))),
            eps: 1e-5,
        }
    }
}

impl Module for LayerNorm {
    /// # Shapes
    /// (…, f) → (…, f)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let f = self.gamma.shape()[0];
        if x.shape().last() != Some(&f) {
            return Err(Error::Shape {
                op: "LayerNorm::forward".into(),
                expected: format!("last axis of size {f}"),
                got: format!("{:?}", x.shape()),
            });
        }
        x.standardize(self.eps)?.try_mul(&self.gamma.tensor())?.try_add(&self.beta.tensor())
    }

    fn parameters(&self) -> Vec<Param> {
        vec![self.gamma.clone(), self.beta.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Axis;

    fn column_stats(a: &ArrayD<f64>) -> (ArrayD<f64>, ArrayD<f64>) {
        (a.mean_axis(Axis(0)).expect("rows"), a.var_axis(Axis(0), 0.0))
    }
    use crate::nn::init;
    use crate::tensor::gradcheck;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn training_mode_standardises_and_eval_uses_running_statistics() {
        let mut rng = StdRng::seed_from_u64(4);
        let bn = BatchNorm::new(3);
        let x = Tensor::new(init::xavier_uniform(&[64, 3], 1, 1, &mut rng) * 5.0 + 2.0);
        let y = bn.forward(&x).unwrap();
        let (mean, var) = column_stats(y.value());
        assert!(mean.iter().all(|m| m.abs() < 1e-10) && var.iter().all(|v| (v - 1.0).abs() < 1e-3), "{mean} {var}");
        // eval: running statistics (after one batch: 0.9·(0, 1) + 0.1·batch), per-sample output
        bn.set_training(false);
        let one = Tensor::new(x.value().slice(ndarray::s![0..1, ..]).to_owned());
        let rm = bn.running_mean.borrow().clone();
        let rv = bn.running_var.borrow().clone();
        let expect = (one.value() - &rm) / rv.mapv(|v| (v + 1e-5).sqrt());
        let got = bn.forward(&one).unwrap();
        assert!((got.value() - &expect).iter().all(|d| d.abs() < 1e-12));
    }

    #[test]
    fn gradient_checks_in_training_mode() {
        let mut rng = StdRng::seed_from_u64(5);
        let bn = BatchNorm::new(3);
        let x = Param::new("x", init::xavier_uniform(&[5, 3], 1, 1, &mut rng));
        let w = Tensor::new(init::xavier_uniform(&[5, 3], 1, 1, &mut rng));
        let mut ps = bn.parameters();
        ps.push(x.clone());
        let r = gradcheck(&ps, || Ok(bn.forward(&x.tensor())?.try_mul(&w)?.sum())).unwrap();
        assert!(r.passed(1e-5, 1e-8), "{r}");
        let bn2 = BatchNorm::new(2);
        let x4 = Param::new("x4", init::xavier_uniform(&[3, 2, 2, 3], 1, 1, &mut rng));
        let w4 = Tensor::new(init::xavier_uniform(&[3, 2, 2, 3], 1, 1, &mut rng));
        let mut ps = bn2.parameters();
        ps.push(x4.clone());
        let r = gradcheck(&ps, || Ok(bn2.forward(&x4.tensor())?.try_mul(&w4)?.sum())).unwrap();
        assert!(r.passed(1e-5, 1e-8), "{r}");
        let ln = LayerNorm::new(3);
        let mut ps = ln.parameters();
        ps.push(x.clone());
        let r = gradcheck(&ps, || Ok(ln.forward(&x.tensor())?.try_mul(&w)?.sum())).unwrap();
        assert!(r.passed(1e-5, 1e-8), "{r}");
    }

    #[test]
    fn a_batch_of_one_is_refused_in_training_mode_only() {
        let bn = BatchNorm::new(3);
        let one = Tensor::new(ndarray::arr2(&[[1.0, 2.0, 3.0]]).into_dyn());
        let e = bn.forward(&one).unwrap_err().to_string();
        assert!(
            e.starts_with("BatchNorm::forward: a batch of shape [1, 3] in training mode has 1 value per feature")
                && e.contains("at least 2 samples")
                && e.contains("set_training(false)"),
            "{e}"
        );
        assert!(bn.forward(&Tensor::zeros(&[1, 3, 1, 1])).is_err());
        assert!(bn.forward(&Tensor::zeros(&[1, 3, 2, 1])).is_ok(), "two values per channel");
        bn.set_training(false);
        assert!(bn.forward(&one).is_ok());
    }
}
