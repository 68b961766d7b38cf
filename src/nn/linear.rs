//! The fully connected layer y = x W + b.

use super::{init, Module};
use crate::error::{Error, Result};
use crate::tensor::{Param, Tensor};
use ndarray::ArrayD;
use rand::Rng;

/// A fully connected (affine) layer: y = x W + b with W of shape (in, out), b of shape (out).
#[derive(Clone, Debug)]
pub struct Linear {
    /// Weights, (in_features, out_features).
    pub weight: Param,
    /// Bias, (out_features), if the layer has one.
    pub bias: Option<Param>,
}

impl Linear {
    /// A layer with He/Kaiming-uniform weights (suited to ReLU) and zero bias.
    pub fn new(in_features: usize, out_features: usize, rng: &mut impl Rng) -> Linear {
        let w = init::kaiming_uniform(&[in_features, out_features], in_features, rng);
        Linear::from_weights(w, Some(ArrayD::zeros(ndarray::IxDyn(&[out_features]))))
    }

    /// A layer with given weights (in, out) and bias (out).
    pub fn from_weights(weight: ArrayD<f64>, bias: Option<ArrayD<f64>>) -> Linear {
        Linear { weight: Param::new("weight", weight), bias: bias.map(|b| Param::new("bias", b)) }
    }

    /// Number of inputs.
    pub fn in_features(&self) -> usize {
        self.weight.shape()[0]
    }

    /// Number of outputs.
    pub fn out_features(&self) -> usize {
        self.weight.shape()[1]
    }
}

impl Module for Linear {
    /// # Shapes
    /// - x: (n, in) or (batch, t, in)
    /// - returns (n, out) or (batch, t, out)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if x.ndim() < 2 {
            let n = self.in_features();
            return Err(Error::invalid(
                "Linear::forward",
                format!(
                    "Linear expects (batch, in_features) = (n, {n}), got {:?}: a single sample has no batch axis; \
                     add one, e.g. x.reshape(&[1, {}])",
                    x.shape(),
                    x.len()
                ),
            ));
        }
        if x.shape().last() != Some(&self.in_features()) {
            return Err(Error::Shape {
                op: "Linear::forward".into(),
                expected: format!("inputs whose last axis has {} features", self.in_features()),
                got: format!("{:?}", x.shape()),
            });
        }
        let y = x.matmul(&self.weight.tensor())?;
        match &self.bias {
            Some(b) => y.try_add(&b.tensor()),
            None => Ok(y),
        }
    }

    fn parameters(&self) -> Vec<Param> {
        std::iter::once(self.weight.clone()).chain(self.bias.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::gradcheck;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn gradient_and_shapes() {
        let mut rng = StdRng::seed_from_u64(0);
        let layer = Linear::new(3, 2, &mut rng);
        let x = Param::new("x", init::xavier_uniform(&[4, 3], 3, 3, &mut rng));
        let mut params = layer.parameters();
        params.push(x.clone());
        let report = gradcheck(&params, || Ok(layer.forward(&x.tensor())?.tanh().sum())).unwrap();
        assert!(report.passed(1e-6, 1e-9), "{report}");
        assert_eq!(layer.num_parameters(), 3 * 2 + 2);
        let e = layer.forward(&Tensor::zeros(&[4, 5])).unwrap_err().to_string();
        assert!(e.contains("Linear::forward") && e.contains("3 features") && e.contains("[4, 5]"), "{e}");
    }

    #[test]
    fn a_sample_without_a_batch_axis_is_named_by_linear() {
        let layer = Linear::new(3, 2, &mut StdRng::seed_from_u64(0));
        let e = layer.forward(&Tensor::from_slice(&[1.0, 2.0, 3.0])).unwrap_err().to_string();
        assert_eq!(
            e,
            "Linear::forward: Linear expects (batch, in_features) = (n, 3), got [3]: a single sample has no batch \
             axis; add one, e.g. x.reshape(&[1, 3])"
        );
    }
}
