//! A finite-difference gradient check for every operation, including broadcasting cases.

use crate::tensor::{gradcheck, Param, Tensor};
use ndarray::{ArrayD, IxDyn};
use rand::{rngs::StdRng, Rng, SeedableRng};

/// A parameter of the given shape with values in [lo, hi), seeded.
fn param(name: &str, shape: &[usize], seed: u64, lo: f64, hi: f64) -> Param {
    let mut rng = StdRng::seed_from_u64(seed);
    Param::new(name, ArrayD::from_shape_fn(IxDyn(shape), |_| rng.gen_range(lo..hi)))
}

/// Fixed random weights that turn any output into a scalar loss Σ wᵢ yᵢ, so that every output
/// element's gradient is tested (a plain sum would hide errors that cancel).
fn weighted_sum(y: &Tensor, seed: u64) -> Tensor {
    let mut rng = StdRng::seed_from_u64(seed);
    let w = Tensor::new(ArrayD::from_shape_fn(IxDyn(y.shape()), |_| rng.gen_range(-1.0..1.0)));
    (y * &w).sum()
}

fn check(params: &[Param], f: impl Fn(&[Tensor]) -> Tensor) {
    let report = gradcheck(params, || {
        let ts: Vec<Tensor> = params.iter().map(|p| p.tensor()).collect();
        Ok(weighted_sum(&f(&ts), 99))
    })
    .unwrap();
    assert!(report.passed(1e-6, 1e-8), "{report}");
}

#[test]
fn arithmetic_with_broadcasting() {
    let a = param("a", &[3, 4], 1, -1.0, 1.0);
    let b = param("b", &[4], 2, -1.0, 1.0);
    let c = param("c", &[3, 1], 3, 0.5, 2.0);
    check(&[a.clone(), b.clone()], |t| &t[0] + &t[1]);
    check(&[a.clone(), b.clone()], |t| &t[0] - &t[1]);
    check(&[a.clone(), c.clone()], |t| &t[0] * &t[1]);
    check(&[a.clone(), c.clone()], |t| &t[0] / &t[1]);
    check(&[b.clone(), c.clone()], |t| &t[1] * &t[0]); // (3,1)·(4) → (3,4): both broadcast
    check(&[a.clone()], |t| -(&t[0] * 3.0 + 1.0));
}

#[test]
fn elementwise_functions() {
    let pos = param("pos", &[2, 3], 4, 0.2, 2.0);
    let any = param("any", &[2, 3], 5, -2.0, 2.0);
    check(&[pos.clone()], |t| t[0].powf(1.7));
    check(&[any.clone()], |t| t[0].powf(3.0)); // whole exponents take the powi path
    check(&[pos.clone()], |t| t[0].powf(-2.0));
    check(&[pos.clone()], |t| t[0].log());
    check(&[pos.clone()], |t| t[0].sqrt());
    check(&[any.clone()], |t| t[0].exp());
    check(&[any.clone()], |t| t[0].abs());
}

#[test]
fn activations() {
    let x = param("x", &[3, 5], 6, -3.0, 3.0);
    check(&[x.clone()], |t| t[0].sigmoid());
    check(&[x.clone()], |t| t[0].tanh());
    check(&[x.clone()], |t| t[0].relu());
    check(&[x.clone()], |t| t[0].leaky_relu(0.1));
    check(&[x.clone()], |t| t[0].gelu());
    check(&[x.clone()], |t| t[0].gelu_tanh());
    check(&[x.clone()], |t| t[0].softmax(1).unwrap());
    check(&[x.clone()], |t| t[0].softmax(0).unwrap());
    check(&[x.clone()], |t| t[0].log_softmax(1).unwrap());
}

#[test]
fn reductions() {
    let x = param("x", &[3, 4, 2], 7, -1.0, 1.0);
    check(&[x.clone()], |t| t[0].sum());
    check(&[x.clone()], |t| t[0].mean());
    check(&[x.clone()], |t| t[0].sum_axis(1, false).unwrap());
    check(&[x.clone()], |t| t[0].mean_axis(2, true).unwrap());
    check(&[x.clone()], |t| t[0].max_axis(1, false).unwrap());
    check(&[x.clone()], |t| t[0].max_axis(0, true).unwrap());
}

#[test]
fn standardization_against_its_composition_and_finite_differences() {
    let x = param("x", &[3, 2, 5], 21, -2.0, 2.0);
    check(&[x.clone()], |t| t[0].standardize(1e-5).unwrap());
    check(&[x.clone()], |t| t[0].standardize(0.5).unwrap()); // a large ε: the ε-terms count
                                                             // the same values as the primitive operations it replaces
    let t = x.tensor();
    let centred = &t - &t.mean_axis(2, true).unwrap();
    let composed = &centred / &(centred.powf(2.0).mean_axis(2, true).unwrap() + 0.5).sqrt();
    let fused = t.standardize(0.5).unwrap();
    let gap = (fused.value() - composed.value()).mapv(f64::abs).fold(0.0, |m: f64, &v| m.max(v));
    assert!(gap < 1e-14, "fused and composed standardisation differ by {gap:e}");
    let e = Tensor::zeros(&[2, 0]).standardize(1e-5).unwrap_err().to_string();
    assert!(e.contains("standardize") && e.contains("[2, 0]"), "{e}");
}

