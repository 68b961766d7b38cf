//! Matrix products, plain and batched (through BLAS via ndarray).

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::{s, Array3, ArrayD, Ix2, Ix3};

fn as2(a: &ArrayD<f64>) -> ndarray::ArrayView2<'_, f64> {
    a.view().into_dimensionality::<Ix2>().expect("checked to be 2-D")
}

fn as3(a: &ArrayD<f64>) -> ndarray::ArrayView3<'_, f64> {
    a.view().into_dimensionality::<Ix3>().expect("checked to be 3-D")
}

/// A (b, m, cols) array seen as (b·m, cols) rows: a view when it is in standard layout.
fn as_rows(a: &ArrayD<f64>, rows: usize, cols: usize) -> ndarray::CowArray<'_, f64, Ix2> {
    a.to_shape((rows, cols)).expect("b·m·cols entries")
}

/// Batched product of (b, m, k) and (b, k, n) → (b, m, n); `tb` transposes each right matrix,
/// `ta` each left one.
fn bmm(a: ndarray::ArrayView3<f64>, b: ndarray::ArrayView3<f64>, ta: bool, tb: bool) -> Array3<f64> {
    let batch = a.shape()[0];
    let m = if ta { a.shape()[2] } else { a.shape()[1] };
    let n = if tb { b.shape()[1] } else { b.shape()[2] };
    let mut out = Array3::zeros((batch, m, n));
    for i in 0..batch {
        let (ai, bi) = (a.slice(s![i, .., ..]), b.slice(s![i, .., ..]));
        let ai = if ta { ai.reversed_axes() } else { ai };
        let bi = if tb { bi.reversed_axes() } else { bi };
        ndarray::linalg::general_mat_mul(1.0, &ai, &bi, 0.0, &mut out.slice_mut(s![i, .., ..]));
    }
    out
}

impl Tensor {
    /// Matrix product.
    ///
    /// - (m, k) · (k, n) → (m, n): ∂L/∂A = G Bᵀ, ∂L/∂B = Aᵀ G.
    /// - (b, m, k) · (b, k, n) → (b, m, n), one product per batch element, same rule per element.
    /// - (b, m, k) · (k, n) → (b, m, n): the same matrix B for every batch element; ∂L/∂B sums
    ///   Aᵢᵀ Gᵢ over the batch.
    ///
    /// # Shapes
    /// The inner sizes `k` must agree (and the batch sizes `b`).
    pub fn matmul(&self, other: &Tensor) -> Result<Tensor> {
        crate::tensor::blas::use_default_blas_threads();
        let (sa, sb) = (self.shape().to_vec(), other.shape().to_vec());
        let mismatch = || Error::Shape {
            op: "matmul".into(),
            expected: "(m, k)·(k, n), (b, m, k)·(b, k, n) or (b, m, k)·(k, n)".into(),
            got: format!("{sa:?} · {sb:?}"),
        };
        let (a, b) = (self.clone(), other.clone());
        match (sa.len(), sb.len()) {
            (2, 2) if sa[1] == sb[0] => {
                let value = as2(self.value()).dot(&as2(other.value())).into_dyn();
                Ok(Tensor::from_op(value, &[self, other], "matmul", move |g| {
                    let g2 = as2(g);
                    vec![
                        a.requires_grad().then(|| g2.dot(&as2(b.value()).t()).into_dyn()),
                        b.requires_grad().then(|| as2(a.value()).t().dot(&g2).into_dyn()),
                    ]
                }))
            }
            (3, 3) if sa[0] == sb[0] && sa[2] == sb[1] => {
                let value = bmm(as3(self.value()), as3(other.value()), false, false).into_dyn();
                Ok(Tensor::from_op(value, &[self, other], "matmul", move |g| {
                    vec![
                        a.requires_grad().then(|| bmm(as3(g), as3(b.value()), false, true).into_dyn()),
                        b.requires_grad().then(|| bmm(as3(a.value()), as3(g), true, false).into_dyn()),
                    ]
                }))
            }
            (3, 2) if sa[2] == sb[0] => {
                // Fold the batch into the rows: (b·m, k) · (k, n).
                let (batch, m, k, n) = (sa[0], sa[1], sa[2], sb[1]);
                let value = as_rows(self.value(), batch * m, k)
                    .dot(&as2(other.value()))
                    .into_shape_with_order((batch, m, n))
                    .expect("sizes agree")
                    .into_dyn();
                Ok(Tensor::from_op(value, &[self, other], "matmul", move |g| {
                    let g2 = as_rows(g, batch * m, n);
                    vec![
                        a.requires_grad().then(|| {
                            g2.dot(&as2(b.value()).t())
                                .into_shape_with_order((batch, m, k))
                                .expect("sizes agree")
                                .into_dyn()
                        }),
                        b.requires_grad().then(|| as_rows(a.value(), batch * m, k).t().dot(&g2).into_dyn()),
                    ]
                }))
            }
            _ => Err(mismatch()),
        }
    }
}
