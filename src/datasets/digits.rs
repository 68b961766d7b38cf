//! The 8×8 handwritten digits (UCI optdigits test set, 1,797 images, CC BY 4.0).

use super::files::{data_dir, read_numeric_csv};
use super::Dataset;
use crate::error::{Error, Result};
use ndarray::{s, Array1};

const FILE: &str = "digits.csv.gz";
const PIXELS: usize = 64;

/// The 8×8 handwritten digits: 1,797 images as rows of 64 pixel intensities in 0–16
/// (row-major, `pixel_r_c`), labels 0–9.
///
/// Read from `data/digits.csv.gz` (a copy of scikit-learn's, see `data/README.md`).
///
/// ```
/// let d = dlcourse::datasets::digits().unwrap();
/// assert_eq!((d.n_samples(), d.n_features(), d.n_classes()), (1797, 64, 10));
/// ```
pub fn digits() -> Result<Dataset<usize>> {
    let table = read_numeric_csv(FILE, PIXELS + 1)?;
    let bad = |problem: String| Error::DataFile {
        path: data_dir().join(FILE),
        problem,
        hint: format!("Restore the shipped copy with `git checkout -- data/{FILE}`"),
    };
    let features = table.slice(s![.., ..PIXELS]).to_owned();
    if let Some(((i, j), v)) = features.indexed_iter().find(|(_, v)| !(0.0..=16.0).contains(*v)) {
        return Err(bad(format!("line {}: pixel {} is {v}, outside 0–16", i + 1, j + 1)));
    }
    let mut labels = Array1::<usize>::zeros(table.nrows());
    for (i, &v) in table.column(PIXELS).iter().enumerate() {
        if !(0.0..=9.0).contains(&v) || v.fract() != 0.0 {
            return Err(bad(format!("line {}: label {v} is not a digit 0–9", i + 1)));
        }
        labels[i] = v as usize;
    }
    Ok(Dataset {
        features,
        targets: labels,
        feature_names: (0..PIXELS).map(|p| format!("pixel_{}_{}", p / 8, p % 8)).collect(),
        target_names: (0..10).map(|d| d.to_string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::files::{parse_numeric_csv, read_data_file};
    use super::*;

    #[test]
    fn shapes_and_known_values() {
        let d = digits().unwrap();
        assert_eq!(d.features.dim(), (1797, 64));
        assert_eq!(d.n_classes(), 10);
        // the first image is a 0; its first row of pixels is 0 0 5 13 9 1 0 0
        assert_eq!(d.targets[0], 0);
        assert_eq!(
            d.features.row(0).iter().take(8).copied().collect::<Vec<_>>(),
            vec![0., 0., 5., 13., 9., 1., 0., 0.]
        );
        assert_eq!(d.targets[1], 1);
        assert_eq!(d.class_counts().iter().sum::<usize>(), 1797);
        assert!(d.class_counts().iter().all(|&c| (174..=183).contains(&c)));
    }

    #[test]
    fn bad_rows_report_their_line() {
        let good = "0,".repeat(64) + "3";
        let text = format!("{good}\n{good}\n1,2,3\n");
        assert_eq!(parse_numeric_csv(&text, 65), Err((3, "3 fields instead of 65".into())));
        let text = format!("{good}\n{}x\n", "0,".repeat(64));
        assert_eq!(parse_numeric_csv(&text, 65), Err((2, "\"x\" is not a number".into())));
        assert_eq!(parse_numeric_csv("", 65), Err((1, "no rows of numbers".into())));
        let two = parse_numeric_csv(&format!("{good}\n{good}\n"), 65).unwrap();
        assert_eq!((two.dim(), two[[1, 64]]), ((2, 65), 3.0));
    }

    #[test]
    fn missing_file_names_path_and_fix() {
        let e = read_data_file("no_such_file.csv.gz").unwrap_err().to_string();
        assert!(e.contains("no_such_file.csv.gz") && e.contains("git checkout"), "{e}");
    }
}
