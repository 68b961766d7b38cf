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
///
/// The features, in the order of the data file: age, sex, body mass index, mean blood pressure
/// and six blood serum measurements s1 … s6. Their names are those of Efron, Hastie, Johnstone and
/// Tibshirani (2004), "Least Angle Regression", Annals of Statistics 32(2), and of scikit-learn's
/// `load_diabetes` documentation (whose first row is this file's first row): s1 = tc (total serum
/// cholesterol), s2 = ldl (low-density lipoproteins), s3 = hdl (high-density lipoproteins),
/// s4 = tch (total cholesterol / HDL), s5 = ltg (log of the serum triglycerides level),
/// s6 = glu (blood sugar level). linfa-datasets 0.8 names s1, s4 and s5 wrongly ("t-cells",
/// "thyroid stimulating hormone", "lamotrigine").
pub fn diabetes() -> Result<Dataset<f64>> {
    let features = read_numeric_csv("diabetes_data.csv.gz", 10)?;
    let targets = read_numeric_csv("diabetes_target.csv.gz", 1)?.column(0).to_owned();
    let names = [
        "age",
        "sex",
        "bmi (body mass index)",
        "bp (mean blood pressure)",
        "s1 tc (total serum cholesterol)",
        "s2 ldl (low-density lipoproteins)",
        "s3 hdl (high-density lipoproteins)",
        "s4 tch (total cholesterol / HDL)",
        "s5 ltg (log serum triglycerides)",
        "s6 glu (blood sugar level)",
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

    #[test]
    fn diabetes_columns_are_in_the_order_their_names_say() {
        // The names come from the papers; the data say whether the columns are in that order:
        // sex takes two values, total cholesterol (s1) moves with LDL (s2), and the ratio
        // total / HDL (s4) falls as HDL (s3) rises (correlations 0.90 and −0.74 here).
        let d = diabetes().unwrap();
        let name = |i: usize| d.feature_names[i].as_str();
        assert_eq!((name(1), &name(4)[..5], &name(5)[..6], &name(7)[..6]), ("sex", "s1 tc", "s2 ldl", "s4 tch"));
        let mut sexes: Vec<f64> = d.features.column(1).to_vec();
        sexes.sort_by(f64::total_cmp);
        sexes.dedup();
        assert_eq!(sexes.len(), 2);
        let correlation = |i: usize, j: usize| {
            let (a, b) = (d.features.column(i), d.features.column(j));
            let (a, b) = (&a - a.mean().unwrap(), &b - b.mean().unwrap());
            a.dot(&b) / (a.dot(&a) * b.dot(&b)).sqrt()
        };
        assert!(correlation(4, 5) > 0.85, "s1–s2: {}", correlation(4, 5));
        assert!(correlation(6, 7) < -0.7, "s3–s4: {}", correlation(6, 7));
        assert!(d.feature_names.iter().all(|n| !n.contains("t-cells") && !n.contains("lamotrigine")));
    }
}
