//! Loss functions. Each returns a scalar tensor (the mean over the batch unless said otherwise)
//! and is built from the engine's operations, so its gradient comes from theirs.

use crate::error::{Error, Result};
use crate::tensor::Tensor;

fn same_shape(op: &str, a: &Tensor, b: &Tensor) -> Result<()> {
    if a.shape() != b.shape() {
        return Err(Error::Shape {
            op: op.into(),
            expected: "predictions and targets of the same shape".into(),
            got: format!("{:?} and {:?}", a.shape(), b.shape()),
        });
    }
    non_empty(op, a)
}

/// An error for an empty batch: the mean over no samples is not a loss (it would read as 0).
fn non_empty(op: &str, a: &Tensor) -> Result<()> {
    if a.is_empty() {
        return Err(Error::invalid(
            op,
            format!(
                "the batch is empty (predictions of shape {:?}): a mean over no samples is not a loss; check the \
                 selection that made the batch",
                a.shape()
            ),
        ));
    }
    Ok(())
}

/// Mean squared error (1/n) Σ (ŷᵢ − yᵢ)².
pub fn mse(prediction: &Tensor, target: &Tensor) -> Result<Tensor> {
    same_shape("mse", prediction, target)?;
    Ok(prediction.try_sub(target)?.powf(2.0).mean())
}

/// Binary cross-entropy from logits s and labels y ∈ {0, 1}:
/// mean of −[y log σ(s) + (1 − y) log(1 − σ(s))] = mean of max(s, 0) − s·y + log(1 + e^{−|s|})
/// (the second form never takes the log of 0).
pub fn binary_cross_entropy_with_logits(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    same_shape("binary_cross_entropy_with_logits", logits, labels)?;
    if let Some(bad) = labels.value().iter().find(|&&y| !(0.0..=1.0).contains(&y)) {
        return Err(Error::invalid("binary_cross_entropy_with_logits", format!("label {bad} is not in [0, 1]")));
    }
    let softplus = logits.abs().neg().exp().add_scalar(1.0).log(); // log(1 + e^{−|s|})
    Ok((logits.relu() - logits.try_mul(labels)? + softplus).mean())
}

/// Cross-entropy from logits (n, c) and class indices (n): mean of −log softmax(sᵢ)\[yᵢ\].
pub fn cross_entropy(logits: &Tensor, classes: &[usize]) -> Result<Tensor> {
    if logits.ndim() != 2 || logits.shape()[0] != classes.len() {
        return Err(Error::Shape {
            op: "cross_entropy".into(),
            expected: format!("logits (n, classes) with n = {} (one class index per sample)", classes.len()),
            got: format!("{:?}", logits.shape()),
        });
    }
    non_empty("cross_entropy", logits)?;
    let c = logits.shape()[1];
    if let Some((sample, &bad)) = classes.iter().enumerate().find(|(_, &k)| k >= c) {
        return Err(Error::invalid(
            "cross_entropy",
            format!(
                "sample {sample}: class index {bad} is out of range for {c} classes (0..{c}): check the labels, or \
                 give the model {} outputs",
                bad + 1
            ),
        ));
    }
    Ok(logits.log_softmax(1)?.gather_rows(classes)?.mean().neg())
}

/// Hinge loss for labels y ∈ {−1, +1} and scores s: mean of max(0, 1 − y·s).
pub fn hinge(scores: &Tensor, labels: &Tensor) -> Result<Tensor> {
    same_shape("hinge", scores, labels)?;
    if let Some(bad) = labels.value().iter().find(|&&y| y != 1.0 && y != -1.0) {
        return Err(Error::invalid(
            "hinge",
            format!("label {bad} is not −1 or +1 (the hinge loss needs signed labels)"),
        ));
    }
    Ok(scores.try_mul(labels)?.neg().add_scalar(1.0).relu().mean())
}

/// KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1), from μ and log σ² of shape
/// (n, d); summed over the latent dimensions, averaged over the batch.
pub fn kl_to_standard_normal(mu: &Tensor, log_var: &Tensor) -> Result<Tensor> {
    same_shape("kl_to_standard_normal", mu, log_var)?;
    let n = mu.shape().first().copied().unwrap_or(1).max(1) as f64;
    let terms = mu.powf(2.0) + log_var.exp() - log_var.clone() - Tensor::scalar(1.0);
    Ok(terms.sum().mul_scalar(0.5 / n))
}

