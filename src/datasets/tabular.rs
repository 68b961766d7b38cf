//! The small tabular data sets: iris and wine quality from linfa-datasets (compiled into that
//! crate), diabetes from `data/` (linfa-datasets 0.8 reads its first patient as a header line
//! and returns 441 of the 442).

use super::files::read_numeric_csv;
use super::Dataset;
use crate::error::Result;

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
}
