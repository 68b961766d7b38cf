//! 1-D and 3-D convolutions, built from the 2-D one and shape operations: their backward rules
//! are those of the operations they are made of, so there is no new derivative to get wrong.

use super::conv::conv_output_size;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

impl Tensor {
    /// 1-D convolution (cross-correlation) of `self` (n, c_in, l) with `weight` (c_out, c_in, k):
    /// a 2-D convolution of height-1 images.
    ///
    /// # Shapes
    /// - self: (n, c_in, l); weight: (c_out, c_in, k)
    /// - returns (n, c_out, ⌊(l + 2p − k)/s⌋ + 1)
    pub fn conv1d(&self, weight: &Tensor, stride: usize, padding: usize) -> Result<Tensor> {
        let (xs, ws) = (self.shape().to_vec(), weight.shape().to_vec());
        if xs.len() != 3 || ws.len() != 3 || xs[1] != ws[1] {
            return Err(Error::Shape {
                op: "conv1d".into(),
                expected: "input (n, c_in, l) and weight (c_out, c_in, k) with the same c_in".into(),
                got: format!("input {xs:?}, weight {ws:?}"),
            });
        }
        let x = self.reshape(&[xs[0], xs[1], 1, xs[2]])?;
        let w = weight.reshape(&[ws[0], ws[1], 1, ws[2]])?;
        let y = x.conv2d(&w, (1, stride), (0, padding))?;
        let out_len = y.shape()[3];
        y.reshape(&[xs[0], ws[0], out_len])
    }

    /// 3-D convolution (cross-correlation) of `self` (n, c_in, d, h, w) with `weight`
    /// (c_out, c_in, kd, kh, kw), with the same stride and zero padding along every axis.
    ///
    /// Output slice z along the depth is one 2-D convolution: the kd input slices it sees
    /// (z·s − p + a, a = 0 … kd − 1, zeros outside) stacked along the channels, against the
    /// weight reshaped to (c_out, kd·c_in, kh, kw). Depth slices are then stacked again.
    ///
    /// # Shapes
    /// - self: (n, c_in, d, h, w); weight: (c_out, c_in, kd, kh, kw)
    /// - returns (n, c_out, d′, h′, w′) with each size ⌊(i + 2p − k)/s⌋ + 1
    pub fn conv3d(&self, weight: &Tensor, stride: usize, padding: usize) -> Result<Tensor> {
        let (xs, ws) = (self.shape().to_vec(), weight.shape().to_vec());
        if xs.len() != 5 || ws.len() != 5 || xs[1] != ws[1] {
            return Err(Error::Shape {
                op: "conv3d".into(),
                expected: "input (n, c_in, d, h, w) and weight (c_out, c_in, kd, kh, kw) with the same c_in".into(),
                got: format!("input {xs:?}, weight {ws:?}"),
            });
        }
        let (n, c, depth, h, w) = (xs[0], xs[1], xs[2], xs[3], xs[4]);
        let (c_out, kd) = (ws[0], ws[2]);
        let out_depth = conv_output_size(depth, kd, stride, padding).ok_or_else(|| Error::Shape {
            op: "conv3d".into(),
            expected: format!("a depth of at least {kd} − 2·{padding} for a kernel of depth {kd}"),
            got: format!("input {xs:?}"),
        })?;
        // (c_out, c_in, kd, kh, kw) → (c_out, kd, c_in, kh, kw) → (c_out, kd·c_in, kh, kw)
        let w2 = weight.permute(&[0, 2, 1, 3, 4])?.reshape(&[c_out, kd * c, ws[3], ws[4]])?;
        let zero_slice = Tensor::zeros(&[n, c, h, w]);
        let slice = |z: isize| -> Result<Tensor> {
            if z < 0 || z as usize >= depth {
                Ok(zero_slice.clone())
            } else {
                self.narrow(2, z as usize, 1)?.reshape(&[n, c, h, w])
            }
        };
        let mut outputs = Vec::with_capacity(out_depth);
        for z in 0..out_depth {
            let start = (z * stride) as isize - padding as isize;
            let seen: Vec<Tensor> = (0..kd as isize).map(|a| slice(start + a)).collect::<Result<_>>()?;
            let stacked = Tensor::concat(&seen.iter().collect::<Vec<_>>(), 1)?; // (n, kd·c_in, h, w)
            let y = stacked.conv2d(&w2, (stride, stride), (padding, padding))?; // (n, c_out, h′, w′)
            let (oh, ow) = (y.shape()[2], y.shape()[3]);
            outputs.push(y.reshape(&[n, c_out, 1, oh, ow])?);
        }
        Tensor::concat(&outputs.iter().collect::<Vec<_>>(), 2)
    }
}

