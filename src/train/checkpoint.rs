//! Saving trained parameters to a text file and loading them into the same architecture.
//!
//! Format (one parameter per two lines, readable and diffable):
//! ```text
//! dlcourse-parameters 1
//! 0.weight 64 32
//! 0.0123 -0.4 …
//! ```

use crate::error::{Error, Result};
use crate::save::{already_exists, write_file};
use crate::tensor::Param;
use ndarray::{ArrayD, IxDyn};
use std::fmt::Write as _;
use std::path::Path;

const HEADER: &str = "dlcourse-parameters 1";

/// Writes every parameter (name, shape, values) to a new file at `path`.
///
/// The names must be unique (a file holding two "0.weight" could not give each its own values
/// back): the parameters of a model made of parts are named with [`crate::nn::prefixed`], e.g.
/// `[nn::prefixed("encoder", &encoder), nn::prefixed("decoder", &decoder)].concat()`.
///
/// An existing file is never replaced (it may be someone's notes): the call is refused with an
/// error naming the file. To replace it on purpose, use [`save_parameters_overwrite`].
pub fn save_parameters(params: &[Param], path: impl AsRef<Path>) -> Result<()> {
    write_parameters("save_parameters", params, path.as_ref(), false)
}

/// Like [`save_parameters`], but replaces the file at `path` if there is one.
pub fn save_parameters_overwrite(params: &[Param], path: impl AsRef<Path>) -> Result<()> {
    write_parameters("save_parameters_overwrite", params, path.as_ref(), true)
}

fn write_parameters(op: &str, params: &[Param], path: &Path, overwrite: bool) -> Result<()> {
    check_unique_names(op, params)?;
    let mut text = format!("{HEADER}\n");
    for p in params {
        let shape: Vec<String> = p.shape().iter().map(|d| d.to_string()).collect();
        let _ = writeln!(text, "{} {}", p.name(), shape.join(" "));
        let values: Vec<String> = p.value().iter().map(|v| format!("{v:e}")).collect();
        let _ = writeln!(text, "{}", values.join(" "));
    }
    write_file(path, text.as_bytes(), overwrite).map_err(|e| {
        if already_exists(&e) {
            Error::DataFile {
                path: path.into(),
                problem: format!("already exists, and {op} does not replace a file"),
                hint: "choose another file name, delete the old file, or call \
                       save_parameters_overwrite(params, path) to replace it"
                    .into(),
            }
        } else {
            Error::DataFile {
                path: path.into(),
                problem: format!("cannot be written ({e})"),
                hint: "check that the folder exists and is writable".into(),
            }
        }
    })
}

/// An error listing the names that several of `params` share: a file could not tell them apart.
fn check_unique_names(op: &str, params: &[Param]) -> Result<()> {
    let mut counts: Vec<(&str, usize)> = vec![];
    for p in params {
        match counts.iter_mut().find(|(name, _)| *name == p.name()) {
            Some((_, n)) => *n += 1,
            None => counts.push((p.name(), 1)),
        }
    }
    let shared: Vec<String> =
        counts.iter().filter(|(_, n)| *n > 1).map(|(name, n)| format!("\"{name}\" ({n} times)")).collect();
    if shared.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(
        op,
        format!(
            "several parameters share a name: {}; a file could not tell them apart (each would get the \
             values of the other). Give each part of the model its own prefix, e.g. \
             [nn::prefixed(\"encoder\", &encoder), nn::prefixed(\"decoder\", &decoder)].concat()",
            shared.join(", ")
        ),
    ))
}

fn quoted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

