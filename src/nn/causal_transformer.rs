//! A small decoder-only (causal) transformer language model: token and position embeddings,
//! causal transformer blocks, a final layer norm and a linear read-out to next-token scores.

use super::{prefixed, Embedding, LayerNorm, Linear, Module, TransformerBlock};
use crate::error::{Error, Result};
use crate::tensor::{no_grad, Param, Tensor};
use crate::train::argmax_rows;
use ndarray::{concatenate, s, Array2, ArrayView2, Axis};
use rand::Rng;

/// The sizes of a [`CausalTransformer`].
#[derive(Clone, Debug)]
pub struct CausalTransformerOptions {
    /// Model width: the size of every token's vector.
    pub dim: usize,
    /// Attention heads per block (must divide `dim`).
    pub heads: usize,
    /// Number of transformer blocks.
    pub layers: usize,
}

impl Default for CausalTransformerOptions {
    fn default() -> Self {
        CausalTransformerOptions { dim: 32, heads: 2, layers: 2 }
    }
}

/// Next-token prediction: position i's output scores the token at position i + 1, and sees only
/// positions ≤ i (every block is causal).
pub struct CausalTransformer {
    /// One learned vector per token.
    pub tokens: Embedding,
    /// One learned vector per position (`context` of them).
    pub positions: Embedding,
    /// The causal blocks.
    pub blocks: Vec<TransformerBlock>,
    /// Layer norm after the last block.
    pub norm: LayerNorm,
    /// Read-out: a score per token of the vocabulary.
    pub head: Linear,
}

impl CausalTransformer {
    /// A model over `vocab` tokens and sequences of at most `context` positions.
    pub fn new(
        vocab: usize,
        context: usize,
        options: &CausalTransformerOptions,
        rng: &mut impl Rng,
    ) -> Result<CausalTransformer> {
        if vocab == 0 || context == 0 {
            return Err(Error::invalid(
                "CausalTransformer::new",
                format!("vocab ({vocab}) and context ({context}) must be at least 1"),
            ));
        }
        let d = options.dim;
        Ok(CausalTransformer {
            tokens: Embedding::new(vocab, d, rng),
            positions: Embedding::new(context, d, rng),
            blocks: (0..options.layers)
                .map(|_| TransformerBlock::new(d, options.heads, true, rng))
                .collect::<Result<_>>()?,
            norm: LayerNorm::new(d),
            head: Linear::new(d, vocab, rng),
        })
    }

    /// The number of tokens.
    pub fn vocab(&self) -> usize {
        self.tokens.weight.shape()[0]
    }

    /// The longest sequence the model reads.
    pub fn context(&self) -> usize {
        self.positions.weight.shape()[0]
    }

    /// Next-token scores and every block's attention weights.
    ///
    /// # Shapes
    /// - tokens: (b, t) with t ≤ context, entries < vocab
    /// - returns logits (b, t, vocab) and, per block, weights (b·heads, t, t)
    pub fn forward_tokens(&self, tokens: ArrayView2<usize>) -> Result<(Tensor, Vec<Tensor>)> {
        let (b, t) = tokens.dim();
        if t == 0 || t > self.context() {
            return Err(Error::Shape {
                op: "CausalTransformer::forward_tokens".into(),
                expected: format!("(batch, t) tokens with 1 ≤ t ≤ context = {}", self.context()),
                got: format!("{:?}", tokens.shape()),
            });
        }
        if let Some(bad) = tokens.iter().find(|&&k| k >= self.vocab()) {
            return Err(Error::invalid(
                "CausalTransformer::forward_tokens",
                format!("token {bad} is not in the vocabulary 0..{}", self.vocab()),
            ));
        }
        let flat: Vec<usize> = tokens.iter().copied().collect();
        let d = self.tokens.weight.shape()[1];
        let embedded = self.tokens.lookup(&flat)?.reshape(&[b, t, d])?;
        let place = self.positions.lookup(&(0..t).collect::<Vec<_>>())?; // (t, d), broadcast over b
        let mut h = embedded.try_add(&place)?;
        let mut maps = Vec::with_capacity(self.blocks.len());
        for block in &self.blocks {
            let (next, weights) = block.forward_with_attention(&h)?;
            h = next;
            maps.push(weights);
        }
        Ok((self.head.forward(&self.norm.forward(&h)?)?, maps))
    }

