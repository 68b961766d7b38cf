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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Every generator gives the same numbers for the same seed and different ones for another.
    #[test]
    fn every_generator_is_seeded() {
        fn same<T: PartialEq + std::fmt::Debug>(name: &str, make: impl Fn(u64) -> T) {
            assert_eq!(make(1), make(1), "{name}: same seed, different data");
            assert_ne!(make(1), make(2), "{name}: different seeds, same data");
        }
        same("noisy_line", |s| noisy_line(1.0, 0.0, 20, (0.0, 1.0), 0.1, s).unwrap().targets);
        same("noisy_polynomial", |s| noisy_polynomial(&[1.0, 2.0], 20, (0.0, 1.0), 0.1, s).unwrap().targets);
        same("noisy_cosine", |s| noisy_cosine(20, 0.1, s).unwrap().targets);
        same("two_moons", |s| two_moons(20, 0.1, s).unwrap().features);
        same("circles", |s| circles(20, 0.5, 0.1, s).unwrap().features);
        same("spirals", |s| spirals(10, 2, 0.1, s).unwrap().features);
        same("xor", |s| xor(20, 0.1, s).unwrap().features);
        same("blobs", |s| blobs(array![[0.0, 0.0], [1.0, 1.0]].view(), 0.5, 10, s).unwrap().features);
        same("ring_of_gaussians", |s| ring_of_gaussians(16, 8, 2.0, 0.1, s).unwrap().features);
        same("swiss_roll", |s| swiss_roll(20, 0.1, s).unwrap().features);
        same("uniform_cube", |s| uniform_cube(20, 3, s).unwrap());
        same("brownian_motion", |s| brownian_motion(3, 10, 0.1, s).unwrap());
        same("bar_images", |s| bar_images(3, 8, s).unwrap().images);
        same("reverse_task", |s| reverse_task(5, 6, 10, s).unwrap());
        same("sort_task", |s| sort_task(5, 6, 10, s).unwrap());
        same("community_graph", |s| community_graph(2, 10, 0.5, 0.1, 0.3, s).unwrap().adjacency);
    }
}
