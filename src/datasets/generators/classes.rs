//! 2-D classification data: moons, circles, spirals, XOR, Gaussian blobs and a ring of Gaussians.
//!
//! Every generator returns a [`Dataset<usize>`] with features `x₁, x₂` (one row per point) and
//! class labels 0, 1, …; the classes are balanced and the rows are shuffled.

use super::{check_count, check_std, coordinate_names, normal, rng};
use crate::datasets::Dataset;
use crate::error::{Error, Result};
use ndarray::{Array1, Array2, ArrayView2};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::Distribution;
use std::f64::consts::PI;

/// Builds a shuffled dataset from `(point, label)` pairs.
fn shuffled(mut rows: Vec<(Vec<f64>, usize)>, rng: &mut impl Rng, class_names: Vec<String>) -> Dataset<usize> {
    rows.shuffle(rng);
    let d = rows.first().map_or(2, |r| r.0.len());
    let features = Array2::from_shape_fn((rows.len(), d), |(i, j)| rows[i].0[j]);
    let targets: Array1<usize> = rows.iter().map(|r| r.1).collect();
    Dataset { features, targets, feature_names: coordinate_names(d), target_names: class_names }
}

fn class_names(k: usize) -> Vec<String> {
    (0..k).map(|c| format!("class {c}")).collect()
}

/// Two interleaving half circles (`n` points, half in each class), with Gaussian noise of
/// standard deviation `noise` on both coordinates. Not linearly separable.
///
/// Class 0 is the upper moon (cos t, sin t), class 1 the lower (1 − cos t, ½ − sin t), t ∈ [0, π].
pub fn two_moons(n: usize, noise: f64, seed: u64) -> Result<Dataset<usize>> {
    check_count("two_moons", "n", n, 2)?;
    check_std("two_moons", "noise", noise)?;
    let mut rng = rng(seed);
    let eps = normal(noise);
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 2;
        let k = i / 2;
        let m = (n - class).div_ceil(2).max(2);
        let t = PI * k as f64 / (m - 1) as f64;
        let (x, y) = if class == 0 { (t.cos(), t.sin()) } else { (1.0 - t.cos(), 0.5 - t.sin()) };
        rows.push((vec![x + eps.sample(&mut rng), y + eps.sample(&mut rng)], class));
    }
    Ok(shuffled(rows, &mut rng, vec!["upper moon".into(), "lower moon".into()]))
}

/// Two concentric circles: class 0 of radius 1, class 1 of radius `factor` (0 < factor < 1).
pub fn circles(n: usize, factor: f64, noise: f64, seed: u64) -> Result<Dataset<usize>> {
    check_count("circles", "n", n, 2)?;
    check_std("circles", "noise", noise)?;
    if !(factor > 0.0 && factor < 1.0) {
        return Err(Error::invalid(
            "circles",
            format!("factor = {factor}: the inner radius must lie strictly between 0 and 1"),
        ));
    }
    let mut rng = rng(seed);
    let eps = normal(noise);
    let rows = (0..n)
        .map(|i| {
            let class = i % 2;
            let t = rng.gen_range(0.0..2.0 * PI);
            let r = if class == 0 { 1.0 } else { factor };
            (vec![r * t.cos() + eps.sample(&mut rng), r * t.sin() + eps.sample(&mut rng)], class)
        })
        .collect();
    Ok(shuffled(rows, &mut rng, vec!["outer".into(), "inner".into()]))
}

/// `n_classes` interleaved spiral arms of `n_per_class` points each; `noise` is added to the angle
/// (in radians).
pub fn spirals(n_per_class: usize, n_classes: usize, noise: f64, seed: u64) -> Result<Dataset<usize>> {
    check_count("spirals", "n_per_class", n_per_class, 2)?;
    check_count("spirals", "n_classes", n_classes, 1)?;
    check_std("spirals", "noise", noise)?;
    let mut rng = rng(seed);
    let eps = normal(noise);
    let mut rows = Vec::with_capacity(n_per_class * n_classes);
    for class in 0..n_classes {
        for i in 0..n_per_class {
            let r = i as f64 / (n_per_class - 1) as f64;
            let t = 2.0 * PI * class as f64 / n_classes as f64 + 4.0 * r + eps.sample(&mut rng);
            rows.push((vec![r * t.cos(), r * t.sin()], class));
        }
    }
    Ok(shuffled(rows, &mut rng, class_names(n_classes)))
}

