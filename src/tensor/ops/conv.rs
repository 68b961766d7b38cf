//! Convolution (as im2col + one matrix product) and pooling, on (batch, channels, height, width)
//! tensors. Like every framework, "convolution" here is cross-correlation:
//! y[n, o, i, j] = Σ_{c, u, v} w[o, c, u, v] · x[n, c, s·i + u − p, s·j + v − p].

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, Array4, ArrayD, ArrayView2, ArrayView4, ArrayViewMut2, Ix4, IxDyn};
use rayon::prelude::*;

/// Images per partial sum of a convolution's weight gradient (the partial sums run in parallel).
const IMAGES_PER_PARTIAL_SUM: usize = 8;

/// Output size of a convolution or pooling along one axis: ⌊(i + 2p − k)/s⌋ + 1.
pub fn conv_output_size(input: usize, kernel: usize, stride: usize, padding: usize) -> Option<usize> {
    let padded = input + 2 * padding;
    (stride > 0 && padded >= kernel).then(|| (padded - kernel) / stride + 1)
}

/// An error unless a pooling window has at least one entry.
fn check_pool_kernel(op: &str, k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::invalid(op, "kernel size k = 0: a pooling window needs k ≥ 1 (e.g. 2 for 2×2 windows)"));
    }
    Ok(())
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

    /// The window columns j whose kernel column v falls inside the input: 0 ≤ s·j + v − p < w.
    /// The columns before and after the range read the zero padding.
    #[inline]
    fn inside_cols(&self, v: usize, w: usize) -> std::ops::Range<usize> {
        let s = self.stride.1;
        let first = self.padding.1.saturating_sub(v).div_ceil(s);
        let end = (w + self.padding.1).saturating_sub(v).div_ceil(s).min(self.ow);
        first.min(end)..end
    }
}

fn as4(a: &ArrayD<f64>) -> ArrayView4<'_, f64> {
    a.view().into_dimensionality::<Ix4>().expect("checked to be 4-D")
}

