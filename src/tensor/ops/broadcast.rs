//! Broadcasting: the shape rule, and the one helper every backward rule uses to bring a
//! broadcast gradient back to its input's shape.

use crate::error::{Error, Result};
use ndarray::{ArrayD, IxDyn};

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
/// Neighbouring axes that are both summed (or both kept) are merged first (a channel bias's
/// (n, c, h, w) → (1, c, 1, 1) sums over a (n, c, h·w) array), then one pass over the gradient
/// adds each innermost run into the output.
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
    let Some(&(inner, inner_summed)) = merged.last() else {
        return grad.to_shape(IxDyn(shape)).expect("one element").into_owned(); // only size-1 axes
    };
    // position of each merged kept axis in the output (row-major over the kept axes)
    let mut out_stride = vec![0; merged.len()];
    let mut out_len = 1;
    for (axis, &(size, summed)) in merged.iter().enumerate().rev() {
        if !summed {
            out_stride[axis] = out_len;
            out_len *= size;
        }
    }
    let mut out = vec![0.0; out_len];
    let g = grad.as_standard_layout();
    let values = g.as_slice().expect("a standard-layout array is one slice");
    // walk the gradient one innermost run at a time, keeping the output position `at` in step
    let mut index = vec![0; merged.len() - 1];
    let mut at = 0;
    for run in values.chunks_exact(inner) {
        if inner_summed {
            out[at] += run.iter().sum::<f64>();
        } else {
            out[at..at + inner].iter_mut().zip(run).for_each(|(o, v)| *o += v);
        }
        for axis in (0..index.len()).rev() {
            index[axis] += 1;
            at += out_stride[axis];
            if index[axis] < merged[axis].0 {
                break;
            }
            at -= out_stride[axis] * merged[axis].0;
            index[axis] = 0;
        }
    }
    ArrayD::from_shape_vec(IxDyn(shape), out).expect("the kept axes hold as many entries as the input")
}

/// f(a, b) element by element under broadcasting (the shapes must broadcast: check with
/// [`broadcast_shape`] first). Equal shapes, and one operand repeated around a block of the
/// other's axes (a bias row added to every row, a channel bias to every pixel, a mask to every
/// attention matrix, a scalar to everything) run on the raw slices; any other broadcast goes
/// through ndarray.
pub fn broadcast_map(a: &ArrayD<f64>, b: &ArrayD<f64>, f: impl Fn(f64, f64) -> f64) -> ArrayD<f64> {
    if let (Some(sa), Some(sb)) = (a.as_slice(), b.as_slice()) {
        if a.shape() == b.shape() {
            let values = sa.iter().zip(sb).map(|(&x, &y)| f(x, y)).collect();
            return ArrayD::from_shape_vec(a.raw_dim(), values).expect("same shape");
        }
        if let Some(block) = Block::of(a.shape(), b.shape()) {
            return ArrayD::from_shape_vec(a.raw_dim(), block.map(sa, sb, &f)).expect("a's shape");
        }
        if let Some(block) = Block::of(b.shape(), a.shape()) {
            return ArrayD::from_shape_vec(b.raw_dim(), block.map(sb, sa, |y, x| f(x, y))).expect("b's shape");
        }
    }
    let shape = broadcast_shape("broadcast_map", a.shape(), b.shape()).expect("shapes checked by the caller");
    let (a, b) = (a.broadcast(IxDyn(&shape)), b.broadcast(IxDyn(&shape)));
    let (a, b) = (a.expect("broadcasts"), b.expect("broadcasts"));
    ndarray::Zip::from(&a).and(&b).map_collect(|&x, &y| f(x, y))
}

/// A big array seen as (outer, middle, inner) where a small one, broadcast to it, varies only
/// along the middle: small = (1, …, 1, m₁, …, m_k, 1, …, 1) against big = (o…, m₁, …, m_k, i…).
struct Block {
    outer: usize,
    middle: usize,
    inner: usize,
}

impl Block {
    fn of(big: &[usize], small: &[usize]) -> Option<Block> {
        if small.len() > big.len() || big.contains(&0) {
            return None;
        }
        let padded: Vec<usize> = std::iter::repeat_n(1, big.len() - small.len()).chain(small.iter().copied()).collect();
        let first = padded.iter().position(|&d| d != 1).unwrap_or(big.len());
        let end = padded.iter().rposition(|&d| d != 1).map_or(first, |last| last + 1);
        (padded[first..end] == big[first..end]).then(|| Block {
            outer: big[..first].iter().product(),
            middle: big[first..end].iter().product(),
            inner: big[end..].iter().product(),
        })
    }

    /// f(big, small) for every entry of big, in order.
    fn map(&self, big: &[f64], small: &[f64], f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        let mut out = Vec::with_capacity(big.len());
        for part in big.chunks_exact(self.middle * self.inner) {
            if self.inner == 1 {
                out.extend(part.iter().zip(small).map(|(&x, &y)| f(x, y)));
            } else {
                for (run, &y) in part.chunks_exact(self.inner).zip(small) {
                    out.extend(run.iter().map(|&x| f(x, y)));
                }
            }
        }
        debug_assert_eq!(out.len(), self.outer * self.middle * self.inner);
        out
    }
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

    #[test]
    fn reduction_equals_adding_each_entry_where_it_was_broadcast_from() {
        let g = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4, 5]), |i| ((i[0] * 7 + i[1] * 5 + i[2] * 3 + i[3]) % 13) as f64);
        for shape in [&[2, 1, 4, 1][..], &[1, 3, 1, 5], &[3, 1, 5], &[4, 5], &[1, 1], &[2, 3, 1, 1], &[1, 1, 1, 5]] {
            let mut by_hand = ArrayD::zeros(IxDyn(shape));
            for (index, &v) in g.indexed_iter() {
                let lead = 4 - shape.len();
                let target: Vec<usize> =
                    (0..shape.len()).map(|a| if shape[a] == 1 { 0 } else { index[lead + a] }).collect();
                by_hand[IxDyn(&target)] += v;
            }
            assert_eq!(reduce_to_shape(&g, shape), by_hand, "shape {shape:?}");
        }
    }

    #[test]
    fn broadcast_map_agrees_with_ndarray_in_every_case() {
        let a = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4]), |i| (i[0] * 12 + i[1] * 4 + i[2]) as f64);
        for shape in [&[2, 3, 4][..], &[4], &[3, 4], &[1, 3, 4], &[3, 1], &[2, 1, 4], &[1], &[], &[2, 1, 1], &[1, 1, 4]]
        {
            let b = ArrayD::from_shape_fn(IxDyn(shape), |i| 0.5 + (0..shape.len()).map(|k| i[k]).sum::<usize>() as f64);
            let expected = &a - &b;
            assert_eq!(broadcast_map(&a, &b, |x, y| x - y), expected, "a − b, b of shape {shape:?}");
            assert_eq!(broadcast_map(&b, &a, |x, y| y - x), expected, "b, a of shape {shape:?}");
        }
    }
}
