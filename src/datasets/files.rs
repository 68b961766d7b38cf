//! Finding and reading the files in `data/`, with errors that say how to restore them.

use crate::error::{Error, Result};
use ndarray::Array2;
use std::io::Read;
use std::path::PathBuf;

/// The folder that holds the shipped data: `$DLCOURSE_DATA_DIR` if set, else the crate's `data/`.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("DLCOURSE_DATA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data")),
    }
}

/// Reads `data/<name>`, decompressing it if it ends in `.gz`.
pub(crate) fn read_data_file(name: &str) -> Result<(PathBuf, String)> {
    let path = data_dir().join(name);
    let restore = format!(
        "It ships with the repository: restore it with `git checkout -- data/{name}` (see data/README.md for its source), \
         or point DLCOURSE_DATA_DIR at a folder that holds it"
    );
    let bytes = std::fs::read(&path).map_err(|e| Error::DataFile {
        path: path.clone(),
        problem: format!("cannot be read ({e})"),
        hint: restore.clone(),
    })?;
    let text = if name.ends_with(".gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).map_err(|e| Error::DataFile {
            path: path.clone(),
            problem: format!("is not a readable gzip text file ({e})"),
            hint: restore.clone(),
        })?;
        text
    } else {
        String::from_utf8(bytes).map_err(|e| Error::DataFile {
            path: path.clone(),
            problem: format!("is not UTF-8 text ({e})"),
            hint: restore.clone(),
        })?
    };
    Ok((path, text))
}

/// Parses a headerless CSV of numbers with `n_cols` columns. On the first line that does not
/// hold `n_cols` numbers: `Err((line number from 1, what is wrong))`.
pub(crate) fn parse_numeric_csv(text: &str, n_cols: usize) -> std::result::Result<Array2<f64>, (usize, String)> {
    let mut values = Vec::new();
    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != n_cols {
            return Err((i + 1, format!("{} fields instead of {n_cols}", fields.len())));
        }
        for f in fields {
            let v = f.trim().parse::<f64>().map_err(|_| (i + 1, format!("\"{f}\" is not a number")))?;
            values.push(v);
        }
        rows += 1;
    }
    if rows == 0 {
        return Err((1, "no rows of numbers".to_string()));
    }
    Ok(Array2::from_shape_vec((rows, n_cols), values).expect("rows × n_cols values were read"))
}

/// Reads `data/<name>`, a headerless CSV of numbers with `n_cols` columns.
///
/// A malformed file gives an error that names the file and the first bad line.
pub(crate) fn read_numeric_csv(name: &str, n_cols: usize) -> Result<Array2<f64>> {
    let (path, text) = read_data_file(name)?;
    parse_numeric_csv(&text, n_cols).map_err(|(line, what)| Error::DataFile {
        path,
        problem: format!("malformed row at line {line}: {what}"),
        hint: format!("Restore the shipped copy with `git checkout -- data/{name}`"),
    })
}
