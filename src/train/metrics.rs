//! Classification metrics.

use crate::error::{Error, Result};
use crate::nn::Module;
use crate::tensor::{no_grad, Tensor};
use ndarray::{Array2, ArrayD, Axis};

/// The index of the largest entry of each row of a (n, c) array: the predicted classes.
///
/// NaN entries are skipped, and a row of NaN gives 0: use [`predict_classes`], which refuses a
/// row of scores that holds NaN, to classify with a model.
pub fn argmax_rows(scores: &ArrayD<f64>) -> Vec<usize> {
    scores
        .axis_iter(Axis(0))
        .map(|row| {
            row.iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |(bi, bv), (i, &v)| if v > bv { (i, v) } else { (bi, bv) })
                .0
        })
        .collect()
}

/// Fraction of predictions equal to the targets.
pub fn accuracy(predicted: &[usize], targets: &[usize]) -> Result<f64> {
    if predicted.len() != targets.len() || targets.is_empty() {
        return Err(Error::Shape {
            op: "accuracy".into(),
            expected: "as many predictions as targets (at least one)".into(),
            got: format!("{} predictions, {} targets", predicted.len(), targets.len()),
        });
    }
    Ok(predicted.iter().zip(targets).filter(|(p, t)| p == t).count() as f64 / targets.len() as f64)
}

/// Confusion matrix: entry (i, j) counts samples of true class i predicted as j.
pub fn confusion_matrix(predicted: &[usize], targets: &[usize], classes: usize) -> Result<Array2<usize>> {
    accuracy(predicted, targets)?;
    let mut m = Array2::zeros((classes, classes));
    for (&p, &t) in predicted.iter().zip(targets) {
        if p >= classes || t >= classes {
            return Err(Error::invalid(
                "confusion_matrix",
                format!("class {} is out of range for {classes} classes", p.max(t)),
            ));
        }
        m[[t, p]] += 1;
    }
    Ok(m)
}

/// The class a classifier (which outputs one score per class) predicts for each row of `x`: the
/// index of the largest score, computed in evaluation mode and without recording a graph.
///
/// A row whose scores hold NaN has no largest score: it is an error that names the row (and
/// says whether the input row or the model is the cause).
pub fn predict_classes(model: &dyn Module, x: &ArrayD<f64>) -> Result<Vec<usize>> {
    model.set_training(false);
    let scores = no_grad(|| model.forward(&Tensor::new(x.clone())));
    model.set_training(true);
    let scores = scores?;
    let nan_row = scores.value().axis_iter(Axis(0)).position(|row| row.iter().any(|v| v.is_nan()));
    if let Some(row) = nan_row {
        let input_finite =
            x.shape().first().is_some_and(|&n| row < n) && x.index_axis(Axis(0), row).iter().all(|v| v.is_finite());
        let cause = if input_finite {
            "its input is finite, so the model's parameters probably hold NaN (after a diverging training run?)"
        } else {
            "the input row holds NaN or infinite values: remove or impute them"
        };
        return Err(Error::invalid(
            "predict_classes",
            format!("the scores of row {row} are NaN, so no class can be predicted for it: {cause}"),
        ));
    }
    Ok(argmax_rows(scores.value()))
}

/// Accuracy of a classifier (which outputs one score per class) on inputs `x`, in evaluation
/// mode and without recording a graph.
pub fn evaluate_classifier(model: &dyn Module, x: &ArrayD<f64>, targets: &[usize]) -> Result<f64> {
    accuracy(&predict_classes(model, x)?, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn counts() {
        let pred = argmax_rows(&arr2(&[[0.1, 0.9], [2.0, 1.0], [0.0, 3.0]]).into_dyn());
        assert_eq!(pred, vec![1, 0, 1]);
        assert!((accuracy(&pred, &[1, 1, 1]).unwrap() - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(confusion_matrix(&pred, &[1, 1, 1], 2).unwrap(), arr2(&[[0, 0], [1, 2]]));
        assert!(accuracy(&pred, &[1]).unwrap_err().to_string().contains("3 predictions, 1 targets"));
    }

    #[test]
    fn a_nan_row_is_named_instead_of_getting_class_0() {
        let net = {
            use rand::SeedableRng;
            crate::nn::mlp(&[2, 3], crate::nn::Activation::Relu, &mut rand::rngs::StdRng::seed_from_u64(0))
        };
        let x = arr2(&[[0.5, 1.0], [f64::NAN, 0.0], [1.0, 1.0]]).into_dyn();
        let e = predict_classes(&net, &x).unwrap_err().to_string();
        assert!(
            e.starts_with("predict_classes: the scores of row 1 are NaN") && e.contains("the input row holds NaN"),
            "{e}"
        );
        let e = evaluate_classifier(&net, &x, &[0, 0, 0]).unwrap_err().to_string();
        assert!(e.contains("row 1"), "{e}");
        net.parameters()[0].set_value(ndarray::ArrayD::from_elem(ndarray::IxDyn(&[2, 3]), f64::NAN));
        let e = predict_classes(&net, &arr2(&[[0.5, 1.0]]).into_dyn()).unwrap_err().to_string();
        assert!(e.contains("row 0") && e.contains("model's parameters probably hold NaN"), "{e}");
    }
}
