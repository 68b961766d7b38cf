//! Optimisers: plain/momentum/Nesterov SGD with weight decay and an L1 penalty; Adam and AdamW.
//! Their state is kept per parameter and can be read (e.g. Adam's `m̂` and `v̂`).

use crate::error::{Error, Result};
use crate::tensor::{no_grad, Param};
use ndarray::{ArrayD, Zip};

/// Something that updates parameters from their gradients.
pub trait Optimizer {
    /// One update of every parameter that has a gradient; the gradients are then cleared.
    fn step(&mut self);
    /// The learning rate used by the next step.
    fn learning_rate(&self) -> f64;
    /// Sets the learning rate (for schedules).
    fn set_learning_rate(&mut self, lr: f64);
    /// The parameters it updates ([`crate::train::fit_classifier`] checks that they are the
    /// model's). An optimiser that does not say returns none.
    fn parameters(&self) -> &[Param] {
        &[]
    }
    /// An error if the current options cannot train (a learning rate that is NaN, infinite or
    /// negative …; 0 is accepted here, as a schedule may end there):
    /// [`crate::train::fit_classifier`] checks it before the first step.
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// An error unless the learning rate `lr` is a finite number > 0 (or ≥ 0 with `zero_allowed`:
/// a schedule may end at 0).
pub(crate) fn check_learning_rate(op: &str, lr: f64, zero_allowed: bool) -> Result<()> {
    let why = if lr.is_nan() {
        "is not a number"
    } else if lr.is_infinite() {
        "is infinite"
    } else if lr < 0.0 {
        "is negative: the steps would climb the loss instead of descending it"
    } else if lr == 0.0 && !zero_allowed {
        "is zero: the steps would leave the parameters unchanged"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        op,
        format!("learning rate lr = {lr} {why}; give a positive finite learning rate, e.g. lr: 0.01"),
    ))
}

/// An error unless `value` is finite and in the range that `ok` accepts (described by `range`).
fn check_option(op: &str, name: &str, value: f64, ok: bool, range: &str) -> Result<()> {
    if value.is_finite() && ok {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("{name} = {value} is out of range: it must be {range}")))
    }
}

impl SgdOptions {
    /// An error naming the first option out of range: a learning rate that is not a positive
    /// finite number, a negative momentum or penalty.
    pub fn check(&self) -> Result<()> {
        self.validate(false)
    }

    /// [`SgdOptions::check`], accepting a learning rate of 0 if `zero_lr`.
    fn validate(&self, zero_lr: bool) -> Result<()> {
        check_learning_rate("Sgd", self.lr, zero_lr)?;
        check_option("Sgd", "momentum", self.momentum, self.momentum >= 0.0, "≥ 0 (0 = no momentum, e.g. 0.9)")?;
        check_option("Sgd", "weight_decay", self.weight_decay, self.weight_decay >= 0.0, "≥ 0 (0 = no L2 penalty)")?;
        check_option("Sgd", "l1", self.l1, self.l1 >= 0.0, "≥ 0 (0 = no L1 penalty)")
    }
}

impl AdamOptions {
    /// An error naming the first option out of range: a learning rate that is not a positive
    /// finite number, β₁ or β₂ outside [0, 1), a negative ε or weight decay.
    pub fn check(&self) -> Result<()> {
        self.validate(false)
    }

    /// [`AdamOptions::check`], accepting a learning rate of 0 if `zero_lr`.
    fn validate(&self, zero_lr: bool) -> Result<()> {
        check_learning_rate("Adam", self.lr, zero_lr)?;
        let beta = "in [0, 1) (the defaults are β₁ = 0.9, β₂ = 0.999)";
        check_option("Adam", "beta1", self.beta1, (0.0..1.0).contains(&self.beta1), beta)?;
        check_option("Adam", "beta2", self.beta2, (0.0..1.0).contains(&self.beta2), beta)?;
        check_option("Adam", "eps", self.eps, self.eps >= 0.0, "≥ 0 (the default is 1e-8)")?;
        check_option("Adam", "weight_decay", self.weight_decay, self.weight_decay >= 0.0, "≥ 0 (0 = no decay)")
    }
}

