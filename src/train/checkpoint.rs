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

/// Loads parameters saved by [`save_parameters`] into `params` (matched by name). Every
/// parameter must be in the file with the same shape; nothing is changed if one is not.
pub fn load_parameters(params: &[Param], path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
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
    let mut saved = std::collections::HashMap::new();
    let mut line_no = 1;
    while let Some(head) = lines.next() {
        line_no += 2;
        let mut parts = head.split_whitespace();
        let name =
            parts.next().ok_or_else(|| bad(format!("line {}: empty parameter header", line_no - 1)))?.to_string();
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
        saved.insert(name, array);
    }
    for p in params {
        match saved.get(p.name()) {
            None => return Err(bad(format!("has no parameter \"{}\"", p.name()))),
            Some(a) if a.shape() != p.shape().as_slice() => {
                return Err(Error::Shape {
                    op: format!("load_parameters ({})", path.display()),
                    expected: format!("\"{}\" of shape {:?}", p.name(), p.shape()),
                    got: format!("{:?} in the file", a.shape()),
                })
            }
            Some(_) => {}
        }
    }
    for p in params {
        p.set_value(saved[p.name()].clone());
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
}
