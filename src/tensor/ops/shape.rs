//! Operations that move values around without arithmetic: reshape, permute, concatenate,
//! slice, and index (rows by index, one entry per row).

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::{ArrayD, Axis, IxDyn, Slice};

/// A copy of `a` with its axes reordered (output axis i is input axis `axes[i]`), in standard
/// layout. Walks the output in order; each run along its last axis is a slice copy when that
/// axis was the input's last one too, a strided gather otherwise.
fn permuted(a: &ArrayD<f64>, axes: &[usize]) -> ArrayD<f64> {
    let out_shape: Vec<usize> = axes.iter().map(|&k| a.shape()[k]).collect();
    let a = a.as_standard_layout();
    let (Some(values), Some(&run)) = (a.as_slice(), out_shape.last()) else {
        return a.into_owned(); // 0-dimensional: nothing to reorder
    };
    if values.is_empty() {
        return ArrayD::zeros(IxDyn(&out_shape));
    }
    // the input's row-major strides, in the output's axis order
    let mut strides = vec![0; axes.len()];
    let mut stride = 1;
    for k in (0..axes.len()).rev() {
        strides[axes.iter().position(|&axis| axis == k).expect("a permutation")] = stride;
        stride *= a.shape()[k];
    }
    let last = axes.len() - 1;
    let mut out = Vec::with_capacity(values.len());
    let mut index = vec![0; last];
    let mut start = 0;
    for _ in 0..values.len() / run {
        if strides[last] == 1 {
            out.extend_from_slice(&values[start..start + run]);
        } else {
            out.extend((0..run).map(|j| values[start + j * strides[last]]));
        }
        for k in (0..last).rev() {
            index[k] += 1;
            start += strides[k];
            if index[k] < out_shape[k] {
                break;
            }
            start -= strides[k] * out_shape[k];
            index[k] = 0;
        }
    }
    ArrayD::from_shape_vec(IxDyn(&out_shape), out).expect("as many entries as the input")
}

