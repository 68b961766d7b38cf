//! Finding and reading the files in `data/`, with errors that say how to restore them.

use crate::error::{Error, Result};
use ndarray::Array2;
use polars::prelude::*;
use std::io::{Cursor, Read};
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

/// The first line of a headerless numeric CSV that does not have `n_cols` numbers, as
/// `(line number from 1, what is wrong)`.
pub(crate) fn first_bad_row(text: &str, n_cols: usize) -> Option<(usize, String)> {
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != n_cols {
            return Some((i + 1, format!("{} fields instead of {n_cols}", fields.len())));
        }
        if let Some(f) = fields.iter().find(|f| f.trim().parse::<f64>().is_err()) {
            return Some((i + 1, format!("\"{f}\" is not a number")));
        }
    }
    None
}

/// Reads `data/<name>`, a headerless CSV of numbers with `n_cols` columns, with polars.
///
/// A malformed file gives an error that names the file and the first bad line.
pub(crate) fn read_numeric_csv(name: &str, n_cols: usize) -> Result<Array2<f64>> {
    let (path, text) = read_data_file(name)?;
    let bad = |problem: String| Error::DataFile {
        path: path.clone(),
        problem,
        hint: format!("Restore the shipped copy with `git checkout -- data/{name}`"),
    };
    let located = |fallback: String| match first_bad_row(&text, n_cols) {
        Some((line, what)) => bad(format!("malformed row at line {line}: {what}")),
        None => bad(fallback),
    };
    let df = CsvReadOptions::default()
        .with_has_header(false)
        .into_reader_with_file_handle(Cursor::new(text.as_bytes()))
        .finish()
        .map_err(|e| located(format!("polars could not parse it: {e}")))?;
    if df.width() != n_cols || df.height() == 0 {
        return Err(located(format!("expected rows of {n_cols} numbers, found a table of shape {:?}", df.shape())));
    }
    let mut out = Array2::<f64>::zeros((df.height(), n_cols));
    for (j, column) in df.columns().iter().enumerate() {
        let values =
            column.cast(&DataType::Float64).map_err(|e| located(format!("column {} is not numeric: {e}", j + 1)))?;
        let values = values.f64().map_err(|e| located(format!("column {}: {e}", j + 1)))?;
        for (i, v) in values.iter().enumerate() {
            out[[i, j]] = v.ok_or_else(|| located(format!("empty value at line {}, column {}", i + 1, j + 1)))?;
        }
    }
    Ok(out)
}