/// Loads parameters saved by [`save_parameters`] into `params` (matched by name). The file must
/// hold exactly the parameters of `params`, each with the same shape, and the names must be
/// unique; if not, nothing is changed and the error names the parameters that differ.
pub fn load_parameters(params: &[Param], path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    check_unique_names("load_parameters", params)?;
    let bad = |problem: String| Error::DataFile {
        path: path.into(),
        problem,
        hint: "save it again with save_parameters from a model of the same architecture".into(),
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(bad(format!("does not start with \"{HEADER}\"")));
    }
    // name → (values, line of its header), in the order of the file
    let mut saved: Vec<(String, ArrayD<f64>, usize)> = vec![];
    let mut line_no = 1;
    while let Some(head) = lines.next() {
        line_no += 2;
        let mut parts = head.split_whitespace();
        let name =
            parts.next().ok_or_else(|| bad(format!("line {}: empty parameter header", line_no - 1)))?.to_string();
        if let Some((_, _, first)) = saved.iter().find(|(n, _, _)| *n == name) {
            return Err(bad(format!(
                "line {}: the parameter \"{name}\" appears a second time (first on line {first}): the file was \
                 saved from parameters with duplicate names, and which values belong to which layer is lost",
                line_no - 1
            )));
        }
        let shape: Vec<usize> = parts
            .map(|d| d.parse().map_err(|_| bad(format!("line {}: bad size \"{d}\"", line_no - 1))))
            .collect::<Result<_>>()?;
        let values: Vec<f64> = lines
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(|v| v.parse().map_err(|_| bad(format!("line {line_no}: \"{v}\" is not a number"))))
            .collect::<Result<_>>()?;
        let array = ArrayD::from_shape_vec(IxDyn(&shape), values)
            .map_err(|_| bad(format!("line {line_no}: the values of {name} do not fill the shape {shape:?}")))?;
        saved.push((name, array, line_no - 1));
    }
    let find = |name: &str| saved.iter().find(|(n, _, _)| n == name).map(|(_, a, _)| a);
    let (mut matched, mut missing) = (vec![], vec![]);
    for p in params {
        match find(p.name()) {
            Some(a) => matched.push((p, a)),
            None => missing.push(p.name()),
        }
    }
    let extra: Vec<&str> =
        saved.iter().map(|(n, _, _)| n.as_str()).filter(|n| !params.iter().any(|p| p.name() == *n)).collect();
    if !missing.is_empty() || !extra.is_empty() {
        let mut problem = vec![];
        if !missing.is_empty() {
            problem.push(format!("has no parameter {}", quoted_list(missing)));
        }
        if !extra.is_empty() {
            problem.push(format!("holds parameters the model does not have: {}", quoted_list(extra)));
        }
        return Err(Error::DataFile {
            path: path.into(),
            problem: format!(
                "{} (the model's parameters are {})",
                problem.join("; it "),
                quoted_list(params.iter().map(|p| p.name()))
            ),
            hint: "load it into a model of the architecture it was saved from, with the same parameter names".into(),
        });
    }
    for (p, a) in &matched {
        if a.shape() != p.shape().as_slice() {
            return Err(Error::Shape {
                op: format!("load_parameters ({})", path.display()),
                expected: format!("\"{}\" of shape {:?}", p.name(), p.shape()),
                got: format!("{:?} in the file", a.shape()),
            });
        }
    }
    for (p, a) in matched {
        p.set_value(a.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{mlp, Activation, Module};
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn round_trip_and_mismatch() {
        let dir = std::env::temp_dir().join(format!("dlcourse-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.txt");
        let a = mlp(&[3, 4, 2], Activation::Relu, &mut StdRng::seed_from_u64(1));
        let b = mlp(&[3, 4, 2], Activation::Relu, &mut StdRng::seed_from_u64(2));
        save_parameters(&a.parameters(), &path).unwrap();
        load_parameters(&b.parameters(), &path).unwrap();
        for (p, q) in a.parameters().iter().zip(b.parameters()) {
            assert_eq!(p.value(), q.value());
        }
        let c = mlp(&[3, 5, 2], Activation::Relu, &mut StdRng::seed_from_u64(3));
        let before = c.parameters()[0].value();
        let e = load_parameters(&c.parameters(), &path).unwrap_err().to_string();
        assert!(e.contains("\"0.weight\" of shape [3, 5]") && e.contains("[3, 4] in the file"), "{e}");
        assert_eq!(c.parameters()[0].value(), before, "nothing changed");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn saving_refuses_to_replace_an_existing_file() {
        let dir = std::env::temp_dir().join(format!("dlcourse-ckpt-exists-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notes.txt");
        std::fs::write(&path, "my notes").unwrap();
        let net = mlp(&[2, 3], Activation::Relu, &mut StdRng::seed_from_u64(1));
        let e = save_parameters(&net.parameters(), &path).unwrap_err().to_string();
        assert!(e.contains("notes.txt: already exists") && e.contains("save_parameters_overwrite"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "my notes", "the file is untouched");
        save_parameters_overwrite(&net.parameters(), &path).unwrap();
        load_parameters(&net.parameters(), &path).unwrap();
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn duplicate_names_and_foreign_parameters_are_refused() {
        let dir = std::env::temp_dir().join(format!("dlcourse-ckpt-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        // an autoencoder's parts listed the way a notebook lists them: both have "0.weight" and "0.bias"
        let (encoder, decoder) = (mlp(&[4, 4], Activation::Relu, &mut rng), mlp(&[4, 4], Activation::Relu, &mut rng));
        let concatenated = [encoder.parameters(), decoder.parameters()].concat();
        let e = save_parameters(&concatenated, dir.join("ae.txt")).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "save_parameters: several parameters share a name: \"0.weight\" (2 times), \"0.bias\" (2 times)"
            ) && e.contains("nn::prefixed(\"encoder\", &encoder)"),
            "{e}"
        );
        assert!(!dir.join("ae.txt").exists(), "nothing written");
        assert!(load_parameters(&concatenated, dir.join("ae.txt")).unwrap_err().to_string().contains("share a name"));
        // with prefixes, both parts come back with their own values
        let named = [crate::nn::prefixed("encoder", &encoder), crate::nn::prefixed("decoder", &decoder)].concat();
        save_parameters(&named, dir.join("ae.txt")).unwrap();
        let copy_enc = mlp(&[4, 4], Activation::Relu, &mut rng);
        let copy_dec = mlp(&[4, 4], Activation::Relu, &mut rng);
        let copy = [crate::nn::prefixed("encoder", &copy_enc), crate::nn::prefixed("decoder", &copy_dec)].concat();
        load_parameters(&copy, dir.join("ae.txt")).unwrap();
        assert_eq!(copy_enc.parameters()[0].value(), encoder.parameters()[0].value());
        assert_eq!(copy_dec.parameters()[0].value(), decoder.parameters()[0].value());
        // the encoder alone: the file holds parameters it does not have
        let e = load_parameters(&named[..2], dir.join("ae.txt")).unwrap_err().to_string();
        assert!(
            e.contains("holds parameters the model does not have: \"decoder.0.weight\", \"decoder.0.bias\"")
                && e.contains("the model's parameters are \"encoder.0.weight\", \"encoder.0.bias\""),
            "{e}"
        );
        // a file written with duplicate names (by an earlier version) is refused, not half-loaded
        std::fs::write(dir.join("old.txt"), format!("{HEADER}\nw 1\n1e0\nw 1\n2e0\n")).unwrap();
        let w = Param::new("w", ndarray::arr1(&[0.0]).into_dyn());
        let e = load_parameters(std::slice::from_ref(&w), dir.join("old.txt")).unwrap_err().to_string();
        assert!(e.contains("line 4: the parameter \"w\" appears a second time (first on line 2)"), "{e}");
        assert_eq!(w.value()[[0]], 0.0);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_models_of_the_crate_name_their_parameters_uniquely() {
        let mut rng = StdRng::seed_from_u64(0);
        let options = crate::nn::CausalTransformerOptions { dim: 8, heads: 2, layers: 2 };
        let transformer = crate::nn::CausalTransformer::new(5, 6, &options, &mut rng).unwrap();
        for params in [
            crate::nn::models::small_cnn(&mut rng).parameters(),
            crate::nn::models::lenet5(&mut rng).parameters(),
            transformer.parameters(),
        ] {
            check_unique_names("test", &params).unwrap();
        }
    }
}
