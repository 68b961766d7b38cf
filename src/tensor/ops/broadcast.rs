//! Broadcasting: the shape rule, and the one helper every backward rule uses to bring a
//! broadcast gradient back to its input's shape.

use crate::error::{Error, Result};
use ndarray::{ArrayD, Axis};

/// The shape of `a ∘ b` under NumPy's broadcasting rule: align shapes on the right; each pair
/// of sizes must be equal or contain a 1.
pub fn broadcast_shape(op: &str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::Shape {
                    op: op.into(),
                    expected: "shapes that broadcast (equal sizes or 1, aligned on the right)".into(),
                    got: format!("{a:?} and {b:?}"),
                })
            }
        };
    }
    Ok(out)
}

/// Sums a gradient over the axes along which an input of shape `shape` was broadcast, so that it
/// has the input's shape: leading axes the input did not have, and axes where it had size 1.
pub fn reduce_to_shape(grad: &ArrayD<f64>, shape: &[usize]) -> ArrayD<f64> {
    if grad.shape() == shape {
        return grad.clone();
    }
    let mut g = grad.clone();
    while g.ndim() > shape.len() {
        g = g.sum_axis(Axis(0));
    }
    for (axis, &size) in shape.iter().enumerate() {
        if size == 1 && g.shape()[axis] != 1 {
            g = g.sum_axis(Axis(axis)).insert_axis(Axis(axis));
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn shapes() {
        assert_eq!(broadcast_shape("t", &[2, 3], &[3]).unwrap(), vec![2, 3]);
        assert_eq!(broadcast_shape("t", &[4, 1, 3], &[5, 1]).unwrap(), vec![4, 5, 3]);
        assert_eq!(broadcast_shape("t", &[], &[2]).unwrap(), vec![2]);
        let e = broadcast_shape("add", &[2, 3], &[4]).unwrap_err().to_string();
        assert!(e.contains("add") && e.contains("[2, 3] and [4]"), "{e}");
    }

    #[test]
    fn reduction_undoes_broadcasting() {
        let g = ArrayD::from_elem(IxDyn(&[4, 5, 3]), 1.0);
        let r = reduce_to_shape(&g, &[5, 1]);
        assert_eq!(r.shape(), &[5, 1]);
        assert_eq!(r[[0, 0]], 12.0); // 4 · 3 copies
        assert_eq!(reduce_to_shape(&g, &[]).into_iter().next(), Some(60.0));
    }
}
