//! Anscombe's quartet as a polars table (the `tables` feature).

use super::files::read_data_file;
use crate::error::{Error, Result};
use polars::prelude::*;

/// Anscombe's quartet (Anscombe, 1973): four sets of 11 points with the same means, variances,
/// correlation and least-squares line, and four different pictures. Read from
/// `data/anscombe.csv` as a polars table with columns `set` ("I" … "IV"), `x` and `y`.
pub fn anscombe() -> Result<DataFrame> {
    let name = "anscombe.csv";
    let (path, text) = read_data_file(name)?;
    let bad = |problem: String| Error::DataFile {
        path: path.clone(),
        problem,
        hint: format!("Restore the shipped copy with `git checkout -- data/{name}`"),
    };
    for (i, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 3 || fields[1..].iter().any(|f| f.trim().parse::<f64>().is_err()) {
            return Err(bad(format!(
                "malformed row at line {}: \"{line}\" (expected set,x,y with numbers x and y)",
                i + 1
            )));
        }
    }
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_bytes()))
        .finish()
        .map_err(|e| bad(format!("polars could not parse it: {e}")))?;
    if df.get_column_names().iter().map(|c| c.as_str()).collect::<Vec<_>>() != ["set", "x", "y"] || df.height() != 44 {
        return Err(bad(format!(
            "expected 44 rows with the columns set, x, y; found columns {:?} and {} rows",
            df.get_column_names(),
            df.height()
        )));
    }
    let cast =
        |c: &str| df.column(c).and_then(|s| s.cast(&DataType::Float64)).map_err(|e| bad(format!("column {c}: {e}")));
    let (x, y) = (cast("x")?, cast("y")?);
    DataFrame::new(44, vec![df.column("set").map_err(|e| bad(e.to_string()))?.clone(), x, y])
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anscombe_sets_share_their_statistics() {
        let df = anscombe().unwrap();
        assert_eq!(df.shape(), (44, 3));
        for set in ["I", "II", "III", "IV"] {
            let part = df.filter(&df.column("set").unwrap().as_materialized_series().equal(set).unwrap()).unwrap();
            let get = |c: &str| -> Vec<f64> { part.column(c).unwrap().f64().unwrap().into_no_null_iter().collect() };
            let (x, y) = (get("x"), get("y"));
            assert_eq!(x.len(), 11);
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let (mx, my) = (mean(&x), mean(&y));
            let var_x = x.iter().map(|v| (v - mx).powi(2)).sum::<f64>() / 10.0;
            let var_y = y.iter().map(|v| (v - my).powi(2)).sum::<f64>() / 10.0;
            assert!((mx - 9.0).abs() < 1e-12 && (var_x - 11.0).abs() < 1e-12, "set {set}");
            assert!((my - 7.50).abs() < 0.01 && (var_y - 4.12).abs() < 0.01, "set {set}: {my} {var_y}");
        }
    }
}