/// Unfolds the windows of one image (c, h, w), given as its flattened values, into columns:
/// appends to `out` a (c·kh·kw, oh·ow) matrix whose row (ch, u, v) holds, for every window
/// (i, j), the input x[ch, s·i + u − p, s·j + v − p] (0 in the padding). Each window row is one
/// run of the input (for stride 1: a slice copy), and every entry is written once.
fn im2col(image: &[f64], (c, h, w): (usize, usize, usize), win: &Window, out: &mut Vec<f64>) {
    let (s, p) = (win.stride.1, win.padding.1);
    for ch in 0..c {
        let plane = &image[ch * h * w..][..h * w];
        for u in 0..win.kh {
            for v in 0..win.kw {
                let inside = win.inside_cols(v, w);
                for i in 0..win.oh {
                    let Some(r) = win.source_row(i, u, h) else {
                        out.extend(std::iter::repeat_n(0.0, win.ow)); // a padding row
                        continue;
                    };
                    out.extend(std::iter::repeat_n(0.0, inside.start));
                    if !inside.is_empty() {
                        let line = &plane[r * w + inside.start * s + v - p..];
                        if s == 1 {
                            out.extend_from_slice(&line[..inside.len()]);
                        } else {
                            out.extend(line.iter().step_by(s).take(inside.len()));
                        }
                    }
                    out.extend(std::iter::repeat_n(0.0, win.ow - inside.end));
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: adds every entry of one image's columns (c·kh·kw, oh·ow) back onto
/// the input position it came from (entries from the padding are dropped).
fn col2im(cols: &[f64], image: &mut [f64], (c, h, w): (usize, usize, usize), win: &Window) {
    let (s, p) = (win.stride.1, win.padding.1);
    let windows = win.oh * win.ow;
    for ch in 0..c {
        let plane = &mut image[ch * h * w..][..h * w];
        for u in 0..win.kh {
            for v in 0..win.kw {
                let inside = win.inside_cols(v, w);
                if inside.is_empty() {
                    continue;
                }
                let row = &cols[((ch * win.kh + u) * win.kw + v) * windows..][..windows];
                for i in 0..win.oh {
                    let Some(r) = win.source_row(i, u, h) else { continue };
                    let from = &row[i * win.ow..][inside.clone()];
                    let line = &mut plane[r * w + inside.start * s + v - p..];
                    for (target, e) in line.iter_mut().step_by(s).zip(from) {
                        *target += e;
                    }
                }
            }
        }
    }
}

impl Tensor {
    /// 2-D convolution (cross-correlation) of `self` (n, c_in, h, w) with `weight`
    /// (c_out, c_in, kh, kw), with stride and zero padding per axis.
    ///
    /// Computed per image as one matrix product: Y = W · im2col(x), with W laid out as
    /// (c_out, c_in·kh·kw) and the columns as (c_in·kh·kw, oh·ow), so that Y is already the
    /// image's (c_out, oh, ow) output. Backward, with G = ∂L/∂y of the image laid out as
    /// (c_out, oh·ow): ∂L/∂W = Σ over images of G · im2col(x)ᵀ, ∂L/∂x = col2im(Wᵀ · G).
    ///
    /// # Shapes
    /// - self: (n, c_in, h, w); weight: (c_out, c_in, kh, kw)
    /// - returns (n, c_out, ⌊(h + 2p − kh)/s⌋ + 1, ⌊(w + 2p − kw)/s⌋ + 1)
    pub fn conv2d(&self, weight: &Tensor, stride: (usize, usize), padding: (usize, usize)) -> Result<Tensor> {
        let (xs, ws) = (self.shape().to_vec(), weight.shape().to_vec());
        let empty = xs.iter().skip(1).chain(&ws).any(|&d| d == 0);
        if xs.len() != 4 || ws.len() != 4 || xs[1] != ws[1] || empty {
            return Err(Error::Shape {
                op: "conv2d".into(),
                expected: "input (n, c_in, h, w) and weight (c_out, c_in, kh, kw) with the same c_in, all sizes but n at least 1".into(),
                got: format!("input {xs:?}, weight {ws:?}"),
            });
        }
        let win = Window::new("conv2d", &xs, ws[2], ws[3], stride, padding)?;
        crate::tensor::blas::use_default_blas_threads();
        let (n, image) = (xs[0], (xs[1], xs[2], xs[3]));
        let (c_out, k, windows) = (ws[0], ws[1] * ws[2] * ws[3], win.oh * win.ow);
        let size = image.0 * image.1 * image.2;
        let x = self.value().as_standard_layout();
        let x = x.as_slice().expect("a standard-layout array is one slice");
        let w2 = weight.value().to_shape((c_out, k)).expect("contiguous weight").into_owned();
        // the images are independent: each is unfolded and multiplied on its own (in parallel)
        let mut y = vec![0.0; n * c_out * windows];
        let cols: Vec<Array2<f64>> = y
            .par_chunks_mut(c_out * windows)
            .zip(x.par_chunks(size))
            .map(|(y, x)| {
                let mut cols = Vec::with_capacity(k * windows);
                im2col(x, image, &win, &mut cols);
                let cols = Array2::from_shape_vec((k, windows), cols).expect("a (k, oh·ow) matrix");
                let mut y = ArrayViewMut2::from_shape((c_out, windows), y).expect("a (c_out, oh·ow) matrix");
                general_mat_mul(1.0, &w2, &cols, 0.0, &mut y);
                cols
            })
            .collect();
        let value = ArrayD::from_shape_vec(IxDyn(&[n, c_out, win.oh, win.ow]), y).expect("sizes agree");
        let (x, wt) = (self.clone(), weight.clone());
        Ok(Tensor::from_op(value, &[self, weight], "conv2d", move |g| {
            let g = g.as_standard_layout();
            let g = g.as_slice().expect("a standard-layout array is one slice");
            let g_of = |b: usize| {
                ArrayView2::from_shape((c_out, windows), &g[b * c_out * windows..][..c_out * windows])
                    .expect("a (c_out, oh·ow) matrix")
            };
            let dx = x.requires_grad().then(|| {
                let mut dx = vec![0.0; n * size];
                dx.par_chunks_mut(size).enumerate().for_each(|(b, dx)| {
                    col2im(w2.t().dot(&g_of(b)).as_slice().expect("a new array is one slice"), dx, image, &win);
                });
                ArrayD::from_shape_vec(IxDyn(&[n, image.0, image.1, image.2]), dx).expect("the input's size")
            });
            let dw = wt.requires_grad().then(|| {
                // Σ over images of G·colsᵀ, in fixed groups of images added in order: the same
                // sum, to the last bit, whatever the number of threads
                let images: Vec<usize> = (0..n).collect();
                let partial_sums: Vec<Array2<f64>> = images
                    .par_chunks(IMAGES_PER_PARTIAL_SUM)
                    .map(|group| {
                        let mut dw = Array2::zeros((c_out, k));
                        for &b in group {
                            general_mat_mul(1.0, &g_of(b), &cols[b].t(), 1.0, &mut dw);
                        }
                        dw
                    })
                    .collect();
                let dw = partial_sums.into_iter().fold(Array2::zeros((c_out, k)), |sum, part| sum + part);
                dw.into_shape_with_order(wt.value().raw_dim()).expect("sizes agree")
            });
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
    /// the largest input of each window (the first one, in reading order, on ties).
    ///
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    pub fn max_pool2d(&self, k: usize, stride: usize) -> Result<Tensor> {
        self.check_4d("max_pool2d")?;
        check_pool_kernel("max_pool2d", k)?;
        let win = Window::new("max_pool2d", self.shape(), k, k, (stride, stride), (0, 0))?;
        let x = as4(self.value());
        let (n, c, h, w) = x.dim();
        let x = x.as_standard_layout();
        let xs = x.as_slice().expect("a standard-layout array is one slice");
        let mut out = Vec::with_capacity(n * c * win.oh * win.ow);
        // for each output, the position of its maximum in the flattened input
        let mut argmax = Vec::with_capacity(out.capacity());
        for plane in 0..n * c {
            let offset = plane * h * w;
            for i in 0..win.oh {
                for j in 0..win.ow {
                    let first = offset + i * stride * w + j * stride;
                    let mut best = (xs[first], first);
                    for u in 0..k {
                        let start = first + u * w;
                        for (at, &value) in xs[start..start + k].iter().enumerate() {
                            // a NaN in the window makes its maximum NaN (as in PyTorch)
                            if value > best.0 || (value.is_nan() && !best.0.is_nan()) {
                                best = (value, start + at);
                            }
                        }
                    }
                    out.push(best.0);
                    argmax.push(best.1);
                }
            }
        }
        let value = Array4::from_shape_vec((n, c, win.oh, win.ow), out).expect("one value per window").into_dyn();
        let len = xs.len();
        let shape = x.raw_dim();
        Ok(Tensor::from_op(value, &[self], "max_pool2d", move |g| {
            let g = g.as_standard_layout();
            let mut dx = vec![0.0; len];
            for (&at, &gv) in argmax.iter().zip(g.iter()) {
                dx[at] += gv;
            }
            vec![Some(Array4::from_shape_vec(shape, dx).expect("the input's size").into_dyn())]
        }))
    }

    /// Average pooling over k×k windows with the given stride (no padding); each input of a
    /// window receives 1/k² of the window's gradient.
    ///
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    pub fn avg_pool2d(&self, k: usize, stride: usize) -> Result<Tensor> {
        self.check_4d("avg_pool2d")?;
        check_pool_kernel("avg_pool2d", k)?;
        let win = Window::new("avg_pool2d", self.shape(), k, k, (stride, stride), (0, 0))?;
        let x = as4(self.value());
        let (n, c, h, w) = x.dim();
        let x = x.as_standard_layout();
        let xs = x.as_slice().expect("a standard-layout array is one slice");
        let area = (k * k) as f64;
        // the flattened input position of the top-left entry of each window, in output order
        let corners: Vec<usize> = (0..n * c)
            .flat_map(|plane| {
                (0..win.oh).flat_map(move |i| (0..win.ow).map(move |j| plane * h * w + i * stride * w + j * stride))
            })
            .collect();
        let out: Vec<f64> = corners
            .iter()
            .map(|&first| (0..k).map(|u| xs[first + u * w..][..k].iter().sum::<f64>()).sum::<f64>() / area)
            .collect();
        let value = Array4::from_shape_vec((n, c, win.oh, win.ow), out).expect("one value per window").into_dyn();
        let shape = x.raw_dim();
        Ok(Tensor::from_op(value, &[self], "avg_pool2d", move |g| {
            let g = g.as_standard_layout();
            let mut dx = Array4::zeros(shape.clone());
            let dxs = dx.as_slice_mut().expect("a new array is one slice");
            for (&first, &gv) in corners.iter().zip(g.iter()) {
                for u in 0..k {
                    dxs[first + u * w..][..k].iter_mut().for_each(|d| *d += gv / area);
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
        // an empty batch gives an empty output and zero weight gradients
        let w = Tensor::param(ndarray::Array4::<f64>::ones((2, 1, 3, 3)));
        let y = Tensor::zeros(&[0, 1, 5, 5]).conv2d(&w, (1, 1), (0, 0)).unwrap();
        assert_eq!(y.shape(), &[0, 2, 3, 3]);
        y.sum().backward().unwrap();
        assert_eq!(w.grad().unwrap(), ndarray::Array4::<f64>::zeros((2, 1, 3, 3)).into_dyn());
        // empty images or filters are named
        let e = Tensor::zeros(&[1, 0, 5, 5]).conv2d(&Tensor::zeros(&[2, 0, 3, 3]), (1, 1), (0, 0)).unwrap_err();
        assert!(e.to_string().contains("[1, 0, 5, 5]"), "{e}");
    }

    #[test]
    fn conv_against_a_direct_loop() {
        let x = Array4::from_shape_fn((2, 3, 5, 4), |(a, b, c, d)| ((a * 7 + b * 5 + c * 3 + d) % 11) as f64 - 5.0);
        let w = Array4::from_shape_fn((4, 3, 3, 2), |(a, b, c, d)| ((a * 3 + b * 2 + c + d * 5) % 7) as f64 - 3.0);
        // strides and paddings that differ per axis, including a column stride above 1 with padding
        for (stride, padding) in [((2, 1), (1, 0)), ((1, 3), (0, 2)), ((3, 2), (2, 1))] {
            let y = Tensor::new(x.clone()).conv2d(&Tensor::new(w.clone()), stride, padding).unwrap();
            let oh = conv_output_size(5, 3, stride.0, padding.0).unwrap();
            let ow = conv_output_size(4, 2, stride.1, padding.1).unwrap();
            assert_eq!(y.shape(), &[2, 4, oh, ow]);
            for n in 0..2 {
                for o in 0..4 {
                    for i in 0..oh {
                        for j in 0..ow {
                            let mut s = 0.0;
                            for c in 0..3 {
                                for u in 0..3 {
                                    for v in 0..2 {
                                        let r = (stride.0 * i + u) as isize - padding.0 as isize;
                                        let cc = (stride.1 * j + v) as isize - padding.1 as isize;
                                        if (0..5).contains(&r) && (0..4).contains(&cc) {
                                            s += w[[o, c, u, v]] * x[[n, c, r as usize, cc as usize]];
                                        }
                                    }
                                }
                            }
                            assert_eq!(y.value()[[n, o, i, j]], s, "stride {stride:?}, padding {padding:?}");
                        }
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

    #[test]
    fn pooling_refuses_an_empty_window_and_keeps_nan() {
        let x = Tensor::zeros(&[1, 1, 4, 4]);
        let e = x.max_pool2d(0, 1).unwrap_err().to_string();
        assert_eq!(e, "max_pool2d: kernel size k = 0: a pooling window needs k ≥ 1 (e.g. 2 for 2×2 windows)");
        assert!(x.avg_pool2d(0, 1).unwrap_err().to_string().starts_with("avg_pool2d: kernel size k = 0"));
        // a NaN anywhere in a window, first or not, makes its maximum NaN; the other windows are unchanged
        let mut v = ndarray::Array4::from_shape_fn((1, 1, 2, 4), |(_, _, i, j)| (i * 4 + j) as f64);
        v[[0, 0, 1, 0]] = f64::NAN;
        let pooled = Tensor::new(v.into_dyn()).max_pool2d(2, 2).unwrap();
        let out = pooled.value().as_slice().unwrap().to_vec();
        assert!(out[0].is_nan() && out[1] == 7.0, "{out:?}");
    }
}
