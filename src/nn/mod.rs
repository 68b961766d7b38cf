//! Neural-network building blocks on the tensor engine: layers (one file each), losses,
//! initialisations, optimisers, learning-rate schedules.
//!
//! Every layer implements [`Module`]: `forward` maps a tensor to a tensor, `parameters` lists
//! what an optimiser trains, `set_training` switches layers such as dropout and batch norm
//! between training and evaluation.

mod attention;
mod causal_transformer;
mod conv;
mod conv3d;
mod dropout;
mod embedding;
pub mod init;
mod linear;
pub mod loss;
pub mod models;
mod norm;
pub mod optim;
mod pool;
pub mod schedule;
mod sequential;

pub use attention::{causal_mask, MultiHeadAttention, TransformerBlock};
pub use causal_transformer::{CausalTransformer, CausalTransformerOptions};
pub use conv::{Conv2d, Conv2dOptions};
pub use conv3d::Conv3d;
pub use dropout::Dropout;
pub use embedding::Embedding;
pub use linear::Linear;
pub use norm::{BatchNorm, LayerNorm};
pub use pool::{AvgPool2d, Flatten, MaxPool2d};
pub use sequential::{mlp, Activation, Sequential};

use crate::error::Result;
use crate::tensor::{Param, Tensor};

/// A layer or a model: a differentiable map from a tensor to a tensor, with parameters.
pub trait Module {
    /// Applies the module.
    fn forward(&self, x: &Tensor) -> Result<Tensor>;

    /// The trainable parameters, named (e.g. `"0.weight"` in a [`Sequential`]).
    fn parameters(&self) -> Vec<Param> {
        vec![]
    }

    /// Switches between training (`true`: dropout drops, batch norm uses batch statistics) and
    /// evaluation (`false`). Layers without such behaviour ignore it.
    fn set_training(&self, _training: bool) {}

    /// Total number of trainable scalars.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(|p| p.len()).sum()
    }

    /// Forgets every parameter's accumulated gradient.
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.zero_grad();
        }
    }
}

/// The parameters of `part`, renamed `"<prefix>.<name>"`: how a model names the parameters of
/// its parts (e.g. `"attention.wq.weight"`). The renamed parameters are the same parameters
/// (an optimiser built on them trains `part`).
///
/// A model made of parts lists its parameters with it, so that no two share a name (which
/// [`crate::train::save_parameters`] and [`crate::train::load_parameters`] refuse: "0.weight" of
/// the encoder and "0.weight" of the decoder could not be told apart in a file):
///
/// ```
/// use dlcourse::prelude::*;
/// let mut rng = StdRng::seed_from_u64(0);
/// let (encoder, decoder) = (mlp(&[4, 2], Activation::Relu, &mut rng), mlp(&[2, 4], Activation::Relu, &mut rng));
/// let params = [nn::prefixed("encoder", &encoder), nn::prefixed("decoder", &decoder)].concat();
/// assert_eq!(params[0].name(), "encoder.0.weight");
/// assert!(params[0].same(&encoder.parameters()[0]));
/// ```
pub fn prefixed(prefix: impl std::fmt::Display, part: &dyn Module) -> Vec<Param> {
    part.parameters().into_iter().map(|p| p.renamed(format!("{prefix}.{}", p.name()))).collect()
}
