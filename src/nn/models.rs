//! The named architectures the course trains in several places (notebooks, tests, benchmark).

use super::{Activation, Conv2d, Conv2dOptions, Flatten, Linear, MaxPool2d, Sequential};
use rand::Rng;

/// The small CNN for 8×8 single-channel images (the digits), 10 classes, 1898 parameters:
/// conv 3×3 (1 → 8, padding 1), ReLU, max-pool 2, conv 3×3 (8 → 16, padding 1), ReLU, max-pool 2,
/// flatten (16·2·2 = 64), linear 64 → 10.
///
/// # Shapes
/// - input: (n, 1, 8, 8)
/// - output: (n, 10) class scores
pub fn small_cnn(rng: &mut impl Rng) -> Sequential {
    let same = Conv2dOptions { padding: 1, ..Default::default() };
    Sequential::new()
        .add(Conv2d::new(1, 8, 3, same, rng))
        .add(Activation::Relu)
        .add(MaxPool2d::new(2))
        .add(Conv2d::new(8, 16, 3, same, rng))
        .add(Activation::Relu)
        .add(MaxPool2d::new(2))
        .add(Flatten)
        .add(Linear::new(64, 10, rng))
}

/// A LeNet-5-style CNN for 28×28 single-channel images, 10 classes (ReLU and max pooling in
/// place of the original's tanh and subsampling): conv 5×5 (1 → 6, padding 2), ReLU, max-pool 2,
/// conv 5×5 (6 → 16), ReLU, max-pool 2, flatten (400), linear 400 → 120 → 84 → 10 with ReLUs.
///
/// # Shapes
/// - input: (n, 1, 28, 28)
/// - output: (n, 10) class scores
pub fn lenet5(rng: &mut impl Rng) -> Sequential {
    Sequential::new()
        .add(Conv2d::new(1, 6, 5, Conv2dOptions { padding: 2, ..Default::default() }, rng))
        .add(Activation::Relu)
        .add(MaxPool2d::new(2))
        .add(Conv2d::new(6, 16, 5, Conv2dOptions::default(), rng))
        .add(Activation::Relu)
        .add(MaxPool2d::new(2))
        .add(Flatten)
        .add(Linear::new(400, 120, rng))
        .add(Activation::Relu)
        .add(Linear::new(120, 84, rng))
        .add(Activation::Relu)
        .add(Linear::new(84, 10, rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Module;
    use crate::tensor::Tensor;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn shapes_and_parameter_counts() {
        let mut rng = StdRng::seed_from_u64(0);
        let small = small_cnn(&mut rng);
        assert_eq!(small.num_parameters(), (8 * 9 + 8) + (16 * 8 * 9 + 16) + (64 * 10 + 10));
        assert_eq!(small.forward(&Tensor::zeros(&[3, 1, 8, 8])).unwrap().shape(), &[3, 10]);
        let lenet = lenet5(&mut rng);
        let expected = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
        assert_eq!(lenet.num_parameters(), expected);
        assert_eq!(lenet.forward(&Tensor::zeros(&[2, 1, 28, 28])).unwrap().shape(), &[2, 10]);
    }
}
