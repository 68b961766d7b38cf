//! Points and paths: the swiss roll, uniform points in a cube, Brownian motion.

use super::{check_count, check_std, normal, rng};
use crate::datasets::Dataset;
use crate::error::{Error, Result};
use ndarray::{Array1, Array2};
use rand::Rng;
use rand_distr::Distribution;
use std::f64::consts::PI;

/// The swiss roll: a 2-D sheet rolled up in 3-D. `n` points (x, y, z) with
/// x = t cos t, y = h, z = t sin t for t uniform on [1.5π, 4.5π] and h uniform on [0, 21], plus
/// Gaussian noise of standard deviation `noise` on each coordinate.
///
/// The targets are t, the position along the roll: the coordinate that "unrolling" recovers
/// (the other intrinsic coordinate is the height, column 1).
pub fn swiss_roll(n: usize, noise: f64, seed: u64) -> Result<Dataset<f64>> {
    check_count("swiss_roll", "n", n, 1)?;
    check_std("swiss_roll", "noise", noise)?;
    let mut rng = rng(seed);
    let eps = normal(noise);
    let mut features = Array2::zeros((n, 3));
    let mut targets = Array1::zeros(n);
    for i in 0..n {
        let t = 1.5 * PI * (1.0 + 2.0 * rng.gen::<f64>());
        let h = 21.0 * rng.gen::<f64>();
        let p = [t * t.cos(), h, t * t.sin()];
        for j in 0..3 {
            features[[i, j]] = p[j] + eps.sample(&mut rng);
        }
        targets[i] = t;
    }
    Ok(Dataset {
        features,
        targets,
        feature_names: vec!["x".into(), "y".into(), "z".into()],
        target_names: vec!["t".into()],
    })
}

/// `n` points drawn uniformly in the unit cube [0, 1]^`d` (one per row).
pub fn uniform_cube(n: usize, d: usize, seed: u64) -> Result<Array2<f64>> {
    check_count("uniform_cube", "n", n, 1)?;
    check_count("uniform_cube", "d", d, 1)?;
    let mut rng = rng(seed);
    Ok(Array2::from_shape_simple_fn((n, d), || rng.gen::<f64>()))
}

/// `n_paths` independent Brownian motions sampled at `n_steps + 1` times 0, dt, 2dt, …: each row
/// starts at 0 and adds independent N(0, dt) increments.
pub fn brownian_motion(n_paths: usize, n_steps: usize, dt: f64, seed: u64) -> Result<Array2<f64>> {
    check_count("brownian_motion", "n_paths", n_paths, 1)?;
    if !(dt.is_finite() && dt > 0.0) {
        return Err(Error::invalid("brownian_motion", format!("dt = {dt}: the time step must be finite and > 0")));
    }
    let mut rng = rng(seed);
    let step = normal(dt.sqrt());
    let mut paths = Array2::zeros((n_paths, n_steps + 1));
    for mut path in paths.rows_mut() {
        for t in 1..=n_steps {
            path[t] = path[t - 1] + step.sample(&mut rng);
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Axis;

    #[test]
    fn swiss_roll_lies_on_its_surface() {
        let r = swiss_roll(300, 0.0, 1).unwrap();
        assert_eq!(r.features.shape(), &[300, 3]);
        for i in 0..300 {
            let t = r.targets[i];
            assert!((1.5 * PI..=4.5 * PI).contains(&t));
            // the distance from the roll's axis is t itself
            let radius = (r.features[[i, 0]].powi(2) + r.features[[i, 2]].powi(2)).sqrt();
            assert!((radius - t).abs() < 1e-9);
        }
        assert_eq!(swiss_roll(10, 0.5, 3).unwrap().features, swiss_roll(10, 0.5, 3).unwrap().features);
    }

    #[test]
    fn uniform_cube_has_uniform_moments() {
        let x = uniform_cube(20000, 3, 2).unwrap();
        assert!(x.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = x.mean_axis(Axis(0)).unwrap();
        let var = x.var_axis(Axis(0), 0.0);
        for j in 0..3 {
            assert!((mean[j] - 0.5).abs() < 0.01 && (var[j] - 1.0 / 12.0).abs() < 0.003, "{mean} {var}");
        }
        assert!(uniform_cube(5, 0, 0).unwrap_err().to_string().contains("d = 0"));
    }

    #[test]
    fn brownian_variance_grows_linearly() {
        let p = brownian_motion(4000, 100, 0.01, 5).unwrap();
        assert!(p.column(0).iter().all(|&v| v == 0.0));
        // Var B(t) = t: at t = 1 (step 100) the sample variance is close to 1
        let var = p.column(100).var(0.0);
        assert!((var - 1.0).abs() < 0.06, "{var}");
        assert!(brownian_motion(1, 1, 0.0, 0).unwrap_err().to_string().contains("dt = 0"));
    }
}
