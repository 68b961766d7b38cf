//! Preparing data for a model: standardisation fitted on the training split, one-hot encoding,
//! seeded random splits.

use super::Dataset;
use crate::error::{Error, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// Per-feature standardisation x ↦ (x − mean) / std, with the mean and standard deviation
/// measured on the data given to [`Standardizer::fit`] (the training split only: statistics of the
/// validation or test data must not leak into the model).
///
/// A constant feature has standard deviation 0; it is divided by 1 instead (it becomes 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// Mean of each feature on the fitting data.
    pub mean: Array1<f64>,
    /// Standard deviation (population, ddof = 0) of each feature on the fitting data.
    pub std: Array1<f64>,
}

impl Standardizer {
    /// Measures the mean and standard deviation of each column of `x` (samples × features).
    pub fn fit(x: ArrayView2<f64>) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(Error::invalid("Standardizer::fit", "no samples: fit on a training set with at least one row"));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid(
                "Standardizer::fit",
                "the data contain NaN or infinite values: clean them before fitting",
            ));
        }
        let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| unreachable!("x has rows"));
        let std = x.std_axis(Axis(0), 0.0);
        Ok(Standardizer { mean, std })
    }

    fn scale(&self) -> Array1<f64> {
        self.std.mapv(|s| if s > 0.0 { s } else { 1.0 })
    }

    fn check(&self, op: &str, x: &ArrayView2<f64>) -> Result<()> {
        if x.ncols() != self.mean.len() {
            return Err(Error::Shape {
                op: op.into(),
                expected: format!("{} feature columns (as in the data it was fitted on)", self.mean.len()),
                got: format!("{:?}", x.shape()),
            });
        }
        Ok(())
    }

    /// (x − mean) / std, column by column.
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        self.check("Standardizer::transform", &x)?;
        Ok((&x - &self.mean) / &self.scale())
    }

    /// Undoes [`Standardizer::transform`]: z·std + mean.
    pub fn inverse_transform(&self, z: ArrayView2<f64>) -> Result<Array2<f64>> {
        self.check("Standardizer::inverse_transform", &z)?;
        Ok(&z * &self.scale() + &self.mean)
    }
}

/// Class labels as one-hot rows: label c becomes the row with a 1 in column c (n × `n_classes`).
pub fn one_hot(labels: ArrayView1<usize>, n_classes: usize) -> Result<Array2<f64>> {
    if let Some((i, &c)) = labels.iter().enumerate().find(|(_, &c)| c >= n_classes) {
        return Err(Error::invalid(
            "one_hot",
            format!(
                "label {c} at position {i} is out of range for {n_classes} classes (labels must be 0..{n_classes})"
            ),
        ));
    }
    let mut out = Array2::zeros((labels.len(), n_classes));
    for (i, &c) in labels.iter().enumerate() {
        out[[i, c]] = 1.0;
    }
    Ok(out)
}

impl<T: Clone> Dataset<T> {
    /// A seeded random split into parts with the given fractions of the samples, e.g.
    /// `[0.7, 0.2, 0.1]` for train / validation / test. The fractions must be positive and sum
    /// to 1; rounding puts any leftover samples in the first part. For classes, prefer the
    /// stratified [`Dataset::split`].
    pub fn shuffle_split(&self, fractions: &[f64], seed: u64) -> Result<Vec<Dataset<T>>> {
        use rand::{seq::SliceRandom, SeedableRng};
        let total: f64 = fractions.iter().sum();
        if fractions.is_empty() || fractions.iter().any(|&f| !(f > 0.0)) || (total - 1.0).abs() > 1e-9 {
            return Err(Error::invalid(
                "Dataset::shuffle_split",
                format!(
                    "fractions {fractions:?}: give one positive fraction per part, summing to 1 (e.g. [0.7, 0.2, 0.1])"
                ),
            ));
        }
        let n = self.n_samples();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let mut sizes: Vec<usize> = fractions.iter().map(|f| (f * n as f64).floor() as usize).collect();
        sizes[0] += n - sizes.iter().sum::<usize>();
        let mut parts = Vec::with_capacity(sizes.len());
        let mut start = 0;
        for size in sizes {
            parts.push(self.select(&order[start..start + size]));
            start += size;
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standardizer_uses_training_statistics_only() {
        let train = array![[1.0, 10.0, 5.0], [3.0, 30.0, 5.0]];
        let s = Standardizer::fit(train.view()).unwrap();
        assert_eq!(s.mean, array![2.0, 20.0, 5.0]);
        assert_eq!(s.transform(train.view()).unwrap(), array![[-1.0, -1.0, 0.0], [1.0, 1.0, 0.0]]);
        let test = array![[5.0, 0.0, 6.0]];
        let z = s.transform(test.view()).unwrap();
        assert_eq!(z, array![[3.0, -2.0, 1.0]]);
        assert_eq!(s.inverse_transform(z.view()).unwrap(), test);
        let e = s.transform(array![[1.0, 2.0]].view()).unwrap_err().to_string();
        assert!(e.contains("3 feature columns") && e.contains("[1, 2]"), "{e}");
        assert!(Standardizer::fit(Array2::<f64>::zeros((0, 2)).view()).is_err());
    }

    #[test]
    fn one_hot_rows_and_range_error() {
        assert_eq!(one_hot(array![2usize, 0].view(), 3).unwrap(), array![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
        let e = one_hot(array![0usize, 4].view(), 3).unwrap_err().to_string();
        assert!(e.contains("label 4 at position 1"), "{e}");
    }

    #[test]
    fn shuffle_split_partitions_every_sample_once() {
        let d = crate::datasets::noisy_cosine(30, 0.1, 0).unwrap();
        let parts = d.shuffle_split(&[0.7, 0.2, 0.1], 4).unwrap();
        assert_eq!(parts.iter().map(|p| p.n_samples()).collect::<Vec<_>>(), vec![21, 6, 3]);
        let mut xs: Vec<f64> = parts.iter().flat_map(|p| p.features.iter().copied()).collect();
        let mut all: Vec<f64> = d.features.iter().copied().collect();
        xs.sort_by(f64::total_cmp);
        all.sort_by(f64::total_cmp);
        assert_eq!(xs, all);
        assert!(d.shuffle_split(&[0.5, 0.6], 0).is_err());
    }
}
