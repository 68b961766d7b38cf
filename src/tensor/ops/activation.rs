//! Activation functions and the (log-)softmax.

use super::map::{map1, map2, map3};
use crate::error::Result;
use crate::tensor::Tensor;
use ndarray::{Axis, Zip};

impl Tensor {
    /// σ(a) = 1 / (1 + e⁻ᵃ), computed without overflow for large |a|. ∂σ/∂a = σ(1 − σ).
    pub fn sigmoid(&self) -> Tensor {
        let stable = |x: f64| {
            if x >= 0.0 {
                1.0 / (1.0 + (-x).exp())
            } else {
                let e = x.exp();
                e / (1.0 + e)
            }
        };
        self.map_elementwise("sigmoid", stable, |_, s| s * (1.0 - s))
    }

    /// tanh(a). ∂/∂a = 1 − tanh².
    pub fn tanh(&self) -> Tensor {
        self.map_elementwise("tanh", f64::tanh, |_, t| 1.0 - t * t)
    }

    /// ReLU(a) = max(a, 0). ∂/∂a = 1 if a > 0, else 0. NaN stays NaN, and so does its
    /// gradient (as in PyTorch: a NaN input must not turn into a plausible 0).
    pub fn relu(&self) -> Tensor {
        self.map_elementwise(
            "relu",
            |x| if x.is_nan() { x } else { x.max(0.0) },
            |x, _| {
                if x > 0.0 {
                    1.0
                } else if x.is_nan() {
                    f64::NAN
                } else {
                    0.0
                }
            },
        )
    }

    /// Leaky ReLU: a if a > 0, else slope·a. ∂/∂a = 1 or slope. NaN stays NaN, and so does its
    /// gradient.
    pub fn leaky_relu(&self, slope: f64) -> Tensor {
        self.map_elementwise(
            "leaky_relu",
            move |x| if x > 0.0 { x } else { slope * x },
            move |x, _| {
                if x > 0.0 {
                    1.0
                } else if x.is_nan() {
                    f64::NAN
                } else {
                    slope
                }
            },
        )
    }

    /// GELU(a) = a·Φ(a), Φ the standard normal distribution function, Φ(a) = ½(1 + erf(a/√2)):
    /// the exact form, PyTorch's default (`nn.GELU()`). ∂/∂a = Φ(a) + a·φ(a), φ(a) = e^{−a²/2}/√(2π).
    /// [`Tensor::gelu_tanh`] is the cheaper approximation GPT-2 and BERT used.
    pub fn gelu(&self) -> Tensor {
        const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7; // 1/√(2π)
        let phi_cdf = |a: f64| 0.5 * (1.0 + libm::erf(a * std::f64::consts::FRAC_1_SQRT_2));
        self.map_elementwise("gelu", move |a| a * phi_cdf(a), move |a, _| {
            phi_cdf(a) + a * FRAC_1_SQRT_2PI * (-0.5 * a * a).exp()
        })
    }

    /// GELU in the tanh approximation ½a(1 + tanh(√(2/π)(a + 0.044715a³))) (GPT-2, BERT;
    /// PyTorch's `nn.GELU(approximate="tanh")`); within 5·10⁻⁴ of the exact [`Tensor::gelu`].
    /// ∂/∂a = ½(1 + t) + ½a(1 − t²)·√(2/π)(1 + 3·0.044715a²), t = tanh(…): the forward pass
    /// keeps t for it.
    pub fn gelu_tanh(&self) -> Tensor {
        const C: f64 = 0.797_884_560_802_865_4; // √(2/π)
        let t = map1(self.value(), |a| tanh_by_exp(C * (a + 0.044715 * a * a * a)));
        let value = map2(self.value(), &t, |a, t| 0.5 * a * (1.0 + t));
        let x = self.clone();
        Tensor::from_op(value, &[self], "gelu_tanh", move |g| {
            let slope = |a: f64, t: f64| 0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * C * (1.0 + 3.0 * 0.044715 * a * a);
            vec![Some(map3(g, x.value(), &t, |g, a, t| g * slope(a, t)))]
        })
    }

    /// softmax along `axis`: yᵢ = e^{aᵢ − max a} / Σⱼ e^{aⱼ − max a} (shifting by the max avoids
    /// overflow and does not change the result). ∂L/∂aᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).
    ///
    /// A lane whose maximum is +∞ gets its limit: the +∞ entries share the probability equally,
    /// the others get 0 (∞ − ∞ would give NaN). A NaN entry makes its lane NaN; a lane of −∞
    /// only is NaN (it has no limit).
    pub fn softmax(&self, axis: usize) -> Result<Tensor> {
        self.check_axis("softmax", axis)?;
        let mut y = self.value().clone();
        for mut lane in y.lanes_mut(Axis(axis)) {
            let m = lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            if m == f64::INFINITY && !lane.iter().any(|v| v.is_nan()) {
                let top = lane.iter().filter(|&&v| v == m).count() as f64;
                lane.mapv_inplace(|v| if v == m { 1.0 / top } else { 0.0 });
                continue;
            }
            lane.mapv_inplace(|v| (v - m).exp());
            let s = lane.sum();
            lane.mapv_inplace(|v| v / s);
        }
        Ok(Tensor::from_op_with_output(y, &[self], "softmax", move |g, out| {
            let gy = g * out;
            let dot = gy.sum_axis(Axis(axis)).insert_axis(Axis(axis));
            vec![Some(Zip::from(&gy).and(out).and_broadcast(&dot).map_collect(|&gy, &y, &d| gy - y * d))]
        }))
    }

