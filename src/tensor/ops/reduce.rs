//! Reductions: sums, means and maxima, over everything or along one axis.

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::{arr0, ArrayD, Axis, IxDyn};

impl Tensor {
    /// Σ of all elements (a scalar). ∂/∂aᵢ = 1.
    pub fn sum(&self) -> Tensor {
        let shape = self.value().raw_dim();
        Tensor::from_op(arr0(self.value().sum()).into_dyn(), &[self], "sum", move |g| {
            vec![Some(ArrayD::from_elem(shape.clone(), g[IxDyn(&[])]))]
        })
    }

    /// Mean of all elements (a scalar). ∂/∂aᵢ = 1/n.
    pub fn mean(&self) -> Tensor {
        let n = self.len().max(1) as f64;
        self.sum().mul_scalar(1.0 / n)
    }

    /// An error naming `op` unless `axis` is one of this tensor's axes.
    pub(crate) fn check_axis(&self, op: &str, axis: usize) -> Result<()> {
        if axis >= self.ndim() {
            return Err(Error::Shape {
                op: op.into(),
                expected: format!("an axis < {} (the tensor's number of dimensions)", self.ndim()),
                got: format!("axis {axis} for shape {:?}", self.shape()),
            });
        }
        Ok(())
    }

    /// Σ along `axis`, which disappears (`keep_dim` keeps it with size 1). ∂/∂aᵢ = 1.
    pub fn sum_axis(&self, axis: usize, keep_dim: bool) -> Result<Tensor> {
        self.check_axis("sum_axis", axis)?;
        let mut out = self.value().sum_axis(Axis(axis));
        if keep_dim {
            out = out.insert_axis(Axis(axis));
        }
        let shape = self.value().raw_dim();
        Ok(Tensor::from_op(out, &[self], "sum_axis", move |g| {
            let g = if keep_dim { g.clone() } else { g.clone().insert_axis(Axis(axis)) };
            vec![Some(g.broadcast(shape.clone()).expect("same shape but the summed axis").to_owned())]
        }))
    }

    /// Mean along `axis`. ∂/∂aᵢ = 1/n.
    pub fn mean_axis(&self, axis: usize, keep_dim: bool) -> Result<Tensor> {
        self.check_axis("mean_axis", axis)?;
        let n = self.shape()[axis].max(1) as f64;
        Ok(self.sum_axis(axis, keep_dim)?.mul_scalar(1.0 / n))
    }

    /// Maximum along `axis`. The gradient goes to the (first) largest element of each lane:
    /// ∂max/∂aᵢ = 1 for that element, 0 for the others.
    pub fn max_axis(&self, axis: usize, keep_dim: bool) -> Result<Tensor> {
        self.check_axis("max_axis", axis)?;
        if self.shape()[axis] == 0 {
            return Err(Error::invalid("max_axis", format!("axis {axis} of shape {:?} is empty", self.shape())));
        }
        let x = self.value();
        let argmax: ArrayD<usize> = x.map_axis(Axis(axis), |lane| {
            lane.iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |(bi, bv), (i, &v)| if v > bv { (i, v) } else { (bi, bv) })
                .0
        });
        let mut out = x.map_axis(Axis(axis), |lane| lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v)));
        if keep_dim {
            out = out.insert_axis(Axis(axis));
        }
        let shape = x.raw_dim();
        Ok(Tensor::from_op(out, &[self], "max_axis", move |g| {
            let g = if keep_dim { g.index_axis(Axis(axis), 0).to_owned() } else { g.clone() };
            let mut dx = ArrayD::zeros(shape.clone());
            for (mut lane, (&k, &gv)) in dx.lanes_mut(Axis(axis)).into_iter().zip(argmax.iter().zip(g.iter())) {
                lane[k] = gv;
            }
            vec![Some(dx)]
        }))
    }
}
