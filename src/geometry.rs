//! Distances and angles between points: the measurements behind the curse of dimensionality,
//! nearest neighbours and graphs built from point clouds.

use crate::error::{Error, Result};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};

/// Euclidean distances between every row of `a` (n × d) and every row of `b` (m × d), as an
/// n × m matrix, computed with one matrix product: ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y.
pub fn distances(a: ArrayView2<f64>, b: ArrayView2<f64>) -> Result<Array2<f64>> {
    if a.ncols() != b.ncols() {
        return Err(Error::Shape {
            op: "distances".into(),
            expected: "points of the same dimension (equal numbers of columns)".into(),
            got: format!("{:?} and {:?}", a.shape(), b.shape()),
        });
    }
    let na = a.mapv(|v| v * v).sum_axis(Axis(1));
    let nb = b.mapv(|v| v * v).sum_axis(Axis(1));
    let mut d2 = a.dot(&b.t()) * -2.0;
    d2 += &na.insert_axis(Axis(1));
    d2 += &nb.insert_axis(Axis(0));
    // rounding can make a squared distance slightly negative
    Ok(d2.mapv(|v| v.max(0.0).sqrt()))
}

/// Distances between all pairs of rows of `x` (n × n, zero diagonal).
pub fn pairwise_distances(x: ArrayView2<f64>) -> Array2<f64> {
    let mut d = distances(x, x).unwrap_or_else(|_| unreachable!("x has the dimension of x"));
    d.diag_mut().fill(0.0);
    d
}

/// The distances of all pairs i < j of rows of `x`, as a flat list (n(n − 1)/2 values).
pub fn distinct_pair_distances(x: ArrayView2<f64>) -> Vec<f64> {
    let d = pairwise_distances(x);
    let n = d.nrows();
    (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).map(|(i, j)| d[[i, j]]).collect()
}

/// cos θ = a·b / (‖a‖ ‖b‖), the cosine of the angle between two vectors.
pub fn cosine_similarity(a: ArrayView1<f64>, b: ArrayView1<f64>) -> Result<f64> {
    if a.len() != b.len() {
        return Err(Error::Shape {
            op: "cosine_similarity".into(),
            expected: "vectors of equal length".into(),
            got: format!("{} and {}", a.len(), b.len()),
        });
    }
    let (na, nb) = (a.dot(&a).sqrt(), b.dot(&b).sqrt());
    if na == 0.0 || nb == 0.0 {
        return Err(Error::invalid("cosine_similarity", "a zero vector has no direction: the cosine is undefined"));
    }
    Ok(a.dot(&b) / (na * nb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn distances_match_the_definition() {
        let x = array![[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]];
        let d = pairwise_distances(x.view());
        for i in 0..3 {
            for j in 0..3 {
                let direct = (&x.row(i) - &x.row(j)).mapv(|v| v * v).sum().sqrt();
                assert!((d[[i, j]] - direct).abs() < 1e-12);
            }
        }
        assert_eq!(distinct_pair_distances(x.view()).len(), 3);
        assert!(distances(x.view(), array![[1.0]].view()).unwrap_err().to_string().contains("[3, 2] and [1, 1]"));
        assert!(
            (cosine_similarity(array![1.0, 0.0].view(), array![1.0, 1.0].view()).unwrap() - 0.5f64.sqrt()).abs()
                < 1e-15
        );
        assert!(cosine_similarity(array![0.0, 0.0].view(), array![1.0, 1.0].view()).is_err());
    }
}
