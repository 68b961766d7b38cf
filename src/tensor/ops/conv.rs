//! Convolution (as im2col + one matrix product) and pooling, on (batch, channels, height, width)
//! tensors. Like every framework, "convolution" here is cross-correlation:
//! y[n, o, i, j] = Σ_{c, u, v} w[o, c, u, v] · x[n, c, s·i + u − p, s·j + v − p].

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::{Array2, Array4, ArrayD, ArrayView4, Ix4};

/// Output size of a convolution or pooling along one axis: ⌊(i + 2p − k)/s⌋ + 1.
pub fn conv_output_size(input: usize, kernel: usize, stride: usize, padding: usize) -> Option<usize> {
    let padded = input + 2 * padding;
    (stride > 0 && padded >= kernel).then(|| (padded - kernel) / stride + 1)
}

/// Geometry of a 2-D convolution or pooling window.
#[derive(Clone, Copy, Debug)]
struct Window {
    kh: usize,
    kw: usize,
    stride: (usize, usize),
    padding: (usize, usize),
    oh: usize,
    ow: usize,
}

impl Window {
    fn new(
        op: &str,
        input: &[usize],
        kh: usize,
        kw: usize,
        stride: (usize, usize),
        padding: (usize, usize),
    ) -> Result<Window> {
        let (h, w) = (input[2], input[3]);
        match (conv_output_size(h, kh, stride.0, padding.0), conv_output_size(w, kw, stride.1, padding.1)) {
            (Some(oh), Some(ow)) => Ok(Window { kh, kw, stride, padding, oh, ow }),
            _ => Err(Error::Shape {
                op: op.into(),
                expected: "a kernel no larger than the padded input, and a stride ≥ 1".into(),
                got: format!("input {input:?}, kernel {kh}×{kw}, stride {stride:?}, padding {padding:?}"),
            }),
        }
    }

    /// The input row under window row i at kernel row u: s·i + u − p, if inside 0..h (None in
    /// the zero padding).
    #[inline]
    fn source_row(&self, i: usize, u: usize, h: usize) -> Option<usize> {
        (i * self.stride.0 + u).checked_sub(self.padding.0).filter(|&r| r < h)
    }

    /// The input column under window column j at kernel column v, if inside 0..w.
    #[inline]
    fn source_col(&self, j: usize, v: usize, w: usize) -> Option<usize> {
        (j * self.stride.1 + v).checked_sub(self.padding.1).filter(|&c| c < w)
    }

    /// The input position (row, column) under window (i, j) at kernel offset (u, v), if inside.
    #[inline]
    fn source(&self, i: usize, j: usize, u: usize, v: usize, h: usize, w: usize) -> Option<(usize, usize)> {
        Some((self.source_row(i, u, h)?, self.source_col(j, v, w)?))
    }
}

fn as4(a: &ArrayD<f64>) -> ArrayView4<'_, f64> {
    a.view().into_dimensionality::<Ix4>().expect("checked to be 4-D")
}

/// Unfolds every window of `x` into a row: (n·oh·ow, c·kh·kw). Zero padding gives zeros.
/// Works on the raw slices and writes each entry once, in order (no zero-filling first).
fn im2col(x: ArrayView4<f64>, win: &Window) -> Array2<f64> {
    let (n, c, h, w) = x.dim();
    let x = x.as_standard_layout();
    let xs = x.as_slice().expect("a standard-layout array is one slice");
    let k = c * win.kh * win.kw;
    let mut out = Vec::with_capacity(n * win.oh * win.ow * k);
    for b in 0..n {
        for i in 0..win.oh {
            for j in 0..win.ow {
                for ch in 0..c {
                    let plane = &xs[(b * c + ch) * h * w..][..h * w];
                    for u in 0..win.kh {
                        match win.source_row(i, u, h) {
                            None => out.extend(std::iter::repeat_n(0.0, win.kw)), // a padding row
                            Some(r) => {
                                let line = &plane[r * w..][..w];
                                out.extend((0..win.kw).map(|v| win.source_col(j, v, w).map_or(0.0, |c| line[c])));
                            }
                        }
                    }
                }
            }
        }
    }
    Array2::from_shape_vec((n * win.oh * win.ow, k), out).expect("one row of c·kh·kw entries per window")
}

