//! Trains the course's reference models with this crate's engine and prints, per model, the
//! training time and the test accuracy as JSON lines. `tools/benchmark/compare.py` runs this and
//! the same models in PyTorch and prints the time ratios.
//!
//! `cargo run --release --example benchmark -- [--data build/benchmark/digits.csv]`
//!
//! The data (the 8×8 digits, a stratified 75/25 split, pixels scaled to [0, 1]) is written to the
//! CSV file so that PyTorch trains on exactly the same samples; next to it go each model's initial
//! parameters (`init_<k>.csv`) and the order of the training samples in every epoch
//! (`batches.csv`), so that PyTorch also starts from the same weights and sees the same
//! mini-batches: with the same arithmetic (f64) both sides then reach the same accuracy.

use dlcourse::nn::optim::{Adam, AdamOptions};
use dlcourse::nn::{mlp, models, Activation, Module, Sequential};
use dlcourse::prelude::*;
use dlcourse::train::{evaluate_classifier, fit_classifier, shuffled_batches, FitOptions};
use ndarray::{ArrayD, IxDyn};
use std::io::Write;
use std::time::Instant;

/// The 8×8 images enlarged to 28×28: each pixel repeated 3×3 (24×24), then 2 pixels of zero border.
fn enlarge(images: &Array2<f64>) -> Array2<f64> {
    Array2::from_shape_fn((images.nrows(), 28 * 28), |(k, p)| {
        let (r, c) = (p / 28, p % 28);
        if (2..26).contains(&r) && (2..26).contains(&c) {
            images[[k, ((r - 2) / 3) * 8 + (c - 2) / 3]]
        } else {
            0.0
        }
    })
}

fn as_images(x: &Array2<f64>, side: usize) -> ArrayD<f64> {
    x.clone().into_shape_with_order(IxDyn(&[x.nrows(), 1, side, side])).expect("square images")
}

struct Case {
    name: &'static str,
    model: Sequential,
    train: (ArrayD<f64>, Vec<usize>),
    test: (ArrayD<f64>, Vec<usize>),
    epochs: usize,
}

/// Mini-batch size of every model, on both sides.
const BATCH_SIZE: usize = 32;
/// The most epochs any model trains (the batch order file covers them all).
const MAX_EPOCHS: usize = 20;

/// Writes `lines` to the file at `path`, one per line.
fn write_lines(path: &std::path::Path, lines: impl IntoIterator<Item = String>) {
    let fail = |e: std::io::Error| -> ! { panic!("writing {}: {e}", path.display()) };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap_or_else(|e| fail(e)));
    for line in lines {
        writeln!(out, "{line}").unwrap_or_else(|e| fail(e));
    }
}

/// The items joined by commas.
fn comma_separated<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|t| t.to_string()).collect::<Vec<_>>().join(",")
}

/// One line per epoch: the sample indices in the order their mini-batches visit them.
fn write_batch_order(path: &std::path::Path, epochs: &[Vec<Vec<usize>>]) {
    write_lines(path, epochs.iter().map(|batches| comma_separated(batches.concat())));
}

/// One line per parameter: its name, its shape (dimensions joined by `x`), then its values.
fn write_parameters(model: &dyn Module, path: &std::path::Path) {
    write_lines(
        path,
        model.parameters().iter().map(|p| {
            let shape: Vec<String> = p.shape().iter().map(|d| d.to_string()).collect();
            format!("{},{},{}", p.name(), shape.join("x"), comma_separated(p.value().iter().map(|v| format!("{v:e}"))))
        }),
    );
}

