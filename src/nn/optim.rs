//! Optimisers: plain/momentum/Nesterov SGD with weight decay and an L1 penalty; Adam and AdamW.
//! Their state is kept per parameter and can be read (e.g. Adam's `m̂` and `v̂`).

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
    pub fn new(params: Vec<Param>, options: SgdOptions) -> Sgd {
        let n = params.len();
        Sgd { params, options, velocity: vec![None; n] }
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

    fn set_learning_rate(&mut self, lr: f64) {
        self.options.lr = lr;
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
    pub fn new(params: Vec<Param>, options: AdamOptions) -> Adam {
        let n = params.len();
        Adam { params, options, state: vec![None; n] }
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

    fn set_learning_rate(&mut self, lr: f64) {
        self.options.lr = lr;
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
}
