//! Embedding: a learned vector per token, looked up by index.

use super::{init, Module};
use crate::error::{Error, Result};
use crate::tensor::{Param, Tensor};
use rand::Rng;

/// A table of `vocab` learned vectors of size `dim`.
#[derive(Clone, Debug)]
pub struct Embedding {
    /// The table, (vocab, dim).
    pub weight: Param,
}

impl Embedding {
    /// A table with N(0, 1)-like (Kaiming with fan-in 2) entries.
    pub fn new(vocab: usize, dim: usize, rng: &mut impl Rng) -> Embedding {
        Embedding { weight: Param::new("weight", init::kaiming_normal(&[vocab, dim], 2, rng)) }
    }

    /// Looks up tokens: (n) indices → (n, dim) vectors. The gradient of a row is the sum of the
    /// gradients of the positions that used it.
    pub fn lookup(&self, tokens: &[usize]) -> Result<Tensor> {
        self.weight.tensor().index_select(tokens)
    }
}

impl Module for Embedding {
    /// # Shapes
    /// - x: (b, t) token indices stored as numbers
    /// - returns (b, t, dim)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let vocab = self.weight.shape()[0];
        let tokens = x
            .value()
            .iter()
            .map(|&v| if v >= 0.0 && v.fract() == 0.0 && (v as usize) < vocab { Ok(v as usize) } else { Err(v) })
            .collect::<std::result::Result<Vec<usize>, f64>>()
            .map_err(|v| Error::invalid("Embedding::forward", format!("token {v} is not an index in 0..{vocab}")))?;
        let mut shape = x.shape().to_vec();
        shape.push(self.weight.shape()[1]);
        self.lookup(&tokens)?.reshape(&shape)
    }

    fn parameters(&self) -> Vec<Param> {
        vec![self.weight.clone()]
    }
}
