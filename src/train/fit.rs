//! The training loop for classifiers.

use super::metrics::argmax_rows;
use crate::error::{Error, Result};
use crate::nn::optim::Optimizer;
use crate::nn::schedule::Schedule;
use crate::nn::{loss, Module};
use crate::plot::{Figure, LinePlot};
use crate::tensor::{no_grad, Param, Tensor};
use ndarray::{ArrayD, Axis};
use rand::{rngs::StdRng, seq::SliceRandom, SeedableRng};
use std::io::Write as _;

/// The indices 0..n shuffled by a generator seeded with `seed`, cut into batches of
/// `batch_size` (the last one may be smaller).
pub fn shuffled_batches(n: usize, batch_size: usize, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(rng);
    idx.chunks(batch_size.max(1)).map(|c| c.to_vec()).collect()
}

/// Options of [`fit_classifier`].
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// Passes over the training set.
    pub epochs: usize,
    /// Samples per gradient step.
    pub batch_size: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Stop when the validation loss has not improved for this many epochs, and go back to
    /// the parameters of the best epoch.
    pub patience: Option<usize>,
    /// Learning rate per epoch (overrides the optimiser's).
    pub schedule: Option<Schedule>,
    /// Show a progress line that is rewritten after every epoch.
    pub progress: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { epochs: 10, batch_size: 32, seed: 0, patience: None, schedule: None, progress: true }
    }
}

/// What one epoch measured.
#[derive(Clone, Debug)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Learning rate used.
    pub lr: f64,
    /// Mean training loss over the epoch's batches (weighted by batch size).
    pub train_loss: f64,
    /// Training accuracy over the epoch (as the parameters changed during it).
    pub train_accuracy: f64,
    /// Validation loss after the epoch.
    pub val_loss: Option<f64>,
    /// Validation accuracy after the epoch.
    pub val_accuracy: Option<f64>,
}

/// The record of a training run.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// One record per completed epoch.
    pub epochs: Vec<EpochRecord>,
    /// The epoch whose parameters the model holds at the end, when early stopping chose it.
    pub best_epoch: Option<usize>,
    /// Why training stopped before the last epoch, if it did.
    pub stopped: Option<String>,
}

impl History {
    /// Loss and accuracy curves, side by side.
    pub fn figure(&self) -> Figure {
        let e: Vec<f64> = self.epochs.iter().map(|r| r.epoch as f64).collect();
        let col = |f: &dyn Fn(&EpochRecord) -> Option<f64>| -> Vec<f64> {
            self.epochs.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect()
        };
        let mut loss = LinePlot::new("loss").x_label("epoch").y_label("cross-entropy").line(
            "train",
            &e,
            col(&|r| Some(r.train_loss)),
        );
        let mut acc = LinePlot::new("accuracy").x_label("epoch").y_label("accuracy").line(
            "train",
            &e,
            col(&|r| Some(r.train_accuracy)),
        );
        if self.epochs.iter().any(|r| r.val_loss.is_some()) {
            loss = loss.line("validation", &e, col(&|r| r.val_loss));
            acc = acc.line("validation", &e, col(&|r| r.val_accuracy));
        }
        let panels = vec![loss.panel(), acc.panel()];
        Figure::grid(panels, 2).expect("two panels")
    }

    /// The last record.
    pub fn last(&self) -> Option<&EpochRecord> {
        self.epochs.last()
    }
}

/// Loss and accuracy of a classifier on a data set, in evaluation mode, without a graph.
fn measure(model: &dyn Module, x: &ArrayD<f64>, y: &[usize]) -> Result<(f64, f64)> {
    model.set_training(false);
    let out = no_grad(|| -> Result<(f64, f64)> {
        let scores = model.forward(&Tensor::new(x.clone()))?;
        let l = loss::cross_entropy(&scores, y)?.item()?;
        let pred = argmax_rows(scores.value());
        Ok((l, pred.iter().zip(y).filter(|(p, t)| p == t).count() as f64 / y.len().max(1) as f64))
    });
    model.set_training(true);
    out
}

fn restore(params: &[Param], saved: &[Tensor]) {
    for (p, s) in params.iter().zip(saved) {
        p.restore(s);
    }
}

