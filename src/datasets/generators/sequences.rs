//! Algorithmic sequence tasks for attention models: reverse a string, sort it, add modulo p.

use super::{check_count, rng};
use crate::error::Result;
use ndarray::Array2;
use rand::Rng;

/// Input and target token sequences (tokens are `0..n_symbols`), one pair per row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPairs {
    /// `n × input length` tokens.
    pub inputs: Array2<usize>,
    /// `n × target length` tokens.
    pub targets: Array2<usize>,
    /// The number of distinct tokens (the vocabulary of both inputs and targets).
    pub n_symbols: usize,
}

impl TokenPairs {
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.inputs.nrows()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The separator token placed between an input and its target: `n_symbols` (one past the
    /// symbols, so the vocabulary of [`sequences`](Self::sequences) is `n_symbols + 1`).
    pub fn separator(&self) -> usize {
        self.n_symbols
    }

    /// Each pair as one sequence for a causal model: the input, the separator, the target
    /// (`n × (input length + 1 + target length)`). The answer starts at `input length + 1`.
    pub fn sequences(&self) -> Array2<usize> {
        let (n, a) = self.inputs.dim();
        let b = self.targets.ncols();
        Array2::from_shape_fn((n, a + 1 + b), |(i, j)| match j {
            j if j < a => self.inputs[[i, j]],
            j if j == a => self.separator(),
            j => self.targets[[i, j - a - 1]],
        })
    }
}

fn random_strings(op: &str, n: usize, length: usize, n_symbols: usize, seed: u64) -> Result<Array2<usize>> {
    check_count(op, "n", n, 1)?;
    check_count(op, "length", length, 1)?;
    check_count(op, "n_symbols", n_symbols, 2)?;
    let mut rng = rng(seed);
    Ok(Array2::from_shape_simple_fn((n, length), || rng.gen_range(0..n_symbols)))
}

/// `n` random strings of `length` tokens from `0..n_symbols`; the target is the string reversed.
pub fn reverse_task(n: usize, length: usize, n_symbols: usize, seed: u64) -> Result<TokenPairs> {
    let inputs = random_strings("reverse_task", n, length, n_symbols, seed)?;
    let mut targets = inputs.clone();
    for mut row in targets.rows_mut() {
        row.as_slice_mut().unwrap_or_else(|| unreachable!("rows of a standard-layout array are contiguous")).reverse();
    }
    Ok(TokenPairs { inputs, targets, n_symbols })
}

/// `n` random strings of `length` tokens from `0..n_symbols`; the target is the string sorted.
pub fn sort_task(n: usize, length: usize, n_symbols: usize, seed: u64) -> Result<TokenPairs> {
    let inputs = random_strings("sort_task", n, length, n_symbols, seed)?;
    let mut targets = inputs.clone();
    for mut row in targets.rows_mut() {
        row.as_slice_mut()
            .unwrap_or_else(|| unreachable!("rows of a standard-layout array are contiguous"))
            .sort_unstable();
    }
    Ok(TokenPairs { inputs, targets, n_symbols })
}

/// The whole addition table modulo `modulus`: every pair (a, b) with target (a + b) mod p, in
/// row-major order (p² rows). Split it to study generalisation (and grokking) on unseen pairs.
pub fn modular_addition_table(modulus: usize) -> Result<TokenPairs> {
    check_count("modular_addition_table", "modulus", modulus, 2)?;
    let p = modulus;
    let inputs = Array2::from_shape_fn((p * p, 2), |(i, j)| if j == 0 { i / p } else { i % p });
    let targets = Array2::from_shape_fn((p * p, 1), |(i, _)| (i / p + i % p) % p);
    Ok(TokenPairs { inputs, targets, n_symbols: p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_solve_the_task() {
        let r = reverse_task(50, 6, 10, 1).unwrap();
        assert_eq!(r.inputs.dim(), (50, 6));
        for (x, y) in r.inputs.rows().into_iter().zip(r.targets.rows()) {
            assert!((0..6).all(|i| y[i] == x[5 - i]));
        }
        let s = sort_task(50, 6, 10, 1).unwrap();
        for (x, y) in s.inputs.rows().into_iter().zip(s.targets.rows()) {
            assert!(y.windows(2).into_iter().all(|w| w[0] <= w[1]));
            let (mut a, mut b) = (x.to_vec(), y.to_vec());
            a.sort();
            b.sort();
            assert_eq!(a, b);
        }
        assert_eq!(reverse_task(5, 4, 3, 2).unwrap(), reverse_task(5, 4, 3, 2).unwrap());
        let m = modular_addition_table(7).unwrap();
        assert_eq!(m.len(), 49);
        assert_eq!((m.inputs[[20, 0]], m.inputs[[20, 1]], m.targets[[20, 0]]), (2, 6, 1));
        assert!(sort_task(5, 4, 1, 0).unwrap_err().to_string().contains("n_symbols = 1"));
    }

    #[test]
    fn sequences_join_input_separator_and_target() {
        let r = reverse_task(3, 4, 10, 0).unwrap();
        let seq = r.sequences();
        assert_eq!(seq.dim(), (3, 9));
        assert_eq!(r.separator(), 10);
        for i in 0..3 {
            assert_eq!(seq.row(i).slice(ndarray::s![..4]), r.inputs.row(i));
            assert_eq!(seq[[i, 4]], 10);
            assert_eq!(seq.row(i).slice(ndarray::s![5..]), r.targets.row(i));
        }
    }
}