    /// log-softmax along `axis`: aᵢ − max a − log Σⱼ e^{aⱼ − max a}.
    /// ∂L/∂aᵢ = gᵢ − softmax(a)ᵢ Σⱼ gⱼ.
    ///
    /// A lane whose maximum is +∞ gets its limit: −log k for its k entries equal to +∞, −∞ for
    /// the others (as [`Tensor::softmax`]).
    pub fn log_softmax(&self, axis: usize) -> Result<Tensor> {
        self.check_axis("log_softmax", axis)?;
        let mut y = self.value().clone();
        for mut lane in y.lanes_mut(Axis(axis)) {
            let m = lane.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            if m == f64::INFINITY && !lane.iter().any(|v| v.is_nan()) {
                let log_top = (lane.iter().filter(|&&v| v == m).count() as f64).ln();
                lane.mapv_inplace(|v| if v == m { -log_top } else { f64::NEG_INFINITY });
                continue;
            }
            let log_sum = lane.fold(0.0, |s, &v| s + (v - m).exp()).ln() + m;
            lane.mapv_inplace(|v| v - log_sum);
        }
        Ok(Tensor::from_op_with_output(y, &[self], "log_softmax", move |g, out| {
            let total = g.sum_axis(Axis(axis)).insert_axis(Axis(axis));
            vec![Some(Zip::from(g).and(out).and_broadcast(&total).map_collect(|&g, &ly, &t| g - ly.exp() * t))]
        }))
    }
}

/// tanh(z) = 1 − 2/(e²ᶻ + 1): one `exp`, several times faster than the library's `tanh` (which
/// keeps full relative accuracy near 0, where this has an absolute error of about 1e-16).
/// Saturates to ±1 without overflow: e²ᶻ = ∞ gives 1, e²ᶻ = 0 gives −1.
fn tanh_by_exp(z: f64) -> f64 {
    1.0 - 2.0 / ((2.0 * z).exp() + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_by_exp_matches_the_library_and_saturates() {
        let worst =
            (-4000..=4000).map(|k| k as f64 / 200.0).map(|z| (tanh_by_exp(z) - z.tanh()).abs()).fold(0.0, f64::max);
        assert!(worst < 5e-16, "largest absolute difference {worst:e}");
        assert_eq!((tanh_by_exp(400.0), tanh_by_exp(-400.0)), (1.0, -1.0));
        assert_eq!((tanh_by_exp(f64::INFINITY), tanh_by_exp(f64::NEG_INFINITY)), (1.0, -1.0));
    }

    #[test]
    fn infinite_logits_give_the_limit_and_nan_is_kept() {
        let inf = f64::INFINITY;
        let t = Tensor::new(ndarray::arr2(&[[inf, 1.0, inf], [inf, -inf, 0.0], [1.0, 2.0, 3.0]]).into_dyn());
        let s = t.softmax(1).unwrap();
        assert_eq!(s.value().index_axis(Axis(0), 0).iter().copied().collect::<Vec<f64>>(), vec![0.5, 0.0, 0.5]);
        assert_eq!(s.value().index_axis(Axis(0), 1).iter().copied().collect::<Vec<f64>>(), vec![1.0, 0.0, 0.0]);
        let ls = t.log_softmax(1).unwrap();
        assert_eq!(
            ls.value().index_axis(Axis(0), 0).iter().copied().collect::<Vec<f64>>(),
            vec![-(2f64.ln()), -inf, -(2f64.ln())]
        );
        assert_eq!(ls.value().index_axis(Axis(0), 1).iter().copied().collect::<Vec<f64>>(), vec![0.0, -inf, -inf]);
        // finite lanes are computed as before, bit for bit
        let finite = Tensor::from_slice(&[1.0, 2.0, 3.0]);
        assert_eq!(
            ls.value().index_axis(Axis(0), 2).iter().copied().collect::<Vec<f64>>(),
            finite.log_softmax(0).unwrap().value().as_slice().unwrap()
        );
        // the gradient at the limit is finite
        let p = crate::tensor::Param::new("p", t.value().clone());
        p.tensor().log_softmax(1).unwrap().gather_rows(&[0, 0, 2]).unwrap().sum().backward().unwrap();
        assert!(p.grad().unwrap().iter().all(|g| g.is_finite()), "{}", p.grad().unwrap());
        // NaN is not hidden
        let n = Tensor::from_slice(&[inf, f64::NAN]).softmax(0).unwrap();
        assert!(n.value().iter().all(|v| v.is_nan()));
    }

    #[test]
    fn relu_and_leaky_relu_keep_nan_forward_and_backward() {
        let p = crate::tensor::Param::new("p", ndarray::arr1(&[f64::NAN, -1.0, 2.0]).into_dyn());
        for leaky in [false, true] {
            let y = if leaky { p.tensor().leaky_relu(0.1) } else { p.tensor().relu() };
            assert!(y.value()[[0]].is_nan(), "{}", y.value());
            assert_eq!(y.value()[[2]], 2.0);
            y.sum().backward().unwrap();
            let g = p.grad().unwrap();
            assert!(g[[0]].is_nan() && g[[2]] == 1.0, "{g}");
            assert_eq!(g[[1]], if leaky { 0.1 } else { 0.0 });
            p.zero_grad();
        }
    }
}