/// The adjoint of [`im2col`]: adds every row back onto the input positions it came from.
fn col2im(cols: &Array2<f64>, shape: (usize, usize, usize, usize), win: &Window) -> Array4<f64> {
    let (n, c, h, w) = shape;
    let k = c * win.kh * win.kw;
    let cols = cols.as_standard_layout();
    let rows = cols.as_slice().expect("a standard-layout array is one slice");
    let mut x = Array4::zeros(shape);
    let xs = x.as_slice_mut().expect("a new array is one slice");
    for b in 0..n {
        for i in 0..win.oh {
            for j in 0..win.ow {
                let row = &rows[((b * win.oh + i) * win.ow + j) * k..][..k];
                for ch in 0..c {
                    let plane = &mut xs[(b * c + ch) * h * w..][..h * w];
                    for u in 0..win.kh {
                        let Some(r) = win.source_row(i, u, h) else { continue };
                        let line = &mut plane[r * w..][..w];
                        let source = &row[(ch * win.kh + u) * win.kw..][..win.kw];
                        for (v, s) in source.iter().enumerate() {
                            if let Some(c) = win.source_col(j, v, w) {
                                line[c] += s;
                            }
                        }
                    }
                }
            }
        }
    }
    x
}

impl Tensor {
    /// 2-D convolution (cross-correlation) of `self` (n, c_in, h, w) with `weight`
    /// (c_out, c_in, kh, kw), with stride and zero padding per axis.
    ///
    /// Computed as one matrix product: Y = im2col(x) · Wᵀ. Backward: ∂L/∂W = Gᵀ · im2col(x),
    /// ∂L/∂x = col2im(G · W), where G is ∂L/∂y laid out as (n·oh·ow, c_out).
    ///
    /// # Shapes
    /// - self: (n, c_in, h, w); weight: (c_out, c_in, kh, kw)
    /// - returns (n, c_out, ⌊(h + 2p − kh)/s⌋ + 1, ⌊(w + 2p − kw)/s⌋ + 1)
    pub fn conv2d(&self, weight: &Tensor, stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        let (xs, ws) = (self.shape().to_vec(), weight.shape().to_vec());
        if xs.len() != 4 || ws.len() != 4 || xs[1] != ws[1] {
            return Err(Error::Shape {
                op: "conv2d".into(),
                expected: "input (n, c_in, h, w) and weight (c_out, c_in, kh, kw) with the same c_in".into(),
                got: format!("input {xs:?}, weight {ws:?}"),
            });
        }
        let win = Window::new("conv2d", &xs, ws[2], ws[3], stride, padding)?;
        crate::tensor::blas::use_default_blas_threads();
        let (n, c_out) = (xs[0], ws[0]);
        let cols = im2col(as4(self.value()), &win);
        let w2 = weight.value().to_shape((c_out, ws[1] * ws[2] * ws[3])).expect("contiguous weight").to_owned();
        let y = cols.dot(&w2.t()); // (n·oh·ow, c_out)
        let value = y
            .into_shape_with_order((n, win.oh, win.ow, c_out))
            .expect("sizes agree")
            .permuted_axes([0, 3, 1, 2])
            .as_standard_layout()
            .into_owned()
            .into_dyn();
        let (x, wt) = (self.clone(), weight.clone());
        let x_shape = (xs[0], xs[1], xs[2], xs[3]);
        Ok(Tensor::from_op(value, &[self, weight], "conv2d", move |g| {
            let g2 = as4(g).permuted_axes([0, 2, 3, 1]).as_standard_layout().into_owned();
            let g2 = g2.into_shape_with_order((n * win.oh * win.ow, c_out)).expect("sizes agree");
            let dx = x.requires_grad().then(|| col2im(&g2.dot(&w2), x_shape, &win).into_dyn());
            let dw = wt
                .requires_grad()
                .then(|| g2.t().dot(&cols).into_shape_with_order(wt.value().raw_dim()).expect("sizes agree"));
            vec![dx, dw]
        }))
    }

    fn check_4d(&self, op: &str) -> Result<()> {
        if self.ndim() != 4 {
            return Err(Error::Shape {
                op: op.into(),
                expected: "(n, c, h, w)".into(),
                got: format!("{:?}", self.shape()),
            });
        }
        Ok(())
    }

    /// Max pooling over k×k windows with the given stride (no padding). The gradient goes to
    /// the largest input of each window.
    ///
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    pub fn max_pool2d(&self, k: usize, stride: usize) -> Result<Tensor> {
        self.check_4d("max_pool2d")?;
        let win = Window::new("max_pool2d", self.shape(), k, k, (stride, stride), (0, 0))?;
        let x = as4(self.value());
        let (n, c, h, w) = x.dim();
        let mut out = Array4::zeros((n, c, win.oh, win.ow));
        let mut argmax = Array4::<(usize, usize)>::from_elem((n, c, win.oh, win.ow), (0, 0));
        for ((b, ch, i, j), o) in out.indexed_iter_mut() {
            let mut best = (f64::NEG_INFINITY, (0, 0));
            for u in 0..k {
                for v in 0..k {
                    let (r, cc) = win.source(i, j, u, v, h, w).expect("no padding");
                    if x[[b, ch, r, cc]] > best.0 {
                        best = (x[[b, ch, r, cc]], (r, cc));
                    }
                }
            }
            *o = best.0;
            argmax[[b, ch, i, j]] = best.1;
        }
        let shape = x.raw_dim();
        Ok(Tensor::from_op(out.into_dyn(), &[self], "max_pool2d", move |g| {
            let mut dx = Array4::zeros(shape);
            for ((b, ch, i, j), &(r, cc)) in argmax.indexed_iter() {
                dx[[b, ch, r, cc]] += g[[b, ch, i, j]];
            }
            vec![Some(dx.into_dyn())]
        }))
    }

