//! Standardisation over the last axis, the core of layer normalisation, as one operation.

use crate::error::{Error, Result};
use crate::tensor::Tensor;
use ndarray::ArrayD;

impl Tensor {
    /// Standardises every lane of the last axis: x̂ = (x − μ)/s, with μ the lane's mean and
    /// s = √(σ² + ε), σ² the lane's mean squared deviation.
    ///
    /// It equals the composition `(x − mean) / sqrt(mean((x − mean)²) + ε)` of the primitive
    /// operations, whose backward rules multiply out, lane by lane, to
    /// ∂L/∂x = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / s, g = ∂L/∂x̂;
    /// as one operation it makes one pass instead of seven, each with its own arrays.
    ///
    /// # Shapes
    /// (…, f) → (…, f), f ≥ 1
    pub fn standardize(&self, eps: f64) -> Result<Tensor> {
        let Some(&f) = self.shape().last().filter(|&&f| f > 0) else {
            return Err(Error::Shape {
                op: "standardize".into(),
                expected: "at least one axis, the last one non-empty (it is standardised)".into(),
                got: format!("{:?}", self.shape()),
            });
        };
        let x = self.value().as_standard_layout();
        let x = x.as_slice().expect("a standard-layout array is one slice");
        let mut x_hat = Vec::with_capacity(x.len());
        // s of every lane, for the backward rule
        let scales: Vec<f64> = x
            .chunks_exact(f)
            .map(|lane| {
                let mean = lane.iter().sum::<f64>() / f as f64;
                let var = lane.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / f as f64;
                let s = (var + eps).sqrt();
                x_hat.extend(lane.iter().map(|v| (v - mean) / s));
                s
            })
            .collect();
        let shape = self.value().raw_dim();
        let value = ArrayD::from_shape_vec(shape.clone(), x_hat).expect("the input's shape");
        Ok(Tensor::from_op_with_output(value, &[self], "standardize", move |g, x_hat| {
            let g = g.as_standard_layout();
            let (g, x_hat) = (g.as_slice().expect("one slice"), x_hat.as_slice().expect("one slice"));
            let mut dx = Vec::with_capacity(g.len());
            for ((g, x_hat), s) in g.chunks_exact(f).zip(x_hat.chunks_exact(f)).zip(&scales) {
                let mean_g = g.iter().sum::<f64>() / f as f64;
                let mean_gx = g.iter().zip(x_hat).map(|(g, x)| g * x).sum::<f64>() / f as f64;
                dx.extend(g.iter().zip(x_hat).map(|(g, x)| (g - mean_g - x * mean_gx) / s));
            }
            vec![Some(ArrayD::from_shape_vec(shape.clone(), dx).expect("the input's size"))]
        }))
    }
}
