//! Element-wise maps over the raw values, split across threads for big arrays. Every entry is
//! computed on its own, so the result is the same whatever the number of threads.

use ndarray::ArrayD;
use rayon::prelude::*;

/// Arrays with at least this many entries are mapped in parallel; smaller ones would spend more
/// on waking threads than they save.
const PARALLEL_FROM: usize = 32_768;
/// The fewest entries one thread takes at a time.
const PARALLEL_CHUNK: usize = 8_192;

/// `f(a)` for every entry.
pub(crate) fn map1(a: &ArrayD<f64>, f: impl Fn(f64) -> f64 + Sync) -> ArrayD<f64> {
    let a_values = a.as_standard_layout();
    let a_values = a_values.as_slice().expect("a standard-layout array is one slice");
    let values: Vec<f64> = if a_values.len() >= PARALLEL_FROM {
        a_values.par_iter().with_min_len(PARALLEL_CHUNK).map(|&x| f(x)).collect()
    } else {
        a_values.iter().map(|&x| f(x)).collect()
    };
    ArrayD::from_shape_vec(a.raw_dim(), values).expect("the input's shape")
}

/// `f(a, b)` entry by entry, for two arrays of one shape.
pub(crate) fn map2(a: &ArrayD<f64>, b: &ArrayD<f64>, f: impl Fn(f64, f64) -> f64 + Sync) -> ArrayD<f64> {
    map3(a, b, b, |x, y, _| f(x, y))
}

/// `f(a, b, c)` entry by entry, for three arrays of one shape.
pub(crate) fn map3(
    a: &ArrayD<f64>,
    b: &ArrayD<f64>,
    c: &ArrayD<f64>,
    f: impl Fn(f64, f64, f64) -> f64 + Sync,
) -> ArrayD<f64> {
    assert!(a.shape() == b.shape() && b.shape() == c.shape(), "map3 needs one shape");
    let (a_values, b_values, c_values) = (a.as_standard_layout(), b.as_standard_layout(), c.as_standard_layout());
    let (a_s, b_s, c_s) = (
        a_values.as_slice().expect("a standard-layout array is one slice"),
        b_values.as_slice().expect("a standard-layout array is one slice"),
        c_values.as_slice().expect("a standard-layout array is one slice"),
    );
    let values: Vec<f64> = if a_s.len() >= PARALLEL_FROM {
        (a_s.par_iter(), b_s.par_iter(), c_s.par_iter())
            .into_par_iter()
            .with_min_len(PARALLEL_CHUNK)
            .map(|(&x, &y, &z)| f(x, y, z))
            .collect()
    } else {
        a_s.iter().zip(b_s).zip(c_s).map(|((&x, &y), &z)| f(x, y, z)).collect()
    };
    ArrayD::from_shape_vec(a.raw_dim(), values).expect("the inputs' shape")
}