    /// The mean cross-entropy of predicting the tokens at positions `answer_start..t` of each
    /// sequence, each from the tokens before it (teacher forcing: the model reads the true
    /// prefix). With `answer_start = 1` this is the usual language-model loss; a larger value
    /// scores only the answer part of prompt-answer sequences.
    ///
    /// # Shapes
    /// - tokens: (b, t) with 1 ≤ answer_start < t ≤ context + 1
    pub fn next_token_loss(&self, tokens: ArrayView2<usize>, answer_start: usize) -> Result<Tensor> {
        let (b, t) = tokens.dim();
        if answer_start == 0 || answer_start >= t {
            return Err(Error::invalid(
                "CausalTransformer::next_token_loss",
                format!("answer_start {answer_start} must be in 1..{t} for sequences of length {t}"),
            ));
        }
        let (logits, _) = self.forward_tokens(tokens.slice(s![.., ..t - 1]))?;
        let k = t - answer_start;
        let scores = logits.narrow(1, answer_start - 1, k)?.reshape(&[b * k, self.vocab()])?;
        let targets: Vec<usize> = tokens.slice(s![.., answer_start..]).iter().copied().collect();
        crate::nn::loss::cross_entropy(&scores, &targets)
    }

    /// Greedy autoregressive generation: append the most likely next token `steps` times.
    ///
    /// # Shapes
    /// - prompt: (b, t₀) with t₀ + steps − 1 ≤ context
    /// - returns (b, t₀ + steps): the prompt followed by the generated tokens
    pub fn generate(&self, prompt: ArrayView2<usize>, steps: usize) -> Result<Array2<usize>> {
        if prompt.ncols() + steps.saturating_sub(1) > self.context() {
            return Err(Error::Shape {
                op: "CausalTransformer::generate".into(),
                expected: format!("prompt length + steps − 1 ≤ context = {}", self.context()),
                got: format!("prompt {:?} and {steps} steps", prompt.shape()),
            });
        }
        let mut sequence = prompt.to_owned();
        for _ in 0..steps {
            let t = sequence.ncols();
            let (logits, _) = no_grad(|| self.forward_tokens(sequence.view()))?;
            let last = logits.value().slice(s![.., t - 1, ..]).to_owned().into_dyn();
            let next = Array2::from_shape_vec((sequence.nrows(), 1), argmax_rows(&last))
                .unwrap_or_else(|_| unreachable!("one token per row"));
            sequence = concatenate(Axis(1), &[sequence.view(), next.view()])
                .unwrap_or_else(|_| unreachable!("same number of rows"));
        }
        Ok(sequence)
    }
}

