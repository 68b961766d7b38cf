//! The 3-D convolution layer (voxel grids, videos).

use super::{init, Conv2dOptions, Module};
use crate::error::Result;
use crate::tensor::{Param, Tensor};
use ndarray::{ArrayD, IxDyn};
use rand::Rng;

/// A 3-D convolution layer: `c_out` filters of size `c_in × k × k × k`, plus a bias per filter.
/// It takes the same options as [`super::Conv2d`]: stride and zero padding (equal along the three
/// axes) and whether there is a bias.
#[derive(Clone, Debug)]
pub struct Conv3d {
    /// Filters, (c_out, c_in, k, k, k).
    pub weight: Param,
    /// Bias, (c_out), if any.
    pub bias: Option<Param>,
    /// Stride and padding.
    pub options: Conv2dOptions,
}

impl Conv3d {
    /// A layer with He/Kaiming-uniform filters (fan-in c_in·k³) and zero bias.
    pub fn new(c_in: usize, c_out: usize, k: usize, options: Conv2dOptions, rng: &mut impl Rng) -> Conv3d {
        let weight = init::kaiming_uniform(&[c_out, c_in, k, k, k], c_in * k * k * k, rng);
        Conv3d {
            weight: Param::new("weight", weight),
            bias: options.bias.then(|| Param::new("bias", ArrayD::zeros(IxDyn(&[c_out])))),
            options,
        }
    }
}

impl Module for Conv3d {
    /// # Shapes
    /// - x: (n, c_in, d, h, w)
    /// - returns (n, c_out, d′, h′, w′), each size ⌊(i + 2p − k)/s⌋ + 1
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = x.conv3d(&self.weight.tensor(), self.options.stride, self.options.padding)?;
        super::conv::add_channel_bias(y, self.bias.as_ref())
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
    fn gradient_check_and_shapes() {
        let mut rng = StdRng::seed_from_u64(5);
        let conv = Conv3d::new(2, 3, 3, Conv2dOptions { stride: 2, padding: 1, bias: true }, &mut rng);
        conv.bias.as_ref().unwrap().set_value(ndarray::arr1(&[0.1, -0.3, 0.2]).into_dyn());
        let x = Tensor::new(init::xavier_uniform(&[2, 2, 5, 4, 3], 1, 1, &mut rng));
        assert_eq!(conv.forward(&x).unwrap().shape(), &[2, 3, 3, 2, 2]);
        let r = gradcheck(&conv.parameters(), || Ok(conv.forward(&x)?.tanh().sum())).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        assert_eq!(conv.num_parameters(), 3 * 2 * 27 + 3);
    }
}
