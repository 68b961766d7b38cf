//! Broadcasting: the shape rule, and the one helper every backward rule uses to bring a
//! broadcast gradient back to its input's shape.

use crate::error::{Error, Result};
use ndarray::{ArrayD, Axis, IxDyn};

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
///
/// Neighbouring axes that are both summed (or both kept) are merged first, so a channel bias's
/// (n, c, h, w) → (1, c, 1, 1) is two sums over a (n, c, h·w) view.
pub fn reduce_to_shape(grad: &ArrayD<f64>, shape: &[usize]) -> ArrayD<f64> {
    if grad.shape() == shape {
        return grad.clone();
    }
    let missing = grad.ndim() - shape.len();
    let target = std::iter::repeat_n(1, missing).chain(shape.iter().copied());
    // (size, summed) of the merged axes; axes of size 1 in the gradient are dropped
    let mut merged: Vec<(usize, bool)> = vec![];
    for (size, kept) in grad.shape().iter().copied().zip(target) {
        let summed = kept == 1;
        match merged.last_mut() {
            _ if size == 1 => {}
            Some((run, s)) if *s == summed => *run *= size,
            _ => merged.push((size, summed)),
        }
    }
    let g = grad.as_standard_layout();
    let sizes: Vec<usize> = merged.iter().map(|&(size, _)| size).collect();
    let g = g.to_shape(IxDyn(&sizes)).expect("a standard-layout array merges neighbouring axes");
    let mut sum: Option<ArrayD<f64>> = None;
    for (axis, _) in merged.iter().enumerate().rev().filter(|(_, &(_, summed))| summed) {
        sum = Some(match sum {
            None => g.sum_axis(Axis(axis)),
            Some(partial) => partial.sum_axis(Axis(axis)),
        });
    }
    sum.unwrap_or_else(|| g.to_owned())
        .into_shape_with_order(IxDyn(shape))
        .expect("the kept axes hold as many entries as the input")
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
        // a channel bias: (n, c, h, w) → (1, c, 1, 1), each channel summed over n, h and w
        let g = ArrayD::from_shape_fn(IxDyn(&[2, 3, 2, 2]), |i| (i[0] * 100 + i[1] * 10 + i[2] * 2 + i[3]) as f64);
        let r = reduce_to_shape(&g, &[1, 3, 1, 1]);
        for c in 0..3 {
            let by_hand: f64 = g.iter().enumerate().filter(|(k, _)| (k / 4) % 3 == c).map(|(_, v)| v).sum();
            assert_eq!(r[[0, c, 0, 0]], by_hand);
        }
        // size-1 leading axes only: nothing to sum
        let g = ArrayD::from_shape_fn(IxDyn(&[1, 1, 3]), |i| i[2] as f64);
        assert_eq!(reduce_to_shape(&g, &[3]).as_slice().unwrap(), &[0.0, 1.0, 2.0]);
    }
}