/// XOR: four Gaussian clusters at (±1, ±1) with standard deviation `std`; the label is 1 where
/// exactly one coordinate is positive (x₁·x₂ < 0 at the cluster centre). No line separates it.
pub fn xor(n: usize, std: f64, seed: u64) -> Result<Dataset<usize>> {
    check_count("xor", "n", n, 4)?;
    check_std("xor", "std", std)?;
    let mut rng = rng(seed);
    let eps = normal(std);
    let rows = (0..n)
        .map(|i| {
            let (sx, sy) = [(1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0)][i % 4];
            let class = usize::from(sx * sy < 0.0);
            (vec![sx + eps.sample(&mut rng), sy + eps.sample(&mut rng)], class)
        })
        .collect();
    Ok(shuffled(rows, &mut rng, vec!["same sign".into(), "opposite signs".into()]))
}

/// Gaussian blobs: `n_per_class` points around each row of `centers` (k × d), isotropic standard
/// deviation `std`; class c is the blob around `centers[c]`.
pub fn blobs(centers: ArrayView2<f64>, std: f64, n_per_class: usize, seed: u64) -> Result<Dataset<usize>> {
    check_count("blobs", "n_per_class", n_per_class, 1)?;
    check_std("blobs", "std", std)?;
    if centers.nrows() == 0 || centers.ncols() == 0 {
        return Err(Error::Shape {
            op: "blobs".into(),
            expected: "centers of shape (k, d) with k ≥ 1 and d ≥ 1".into(),
            got: format!("{:?}", centers.shape()),
        });
    }
    let mut rng = rng(seed);
    let eps = normal(std);
    let mut rows = Vec::with_capacity(n_per_class * centers.nrows());
    for (class, c) in centers.rows().into_iter().enumerate() {
        for _ in 0..n_per_class {
            rows.push((c.iter().map(|m| m + eps.sample(&mut rng)).collect(), class));
        }
    }
    Ok(shuffled(rows, &mut rng, class_names(centers.nrows())))
}