impl Module for CausalTransformer {
    /// # Shapes
    /// - x: (b, t) token indices stored as numbers
    /// - returns (b, t, vocab) next-token scores
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let values = x.value().view().into_dimensionality::<ndarray::Ix2>().map_err(|_| Error::Shape {
            op: "CausalTransformer::forward".into(),
            expected: "(batch, t) token indices".into(),
            got: format!("{:?}", x.shape()),
        })?;
        if let Some(bad) = values.iter().find(|v| **v < 0.0 || v.fract() != 0.0) {
            return Err(Error::invalid(
                "CausalTransformer::forward",
                format!("{bad} is not a token index (a whole number in 0..{})", self.vocab()),
            ));
        }
        Ok(self.forward_tokens(values.mapv(|v| v as usize).view())?.0)
    }

    fn parameters(&self) -> Vec<Param> {
        let mut all = prefixed("tokens", &self.tokens);
        all.extend(prefixed("positions", &self.positions));
        for (i, block) in self.blocks.iter().enumerate() {
            all.extend(prefixed(format!("block{i}"), block));
        }
        all.extend(prefixed("norm", &self.norm));
        all.extend(prefixed("head", &self.head));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::gradcheck;
    use rand::{rngs::StdRng, SeedableRng};

    fn small() -> CausalTransformer {
        let mut rng = StdRng::seed_from_u64(3);
        CausalTransformer::new(5, 6, &CausalTransformerOptions { dim: 4, heads: 2, layers: 1 }, &mut rng).unwrap()
    }

    #[test]
    fn a_later_token_changes_no_earlier_score() {
        let model = small();
        let a = ndarray::array![[1, 2, 3, 4, 0]];
        let mut b = a.clone();
        b[[0, 3]] = 2;
        let (la, maps) = model.forward_tokens(a.view()).unwrap();
        let (lb, _) = model.forward_tokens(b.view()).unwrap();
        assert_eq!(la.shape(), &[1, 5, 5]);
        assert_eq!(maps[0].shape(), &[2, 5, 5]);
        assert_eq!(la.value().slice(s![.., ..3, ..]), lb.value().slice(s![.., ..3, ..]));
        assert_ne!(la.value().slice(s![.., 3, ..]), lb.value().slice(s![.., 3, ..]));
    }

    #[test]
    fn gradient_check_of_the_whole_model() {
        let model = small();
        let tokens = ndarray::array![[1, 2, 3, 4], [0, 0, 4, 1]];
        let r = gradcheck(&model.parameters(), || {
            let (logits, _) = model.forward_tokens(tokens.view())?;
            crate::nn::loss::cross_entropy(&logits.reshape(&[8, 5])?, &[2, 3, 4, 0, 0, 4, 1, 1])
        })
        .unwrap();
        assert!(r.passed(1e-5, 1e-8), "{r}");
    }

    #[test]
    fn the_answer_loss_scores_only_the_answer_positions() {
        let model = small();
        let tokens = ndarray::array![[1, 2, 3, 4, 0], [0, 0, 4, 1, 2]];
        let loss = model.next_token_loss(tokens.view(), 3).unwrap().item().unwrap();
        let (logits, _) = model.forward_tokens(tokens.slice(s![.., ..4])).unwrap();
        let mut by_hand = 0.0;
        for (i, j) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
            let row = logits.value().slice(s![i, j, ..]).to_owned();
            let log_z = row.mapv(f64::exp).sum().ln();
            by_hand += (log_z - row[tokens[[i, j + 1]]]) / 4.0;
        }
        assert!((loss - by_hand).abs() < 1e-12, "{loss} vs {by_hand}");
        let e = model.next_token_loss(tokens.view(), 5).unwrap_err().to_string();
        assert!(e.contains("answer_start 5 must be in 1..5"), "{e}");
    }

    #[test]
    fn bad_input_is_named() {
        let model = small();
        let long = Array2::<usize>::zeros((1, 7));
        let e = model.forward_tokens(long.view()).unwrap_err().to_string();
        assert!(e.contains("context = 6") && e.contains("[1, 7]"), "{e}");
        let e = model.forward_tokens(ndarray::array![[1, 9]].view()).unwrap_err().to_string();
        assert!(e.contains("token 9") && e.contains("0..5"), "{e}");
        let e = model.generate(ndarray::array![[1, 2, 3]].view(), 5).unwrap_err().to_string();
        assert!(e.contains("generate") && e.contains("5 steps"), "{e}");
        let e = model.forward(&Tensor::new(ndarray::array![[1.0, 2.5]].into_dyn())).unwrap_err().to_string();
        assert!(e.contains("2.5 is not a token index"), "{e}");
        let as_numbers = model.forward(&Tensor::new(ndarray::array![[1.0, 2.0]].into_dyn())).unwrap();
        assert_eq!(as_numbers.value(), model.forward_tokens(ndarray::array![[1, 2]].view()).unwrap().0.value());
        let out = model.generate(ndarray::array![[1, 2, 3]].view(), 4).unwrap();
        assert_eq!(out.dim(), (1, 7));
    }
}