#[cfg(test)]
mod tests {
    use crate::tensor::{gradcheck, Param, Tensor};
    use ndarray::{ArrayD, Dimension, IxDyn};

    fn param(name: &str, shape: &[usize], seed: usize) -> Param {
        Param::new(
            name,
            ArrayD::from_shape_fn(IxDyn(shape), |i| {
                ((i.as_array_view().iter().sum::<usize>() * 7 + seed) as f64 * 0.61).sin()
            }),
        )
    }

    /// The definition, by loops: y[b, o, z, i, j] = Σ x[b, c, zs − p + a, is − p + u, js − p + v] w[o, c, a, u, v].
    fn conv3d_by_loops(x: &ArrayD<f64>, w: &ArrayD<f64>, s: usize, p: usize) -> ArrayD<f64> {
        let (xs, ws) = (x.shape(), w.shape());
        let out = |i: usize, k: usize| (i + 2 * p - k) / s + 1;
        let shape = [xs[0], ws[0], out(xs[2], ws[2]), out(xs[3], ws[3]), out(xs[4], ws[4])];
        ArrayD::from_shape_fn(IxDyn(&shape), |y| {
            let mut total = 0.0;
            for c in 0..xs[1] {
                for a in 0..ws[2] {
                    for u in 0..ws[3] {
                        for v in 0..ws[4] {
                            let src = [y[2] * s + a, y[3] * s + u, y[4] * s + v];
                            if src.iter().zip(&xs[2..]).all(|(&q, &len)| q >= p && q - p < len) {
                                total += x[[y[0], c, src[0] - p, src[1] - p, src[2] - p]] * w[[y[1], c, a, u, v]];
                            }
                        }
                    }
                }
            }
            total
        })
    }

    #[test]
    fn conv3d_matches_the_definition_and_its_gradients() {
        let x = param("x", &[2, 2, 4, 5, 3], 1);
        let w = param("w", &[3, 2, 3, 2, 2], 2);
        for (s, p) in [(1, 0), (1, 1), (2, 1)] {
            let y = x.tensor().conv3d(&w.tensor(), s, p).unwrap();
            let expected = conv3d_by_loops(&x.value(), &w.value(), s, p);
            assert_eq!(y.shape(), expected.shape(), "stride {s}, padding {p}");
            let gap = (y.value() - &expected).mapv(f64::abs).fold(0.0f64, |m, &v| m.max(v));
            assert!(gap < 1e-12, "stride {s}, padding {p}: {gap}");
            let probe = Tensor::new(ArrayD::from_shape_fn(IxDyn(y.shape()), |i| {
                (i.as_array_view().iter().sum::<usize>() as f64).cos()
            }));
            let report =
                gradcheck(&[x.clone(), w.clone()], || Ok(x.tensor().conv3d(&w.tensor(), s, p)?.try_mul(&probe)?.sum()))
                    .unwrap();
            assert!(report.passed(1e-6, 1e-9), "stride {s}, padding {p}: {report}");
        }
    }

    #[test]
    fn conv1d_matches_the_definition_and_its_gradients() {
        let x = param("x", &[2, 3, 7], 3);
        let w = param("w", &[2, 3, 3], 4);
        let y = x.tensor().conv1d(&w.tensor(), 2, 1).unwrap();
        assert_eq!(y.shape(), &[2, 2, 4]);
        let (xv, wv) = (x.value(), w.value());
        for (b, o, i) in [(0, 0, 0), (1, 1, 3), (0, 1, 2)] {
            let direct: f64 = (0..3)
                .flat_map(|c| (0..3).map(move |k| (c, k)))
                .filter(|&(_, k)| (2 * i + k) >= 1 && 2 * i + k - 1 < 7)
                .map(|(c, k)| xv[[b, c, 2 * i + k - 1]] * wv[[o, c, k]])
                .sum();
            assert!((y.value()[[b, o, i]] - direct).abs() < 1e-12);
        }
        let report =
            gradcheck(&[x.clone(), w.clone()], || Ok(x.tensor().conv1d(&w.tensor(), 2, 1)?.powf(2.0).sum())).unwrap();
        assert!(report.passed(1e-6, 1e-9), "{report}");
    }

    #[test]
    fn shape_errors_name_the_operation_and_shapes() {
        let e = Tensor::zeros(&[1, 2, 4, 4, 4]).conv3d(&Tensor::zeros(&[1, 3, 3, 3, 3]), 1, 0).unwrap_err();
        assert!(e.to_string().contains("conv3d") && e.to_string().contains("[1, 3, 3, 3, 3]"), "{e}");
        let e = Tensor::zeros(&[1, 2, 4]).conv1d(&Tensor::zeros(&[1, 2, 3, 3]), 1, 0).unwrap_err();
        assert!(e.to_string().contains("conv1d"), "{e}");
    }
}
