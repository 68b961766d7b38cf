//! A tensor engine with reverse-mode automatic differentiation.
//!
//! A [`Tensor`] holds an n-dimensional array of `f64` and remembers how it was computed: every
//! operation records its inputs and a *backward rule* — the vector–Jacobian product that turns
//! the gradient of the loss with respect to its output into gradients with respect to its inputs.
//! [`Tensor::backward`] walks that graph once, from a scalar loss back to the leaves, in reverse
//! topological order: the same algorithm as the scalar engine written in the back-propagation
//! notebook, on arrays.
//!
//! ```
//! use dlcourse::tensor::Tensor;
//! let x = Tensor::param_from(&[2.0, 3.0]);
//! let y = (&x * &x).sum();           // y = x₁² + x₂²
//! y.backward().unwrap();
//! assert_eq!(x.grad().unwrap().as_slice().unwrap(), &[4.0, 6.0]); // ∂y/∂x = 2x
//! ```
//!
//! Each operation lives in a file of [`ops`] with its forward computation and, right beside it,
//! its backward rule and the partial derivatives in its doc comment.

mod blas;
mod core;
mod gradcheck;
pub mod ops;
mod param;

pub use self::core::{no_grad, Tensor};
pub use blas::{blas_core_name, blas_threads, set_blas_threads};
pub use gradcheck::{gradcheck, GradcheckReport};
pub use param::Param;