    /// Average pooling over k×k windows with the given stride (no padding); each input of a
    /// window receives 1/k² of the window's gradient.
    ///
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    pub fn avg_pool2d(&self, k: usize, stride: usize) -> Result<Tensor> {
        self.check_4d("avg_pool2d")?;
        let win = Window::new("avg_pool2d", self.shape(), k, k, (stride, stride), (0, 0))?;
        let x = as4(self.value());
        let (n, c, h, w) = x.dim();
        let area = (k * k) as f64;
        let mut out = Array4::zeros((n, c, win.oh, win.ow));
        for ((b, ch, i, j), o) in out.indexed_iter_mut() {
            let mut s = 0.0;
            for u in 0..k {
                for v in 0..k {
                    let (r, cc) = win.source(i, j, u, v, h, w).expect("no padding");
                    s += x[[b, ch, r, cc]];
                }
            }
            *o = s / area;
        }
        let shape = x.raw_dim();
        Ok(Tensor::from_op(out.into_dyn(), &[self], "avg_pool2d", move |g| {
            let mut dx = Array4::zeros(shape);
            for b in 0..n {
                for ch in 0..c {
                    for i in 0..win.oh {
                        for j in 0..win.ow {
                            let share = g[[b, ch, i, j]] / area;
                            for u in 0..k {
                                for v in 0..k {
                                    let (r, cc) = win.source(i, j, u, v, h, w).expect("no padding");
                                    dx[[b, ch, r, cc]] += share;
                                }
                            }
                        }
                    }
                }
            }
            vec![Some(dx.into_dyn())]
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr2, Array4};

    #[test]
    fn output_sizes_from_the_course() {
        // COURSE.md, notebook 07
        assert_eq!(conv_output_size(4, 3, 1, 0), Some(2));
        assert_eq!(conv_output_size(5, 3, 1, 2), Some(7));
        assert_eq!(conv_output_size(5, 3, 2, 1), Some(3));
        assert_eq!(conv_output_size(2, 3, 1, 0), None);
        let x = Tensor::zeros(&[1, 1, 5, 5]);
        let w = Tensor::zeros(&[2, 1, 3, 3]);
        assert_eq!(x.conv2d(&w, (1, 1), (2, 2)).unwrap().shape(), &[1, 2, 7, 7]);
        assert_eq!(x.conv2d(&w, (2, 2), (1, 1)).unwrap().shape(), &[1, 2, 3, 3]);
    }

    #[test]
    fn conv_against_a_direct_loop() {
        let x = Array4::from_shape_fn((2, 3, 5, 4), |(a, b, c, d)| ((a * 7 + b * 5 + c * 3 + d) % 11) as f64 - 5.0);
        let w = Array4::from_shape_fn((4, 3, 3, 2), |(a, b, c, d)| ((a * 3 + b * 2 + c + d * 5) % 7) as f64 - 3.0);
        let y = Tensor::new(x.clone()).conv2d(&Tensor::new(w.clone()), (2, 1), (1, 0)).unwrap();
        let (oh, ow) = (conv_output_size(5, 3, 2, 1).unwrap(), conv_output_size(4, 2, 1, 0).unwrap());
        assert_eq!(y.shape(), &[2, 4, oh, ow]);
        for n in 0..2 {
            for o in 0..4 {
                for i in 0..oh {
                    for j in 0..ow {
                        let mut s = 0.0;
                        for c in 0..3 {
                            for u in 0..3 {
                                for v in 0..2 {
                                    let (r, cc) = ((2 * i + u) as isize - 1, (j + v) as isize);
                                    if r >= 0 && r < 5 && cc < 4 {
                                        s += w[[o, c, u, v]] * x[[n, c, r as usize, cc as usize]];
                                    }
                                }
                            }
                        }
                        assert_eq!(y.value()[[n, o, i, j]], s);
                    }
                }
            }
        }
    }

    #[test]
    fn pooling_values() {
        let x = Tensor::new(
            arr2(&[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]).into_shape_with_order((1, 1, 2, 4)).unwrap(),
        );
        assert_eq!(x.max_pool2d(2, 2).unwrap().value().as_slice().unwrap(), &[6.0, 8.0]);
        assert_eq!(x.avg_pool2d(2, 2).unwrap().value().as_slice().unwrap(), &[3.5, 5.5]);
        let e = Tensor::zeros(&[2, 2]).max_pool2d(2, 2).unwrap_err().to_string();
        assert!(e.contains("max_pool2d") && e.contains("(n, c, h, w)"), "{e}");
    }
}
