//! Learning-rate schedules α(t) of the gradient-descent lecture.

use crate::error::{Error, Result};
use crate::nn::optim::check_learning_rate;

/// A learning rate as a function of the step (or epoch) t = 0, 1, 2, …
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// α(t) = α₀.
    Constant {
        /// α₀
        lr: f64,
    },
    /// α(t) = α₀ / (1 + r t).
    InverseTime {
        /// α₀
        lr: f64,
        /// r
        rate: f64,
    },
    /// α(t) = α₀ e^{−λ t}.
    Exponential {
        /// α₀
        lr: f64,
        /// λ
        decay: f64,
    },
    /// α(t) = α₀ r^{⌊t / t_U⌋}: multiplied by r every t_U steps.
    Step {
        /// α₀
        lr: f64,
        /// r
        factor: f64,
        /// t_U
        every: usize,
    },
    /// Linear interpolation from α₀ to α_end over `steps` steps, then α_end.
    Linear {
        /// α₀
        lr: f64,
        /// α_end
        end: f64,
        /// number of steps
        steps: usize,
    },
    /// Linear warm-up from 0 to α₀ over `warmup` steps, then cosine decay to `min` at `total`.
    WarmupCosine {
        /// α₀ (the peak)
        lr: f64,
        /// warm-up steps
        warmup: usize,
        /// total steps
        total: usize,
        /// final learning rate
        min: f64,
    },
}

impl Schedule {
    /// α(t).
    pub fn at(&self, t: usize) -> f64 {
        let tf = t as f64;
        match *self {
            Schedule::Constant { lr } => lr,
            Schedule::InverseTime { lr, rate } => lr / (1.0 + rate * tf),
            Schedule::Exponential { lr, decay } => lr * (-decay * tf).exp(),
            Schedule::Step { lr, factor, every } => lr * factor.powi((t / every.max(1)) as i32),
            Schedule::Linear { lr, end, steps } => {
                let s = (tf / steps.max(1) as f64).min(1.0);
                lr + (end - lr) * s
            }
            Schedule::WarmupCosine { lr, warmup, total, min } => {
                if t < warmup {
                    lr * (t + 1) as f64 / warmup as f64
                } else {
                    let progress = ((t - warmup) as f64 / (total.saturating_sub(warmup)).max(1) as f64).min(1.0);
                    min + 0.5 * (lr - min) * (1.0 + (std::f64::consts::PI * progress).cos())
                }
            }
        }
    }
}

impl Schedule {
    /// An error if α(t) is NaN, infinite or negative for a step t < `steps`, naming the first
    /// such step, or if it is 0 at every step (nothing would be learned). A schedule may reach 0
    /// (e.g. a cosine decay to `min: 0.0`).
    pub fn check(&self, steps: usize) -> Result<()> {
        for t in 0..steps {
            check_learning_rate(&format!("schedule {self:?} at t = {t}"), self.at(t), true)?;
        }
        if steps > 0 && (0..steps).all(|t| self.at(t) == 0.0) {
            return Err(Error::invalid(
                format!("schedule {self:?}"),
                format!("the learning rate is 0 at every one of the {steps} steps: nothing would be learned"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_that_give_bad_learning_rates_are_named() {
        let e = Schedule::Exponential { lr: f64::NAN, decay: 0.1 }.check(5).unwrap_err().to_string();
        assert!(e.contains("at t = 0") && e.contains("lr = NaN is not a number"), "{e}");
        // 0.1 − 0.02 t turns negative after t = 5
        let e = Schedule::Linear { lr: 0.1, end: -0.1, steps: 10 }.check(10).unwrap_err().to_string();
        assert!(e.contains("at t = 6") && e.contains("is negative"), "{e}");
        let e = Schedule::Constant { lr: 0.0 }.check(3).unwrap_err().to_string();
        assert!(e.contains("0 at every one of the 3 steps"), "{e}");
        // a decay to 0 and the schedules of the course are fine
        Schedule::WarmupCosine { lr: 1.0, warmup: 2, total: 10, min: 0.0 }.check(12).unwrap();
        Schedule::Step { lr: 0.1, factor: 0.5, every: 10 }.check(100).unwrap();
    }

    #[test]
    fn values_stated_in_the_course() {
        // COURSE.md, notebook 05: exponential α₀ = 0.1, λ = 0.15 at t = 0, 10, 20, 30
        let e = Schedule::Exponential { lr: 0.1, decay: 0.15 };
        for (t, want) in [(0, 0.1), (10, 0.0223), (20, 0.00498), (30, 0.00111)] {
            assert!((e.at(t) - want).abs() < 0.005 * want, "t = {t}: {}", e.at(t));
        }
        // step with r = 0.5, t_U = 10 at t = 0, 10, 20
        let s = Schedule::Step { lr: 0.1, factor: 0.5, every: 10 };
        assert_eq!([s.at(0), s.at(10), s.at(20)], [0.1, 0.05, 0.025]);
        assert_eq!(s.at(9), 0.1);
        let i = Schedule::InverseTime { lr: 0.1, rate: 1.0 };
        assert!((i.at(1) - 0.05).abs() < 1e-15);
        let l = Schedule::Linear { lr: 0.1, end: 0.01, steps: 10 };
        assert!((l.at(5) - 0.055).abs() < 1e-15 && (l.at(100) - 0.01).abs() < 1e-15);
        let c = Schedule::WarmupCosine { lr: 1.0, warmup: 10, total: 110, min: 0.0 };
        assert!((c.at(4) - 0.5).abs() < 1e-15 && (c.at(60) - 0.5).abs() < 1e-12 && c.at(110).abs() < 1e-12);
    }
}
