//! The 2-D convolution layer.

use super::{init, Module};
use crate::error::Result;
use crate::tensor::{Param, Tensor};
use ndarray::{ArrayD, IxDyn};
use rand::Rng;

/// Options of [`Conv2d`].
#[derive(Clone, Copy, Debug)]
pub struct Conv2dOptions {
    /// Step between windows, rows and columns.
    pub stride: usize,
    /// Zeros added on each side, rows and columns.
    pub padding: usize,
    /// Whether the layer adds a bias per output channel.
    pub bias: bool,
}

impl Default for Conv2dOptions {
    fn default() -> Self {
        Conv2dOptions { stride: 1, padding: 0, bias: true }
    }
}

/// A 2-D convolution layer: `c_out` filters of size `c_in × k × k`, plus a bias per filter.
#[derive(Clone, Debug)]
pub struct Conv2d {
    /// Filters, (c_out, c_in, k, k).
    pub weight: Param,
    /// Bias, (c_out), if any.
    pub bias: Option<Param>,
    /// Stride and padding.
    pub options: Conv2dOptions,
}

impl Conv2d {
    /// A layer with He/Kaiming-uniform filters (fan-in c_in·k²) and zero bias.
    pub fn new(c_in: usize, c_out: usize, k: usize, options: Conv2dOptions, rng: &mut impl Rng) -> Conv2d {
        let weight = init::kaiming_uniform(&[c_out, c_in, k, k], c_in * k * k, rng);
        Conv2d {
            weight: Param::new("weight", weight),
            bias: options.bias.then(|| Param::new("bias", ArrayD::zeros(IxDyn(&[c_out])))),
            options,
        }
    }
}

/// Adds one bias per channel (axis 1) to a (n, c, …) output, broadcast over the other axes.
pub(super) fn add_channel_bias(y: Tensor, bias: Option<&Param>) -> Result<Tensor> {
    let Some(b) = bias else { return Ok(y) };
    let mut shape = vec![1; y.ndim()];
    shape[1] = b.shape()[0];
    y.try_add(&b.tensor().reshape(&shape)?)
}

impl Module for Conv2d {
    /// # Shapes
    /// - x: (n, c_in, h, w)
    /// - returns (n, c_out, ⌊(h + 2p − k)/s⌋ + 1, ⌊(w + 2p − k)/s⌋ + 1)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (s, p) = (self.options.stride, self.options.padding);
        let y = x.conv2d(&self.weight.tensor(), (s, s), (p, p))?;
        add_channel_bias(y, self.bias.as_ref())
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
    fn gradient_check_with_stride_and_padding() {
        let mut rng = StdRng::seed_from_u64(3);
        let conv = Conv2d::new(2, 3, 3, Conv2dOptions { stride: 2, padding: 1, bias: true }, &mut rng);
        let x = Tensor::new(init::xavier_uniform(&[2, 2, 5, 5], 1, 1, &mut rng));
        assert_eq!(conv.forward(&x).unwrap().shape(), &[2, 3, 3, 3]);
        let r = gradcheck(&conv.parameters(), || Ok(conv.forward(&x)?.tanh().sum())).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        assert_eq!(conv.parameters().iter().map(|p| p.len()).sum::<usize>(), 3 * 2 * 9 + 3);
    }
}