/// Trains a classifier (one score per class; cross-entropy loss) on inputs `x` (n, …) and class
/// indices `y`, with mini-batches, an optional validation set, learning-rate schedule and early
/// stopping. If the loss becomes NaN or infinite, training stops and the parameters go back to
/// the last values that gave a finite loss.
pub fn fit_classifier(
    model: &dyn Module,
    optimizer: &mut dyn Optimizer,
    x: &ArrayD<f64>,
    y: &[usize],
    validation: Option<(&ArrayD<f64>, &[usize])>,
    options: &FitOptions,
) -> Result<History> {
    if x.shape().first() != Some(&y.len()) {
        return Err(Error::Shape {
            op: "fit_classifier".into(),
            expected: "one target per input row".into(),
            got: format!("inputs {:?}, {} targets", x.shape(), y.len()),
        });
    }
    let params = model.parameters();
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut history = History::default();
    let mut best: Option<(f64, usize, Vec<Tensor>)> = None;
    model.set_training(true);
    for epoch in 1..=options.epochs {
        if let Some(s) = options.schedule {
            optimizer.set_learning_rate(s.at(epoch - 1));
        }
        let (mut total, mut correct) = (0.0, 0usize);
        for batch in shuffled_batches(y.len(), options.batch_size, &mut rng) {
            let xb = Tensor::new(x.select(Axis(0), &batch));
            let yb: Vec<usize> = batch.iter().map(|&i| y[i]).collect();
            let scores = model.forward(&xb)?;
            let l = loss::cross_entropy(&scores, &yb)?;
            let lv = l.item()?;
            if !lv.is_finite() {
                // the parameters still hold the values that produced the previous finite loss
                history.stopped = Some(format!(
                    "the training loss became {lv} in epoch {epoch}; stopped and kept the parameters of the last finite loss (try a smaller learning rate)"
                ));
                if options.progress {
                    println!("\n{}", history.stopped.as_deref().unwrap_or_default());
                }
                return Ok(history);
            }
            let saved: Vec<Tensor> = params.iter().map(|p| p.snapshot()).collect();
            l.backward()?;
            optimizer.step();
            if params.iter().any(|p| p.tensor().value().iter().any(|v| !v.is_finite())) {
                restore(&params, &saved);
                history.stopped = Some(format!("a parameter became NaN or infinite in epoch {epoch}; stopped and restored the last finite parameters (try a smaller learning rate)"));
                return Ok(history);
            }
            total += lv * batch.len() as f64;
            correct += argmax_rows(scores.value()).iter().zip(&yb).filter(|(p, t)| p == t).count();
        }
        let n = y.len().max(1) as f64;
        let (val_loss, val_accuracy) = match validation {
            Some((vx, vy)) => {
                let (l, a) = measure(model, vx, vy)?;
                (Some(l), Some(a))
            }
            None => (None, None),
        };
        let record = EpochRecord {
            epoch,
            lr: optimizer.learning_rate(),
            train_loss: total / n,
            train_accuracy: correct as f64 / n,
            val_loss,
            val_accuracy,
        };
        if options.progress {
            let val = match (val_loss, val_accuracy) {
                (Some(l), Some(a)) => format!(", validation loss {l:.4} accuracy {a:.3}"),
                _ => String::new(),
            };
            print!(
                "\repoch {epoch}/{}: train loss {:.4} accuracy {:.3}{val}   ",
                options.epochs, record.train_loss, record.train_accuracy
            );
            let _ = std::io::stdout().flush();
        }
        history.epochs.push(record);
        if let (Some(patience), Some(vl)) = (options.patience, val_loss) {
            if best.as_ref().is_none_or(|(b, _, _)| vl < *b) {
                best = Some((vl, epoch, params.iter().map(|p| p.snapshot()).collect()));
            } else if epoch - best.as_ref().map_or(0, |b| b.1) >= patience {
                let (_, best_epoch, saved) = best.take().expect("set above");
                restore(&params, &saved);
                history.best_epoch = Some(best_epoch);
                history.stopped = Some(format!("early stopping: no validation improvement for {patience} epochs; parameters of epoch {best_epoch} restored"));
                break;
            }
        }
    }
    if options.progress {
        println!();
        if let Some(s) = &history.stopped {
            println!("{s}");
        }
    }
    Ok(history)
}