impl Tensor {
    /// The same values in a new shape (row-major order). ∂L/∂a is ∂L/∂y reshaped back.
    pub fn reshape(&self, shape: &[usize]) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        if n != self.len() {
            return Err(Error::Shape {
                op: "reshape".into(),
                expected: format!("a shape with {} elements", self.len()),
                got: format!("{:?} → {shape:?} ({n} elements)", self.shape()),
            });
        }
        let value =
            self.value().as_standard_layout().into_owned().into_shape_with_order(IxDyn(shape)).expect("sizes agree");
        let original = self.shape().to_vec();
        Ok(Tensor::from_op(value, &[self], "reshape", move |g| {
            vec![Some(
                g.as_standard_layout().into_owned().into_shape_with_order(IxDyn(&original)).expect("sizes agree"),
            )]
        }))
    }

    /// Reorders the axes: output axis i is input axis `axes[i]`. ∂L/∂a permutes back with the
    /// inverse permutation.
    pub fn permute(&self, axes: &[usize]) -> Result<Tensor> {
        let mut sorted = axes.to_vec();
        sorted.sort_unstable();
        if sorted != (0..self.ndim()).collect::<Vec<_>>() {
            return Err(Error::Shape {
                op: "permute".into(),
                expected: format!("a permutation of 0..{}", self.ndim()),
                got: format!("axes {axes:?} for shape {:?}", self.shape()),
            });
        }
        let value = permuted(self.value(), axes);
        let mut inverse = vec![0; axes.len()];
        for (i, &a) in axes.iter().enumerate() {
            inverse[a] = i;
        }
        Ok(Tensor::from_op(value, &[self], "permute", move |g| vec![Some(permuted(g, &inverse))]))
    }

    /// Swaps the last two axes (the matrix transpose, batched).
    pub fn transpose(&self) -> Result<Tensor> {
        if self.ndim() < 2 {
            return Err(Error::Shape {
                op: "transpose".into(),
                expected: "at least 2 dimensions".into(),
                got: format!("{:?}", self.shape()),
            });
        }
        let mut axes: Vec<usize> = (0..self.ndim()).collect();
        axes.swap(self.ndim() - 2, self.ndim() - 1);
        self.permute(&axes)
    }

    /// Joins tensors along `axis`; their other sizes must agree. Each input's gradient is its
    /// slice of ∂L/∂y.
    pub fn concat(tensors: &[&Tensor], axis: usize) -> Result<Tensor> {
        if tensors.is_empty() {
            return Err(Error::invalid("concat", "no tensors given: pass at least one"));
        }
        let views: Vec<_> = tensors.iter().map(|t| t.value().view()).collect();
        let value = ndarray::concatenate(Axis(axis), &views).map_err(|_| Error::Shape {
            op: "concat".into(),
            expected: format!("equal sizes except along axis {axis}"),
            got: tensors.iter().map(|t| format!("{:?}", t.shape())).collect::<Vec<_>>().join(", "),
        })?;
        let sizes: Vec<usize> = tensors.iter().map(|t| t.shape()[axis]).collect();
        Ok(Tensor::from_op(value, tensors, "concat", move |g| {
            let mut start = 0;
            sizes
                .iter()
                .map(|&n| {
                    let part = g.slice_axis(Axis(axis), Slice::from(start..start + n)).to_owned();
                    start += n;
                    Some(part)
                })
                .collect()
        }))
    }

    /// The entries `start .. start + len` along `axis`. ∂L/∂a is ∂L/∂y placed back, 0 elsewhere.
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Result<Tensor> {
        if axis >= self.ndim() || start + len > self.shape()[axis] {
            return Err(Error::Shape {
                op: "narrow".into(),
                expected: "axis < ndim and start + len ≤ the axis' size".into(),
                got: format!("axis {axis}, {start}..{} for shape {:?}", start + len, self.shape()),
            });
        }
        let value = self.value().slice_axis(Axis(axis), Slice::from(start..start + len)).to_owned();
        let shape = self.value().raw_dim();
        Ok(Tensor::from_op(value, &[self], "narrow", move |g| {
            let mut dx = ArrayD::zeros(shape.clone());
            dx.slice_axis_mut(Axis(axis), Slice::from(start..start + len)).assign(g);
            vec![Some(dx)]
        }))
    }

    /// Rows (entries along axis 0) picked by index, repeats allowed — an embedding lookup.
    /// ∂L/∂a adds each output row's gradient into the row it came from.
    pub fn index_select(&self, indices: &[usize]) -> Result<Tensor> {
        let n = self.shape().first().copied().unwrap_or(0);
        if let Some(&bad) = indices.iter().find(|&&i| i >= n) {
            return Err(Error::Shape {
                op: "index_select".into(),
                expected: format!("indices < {n} (rows of the tensor)"),
                got: format!("index {bad} for shape {:?}", self.shape()),
            });
        }
        let value = self.value().select(Axis(0), indices);
        let (shape, idx) = (self.value().raw_dim(), indices.to_vec());
        Ok(Tensor::from_op(value, &[self], "index_select", move |g| {
            let mut dx = ArrayD::zeros(shape.clone());
            for (row, &i) in idx.iter().enumerate() {
                let mut target = dx.index_axis_mut(Axis(0), i);
                target += &g.index_axis(Axis(0), row);
            }
            vec![Some(dx)]
        }))
    }

    /// For a (n, c) tensor, the entry `indices[i]` of each row i, as a (n,) tensor (the
    /// log-probability of each sample's class). ∂L/∂a is ∂L/∂yᵢ at (i, `indices[i]`), 0 elsewhere.
    pub fn gather_rows(&self, indices: &[usize]) -> Result<Tensor> {
        let ok_shape = self.ndim() == 2 && self.shape()[0] == indices.len();
        if !ok_shape {
            return Err(Error::Shape {
                op: "gather_rows".into(),
                expected: format!("a (n, c) tensor with n = {} (one index per row)", indices.len()),
                got: format!("{:?}", self.shape()),
            });
        }
        let c = self.shape()[1];
        if let Some((row, &bad)) = indices.iter().enumerate().find(|(_, &k)| k >= c) {
            return Err(Error::invalid(
                "gather_rows",
                format!("row {row}: class index {bad} is out of range for {c} classes (0..{c})"),
            ));
        }
        let x = self.value();
        let value = ArrayD::from_shape_fn(IxDyn(&[indices.len()]), |i| x[[i[0], indices[i[0]]]]);
        let (shape, idx) = (x.raw_dim(), indices.to_vec());
        Ok(Tensor::from_op(value, &[self], "gather_rows", move |g| {
            let mut dx = ArrayD::zeros(shape.clone());
            for (i, &k) in idx.iter().enumerate() {
                dx[[i, k]] = g[[i]];
            }
            vec![Some(dx)]
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permuted_equals_ndarray_for_every_order_of_four_axes() {
        let a = ArrayD::from_shape_fn(IxDyn(&[2, 3, 4, 5]), |i| (((i[0] * 3 + i[1]) * 4 + i[2]) * 5 + i[3]) as f64);
        let mut count = 0;
        for p in 0..4usize.pow(4) {
            let axes: Vec<usize> = (0..4).map(|k| (p / 4usize.pow(k)) % 4).collect();
            if (0..4).any(|k| !axes.contains(&k)) {
                continue; // not a permutation
            }
            let expected = a.view().permuted_axes(IxDyn(&axes)).as_standard_layout().into_owned();
            assert_eq!(permuted(&a, &axes), expected, "axes {axes:?}");
            count += 1;
        }
        assert_eq!(count, 24);
        // a transposed (non-standard) input, and empty and 0-dimensional arrays
        let t = a.clone().reversed_axes();
        assert_eq!(permuted(&t, &[1, 0, 3, 2]), t.view().permuted_axes(IxDyn(&[1, 0, 3, 2])).to_owned());
        assert_eq!(permuted(&ArrayD::zeros(IxDyn(&[2, 0])), &[1, 0]).shape(), &[0, 2]);
        assert_eq!(permuted(&ndarray::arr0(3.0).into_dyn(), &[]), ndarray::arr0(3.0).into_dyn());
    }
}
