//! 1-D regression data: y = f(x) + Gaussian noise, x uniform on an interval.

use super::{check_count, check_std, normal, rng};
use crate::datasets::Dataset;
use crate::error::{Error, Result};
use ndarray::Array1;
use rand::Rng;
use rand_distr::Distribution;

/// `n` samples of y = f(x) + ε, x uniform on `x_range`, ε ~ N(0, `noise_std`²).
///
/// The features are one column, x; the targets are y.
///
/// ```
/// use dlcourse::datasets::noisy_function;
/// let d = noisy_function(|x| x * x, 20, (-1.0, 1.0), 0.0, 7).unwrap();
/// assert_eq!(d.features.shape(), &[20, 1]);
/// assert!((d.targets[3] - d.features[[3, 0]].powi(2)).abs() < 1e-12);
/// ```
pub fn noisy_function(
    f: impl Fn(f64) -> f64,
    n: usize,
    x_range: (f64, f64),
    noise_std: f64,
    seed: u64,
) -> Result<Dataset<f64>> {
    let op = "noisy_function";
    check_count(op, "n", n, 1)?;
    check_std(op, "noise_std", noise_std)?;
    let (lo, hi) = x_range;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(Error::invalid(
            op,
            format!("x_range = ({lo}, {hi}): it must be a finite interval (low, high) with low < high"),
        ));
    }
    let mut rng = rng(seed);
    let noise = normal(noise_std);
    let x: Array1<f64> = (0..n).map(|_| rng.gen_range(lo..hi)).collect();
    let y: Array1<f64> = x.iter().map(|&x| f(x) + noise.sample(&mut rng)).collect();
    Ok(Dataset {
        features: x.into_shape_with_order((n, 1)).map_err(|e| Error::invalid(op, e.to_string()))?,
        targets: y,
        feature_names: vec!["x".into()],
        target_names: vec!["y".into()],
    })
}

/// y = c₀ + c₁x + c₂x² + … + noise; `coefficients` lowest degree first.
pub fn noisy_polynomial(
    coefficients: &[f64],
    n: usize,
    x_range: (f64, f64),
    noise_std: f64,
    seed: u64,
) -> Result<Dataset<f64>> {
    let c = coefficients.to_vec();
    // Horner's rule, highest degree first.
    noisy_function(move |x| c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci), n, x_range, noise_std, seed)
}

/// y = slope·x + intercept + noise.
pub fn noisy_line(
    slope: f64,
    intercept: f64,
    n: usize,
    x_range: (f64, f64),
    noise_std: f64,
    seed: u64,
) -> Result<Dataset<f64>> {
    noisy_polynomial(&[intercept, slope], n, x_range, noise_std, seed)
}

/// The lectures' over-fitting example: y = cos(1.5πx) + noise, x uniform on [0, 1].
pub fn noisy_cosine(n: usize, noise_std: f64, seed: u64) -> Result<Dataset<f64>> {
    noisy_function(|x| (1.5 * std::f64::consts::PI * x).cos(), n, (0.0, 1.0), noise_std, seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_shapes_and_noise_level() {
        let a = noisy_cosine(500, 0.1, 1).unwrap();
        let b = noisy_cosine(500, 0.1, 1).unwrap();
        assert_eq!(a.features, b.features);
        assert_eq!(a.targets, b.targets);
        assert_eq!(a.features.shape(), &[500, 1]);
        assert!(a.features.iter().all(|&x| (0.0..1.0).contains(&x)));
        // residuals around the true curve have the requested standard deviation
        let r: Vec<f64> = a
            .features
            .column(0)
            .iter()
            .zip(&a.targets)
            .map(|(x, y)| y - (1.5 * std::f64::consts::PI * x).cos())
            .collect();
        let sd = (r.iter().map(|r| r * r).sum::<f64>() / r.len() as f64).sqrt();
        assert!((sd - 0.1).abs() < 0.01, "noise sd {sd}");
        assert_ne!(noisy_cosine(500, 0.1, 2).unwrap().targets, a.targets);
    }

    #[test]
    fn polynomial_without_noise_is_exact() {
        let d = noisy_polynomial(&[1.0, -2.0, 3.0], 10, (-2.0, 2.0), 0.0, 3).unwrap();
        for (x, y) in d.features.column(0).iter().zip(&d.targets) {
            assert!((y - (1.0 - 2.0 * x + 3.0 * x * x)).abs() < 1e-12);
        }
        let l = noisy_line(2.0, 1.0, 5, (0.0, 1.0), 0.0, 3).unwrap();
        assert!((l.targets[0] - (2.0 * l.features[[0, 0]] + 1.0)).abs() < 1e-12);
    }

    #[test]
    fn bad_arguments_are_named() {
        let e = noisy_cosine(10, -1.0, 0).unwrap_err().to_string();
        assert!(e.contains("noise_std = -1"), "{e}");
        let e = noisy_line(1.0, 0.0, 10, (1.0, 0.0), 0.1, 0).unwrap_err().to_string();
        assert!(e.contains("x_range"), "{e}");
        assert!(noisy_cosine(0, 0.1, 0).unwrap_err().to_string().contains("n = 0"));
    }
}
