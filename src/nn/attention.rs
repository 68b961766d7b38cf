//! Multi-head self-attention (optionally causal) and the transformer block.

use super::{Activation, LayerNorm, Linear, Module, Sequential};
use crate::error::{Error, Result};
use crate::tensor::{Param, Tensor};
use ndarray::{Array2, ArrayD};
use rand::Rng;

/// The additive causal mask of a sequence of length t: 0 where j ≤ i, −∞ where j > i, so that
/// after the softmax position i attends only to positions up to i.
pub fn causal_mask(t: usize) -> ArrayD<f64> {
    Array2::from_shape_fn((t, t), |(i, j)| if j > i { f64::NEG_INFINITY } else { 0.0 }).into_dyn()
}

/// Multi-head self-attention: for each head h, softmax(Q_h K_hᵀ / √d_k + mask) V_h with
/// Q = X W_q, K = X W_k, V = X W_v; heads are concatenated and mixed by W_o.
pub struct MultiHeadAttention {
    /// Query projection.
    pub wq: Linear,
    /// Key projection.
    pub wk: Linear,
    /// Value projection.
    pub wv: Linear,
    /// Output projection.
    pub wo: Linear,
    /// Number of heads.
    pub heads: usize,
    /// Whether position i may only attend to positions ≤ i.
    pub causal: bool,
}

impl MultiHeadAttention {
    /// Attention over `dim`-dimensional tokens with `heads` heads (dim must be divisible by heads).
    pub fn new(dim: usize, heads: usize, causal: bool, rng: &mut impl Rng) -> Result<MultiHeadAttention> {
        if heads == 0 || dim % heads != 0 {
            return Err(Error::invalid(
                "MultiHeadAttention::new",
                format!("dim {dim} is not divisible by {heads} heads"),
            ));
        }
        Ok(MultiHeadAttention {
            wq: Linear::new(dim, dim, rng),
            wk: Linear::new(dim, dim, rng),
            wv: Linear::new(dim, dim, rng),
            wo: Linear::new(dim, dim, rng),
            heads,
            causal,
        })
    }

    /// (b, t, d) → (b·heads, t, d/heads)
    fn split_heads(&self, x: &Tensor) -> Result<Tensor> {
        let (b, t, d) = (x.shape()[0], x.shape()[1], x.shape()[2]);
        let dh = d / self.heads;
        x.reshape(&[b, t, self.heads, dh])?.permute(&[0, 2, 1, 3])?.reshape(&[b * self.heads, t, dh])
    }

    /// The output and the attention weights, (b·heads, t, t) (row i: how much position i looks
    /// at each position).
    ///
    /// # Shapes
    /// - x: (b, t, d)
    /// - returns (b, t, d) and (b·heads, t, t)
    pub fn forward_with_weights(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let dim = self.wq.in_features();
        if x.ndim() != 3 || x.shape()[2] != dim {
            return Err(Error::Shape {
                op: "MultiHeadAttention::forward".into(),
                expected: format!("(batch, time, {dim})"),
                got: format!("{:?}", x.shape()),
            });
        }
        let (b, t) = (x.shape()[0], x.shape()[1]);
        let q = self.split_heads(&self.wq.forward(x)?)?;
        let k = self.split_heads(&self.wk.forward(x)?)?;
        let v = self.split_heads(&self.wv.forward(x)?)?;
        let dk = (dim / self.heads) as f64;
        let mut scores = q.matmul(&k.transpose()?)?.mul_scalar(1.0 / dk.sqrt());
        if self.causal {
            scores = scores.try_add(&Tensor::new(causal_mask(t)))?;
        }
        let weights = scores.softmax(2)?;
        let heads = weights.matmul(&v)?; // (b·h, t, dh)
        let merged =
            heads.reshape(&[b, self.heads, t, dim / self.heads])?.permute(&[0, 2, 1, 3])?.reshape(&[b, t, dim])?;
        Ok((self.wo.forward(&merged)?, weights))
    }
}

impl Module for MultiHeadAttention {
    /// # Shapes
    /// (b, t, d) → (b, t, d)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.forward_with_weights(x)?.0)
    }

    fn parameters(&self) -> Vec<Param> {
        [("wq", &self.wq), ("wk", &self.wk), ("wv", &self.wv), ("wo", &self.wo)]
            .iter()
            .flat_map(|(name, layer)| super::prefixed(name, *layer))
            .collect()
    }
}