/// Gaussian negative log-likelihood of targets y under N(μ, σ²) with log σ² given:
/// mean of ½ (log 2π + log σ² + (y − μ)² / σ²).
pub fn gaussian_nll(mu: &Tensor, log_var: &Tensor, target: &Tensor) -> Result<Tensor> {
    same_shape("gaussian_nll", mu, target)?;
    same_shape("gaussian_nll", mu, log_var)?;
    let sq = target.try_sub(mu)?.powf(2.0);
    let per = (log_var + &sq.try_div(&log_var.exp())?).add_scalar((2.0 * std::f64::consts::PI).ln());
    Ok(per.mean().mul_scalar(0.5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{gradcheck, Param};
    use ndarray::{arr1, arr2};

    #[test]
    fn values_against_closed_forms() {
        let p = Tensor::from_slice(&[1.0, 2.0]);
        assert!((mse(&p, &Tensor::from_slice(&[0.0, 0.0])).unwrap().item().unwrap() - 2.5).abs() < 1e-12);
        // −log σ(0) = log 2
        let b = binary_cross_entropy_with_logits(&Tensor::from_slice(&[0.0]), &Tensor::from_slice(&[1.0])).unwrap();
        assert!((b.item().unwrap() - 2f64.ln()).abs() < 1e-12);
        // huge logits stay finite
        let b = binary_cross_entropy_with_logits(&Tensor::from_slice(&[-1000.0]), &Tensor::from_slice(&[1.0])).unwrap();
        assert!((b.item().unwrap() - 1000.0).abs() < 1e-9);
        // uniform logits over 4 classes: log 4
        let ce = cross_entropy(&Tensor::zeros(&[2, 4]), &[1, 3]).unwrap();
        assert!((ce.item().unwrap() - 4f64.ln()).abs() < 1e-12);
        // −log 0.8 = 0.2231 (COURSE.md, notebook 06): logits log(0.8), log(0.2)
        let ce = cross_entropy(&Tensor::new(arr2(&[[0.8f64.ln(), 0.2f64.ln()]])), &[0]).unwrap();
        assert!((ce.item().unwrap() - 0.223144).abs() < 1e-6);
        let h = hinge(&Tensor::from_slice(&[2.0, 0.5, -1.0]), &Tensor::from_slice(&[1.0, 1.0, 1.0])).unwrap();
        assert!((h.item().unwrap() - (0.0 + 0.5 + 2.0) / 3.0).abs() < 1e-12);
        // KL(N(1, 0.5²) ‖ N(0, 1)) = 0.818147 (COURSE.md, notebook 11)
        let kl = kl_to_standard_normal(&Tensor::new(arr2(&[[1.0]])), &Tensor::new(arr2(&[[0.25f64.ln()]]))).unwrap();
        assert!((kl.item().unwrap() - 0.818147).abs() < 1e-6);
        let nll = gaussian_nll(&Tensor::from_slice(&[0.0]), &Tensor::from_slice(&[0.0]), &Tensor::from_slice(&[0.0]))
            .unwrap();
        assert!((nll.item().unwrap() - 0.5 * (2.0 * std::f64::consts::PI).ln()).abs() < 1e-12);
    }

    #[test]
    fn gradients() {
        let s = Param::new("s", arr2(&[[0.3, -1.2, 2.0], [0.1, 0.4, -0.7]]).into_dyn());
        let r = gradcheck(&[s.clone()], || cross_entropy(&s.tensor(), &[2, 0])).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        let y = Tensor::new(arr2(&[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]));
        let r = gradcheck(&[s.clone()], || binary_cross_entropy_with_logits(&s.tensor(), &y)).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        let signs = Tensor::new(arr2(&[[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]));
        let r = gradcheck(&[s.clone()], || hinge(&s.tensor(), &signs)).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        let lv = Param::new("lv", arr2(&[[0.2, -0.5, 0.1], [0.0, 0.3, -0.2]]).into_dyn());
        let r = gradcheck(&[s.clone(), lv.clone()], || kl_to_standard_normal(&s.tensor(), &lv.tensor())).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        let t = Tensor::new(arr2(&[[0.5, 0.0, 1.0], [1.0, -1.0, 0.0]]));
        let r = gradcheck(&[s.clone(), lv.clone()], || gaussian_nll(&s.tensor(), &lv.tensor(), &t)).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
        let m = Param::new("m", arr1(&[0.2, -0.4]).into_dyn());
        let r = gradcheck(&[m.clone()], || mse(&m.tensor(), &Tensor::from_slice(&[1.0, 1.0]))).unwrap();
        assert!(r.passed(1e-6, 1e-9), "{r}");
    }

    #[test]
    fn bad_labels_are_named() {
        let e = cross_entropy(&Tensor::zeros(&[2, 3]), &[0, 7]).unwrap_err().to_string();
        assert!(e.starts_with("cross_entropy: sample 1: class index 7 is out of range for 3 classes"), "{e}");
        let e = cross_entropy(&Tensor::zeros(&[2, 3]), &[0]).unwrap_err().to_string();
        assert!(e.contains("cross_entropy") && e.contains("[2, 3]"), "{e}");
        let e = hinge(&Tensor::zeros(&[2]), &Tensor::from_slice(&[0.0, 1.0])).unwrap_err().to_string();
        assert!(e.contains("−1 or +1"), "{e}");
    }

    #[test]
    fn an_empty_batch_is_not_a_loss_of_0() {
        let e = cross_entropy(&Tensor::zeros(&[0, 3]), &[]).unwrap_err().to_string();
        assert!(e.starts_with("cross_entropy: the batch is empty (predictions of shape [0, 3])"), "{e}");
        let empty = Tensor::zeros(&[0]);
        for e in [
            mse(&empty, &empty),
            binary_cross_entropy_with_logits(&empty, &empty),
            hinge(&empty, &empty),
            kl_to_standard_normal(&empty, &empty),
            gaussian_nll(&empty, &empty, &empty),
        ] {
            assert!(e.unwrap_err().to_string().contains("the batch is empty"));
        }
    }
}
