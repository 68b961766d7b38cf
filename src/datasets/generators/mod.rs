//! Seeded generators of synthetic data: the same seed gives the same numbers on every machine.
//!
//! | generator | what it makes | used for |
//! |---|---|---|
//! | [`noisy_line`], [`noisy_polynomial`], [`noisy_function`], [`noisy_cosine`] | 1-D regression data | regression, over-fitting |
//! | [`two_moons`], [`circles`], [`spirals`], [`xor`], [`blobs`], [`ring_of_gaussians`] | 2-D classes | classifiers, decision boundaries, GANs |
//! | [`swiss_roll`], [`uniform_cube`], [`brownian_motion`] | points and paths | manifolds, dimensionality |
//! | [`bar_image`], [`bar_images`] | small images made by a few latent factors | features, latent factors |
//! | [`reverse_task`], [`sort_task`], [`modular_addition_table`] | token sequences | attention, grokking |
//! | [`community_graph`] | a graph with node features and labels | graph networks |

mod classes;
mod curves;
mod graph;
mod images;
mod sequences;
mod shapes;

pub use classes::{blobs, circles, ring_of_gaussians, spirals, two_moons, xor};
pub use curves::{noisy_cosine, noisy_function, noisy_line, noisy_polynomial};
pub use graph::{community_graph, Graph};
pub use images::{bar_image, bar_images, BarImages};
pub use sequences::{modular_addition_table, reverse_task, sort_task, TokenPairs};
pub use shapes::{brownian_motion, swiss_roll, uniform_cube};

use crate::error::{Error, Result};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The generator every function of this module draws from.
pub(crate) fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A Gaussian with standard deviation `std` (checked by the caller).
pub(crate) fn normal(std: f64) -> rand_distr::Normal<f64> {
    // std is finite and ≥ 0 (checked by `check_std`), for which Normal::new cannot fail.
    rand_distr::Normal::new(0.0, std).unwrap_or_else(|_| unreachable!("std was checked"))
}

/// A standard deviation must be finite and non-negative.
pub(crate) fn check_std(op: &str, name: &str, std: f64) -> Result<()> {
    if std.is_finite() && std >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("{name} = {std}: a standard deviation must be finite and ≥ 0")))
    }
}

/// A count must be at least `min`.
pub(crate) fn check_count(op: &str, name: &str, value: usize, min: usize) -> Result<()> {
    if value >= min {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("{name} = {value}: it must be at least {min}")))
    }
}

/// A probability must lie in [0, 1].
pub(crate) fn check_probability(op: &str, name: &str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("{name} = {p}: a probability must lie in [0, 1]")))
    }
}

/// Feature names `x₁ … x_d`.
pub(crate) fn coordinate_names(d: usize) -> Vec<String> {
    const SUB: [&str; 10] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"];
    (1..=d)
        .map(|i| format!("x{}", i.to_string().chars().map(|c| SUB[c as usize - '0' as usize]).collect::<String>()))
        .collect()
}