/// Options of [`Sgd`].
#[derive(Clone, Debug)]
pub struct SgdOptions {
    /// Learning rate α.
    pub lr: f64,
    /// Momentum λ (0 = plain gradient descent).
    pub momentum: f64,
    /// Nesterov's look-ahead variant of momentum.
    pub nesterov: bool,
    /// L2 penalty μ: adds μθ to the gradient (the gradient of ½μ‖θ‖²).
    pub weight_decay: f64,
    /// L1 penalty: adds l1·sign(θ) to the gradient (a subgradient of l1‖θ‖₁).
    pub l1: f64,
}

impl Default for SgdOptions {
    fn default() -> Self {
        SgdOptions { lr: 0.01, momentum: 0.0, nesterov: false, weight_decay: 0.0, l1: 0.0 }
    }
}

/// Stochastic gradient descent. With momentum λ:
/// v ← λv − α g, θ ← θ + v (Nesterov: θ ← θ + λv − α g).
pub struct Sgd {
    params: Vec<Param>,
    /// The options (the learning rate can change during training).
    pub options: SgdOptions,
    /// Velocity v of each parameter, in the order of `params`.
    pub velocity: Vec<Option<ArrayD<f64>>>,
}

impl Sgd {
    /// SGD over `params`.
    ///
    /// # Panics
    /// If an option is out of range (see [`SgdOptions::check`]): a learning rate that is NaN,
    /// infinite, zero or negative would train nothing, or train towards NaN, without a word.
    /// The message names the option; [`Sgd::try_new`] returns it as an error instead.
    pub fn new(params: Vec<Param>, options: SgdOptions) -> Sgd {
        Sgd::try_new(params, options).unwrap_or_else(|e| panic!("{e}"))
    }

    /// SGD over `params`, or an error naming the option that is out of range.
    pub fn try_new(params: Vec<Param>, options: SgdOptions) -> Result<Sgd> {
        options.check()?;
        let n = params.len();
        Ok(Sgd { params, options, velocity: vec![None; n] })
    }
}

impl Optimizer for Sgd {
    fn step(&mut self) {
        let o = self.options.clone();
        no_grad(|| {
            for (p, v) in self.params.iter().zip(self.velocity.iter_mut()) {
                let Some(mut g) = p.grad() else { continue };
                let theta = p.value();
                if o.weight_decay != 0.0 {
                    g.scaled_add(o.weight_decay, &theta);
                }
                if o.l1 != 0.0 {
                    g.zip_mut_with(&theta, |g, &t| *g += o.l1 * t.signum() * (t != 0.0) as u8 as f64);
                }
                let update = if o.momentum != 0.0 {
                    let vel = v.get_or_insert_with(|| ArrayD::zeros(theta.raw_dim()));
                    *vel = &*vel * o.momentum - &g * o.lr;
                    if o.nesterov {
                        &*vel * o.momentum - &g * o.lr
                    } else {
                        vel.clone()
                    }
                } else {
                    -&g * o.lr
                };
                p.set_value(theta + update);
            }
        });
    }

    fn learning_rate(&self) -> f64 {
        self.options.lr
    }

    /// # Panics
    /// If `lr` is NaN, infinite or negative (0 is allowed: a schedule may end there).
    fn set_learning_rate(&mut self, lr: f64) {
        if let Err(e) = check_learning_rate("Sgd::set_learning_rate", lr, true) {
            panic!("{e}");
        }
        self.options.lr = lr;
    }

    fn parameters(&self) -> &[Param] {
        &self.params
    }

    fn check(&self) -> Result<()> {
        self.options.validate(true)
    }
}