fn main() -> dlcourse::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let data_path = args
        .iter()
        .position(|a| a == "--data")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "build/benchmark/digits.csv".into());
    let only: Option<String> = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();

    let digits = datasets::digits()?;
    let (train, test) = digits.split(0.25, 0);
    let (xtr, xte) = (&train.features / 16.0, &test.features / 16.0);
    // the data, for the PyTorch side
    if let Some(dir) = std::path::Path::new(&data_path).parent() {
        std::fs::create_dir_all(dir).expect("the benchmark folder can be created");
    }
    let mut lines = vec![];
    for (split, x, y) in [("train", &xtr, &train.targets), ("test", &xte, &test.targets)] {
        for (row, label) in x.rows().into_iter().zip(y) {
            lines.push(format!("{split},{label},{}", comma_separated(row)));
        }
    }
    write_lines(std::path::Path::new(&data_path), lines);

    // the order in which fit_classifier visits the training samples: the same seeded shuffles
    let folder = std::path::Path::new(&data_path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let mut order_rng = StdRng::seed_from_u64(FitOptions::default().seed);
    let orders: Vec<Vec<Vec<usize>>> =
        (0..MAX_EPOCHS).map(|_| shuffled_batches(train.targets.len(), BATCH_SIZE, &mut order_rng)).collect();
    write_batch_order(&folder.join("batches.csv"), &orders);

    let (ytr, yte) = (train.targets.to_vec(), test.targets.to_vec());
    let (btr, bte) = (enlarge(&xtr), enlarge(&xte));
    let mut rng = StdRng::seed_from_u64(0);
    let cases = vec![
        Case {
            name: "MLP 64-64-10, 8×8 digits",
            model: mlp(&[64, 64, 10], Activation::Relu, &mut rng),
            train: (xtr.clone().into_dyn(), ytr.clone()),
            test: (xte.clone().into_dyn(), yte.clone()),
            epochs: 20,
        },
        Case {
            name: "small CNN, 8×8 digits",
            model: models::small_cnn(&mut rng),
            train: (as_images(&xtr, 8), ytr.clone()),
            test: (as_images(&xte, 8), yte.clone()),
            epochs: 15,
        },
        Case {
            name: "MLP 784-256-256-10, 28×28",
            model: mlp(&[784, 256, 256, 10], Activation::Relu, &mut rng),
            train: (btr.clone().into_dyn(), ytr.clone()),
            test: (bte.clone().into_dyn(), yte.clone()),
            epochs: 10,
        },
        Case {
            name: "LeNet-5, 28×28",
            model: models::lenet5(&mut rng),
            train: (as_images(&btr, 28), ytr.clone()),
            test: (as_images(&bte, 28), yte.clone()),
            epochs: 10,
        },
    ];
    assert!(cases.iter().all(|c| c.epochs <= MAX_EPOCHS), "batches.csv holds the order of {MAX_EPOCHS} epochs");
    for (k, case) in cases.into_iter().enumerate() {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        write_parameters(&case.model, &folder.join(format!("init_{k}.csv")));
        let mut opt = Adam::new(case.model.parameters(), AdamOptions { lr: 1e-3, ..Default::default() });
        let options = FitOptions { epochs: case.epochs, batch_size: BATCH_SIZE, progress: false, ..Default::default() };
        let start = Instant::now();
        fit_classifier(&case.model, &mut opt, &case.train.0, &case.train.1, None, &options)?;
        let seconds = start.elapsed().as_secs_f64();
        let accuracy = evaluate_classifier(&case.model, &case.test.0, &case.test.1)?;
        println!(
            "{{\"model\": \"{}\", \"engine\": \"dlcourse (f64)\", \"seconds\": {seconds:.3}, \"accuracy\": {accuracy:.4}, \"parameters\": {}, \"epochs\": {}}}",
            case.name,
            case.model.num_parameters(),
            case.epochs
        );
    }
    if only.as_deref().is_none_or(|o| TRANSFORMER.contains(o)) {
        transformer_case(&folder)?;
    }
    Ok(())
}

const TRANSFORMER: &str = "causal transformer, reversal";
/// Length of the strings to reverse.
const STRING_LENGTH: usize = 5;
/// Mini-batch size of the transformer case, on both sides.
const TRANSFORMER_BATCH: usize = 64;
/// Epochs of the transformer case.
const TRANSFORMER_EPOCHS: usize = 5;

/// A one-block causal transformer (d = 32, 2 heads) learns to reverse strings of 5 digits: 2000
/// training strings, exact-match accuracy of greedy generation on 300 others. Writes the strings
/// (`reverse.csv`), the initial parameters (`init_transformer.csv`) and the batch order
/// (`reverse_batches.csv`) for the PyTorch side. The loss of the first mini-batch is printed too:
/// from the same start, PyTorch's must be the same number (the two models compute the same function).
fn transformer_case(folder: &std::path::Path) -> dlcourse::Result<()> {
    use dlcourse::nn::optim::Optimizer;
    use dlcourse::nn::{CausalTransformer, CausalTransformerOptions};
    let train = datasets::reverse_task(2000, STRING_LENGTH, 10, 0)?;
    let test = datasets::reverse_task(300, STRING_LENGTH, 10, 1)?;
    let (train_sequences, test_sequences) = (train.sequences(), test.sequences());
    let splits = [("train", &train_sequences), ("test", &test_sequences)];
    write_lines(
        &folder.join("reverse.csv"),
        splits.iter().flat_map(|(split, sequences)| {
            sequences.rows().into_iter().map(move |row| format!("{split},{}", comma_separated(row)))
        }),
    );
    let mut rng = StdRng::seed_from_u64(0);
    let options = CausalTransformerOptions { dim: 32, heads: 2, layers: 1 };
    let model = CausalTransformer::new(11, 2 * STRING_LENGTH, &options, &mut rng)?;
    write_parameters(&model, &folder.join("init_transformer.csv"));
    let epochs: Vec<Vec<Vec<usize>>> =
        (0..TRANSFORMER_EPOCHS).map(|_| shuffled_batches(train.len(), TRANSFORMER_BATCH, &mut rng)).collect();
    write_batch_order(&folder.join("reverse_batches.csv"), &epochs);
    let mut opt = Adam::new(model.parameters(), AdamOptions { lr: 3e-3, ..Default::default() });
    let start = Instant::now();
    let mut first_loss = None;
    for batches in &epochs {
        for batch in batches {
            let loss =
                model.next_token_loss(train_sequences.select(ndarray::Axis(0), batch).view(), STRING_LENGTH + 1)?;
            first_loss.get_or_insert(loss.item()?);
            loss.backward()?;
            opt.step();
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let prompts = test_sequences.slice(ndarray::s![.., ..STRING_LENGTH + 1]).to_owned();
    let generated = model.generate(prompts.view(), STRING_LENGTH)?;
    let exact = (0..test.len())
        .filter(|&i| generated.slice(ndarray::s![i, STRING_LENGTH + 1..]) == test.targets.row(i))
        .count() as f64
        / test.len() as f64;
    println!(
        "{{\"model\": \"{TRANSFORMER}\", \"engine\": \"dlcourse (f64)\", \"seconds\": {seconds:.3}, \"accuracy\": {exact:.4}, \"parameters\": {}, \"epochs\": {TRANSFORMER_EPOCHS}, \"first_loss\": {:.15}}}",
        model.num_parameters(),
        first_loss.unwrap_or(f64::NAN)
    );
    Ok(())
}
