//! The [`Dataset`] type: features, targets and their names.

use crate::error::{Error, Result};
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis};

/// A data set: one row of `features` per sample, one entry of `targets` per sample.
///
/// `T` is `usize` for classification (class indices) and `f64` for regression.
#[derive(Clone, Debug)]
pub struct Dataset<T> {
    /// Samples × features.
    pub features: Array2<f64>,
    /// One target per sample.
    pub targets: Array1<T>,
    /// Names of the feature columns.
    pub feature_names: Vec<String>,
    /// Names of the classes (classification) or of the target (regression).
    pub target_names: Vec<String>,
}

impl<T> Dataset<T> {
    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.features.nrows()
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.features.ncols()
    }

    /// The same data as a linfa dataset, for linfa's models (`fit`, `predict`).
    pub fn to_linfa(&self) -> linfa::Dataset<f64, T, ndarray::Ix1>
    where
        T: Clone,
    {
        linfa::Dataset::new(self.features.clone(), self.targets.clone()).with_feature_names(self.feature_names.clone())
    }

    /// A dataset from a linfa dataset (feature names are kept; target names are left empty).
    pub fn from_linfa(data: linfa::Dataset<f64, T, ndarray::Ix1>) -> Self
    where
        T: Clone,
    {
        let feature_names = data.feature_names().to_vec();
        Dataset { features: data.records, targets: data.targets, feature_names, target_names: vec![] }
    }
}

impl<T: Clone> Dataset<T> {
    /// The samples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset<T> {
        Dataset {
            features: self.features.select(ndarray::Axis(0), indices),
            targets: indices.iter().map(|&i| self.targets[i].clone()).collect(),
            feature_names: self.feature_names.clone(),
            target_names: self.target_names.clone(),
        }
    }
}

impl<T> Dataset<T> {
    /// The samples at `indices` as square images (n × side × side), for data sets whose features
    /// are the pixels of square images row by row (the digits: 8 × 8).
    pub fn images(&self, indices: impl IntoIterator<Item = usize>) -> Result<Array3<f64>> {
        let indices: Vec<usize> = indices.into_iter().collect();
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.n_samples()) {
            return Err(Error::invalid(
                "Dataset::images",
                format!("sample {bad} is out of range: there are {} samples", self.n_samples()),
            ));
        }
        let side = (self.n_features() as f64).sqrt().round() as usize;
        as_images(self.features.select(Axis(0), &indices).view(), side, side)
    }
}

/// Rows of pixels (n × height·width, row by row) as a stack of images (n × height × width):
/// to show model outputs such as reconstructions or samples with [`crate::plot::ImageGrid`].
pub fn as_images(rows: ArrayView2<f64>, height: usize, width: usize) -> Result<Array3<f64>> {
    if rows.ncols() != height * width {
        return Err(Error::Shape {
            op: "as_images".into(),
            expected: format!("rows of {height} × {width} = {} pixels", height * width),
            got: format!("{:?}", rows.shape()),
        });
    }
    Ok(Array3::from_shape_fn((rows.nrows(), height, width), |(k, i, j)| rows[[k, i * width + j]]))
}

impl Dataset<usize> {
    /// A stratified, seeded split into (train, test): each class contributes the same fraction
    /// `test_fraction` of its samples to the test set.
    ///
    /// # Panics
    /// If `test_fraction` is not strictly between 0 and 1 (NaN, 0, 1.5, −0.2 …): the message says
    /// so. [`Dataset::try_split`] returns it as an error instead.
    pub fn split(&self, test_fraction: f64, seed: u64) -> (Dataset<usize>, Dataset<usize>) {
        self.try_split(test_fraction, seed).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Dataset::split`], with an error instead of a panic for a fraction outside (0, 1).
    pub fn try_split(&self, test_fraction: f64, seed: u64) -> Result<(Dataset<usize>, Dataset<usize>)> {
        use rand::{seq::SliceRandom, SeedableRng};
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(Error::invalid(
                "Dataset::split",
                format!(
                    "test_fraction = {test_fraction} is not strictly between 0 and 1: it is the share of each \
                     class that goes to the test set, e.g. 0.25 for a quarter"
                ),
            ));
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let (mut train, mut test) = (vec![], vec![]);
        for class in 0..self.n_classes() {
            let mut members: Vec<usize> = (0..self.n_samples()).filter(|&i| self.targets[i] == class).collect();
            members.shuffle(&mut rng);
            let n_test = (members.len() as f64 * test_fraction).round() as usize;
            test.extend_from_slice(&members[..n_test]);
            train.extend_from_slice(&members[n_test..]);
        }
        train.shuffle(&mut rng);
        test.shuffle(&mut rng);
        Ok((self.select(&train), self.select(&test)))
    }

    /// Number of classes (largest label + 1).
    pub fn n_classes(&self) -> usize {
        self.targets.iter().max().map_or(0, |m| m + 1)
    }

    /// How many samples each class has.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &t in &self.targets {
            counts[t] += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn linfa_round_trip_keeps_data_and_names() {
        let d = Dataset {
            features: array![[1.0, 2.0], [3.0, 4.0]],
            targets: array![0usize, 1],
            feature_names: vec!["a".into(), "b".into()],
            target_names: vec![],
        };
        let back = Dataset::from_linfa(d.to_linfa());
        assert_eq!(back.features, d.features);
        assert_eq!(back.targets, d.targets);
        assert_eq!(back.feature_names, d.feature_names);
        assert_eq!(d.class_counts(), vec![1, 1]);
        let e = d.images([0]).unwrap_err().to_string();
        assert!(e.contains("rows of 1 × 1 = 1 pixels") && e.contains("[1, 2]"), "{e}");
        assert!(d.images([5]).unwrap_err().to_string().contains("sample 5 is out of range"));
        assert_eq!(as_images(array![[1.0, 2.0, 3.0, 4.0]].view(), 2, 2).unwrap()[[0, 1, 0]], 3.0);
    }

    #[test]
    fn split_fractions_outside_0_1_are_refused() {
        let d = Dataset {
            features: Array2::zeros((10, 1)),
            targets: (0..10).map(|i| i % 2).collect(),
            feature_names: vec!["x".into()],
            target_names: vec![],
        };
        for bad in [1.5, -0.2, f64::NAN, 0.0, 1.0] {
            let e = d.try_split(bad, 0).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("Dataset::split: test_fraction = {bad} is not strictly between 0 and 1")),
                "{e}"
            );
        }
        let panic = std::panic::catch_unwind(|| d.split(1.5, 0)).unwrap_err();
        assert!(panic.downcast_ref::<String>().unwrap().contains("test_fraction = 1.5"));
        let (train, test) = d.split(0.2, 0);
        assert_eq!((train.n_samples(), test.n_samples()), (8, 2));
    }
}
