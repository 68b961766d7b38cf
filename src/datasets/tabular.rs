//! The small tabular data sets: iris and wine quality from linfa-datasets (compiled into that
//! crate), diabetes from `data/` (linfa-datasets 0.8 reads its first patient as a header line
//! and returns 441 of the 442).

use super::files::{read_data_file, read_numeric_csv};
use super::Dataset;
use crate::error::{Error, Result};
use polars::prelude::*;

/// Fisher's iris: 150 flowers, 4 measurements (cm), 3 species.
pub fn iris() -> Dataset<usize> {
    let mut d = Dataset::from_linfa(linfa_datasets::iris());
    d.target_names = vec!["setosa".into(), "versicolor".into(), "virginica".into()];
    d
}

/// Diabetes (Efron et al., 2004): 442 patients, 10 baseline variables (each centred and scaled),
/// disease progression one year later. Read from `data/diabetes_{data,target}.csv.gz`.
pub fn diabetes() -> Result<Dataset<f64>> {
    let features = read_numeric_csv("diabetes_data.csv.gz", 10)?;
    let targets = read_numeric_csv("diabetes_target.csv.gz", 1)?.column(0).to_owned();
    let names = [
        "age",
        "sex",
        "body mass index",
        "blood pressure",
        "t-cells",
        "low-density lipoproteins",
        "high-density lipoproteins",
        "thyroid stimulating hormone",
        "lamotrigine",
        "blood sugar level",
    ];
    Ok(Dataset {
        features,
        targets,
        feature_names: names.iter().map(|s| s.to_string()).collect(),
        target_names: vec!["progression".into()],
    })
}

/// Red wine quality: 1,599 wines, 11 physico-chemical measurements, quality score 3–8.
pub fn winequality() -> Dataset<usize> {
    let mut d = Dataset::from_linfa(linfa_datasets::winequality());
    d.target_names = vec!["quality".into()];
    d
}

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
    use ndarray::s;

    #[test]
    fn shapes() {
        let i = iris();
        assert_eq!((i.n_samples(), i.n_features(), i.n_classes()), (150, 4, 3));
        assert_eq!(i.class_counts(), vec![50, 50, 50]);
        let w = winequality();
        assert_eq!((w.n_samples(), w.n_features()), (1599, 11));
    }

    #[test]
    fn diabetes_has_all_442_patients_and_agrees_with_linfa_after_the_first() {
        let d = diabetes().unwrap();
        assert_eq!((d.n_samples(), d.n_features()), (442, 10));
        assert_eq!(d.targets[0], 151.0); // the first patient, which linfa-datasets drops
        let l = linfa_datasets::diabetes();
        assert_eq!(l.records.nrows(), 441);
        assert_eq!(d.features.slice(s![1.., ..]), l.records);
        assert_eq!(d.targets.slice(s![1..]), l.targets);
    }

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
