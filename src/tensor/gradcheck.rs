//! Gradient checking: back-propagation against central finite differences.

use super::{no_grad, Param, Tensor};
use crate::error::{Error, Result};

/// What [`gradcheck`] measured.
#[derive(Clone, Debug)]
pub struct GradcheckReport {
    /// Number of partial derivatives compared.
    pub checked: usize,
    /// Largest |analytic − numeric|.
    pub max_abs_error: f64,
    /// Largest |analytic − numeric| / max(|analytic| + |numeric|, 1e-8).
    pub max_rel_error: f64,
    /// Where the largest relative error is: (parameter name, flat index, analytic, numeric).
    pub worst: Option<(String, usize, f64, f64)>,
    /// The (absolute, relative) error of every derivative, in the order they were checked.
    pub errors: Vec<(f64, f64)>,
}

impl GradcheckReport {
    /// True if every derivative agrees: its relative error is below `rel_tol`, or its absolute
    /// error is below `abs_tol` (for derivatives that are nearly 0, where the finite difference's
    /// rounding noise, about ε_machine·|L|/ε, dominates). Each derivative is judged on its own, so
    /// a large derivative with a small relative error and a tiny one with a small absolute error
    /// both pass, whatever rounding the machine's arithmetic adds.
    pub fn passed(&self, rel_tol: f64, abs_tol: f64) -> bool {
        self.errors.iter().all(|&(abs, rel)| rel < rel_tol || abs < abs_tol)
    }
}

impl std::fmt::Display for GradcheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} partial derivatives: max abs error {:.2e}, max rel error {:.2e}",
            self.checked, self.max_abs_error, self.max_rel_error
        )?;
        if let Some((name, i, a, n)) = &self.worst {
            write!(f, " (worst: {name}[{i}] analytic {a:.6e} vs numeric {n:.6e})")?;
        }
        Ok(())
    }
}

/// Compares the gradient that back-propagation computes for a scalar `loss()` with respect to
/// each of `params` against central differences (L(θ + ε) − L(θ − ε)) / 2ε, ε = 1e-6, for every
/// element. `loss` must read the parameters through [`Param::tensor`].
///
/// ```
/// use dlcourse::tensor::{gradcheck, Param};
/// let w = Param::new("w", ndarray::arr1(&[0.3, -1.2]).into_dyn());
/// let report = gradcheck(&[w.clone()], || Ok((w.tensor().exp() * 2.0).sum())).unwrap();
/// assert!(report.passed(1e-6, 1e-9), "{report}");
/// ```
pub fn gradcheck(params: &[Param], loss: impl Fn() -> Result<Tensor>) -> Result<GradcheckReport> {
    const EPS: f64 = 1e-6;
    for p in params {
        p.zero_grad();
    }
    let l = loss()?;
    l.backward()?;
    let analytic: Vec<_> =
        params.iter().map(|p| p.grad().unwrap_or_else(|| ndarray::ArrayD::zeros(p.value().raw_dim()))).collect();
    let mut report =
        GradcheckReport { checked: 0, max_abs_error: 0.0, max_rel_error: 0.0, worst: None, errors: vec![] };
    for (p, grad) in params.iter().zip(&analytic) {
        let original = p.value();
        for i in 0..original.len() {
            let eval = |delta: f64| -> Result<f64> {
                let mut v = original.clone();
                *v.iter_mut().nth(i).expect("index in range") += delta;
                p.set_value(v);
                no_grad(&loss)?.item()
            };
            let numeric = (eval(EPS)? - eval(-EPS)?) / (2.0 * EPS);
            let a = *grad.iter().nth(i).expect("index in range");
            let abs = (a - numeric).abs();
            let rel = abs / (a.abs() + numeric.abs()).max(1e-8);
            if !abs.is_finite() {
                p.set_value(original.clone());
                return Err(Error::invalid(
                    "gradcheck",
                    format!("{}[{i}]: non-finite derivative (analytic {a}, numeric {numeric})", p.name()),
                ));
            }
            report.checked += 1;
            report.errors.push((abs, rel));
            report.max_abs_error = report.max_abs_error.max(abs);
            if rel >= report.max_rel_error {
                report.max_rel_error = rel;
                report.worst = Some((p.name().to_string(), i, a, numeric));
            }
        }
        p.set_value(original);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_backward_rule_is_caught() {
        let x = Param::new("x", ndarray::arr1(&[0.5, -0.3]).into_dyn());
        // exp with a deliberately wrong derivative 2·eˣ
        let report =
            gradcheck(&[x.clone()], || Ok(x.tensor().map_elementwise("bad_exp", f64::exp, |_, y| 2.0 * y).sum()))
                .unwrap();
        assert!(!report.passed(1e-6, 1e-8), "{report}");
        assert!((report.max_rel_error - 1.0 / 3.0).abs() < 1e-6, "{report}"); // |2y − y| / (2y + y)
                                                                              // and the parameter is restored
        assert_eq!(x.value().as_slice().unwrap(), &[0.5, -0.3]);
    }

    #[test]
    fn each_derivative_is_judged_on_its_own() {
        let report = |errors: Vec<(f64, f64)>| GradcheckReport {
            checked: errors.len(),
            max_abs_error: errors.iter().map(|e| e.0).fold(0.0, f64::max),
            max_rel_error: errors.iter().map(|e| e.1).fold(0.0, f64::max),
            worst: None,
            errors,
        };
        // a large derivative off by 1e-7 (relative 1e-9) and a derivative near 0 off by 1e-12
        // (relative 0.5, all rounding noise): both agree, though neither maximum is below its bound
        assert!(report(vec![(1e-7, 1e-9), (1e-12, 0.5)]).passed(1e-6, 1e-10));
        // one derivative wrong on both counts fails the check
        assert!(!report(vec![(1e-12, 1e-12), (1e-7, 1e-3)]).passed(1e-6, 1e-10));
    }
}
