//! How many threads OpenBLAS uses for the engine's matrix products.
//!
//! OpenBLAS starts one thread per core and, between products, lets the extra threads spin while
//! they wait for work. The course's matrices are small, so the extra threads buy little and burn
//! a core: measured on two cores, a one-block transformer trained on the reversal task took
//! 7.3–8.6 s of wall time and 8.3 s of CPU time with one thread, 8.3–8.9 s and 16.8 s with two;
//! the benchmark models were as fast or faster (784-256-256-10 MLP 1.73 s both ways, small CNN
//! 0.82 s vs 1.05 s). So the first matrix product of the engine asks for one thread — unless
//! the environment variable `OPENBLAS_NUM_THREADS` is set, which then decides, or
//! [`set_blas_threads`] was called.
//!
//! OpenBLAS also picks its compute kernel by processor (or by the environment variable
//! `OPENBLAS_CORETYPE`, read when the library loads), and the last bits of a matrix product depend
//! on that kernel: [`blas_core_name`] says which one runs.

use std::sync::Once;

static CHOSEN: Once = Once::new();

unsafe extern "C" {
    fn openblas_set_num_threads(n: std::ffi::c_int);
    fn openblas_get_num_threads() -> std::ffi::c_int;
    fn openblas_get_corename() -> *const std::ffi::c_char;
    #[cfg(test)]
    fn openblas_get_parallel() -> std::ffi::c_int;
}

/// Sets the number of threads of OpenBLAS (for the whole process, including ndarray-linalg).
pub fn set_blas_threads(n: usize) {
    CHOSEN.call_once(|| ());
    let n = n.clamp(1, std::ffi::c_int::MAX as usize) as std::ffi::c_int;
    // SAFETY: OpenBLAS's documented setter; it only stores the count used by later calls.
    unsafe { openblas_set_num_threads(n) }
}

/// Called before the engine's products: one thread, unless the user chose.
pub(crate) fn use_default_blas_threads() {
    CHOSEN.call_once(|| {
        if std::env::var_os("OPENBLAS_NUM_THREADS").is_none() {
            // SAFETY: as above.
            unsafe { openblas_set_num_threads(1) }
        }
    });
}

/// The number of threads OpenBLAS uses now.
pub fn blas_threads() -> usize {
    // SAFETY: OpenBLAS's documented getter.
    unsafe { openblas_get_num_threads() }.max(1) as usize
}

/// The name of the OpenBLAS kernel that runs the matrix products ("Haswell", "SkylakeX", "Zen" …).
pub fn blas_core_name() -> String {
    // SAFETY: OpenBLAS's documented getter returns a static, NUL-terminated string (or null).
    let name = unsafe { openblas_get_corename() };
    if name.is_null() {
        return String::from("unknown");
    }
    // SAFETY: non-null, NUL-terminated and static, as above.
    unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_count_can_be_set_and_read() {
        // SAFETY: OpenBLAS's documented getter (0 for a single-threaded build of the library).
        let threaded = unsafe { openblas_get_parallel() } != 0;
        if threaded && std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
            set_blas_threads(2);
            assert_eq!(blas_threads(), 2);
        }
        set_blas_threads(1);
        assert_eq!(blas_threads(), 1);
        use_default_blas_threads(); // a choice was made: the default no longer applies
        assert_eq!(blas_threads(), 1);
    }

    /// `make test-portability` runs the tests under several `OPENBLAS_CORETYPE`s: the one asked
    /// for must be the one that runs (OpenBLAS ignores names it does not know).
    #[test]
    fn the_kernel_asked_for_is_the_kernel_that_runs() {
        let name = blas_core_name();
        println!("OpenBLAS kernel: {name}");
        assert!(!name.is_empty() && name != "unknown");
        if let Ok(asked) = std::env::var("OPENBLAS_CORETYPE") {
            if !asked.is_empty() {
                assert!(name.eq_ignore_ascii_case(&asked), "OPENBLAS_CORETYPE={asked} but OpenBLAS runs {name}");
            }
        }
    }
}