/// A pre-norm transformer block: x + Attention(LN(x)), then + MLP(LN(·)) with a GELU MLP (tanh form, as GPT-2) of
/// width 4·dim.
pub struct TransformerBlock {
    /// Self-attention.
    pub attention: MultiHeadAttention,
    /// Norm before attention.
    pub norm1: LayerNorm,
    /// Norm before the MLP.
    pub norm2: LayerNorm,
    /// The position-wise MLP.
    pub mlp: Sequential,
}

impl TransformerBlock {
    /// A block over `dim`-dimensional tokens.
    pub fn new(dim: usize, heads: usize, causal: bool, rng: &mut impl Rng) -> Result<TransformerBlock> {
        Ok(TransformerBlock {
            attention: MultiHeadAttention::new(dim, heads, causal, rng)?,
            norm1: LayerNorm::new(dim),
            norm2: LayerNorm::new(dim),
            mlp: Sequential::new().add(Linear::new(dim, 4 * dim, rng)).add(Activation::GeluTanh).add(Linear::new(
                4 * dim,
                dim,
                rng,
            )),
        })
    }
}

impl TransformerBlock {
    /// The output and the attention weights of the block's attention layer.
    ///
    /// # Shapes
    /// - x: (b, t, d)
    /// - returns (b, t, d) and (b·heads, t, t)
    pub fn forward_with_attention(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let (attended, weights) = self.attention.forward_with_weights(&self.norm1.forward(x)?)?;
        let h = x.try_add(&attended)?;
        Ok((h.try_add(&self.mlp.forward(&self.norm2.forward(&h)?)?)?, weights))
    }
}

impl Module for TransformerBlock {
    /// # Shapes
    /// (b, t, d) → (b, t, d)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.forward_with_attention(x)?.0)
    }

    fn parameters(&self) -> Vec<Param> {
        let parts: [(&str, &dyn Module); 4] =
            [("attention", &self.attention), ("norm1", &self.norm1), ("norm2", &self.norm2), ("mlp", &self.mlp)];
        parts.iter().flat_map(|(name, part)| super::prefixed(name, *part)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init;
    use crate::tensor::{gradcheck, no_grad};
    use ndarray::s;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn rows_sum_to_one_and_the_causal_mask_hides_the_future() {
        let mut rng = StdRng::seed_from_u64(6);
        let att = MultiHeadAttention::new(8, 2, true, &mut rng).unwrap();
        let x = init::xavier_uniform(&[2, 5, 8], 1, 1, &mut rng);
        let (y, w) = att.forward_with_weights(&Tensor::new(x.clone())).unwrap();
        assert_eq!((y.shape(), w.shape()), (&[2, 5, 8][..], &[4, 5, 5][..]));
        for row in w.value().rows() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
        }
        assert!(w.value().indexed_iter().all(|(i, &v)| i[2] <= i[1] || v == 0.0));
        // changing the last token changes no output before it
        let mut x2 = x.clone();
        x2.slice_mut(s![.., 4, ..]).fill(3.0);
        let y2 = no_grad(|| att.forward(&Tensor::new(x2))).unwrap();
        let diff = (y.value().slice(s![.., ..4, ..]).to_owned() - y2.value().slice(s![.., ..4, ..])).mapv(f64::abs);
        assert!(diff.iter().all(|&d| d < 1e-12));
    }

    #[test]
    fn gradient_checks() {
        let mut rng = StdRng::seed_from_u64(7);
        let x = Tensor::new(init::xavier_uniform(&[2, 4, 6], 1, 1, &mut rng));
        let w = Tensor::new(init::xavier_uniform(&[2, 4, 6], 1, 1, &mut rng));
        let att = MultiHeadAttention::new(6, 3, true, &mut rng).unwrap();
        let r = gradcheck(&att.parameters(), || Ok(att.forward(&x)?.try_mul(&w)?.sum())).unwrap();
        assert!(r.passed(1e-5, 1e-8), "attention: {r}");
        let block = TransformerBlock::new(6, 2, true, &mut rng).unwrap();
        let r = gradcheck(&block.parameters(), || Ok(block.forward(&x)?.try_mul(&w)?.sum())).unwrap();
        assert!(r.passed(1e-5, 1e-8), "block: {r}");
    }
}
