//! Layers applied one after another, element-wise activations as layers, and an MLP builder.

use super::{Linear, Module};
use crate::error::Result;
use crate::tensor::{Param, Tensor};
use rand::Rng;

/// An element-wise activation function used as a layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    /// max(x, 0)
    Relu,
    /// x if x > 0, else slope·x
    LeakyRelu(f64),
    /// 1 / (1 + e⁻ˣ)
    Sigmoid,
    /// tanh x
    Tanh,
    /// x·Φ(x), Φ the normal distribution function (exact, with erf; PyTorch's default)
    Gelu,
    /// x·Φ(x) in the tanh approximation (GPT-2, BERT)
    GeluTanh,
    /// x (no activation)
    Identity,
}

impl Module for Activation {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(match *self {
            Activation::Relu => x.relu(),
            Activation::LeakyRelu(s) => x.leaky_relu(s),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Tanh => x.tanh(),
            Activation::Gelu => x.gelu(),
            Activation::GeluTanh => x.gelu_tanh(),
            Activation::Identity => x.clone(),
        })
    }
}

/// Modules applied in order: `forward(x) = mₙ(… m₂(m₁(x)))`.
#[derive(Default)]
pub struct Sequential {
    layers: Vec<Box<dyn Module>>,
}

impl Sequential {
    /// An empty sequence.
    pub fn new() -> Sequential {
        Sequential::default()
    }

    /// Appends a layer.
    pub fn add(mut self, layer: impl Module + 'static) -> Sequential {
        self.layers.push(Box::new(layer));
        self
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// True if there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Applies the layers one by one and returns every intermediate output (after each layer).
    pub fn forward_all(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        let mut outs = Vec::with_capacity(self.layers.len());
        let mut h = x.clone();
        for layer in &self.layers {
            h = layer.forward(&h)?;
            outs.push(h.clone());
        }
        Ok(outs)
    }
}

impl Module for Sequential {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.layers {
            h = layer.forward(&h)?;
        }
        Ok(h)
    }

    /// Parameters named `"<layer index>.<name>"`, e.g. `"0.weight"`.
    fn parameters(&self) -> Vec<Param> {
        self.layers.iter().enumerate().flat_map(|(i, l)| super::prefixed(i, l.as_ref())).collect()
    }

    fn set_training(&self, training: bool) {
        for l in &self.layers {
            l.set_training(training);
        }
    }
}

/// A multi-layer perceptron: `Linear(sizes[0] → sizes[1])`, activation, …, `Linear(… → sizes[n])`
/// with no activation after the last layer (it outputs scores / logits).
///
/// ```
/// use dlcourse::nn::{mlp, Activation, Module};
/// use rand::{rngs::StdRng, SeedableRng};
/// let net = mlp(&[64, 32, 10], Activation::Relu, &mut StdRng::seed_from_u64(0));
/// assert_eq!(net.num_parameters(), 64 * 32 + 32 + 32 * 10 + 10);
/// ```
pub fn mlp(sizes: &[usize], activation: Activation, rng: &mut impl Rng) -> Sequential {
    let mut net = Sequential::new();
    for (i, w) in sizes.windows(2).enumerate() {
        net = net.add(Linear::new(w[0], w[1], rng));
        if i + 2 < sizes.len() {
            net = net.add(activation);
        }
    }
    net
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::gradcheck;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn whole_mlp_gradient_and_names() {
        let mut rng = StdRng::seed_from_u64(1);
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Gelu, Activation::GeluTanh, Activation::LeakyRelu(0.1)] {
            let net = mlp(&[3, 5, 4, 2], act, &mut rng);
            let x = Tensor::new(super::super::init::xavier_uniform(&[6, 3], 3, 3, &mut rng));
            let report = gradcheck(&net.parameters(), || Ok(net.forward(&x)?.powf(2.0).mean())).unwrap();
            assert!(report.passed(1e-6, 1e-9), "{act:?}: {report}");
        }
        let net = mlp(&[3, 5, 2], Activation::Relu, &mut rng);
        let names: Vec<String> = net.parameters().iter().map(|p| p.name().to_string()).collect();
        assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    }
}