/// Options of [`Adam`].
#[derive(Clone, Debug)]
pub struct AdamOptions {
    /// Learning rate α.
    pub lr: f64,
    /// Decay β₁ of the first-moment average.
    pub beta1: f64,
    /// Decay β₂ of the second-moment average.
    pub beta2: f64,
    /// ε added to √v̂.
    pub eps: f64,
    /// Weight decay μ.
    pub weight_decay: f64,
    /// AdamW: decay the weights directly (θ ← θ − αμθ) instead of adding μθ to the gradient.
    pub decoupled: bool,
}

impl Default for AdamOptions {
    fn default() -> Self {
        AdamOptions { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0, decoupled: false }
    }
}

/// Adam's running state for one parameter.
#[derive(Clone, Debug)]
pub struct AdamState {
    /// First moment m (average of gradients).
    pub m: ArrayD<f64>,
    /// Second moment v (average of squared gradients).
    pub v: ArrayD<f64>,
    /// Number of steps taken.
    pub t: u32,
}

/// Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
/// θ ← θ − α m̂ / (√v̂ + ε). AdamW when `decoupled` weight decay is set.
pub struct Adam {
    params: Vec<Param>,
    /// The options.
    pub options: AdamOptions,
    /// State of each parameter, in the order of `params`.
    pub state: Vec<Option<AdamState>>,
}

impl Adam {
    /// Adam over `params`.
    ///
    /// # Panics
    /// If an option is out of range (see [`AdamOptions::check`]): a learning rate that is NaN,
    /// infinite, zero or negative would train nothing, or train towards NaN, without a word.
    /// The message names the option; [`Adam::try_new`] returns it as an error instead.
    pub fn new(params: Vec<Param>, options: AdamOptions) -> Adam {
        Adam::try_new(params, options).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Adam over `params`, or an error naming the option that is out of range.
    pub fn try_new(params: Vec<Param>, options: AdamOptions) -> Result<Adam> {
        options.check()?;
        let n = params.len();
        Ok(Adam { params, options, state: vec![None; n] })
    }
}

impl Optimizer for Adam {
    fn step(&mut self) {
        let o = self.options.clone();
        no_grad(|| {
            for (p, s) in self.params.iter().zip(self.state.iter_mut()) {
                let leaf = p.tensor();
                let grad = leaf.grad_ref();
                let Some(g) = grad.as_ref() else { continue };
                let theta = leaf.value();
                let st = s.get_or_insert_with(|| AdamState {
                    m: ArrayD::zeros(theta.raw_dim()),
                    v: ArrayD::zeros(theta.raw_dim()),
                    t: 0,
                });
                st.t += 1;
                let (bias1, bias2) = (1.0 - o.beta1.powi(st.t as i32), 1.0 - o.beta2.powi(st.t as i32));
                let coupled_decay = (o.weight_decay != 0.0 && !o.decoupled).then_some(o.weight_decay);
                let shrink = if o.weight_decay != 0.0 && o.decoupled { 1.0 - o.lr * o.weight_decay } else { 1.0 };
                // one pass over the parameter, element by element, writing the new values
                let updated = Zip::from(theta).and(&mut st.m).and(&mut st.v).and(g).map_collect(|&theta, m, v, &g| {
                    let g = coupled_decay.map_or(g, |mu| g + mu * theta);
                    *m = o.beta1 * *m + (1.0 - o.beta1) * g;
                    *v = o.beta2 * *v + (1.0 - o.beta2) * g * g;
                    let (m_hat, v_hat) = (*m / bias1, *v / bias2);
                    shrink * theta - o.lr * m_hat / (v_hat.sqrt() + o.eps)
                });
                drop(grad);
                p.set_value(updated);
            }
        });
    }

    fn learning_rate(&self) -> f64 {
        self.options.lr
    }

    /// # Panics
    /// If `lr` is NaN, infinite or negative (0 is allowed: a schedule may end there).
    fn set_learning_rate(&mut self, lr: f64) {
        if let Err(e) = check_learning_rate("Adam::set_learning_rate", lr, true) {
            panic!("{e}");
        }
        self.options.lr = lr;
    }