/// `k` Gaussians of standard deviation `std` evenly spaced on a circle of radius `radius` (the GAN
/// lecture's "ring of 8 Gaussians"), `n` points in all; the label is the mode a point came from.
pub fn ring_of_gaussians(n: usize, k: usize, radius: f64, std: f64, seed: u64) -> Result<Dataset<usize>> {
    check_count("ring_of_gaussians", "k", k, 1)?;
    check_count("ring_of_gaussians", "n", n, k)?;
    check_std("ring_of_gaussians", "std", std)?;
    let mut rng = rng(seed);
    let eps = normal(std);
    let rows = (0..n)
        .map(|i| {
            let mode = i % k;
            let t = 2.0 * PI * mode as f64 / k as f64;
            (vec![radius * t.cos() + eps.sample(&mut rng), radius * t.sin() + eps.sample(&mut rng)], mode)
        })
        .collect();
    Ok(shuffled(rows, &mut rng, class_names(k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Axis};

    /// Training accuracy of the best least-squares linear classifier (features + bias → ±1).
    fn linear_accuracy(d: &Dataset<usize>) -> f64 {
        use ndarray_linalg::LeastSquaresSvd;
        let n = d.n_samples();
        let mut x = Array2::ones((n, d.n_features() + 1));
        x.slice_mut(ndarray::s![.., 1..]).assign(&d.features);
        let y: Array1<f64> = d.targets.iter().map(|&t| if t == 1 { 1.0 } else { -1.0 }).collect();
        let w = x.least_squares(&y).unwrap().solution;
        let pred = x.dot(&w);
        pred.iter().zip(&y).filter(|(p, y)| p.signum() == **y).count() as f64 / n as f64
    }

    #[test]
    fn balanced_seeded_and_shaped() {
        for d in [two_moons(200, 0.1, 0).unwrap(), circles(200, 0.5, 0.05, 0).unwrap(), xor(200, 0.3, 0).unwrap()] {
            assert_eq!(d.features.shape(), &[200, 2]);
            assert_eq!(d.class_counts(), vec![100, 100]);
        }
        assert_eq!(two_moons(50, 0.1, 9).unwrap().features, two_moons(50, 0.1, 9).unwrap().features);
        assert_ne!(two_moons(50, 0.1, 9).unwrap().features, two_moons(50, 0.1, 10).unwrap().features);
        let s = spirals(100, 3, 0.1, 0).unwrap();
        assert_eq!(s.class_counts(), vec![100, 100, 100]);
        assert!(s.features.iter().all(|v| v.abs() <= 1.0));
    }

    #[test]
    fn moons_circles_and_xor_are_not_linearly_separable() {
        for (name, d) in [
            ("moons", two_moons(400, 0.05, 1).unwrap()),
            ("circles", circles(400, 0.5, 0.05, 1).unwrap()),
            ("xor", xor(400, 0.2, 1).unwrap()),
        ] {
            let acc = linear_accuracy(&d);
            assert!(acc < 0.9, "{name}: a line separates {acc}");
        }
        // while well separated blobs are
        let b = blobs(array![[-2.0, 0.0], [2.0, 0.0]].view(), 0.5, 100, 1).unwrap();
        assert!(linear_accuracy(&b) > 0.99);
    }

    #[test]
    fn blob_and_ring_means_are_where_asked() {
        let centers = array![[0.0, 5.0, 1.0], [-3.0, 0.0, 2.0]];
        let b = blobs(centers.view(), 0.3, 2000, 4).unwrap();
        for c in 0..2 {
            let idx: Vec<usize> = (0..b.n_samples()).filter(|&i| b.targets[i] == c).collect();
            let mean = b.features.select(Axis(0), &idx).mean_axis(Axis(0)).unwrap();
            for j in 0..3 {
                assert!((mean[j] - centers[[c, j]]).abs() < 0.03, "class {c}: {mean}");
            }
        }
        let r = ring_of_gaussians(8000, 8, 2.0, 0.02, 4).unwrap();
        assert_eq!(r.class_counts(), vec![1000; 8]);
        for i in 0..r.n_samples() {
            let t = 2.0 * PI * r.targets[i] as f64 / 8.0;
            let (dx, dy) = (r.features[[i, 0]] - 2.0 * t.cos(), r.features[[i, 1]] - 2.0 * t.sin());
            assert!((dx * dx + dy * dy).sqrt() < 0.15);
        }
    }

    #[test]
    fn spiral_arms_are_rotations_of_each_other() {
        // without noise, two arms are point reflections of each other (a rotation by π)
        let s = spirals(50, 2, 0.0, 3).unwrap();
        let arm = |c: usize| {
            let mut pts: Vec<(f64, f64)> = (0..s.n_samples())
                .filter(|&i| s.targets[i] == c)
                .map(|i| (s.features[[i, 0]], s.features[[i, 1]]))
                .collect();
            pts.sort_by(|a, b| a.0.hypot(a.1).total_cmp(&b.0.hypot(b.1)));
            pts
        };
        for (p, q) in arm(0).iter().zip(arm(1)) {
            assert!((p.0 + q.0).abs() < 1e-12 && (p.1 + q.1).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_arguments_are_named() {
        assert!(circles(10, 1.5, 0.1, 0).unwrap_err().to_string().contains("factor = 1.5"));
        assert!(blobs(Array2::zeros((0, 2)).view(), 1.0, 5, 0).unwrap_err().to_string().contains("blobs"));
        assert!(ring_of_gaussians(3, 8, 1.0, 0.1, 0).unwrap_err().to_string().contains("n = 3"));
    }
}
