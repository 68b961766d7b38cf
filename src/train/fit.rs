//! The training loop for classifiers.

use super::metrics::argmax_rows;
use crate::error::{Error, Result};
use crate::nn::optim::{check_learning_rate, Optimizer};
use crate::nn::schedule::Schedule;
use crate::nn::{loss, Module};
use crate::plot::{Figure, LinePlot};
use crate::tensor::{no_grad, Param, Tensor};
use ndarray::{ArrayD, Axis};
use rand::{rngs::StdRng, seq::SliceRandom, SeedableRng};

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

/// The first row (index along axis 0) of `x` that holds a NaN or infinite value, with that value
/// and its position in the row.
fn first_non_finite_row(x: &ArrayD<f64>) -> Option<(usize, f64, Vec<usize>)> {
    x.axis_iter(Axis(0)).enumerate().find_map(|(row, values)| {
        values
            .indexed_iter()
            .find(|(_, v)| !v.is_finite())
            .map(|(at, &v)| (row, v, ndarray::Dimension::slice(&at).to_vec()))
    })
}

/// The checks of the data made before training: one target per row, at least one row, finite values.
fn check_data(what: &str, x: &ArrayD<f64>, y: &[usize]) -> Result<()> {
    if x.shape().first() != Some(&y.len()) {
        return Err(Error::Shape {
            op: "fit_classifier".into(),
            expected: format!("one target per {what} input row"),
            got: format!("inputs {:?}, {} targets", x.shape(), y.len()),
        });
    }
    if y.is_empty() {
        return Err(Error::invalid(
            "fit_classifier",
            format!(
                "the {what} set is empty (inputs of shape {:?}, no targets): there is nothing to learn from \
                 or measure on; check the split or the selection that made it",
                x.shape()
            ),
        ));
    }
    if let Some((row, v, at)) = first_non_finite_row(x) {
        let rows = x.axis_iter(Axis(0)).filter(|r| r.iter().any(|v| !v.is_finite())).count();
        return Err(Error::invalid(
            "fit_classifier",
            format!(
                "{what} input row {row} holds {v} (at position {at:?} of the row; NaN or infinite values in {rows} \
                 of the {} rows): the loss would be NaN whatever the learning rate; remove or impute those rows \
                 before training",
                y.len()
            ),
        ));
    }
    Ok(())
}

/// An error naming the first sample whose class index is not below `classes` (the number of
/// scores the model gives per sample).
fn check_labels(what: &str, y: &[usize], classes: usize) -> Result<()> {
    match y.iter().enumerate().find(|(_, &c)| c >= classes) {
        Some((i, &c)) => Err(Error::invalid(
            "fit_classifier",
            format!(
                "sample {i} of the {what} set has class {c}, but the model gives {classes} scores per sample \
                 (classes 0..{classes}): check the labels, or give the model's last layer {} outputs",
                y.iter().max().map_or(0, |m| m + 1)
            ),
        )),
        None => Ok(()),
    }
}