    fn parameters(&self) -> &[Param] {
        &self.params
    }

    fn check(&self) -> Result<()> {
        self.options.validate(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::Tensor;
    use ndarray::arr1;

    /// f(θ) = ½ θᵀ diag(1, 25) θ: an elongated quadratic.
    fn quadratic(p: &Param) -> Tensor {
        let t = p.tensor();
        (&(&t * &t) * &Tensor::from_slice(&[0.5, 12.5])).sum()
    }

    fn steps_to_converge(opt: &mut dyn Optimizer, p: &Param) -> usize {
        for step in 1..=5000 {
            quadratic(p).backward().unwrap();
            opt.step();
            p.zero_grad();
            if p.value().iter().all(|x| x.abs() < 1e-6) {
                return step;
            }
        }
        usize::MAX
    }

    #[test]
    fn one_sgd_step_is_theta_minus_lr_grad() {
        let p = Param::new("p", arr1(&[1.0, 1.0]).into_dyn());
        quadratic(&p).backward().unwrap();
        Sgd::new(vec![p.clone()], SgdOptions { lr: 0.01, ..Default::default() }).step();
        let v = p.value();
        assert!((v[[0]] - 0.99).abs() < 1e-15 && (v[[1]] - 0.75).abs() < 1e-15);
    }

    /// Curvatures 1 and 25 with α = 0.05 (αL = 1.25, inside the stability region of all three).
    #[test]
    fn momentum_beats_plain_gd_on_an_elongated_quadratic() {
        let p = Param::new("p", arr1(&[1.0, 1.0]).into_dyn());
        let plain =
            steps_to_converge(&mut Sgd::new(vec![p.clone()], SgdOptions { lr: 0.05, ..Default::default() }), &p);
        let p = Param::new("p", arr1(&[1.0, 1.0]).into_dyn());
        let heavy = steps_to_converge(
            &mut Sgd::new(vec![p.clone()], SgdOptions { lr: 0.05, momentum: 0.7, ..Default::default() }),
            &p,
        );
        let p = Param::new("p", arr1(&[1.0, 1.0]).into_dyn());
        let nesterov = steps_to_converge(
            &mut Sgd::new(
                vec![p.clone()],
                SgdOptions { lr: 0.05, momentum: 0.7, nesterov: true, ..Default::default() },
            ),
            &p,
        );
        assert!(heavy < plain && nesterov < plain, "plain {plain}, momentum {heavy}, nesterov {nesterov}");
    }

    #[test]
    fn momentum_on_a_constant_gradient_reaches_lr_over_one_minus_lambda() {
        // f(θ) = θ: constant gradient 1; terminal step α/(1 − λ) = 10α for λ = 0.9.
        let p = Param::new("p", arr1(&[0.0]).into_dyn());
        let mut opt = Sgd::new(vec![p.clone()], SgdOptions { lr: 0.01, momentum: 0.9, ..Default::default() });
        let mut last = 0.0;
        for _ in 0..300 {
            let before = p.value()[[0]];
            p.tensor().sum().backward().unwrap();
            opt.step();
            p.zero_grad();
            last = before - p.value()[[0]];
        }
        assert!((last - 0.1).abs() < 1e-9, "{last}");
    }

    #[test]
    fn adam_first_step_is_lr_times_sign_and_converges() {
        let p = Param::new("p", arr1(&[1.0, -2.0]).into_dyn());
        let mut opt = Adam::new(vec![p.clone()], AdamOptions { lr: 0.1, ..Default::default() });
        quadratic(&p).backward().unwrap();
        opt.step();
        p.zero_grad();
        // m̂ = g, v̂ = g², so the step is α·g/|g| (up to ε)
        let v = p.value();
        assert!((v[[0]] - 0.9).abs() < 1e-7 && (v[[1]] + 1.9).abs() < 1e-7);
        let s = opt.state[0].as_ref().unwrap();
        assert_eq!(s.t, 1);
        for _ in 0..2000 {
            quadratic(&p).backward().unwrap();
            opt.step();
            p.zero_grad();
        }
        assert!(p.value().iter().all(|x| x.abs() < 1e-3), "{}", p.value());
    }

    #[test]
    fn penalties_pull_toward_zero() {
        // no loss gradient (f = 0·θ): only the penalties act
        let p = Param::new("p", arr1(&[0.5]).into_dyn());
        let mut l2 = Sgd::new(vec![p.clone()], SgdOptions { lr: 0.1, weight_decay: 1.0, ..Default::default() });
        (p.tensor() * 0.0).sum().backward().unwrap();
        l2.step();
        assert!((p.value()[[0]] - 0.45).abs() < 1e-15); // θ(1 − αμ)
        let q = Param::new("q", arr1(&[0.5]).into_dyn());
        let mut l1 = Sgd::new(vec![q.clone()], SgdOptions { lr: 0.1, l1: 1.0, ..Default::default() });
        (q.tensor() * 0.0).sum().backward().unwrap();
        l1.step();
        assert!((q.value()[[0]] - 0.4).abs() < 1e-15); // θ − α·sign θ
        let w = Param::new("w", arr1(&[0.5]).into_dyn());
        let mut adamw = Adam::new(
            vec![w.clone()],
            AdamOptions { lr: 0.1, weight_decay: 1.0, decoupled: true, ..Default::default() },
        );
        (w.tensor() * 0.0).sum().backward().unwrap();
        adamw.step();
        assert!((w.value()[[0]] - 0.45).abs() < 1e-12); // decoupled decay, zero Adam step
    }

    #[test]
    fn learning_rates_that_cannot_train_are_refused_where_the_optimiser_is_built() {
        let p = || vec![Param::new("p", arr1(&[1.0]).into_dyn())];
        let sgd = |lr| Sgd::try_new(p(), SgdOptions { lr, ..Default::default() }).err().map(|e| e.to_string());
        assert_eq!(
            sgd(f64::NAN).unwrap(),
            "Sgd: learning rate lr = NaN is not a number; give a positive finite learning rate, e.g. lr: 0.01"
        );
        assert!(sgd(-0.1).unwrap().contains("lr = -0.1 is negative: the steps would climb the loss"));
        assert!(sgd(0.0).unwrap().contains("lr = 0 is zero: the steps would leave the parameters unchanged"));
        assert!(sgd(f64::INFINITY).unwrap().contains("lr = inf is infinite"));
        assert!(sgd(0.1).is_none());
        let adam = |o: AdamOptions| Adam::try_new(p(), o).err().map(|e| e.to_string());
        assert!(adam(AdamOptions { lr: f64::NAN, ..Default::default() })
            .unwrap()
            .starts_with("Adam: learning rate lr = NaN"));
        assert!(adam(AdamOptions { beta1: 1.0, ..Default::default() }).unwrap().contains("beta1 = 1 is out of range"));
        assert!(adam(AdamOptions::default()).is_none());
        let e = Sgd::try_new(p(), SgdOptions { momentum: -0.9, ..Default::default() }).err().unwrap().to_string();
        assert!(e.contains("momentum = -0.9 is out of range: it must be ≥ 0"), "{e}");
        // new panics with the same message
        let panic = std::panic::catch_unwind(|| Adam::new(p(), AdamOptions { lr: -1.0, ..Default::default() }));
        let message = panic.err().unwrap().downcast_ref::<String>().cloned().unwrap();
        assert!(message.starts_with("Adam: learning rate lr = -1 is negative"), "{message}");
        // a schedule may bring the learning rate down to 0, not below
        let mut opt = Sgd::new(p(), SgdOptions::default());
        opt.set_learning_rate(0.0);
        assert!(opt.check().is_ok());
        let mut opt = std::panic::AssertUnwindSafe(opt);
        assert!(std::panic::catch_unwind(move || opt.set_learning_rate(f64::NAN)).is_err());
    }
}
