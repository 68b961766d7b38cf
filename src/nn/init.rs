//! Weight initialisations, drawn from a seeded generator.
//!
//! For a layer with `fan_in` inputs and `fan_out` outputs per unit:
//! - Xavier/Glorot (tanh, sigmoid): U(−a, a) with a = √(6 / (fan_in + fan_out)), so that the
//!   variance of activations and of gradients is kept across layers;
//! - He/Kaiming (ReLU): N(0, 2 / fan_in), which compensates for ReLU zeroing half its inputs.

use ndarray::{ArrayD, IxDyn};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

/// Xavier/Glorot uniform: U(−√(6/(fan_in+fan_out)), +√(6/(fan_in+fan_out))).
pub fn xavier_uniform(shape: &[usize], fan_in: usize, fan_out: usize, rng: &mut impl Rng) -> ArrayD<f64> {
    let a = (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
    let dist = Uniform::new_inclusive(-a, a);
    ArrayD::from_shape_fn(IxDyn(shape), |_| dist.sample(rng))
}

/// He/Kaiming normal: N(0, 2/fan_in).
pub fn kaiming_normal(shape: &[usize], fan_in: usize, rng: &mut impl Rng) -> ArrayD<f64> {
    let dist = Normal::new(0.0, (2.0 / fan_in.max(1) as f64).sqrt()).expect("positive standard deviation");
    ArrayD::from_shape_fn(IxDyn(shape), |_| dist.sample(rng))
}

/// He/Kaiming uniform: U(−√(6/fan_in), +√(6/fan_in)) (the same variance 2/fan_in).
pub fn kaiming_uniform(shape: &[usize], fan_in: usize, rng: &mut impl Rng) -> ArrayD<f64> {
    let a = (6.0 / fan_in.max(1) as f64).sqrt();
    let dist = Uniform::new_inclusive(-a, a);
    ArrayD::from_shape_fn(IxDyn(shape), |_| dist.sample(rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn variances_match_their_formulas() {
        let mut rng = StdRng::seed_from_u64(0);
        let var = |a: &ArrayD<f64>| a.mapv(|x| x * x).mean().unwrap();
        let k = kaiming_normal(&[400, 500], 400, &mut rng);
        assert!((var(&k) - 2.0 / 400.0).abs() < 0.03 * 2.0 / 400.0);
        let x = xavier_uniform(&[400, 500], 400, 500, &mut rng);
        assert!((var(&x) - 2.0 / 900.0).abs() < 0.03 * 2.0 / 900.0); // a²/3 = 2/(fan_in + fan_out)
    }
}