/// Trains a classifier (one score per class; cross-entropy loss) on inputs `x` (n, …) and class
/// indices `y`, with mini-batches, an optional validation set, learning-rate schedule and early
/// stopping. If the loss becomes NaN or infinite, training stops and the parameters go back to
/// the last values that gave a finite loss (the optimiser's own state, such as Adam's moments,
/// is not rewound).
///
/// Refused before any step, with an error that names the problem: an empty training or
/// validation set, a NaN or infinite input (the row is named), a class index the model has no
/// score for (the sample is named), a learning rate (or a schedule's) that is NaN, infinite,
/// negative or zero, a batch size of 0, and an optimiser that holds none of the model's
/// parameters (built for an earlier model: re-run the cell that creates the optimiser).
pub fn fit_classifier(
    model: &dyn Module,
    optimizer: &mut dyn Optimizer,
    x: &ArrayD<f64>,
    y: &[usize],
    validation: Option<(&ArrayD<f64>, &[usize])>,
    options: &FitOptions,
) -> Result<History> {
    check_data("training", x, y)?;
    if let Some((vx, vy)) = validation {
        check_data("validation", vx, vy)?;
    }
    if options.batch_size == 0 {
        return Err(Error::invalid(
            "fit_classifier",
            "batch_size = 0: a mini-batch needs at least one sample (e.g. 32)",
        ));
    }
    optimizer.check()?;
    match options.schedule {
        Some(s) => s.check(options.epochs)?,
        None => check_learning_rate("fit_classifier", optimizer.learning_rate(), false)?,
    }
    let params = model.parameters();
    let held = optimizer.parameters();
    if !held.is_empty() && !params.is_empty() && !params.iter().any(|p| held.iter().any(|q| p.same(q))) {
        return Err(Error::invalid(
            "fit_classifier",
            format!(
                "the optimiser holds none of the model's parameters: build the optimiser after the model, e.g. \
                 re-run the cell that creates it (it holds {} parameters of another model, probably an earlier \
                 one: re-running the cell that creates a model makes new parameters)",
                held.len()
            ),
        ));
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut history = History::default();
    let mut progress = crate::display::Progress::new();
    let mut best: Option<(f64, usize, Vec<Tensor>)> = None;
    // the parameters that gave the last finite training loss (none before the first step)
    let mut last_good: Option<Vec<Tensor>> = None;
    let mut labels_checked = false;
    model.set_training(true);
    'epochs: for epoch in 1..=options.epochs {
        if let Some(s) = options.schedule {
            optimizer.set_learning_rate(s.at(epoch - 1));
        }
        let (mut total, mut correct) = (0.0, 0usize);
        for batch in shuffled_batches(y.len(), options.batch_size, &mut rng) {
            let xb = Tensor::new(x.select(Axis(0), &batch));
            let yb: Vec<usize> = batch.iter().map(|&i| y[i]).collect();
            let scores = model.forward(&xb)?;
            if !labels_checked {
                if let [_, classes] = scores.shape() {
                    check_labels("training", y, *classes)?;
                    if let Some((_, vy)) = validation {
                        check_labels("validation", vy, *classes)?;
                    }
                }
                labels_checked = true;
            }
            let l = loss::cross_entropy(&scores, &yb)?;
            let lv = l.item()?;
            if !lv.is_finite() {
                // the parameters now hold the values after the last step, which gave this loss
                let kept = match &last_good {
                    Some(saved) => {
                        restore(&params, saved);
                        "went back to the parameters of the last finite loss"
                    }
                    None => "the parameters are still the initial ones (no step was taken)",
                };
                history.stopped = Some(format!(
                    "the training loss became {lv} in epoch {epoch}; stopped and {kept} (try a smaller learning rate)"
                ));
                break 'epochs;
            }
            let saved: Vec<Tensor> = params.iter().map(|p| p.snapshot()).collect();
            l.backward()?;
            optimizer.step();
            if params.iter().any(|p| p.tensor().value().iter().any(|v| !v.is_finite())) {
                restore(&params, &saved);
                history.stopped = Some(format!("a parameter became NaN or infinite in epoch {epoch}; stopped and restored the last finite parameters (try a smaller learning rate)"));
                break 'epochs;
            }
            last_good = Some(saved);
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
            progress.update(&format!(
                "epoch {epoch}/{}: train loss {:.4} accuracy {:.3}{val}",
                options.epochs, record.train_loss, record.train_accuracy
            ));
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
        progress.finish();
        if let Some(s) = &history.stopped {
            println!("{s}");
        }
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::optim::{Sgd, SgdOptions};
    use crate::nn::{mlp, Activation};
    use ndarray::Array2;

    /// 40 points of 3 features in 3 classes, and a linear classifier with plain SGD.
    fn setup() -> (ArrayD<f64>, Vec<usize>, crate::nn::Sequential, Sgd) {
        let x =
            Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 11.0 + (i % 3 == j) as u8 as f64);
        let y: Vec<usize> = (0..40).map(|i| i % 3).collect();
        let net = mlp(&[3, 3], Activation::Relu, &mut StdRng::seed_from_u64(0));
        let opt = Sgd::new(net.parameters(), SgdOptions { lr: 0.1, ..Default::default() });
        (x.into_dyn(), y, net, opt)
    }

    fn quiet() -> FitOptions {
        FitOptions { epochs: 3, batch_size: 8, progress: false, ..Default::default() }
    }

    fn fit_error(
        net: &dyn Module,
        opt: &mut dyn Optimizer,
        x: &ArrayD<f64>,
        y: &[usize],
        validation: Option<(&ArrayD<f64>, &[usize])>,
        options: &FitOptions,
    ) -> String {
        match fit_classifier(net, opt, x, y, validation, options) {
            Ok(h) => panic!("training was not refused: {h:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn non_finite_inputs_and_learning_rates_are_named_before_training() {
        let (mut x, y, net, mut opt) = setup();
        let before = net.parameters()[0].value();
        x[[17, 2]] = f64::NAN;
        x[[30, 0]] = f64::INFINITY;
        let e = fit_error(&net, &mut opt, &x, &y, None, &quiet());
        assert_eq!(
            e,
            "fit_classifier: training input row 17 holds NaN (at position [2] of the row; NaN or infinite values \
             in 2 of the 40 rows): the loss would be NaN whatever the learning rate; remove or impute those rows \
             before training"
        );
        let (x, y, _, _) = setup();
        let mut bad_val = x.clone();
        bad_val[[3, 1]] = f64::NAN;
        let e = fit_error(&net, &mut opt, &x, &y, Some((&bad_val, &y)), &quiet());
        assert!(e.starts_with("fit_classifier: validation input row 3 holds NaN"), "{e}");
        // a learning rate set to NaN after the optimiser was built
        opt.options.lr = f64::NAN;
        let e = fit_error(&net, &mut opt, &x, &y, None, &quiet());
        assert!(e.starts_with("Sgd: learning rate lr = NaN is not a number"), "{e}");
        opt.options.lr = 0.0;
        let e = fit_error(&net, &mut opt, &x, &y, None, &quiet());
        assert!(e.starts_with("fit_classifier: learning rate lr = 0 is zero"), "{e}");
        opt.options.lr = 0.1;
        let schedule = Some(Schedule::Exponential { lr: 0.1, decay: f64::NAN });
        let e = fit_error(&net, &mut opt, &x, &y, None, &FitOptions { schedule, ..quiet() });
        assert!(e.contains("at t = 0") && e.contains("lr = NaN is not a number"), "{e}");
        assert_eq!(net.parameters()[0].value(), before, "nothing was trained");
    }

    #[test]
    fn empty_sets_and_zero_batches_are_refused() {
        let (x, y, net, mut opt) = setup();
        let none = x.slice_axis(Axis(0), ndarray::Slice::from(0..0)).to_owned();
        let e = fit_error(&net, &mut opt, &none, &[], None, &quiet());
        assert_eq!(
            e,
            "fit_classifier: the training set is empty (inputs of shape [0, 3], no targets): there is nothing to \
             learn from or measure on; check the split or the selection that made it"
        );
        let e = fit_error(&net, &mut opt, &x, &y, Some((&none, &[])), &quiet());
        assert!(e.starts_with("fit_classifier: the validation set is empty"), "{e}");
        let e = fit_error(&net, &mut opt, &x, &y, None, &FitOptions { batch_size: 0, ..quiet() });
        assert!(e.contains("batch_size = 0"), "{e}");
    }

    #[test]
    fn a_class_without_a_score_is_named_by_its_sample() {
        let (x, mut y, net, mut opt) = setup();
        y[29] = 5;
        let e = fit_error(&net, &mut opt, &x, &y, None, &quiet());
        assert_eq!(
            e,
            "fit_classifier: sample 29 of the training set has class 5, but the model gives 3 scores per sample \
             (classes 0..3): check the labels, or give the model's last layer 6 outputs"
        );
    }

    #[test]
    fn an_optimiser_built_for_an_earlier_model_is_named() {
        let (x, y, _old_net, mut opt) = setup();
        // the model cell re-run: a new model, the optimiser still holds the old one's parameters
        let net = mlp(&[3, 3], Activation::Relu, &mut StdRng::seed_from_u64(0));
        let e = fit_error(&net, &mut opt, &x, &y, None, &quiet());
        assert!(
            e.starts_with(
                "fit_classifier: the optimiser holds none of the model's parameters: build the optimiser after the \
                 model, e.g. re-run the cell that creates it"
            ),
            "{e}"
        );
        // an optimiser over part of the model (a frozen layer) is fine
        let part = Sgd::new(net.parameters()[..1].to_vec(), SgdOptions::default());
        fit_classifier(&net, &mut { part }, &x, &y, None, &quiet()).unwrap();
    }
}