#[test]
fn matrix_products() {
    let a = param("a", &[3, 4], 8, -1.0, 1.0);
    let b = param("b", &[4, 2], 9, -1.0, 1.0);
    check(&[a.clone(), b.clone()], |t| t[0].matmul(&t[1]).unwrap());
    let a3 = param("a3", &[2, 3, 4], 10, -1.0, 1.0);
    let b3 = param("b3", &[2, 4, 5], 11, -1.0, 1.0);
    check(&[a3.clone(), b3.clone()], |t| t[0].matmul(&t[1]).unwrap());
    check(&[a3.clone(), b.clone()], |t| t[0].matmul(&t[1]).unwrap());
}

#[test]
fn shape_operations() {
    let x = param("x", &[2, 3, 4], 12, -1.0, 1.0);
    let y = param("y", &[2, 2, 4], 13, -1.0, 1.0);
    check(&[x.clone()], |t| t[0].reshape(&[6, 4]).unwrap());
    check(&[x.clone()], |t| t[0].permute(&[2, 0, 1]).unwrap());
    check(&[x.clone()], |t| t[0].transpose().unwrap());
    check(&[x.clone(), y.clone()], |t| Tensor::concat(&[&t[0], &t[1]], 1).unwrap());
    check(&[x.clone()], |t| t[0].narrow(2, 1, 2).unwrap());
    check(&[x.clone()], |t| t[0].index_select(&[1, 0, 1]).unwrap());
    let m = param("m", &[3, 4], 14, -1.0, 1.0);
    check(&[m.clone()], |t| t[0].gather_rows(&[3, 0, 3]).unwrap());
}

#[test]
fn forward_values_against_closed_forms() {
    let x = Tensor::from_slice(&[1000.0, 0.0, -1000.0]);
    let s = x.softmax(0).unwrap();
    assert_eq!(s.value().as_slice().unwrap(), &[1.0, 0.0, 0.0]); // no overflow
    let ls = Tensor::from_slice(&[1.0, 2.0, 3.0]).log_softmax(0).unwrap();
    let lse = (1f64.exp() + 2f64.exp() + 3f64.exp()).ln();
    assert!((ls.value()[[0]] - (1.0 - lse)).abs() < 1e-12);
    let sg = Tensor::from_slice(&[-800.0, 0.0, 800.0]).sigmoid();
    assert_eq!(sg.value().as_slice().unwrap(), &[0.0, 0.5, 1.0]);
    // PyTorch: F.gelu(±1) = ±1·Φ(±1), Φ(1) = 0.8413447460685429 (normal tables); the tanh form
    // F.gelu(1, approximate="tanh") = 0.8411919906082768.
    let exact = Tensor::from_slice(&[1.0, -1.0]).gelu();
    assert!((exact.value()[[0]] - 0.841_344_746_068_542_9).abs() < 1e-15);
    assert!((exact.value()[[1]] + (1.0 - 0.841_344_746_068_542_9)).abs() < 1e-15);
    assert!((Tensor::from_slice(&[1.0]).gelu_tanh().item().unwrap() - 0.841_191_990_608_276_8).abs() < 1e-15);
}

#[test]
fn bad_shapes_are_named() {
    let a = Tensor::zeros(&[2, 3]);
    let e = a.matmul(&Tensor::zeros(&[2, 3])).unwrap_err().to_string();
    assert!(e.contains("matmul") && e.contains("[2, 3] · [2, 3]"), "{e}");
    let e = a.try_add(&Tensor::zeros(&[4])).unwrap_err().to_string();
    assert!(e.contains("add") && e.contains("[2, 3] and [4]"), "{e}");
    let e = a.reshape(&[5]).unwrap_err().to_string();
    assert!(e.contains("reshape") && e.contains("6 elements"), "{e}");
    let e = a.gather_rows(&[0, 3]).unwrap_err().to_string();
    assert!(e.contains("class index 3 is out of range for 3 classes"), "{e}");
    let e = a.softmax(2).unwrap_err().to_string();
    assert!(e.contains("softmax") && e.contains("axis 2"), "{e}");
}

#[test]
#[should_panic(expected = "mul: shape mismatch")]
fn operators_panic_with_the_shapes() {
    let _ = &Tensor::zeros(&[2]) * &Tensor::zeros(&[3]);
}

#[test]
fn convolution_and_pooling() {
    let x = param("x", &[2, 2, 5, 4], 15, -1.0, 1.0);
    let w = param("w", &[3, 2, 3, 2], 16, -1.0, 1.0);
    check(&[x.clone(), w.clone()], |t| t[0].conv2d(&t[1], (1, 1), (0, 0)).unwrap());
    check(&[x.clone(), w.clone()], |t| t[0].conv2d(&t[1], (2, 1), (1, 1)).unwrap());
    check(&[x.clone(), w.clone()], |t| t[0].conv2d(&t[1], (1, 2), (2, 1)).unwrap());
    // distinct values, so that the maximum of each window is unique (max is not differentiable at ties)
    let distinct = Param::new(
        "d",
        ArrayD::from_shape_fn(IxDyn(&[2, 2, 4, 6]), |i| {
            let k = ((i[0] * 2 + i[1]) * 4 + i[2]) * 6 + i[3];
            ((k * 37) % 97) as f64 / 10.0
        }),
    );
    check(&[distinct.clone()], |t| t[0].max_pool2d(2, 2).unwrap());
    check(&[distinct.clone()], |t| t[0].avg_pool2d(2, 1).unwrap());
}
