//! The operations of the tensor engine, one family per file. Each operation computes its value
//! and registers its backward rule right beside it; the doc comment gives the partial derivatives.

mod activation;
mod broadcast;
mod conv;
mod conv_nd;
mod elementwise;
mod map;
mod matmul;
mod normalize;
mod reduce;
mod shape;

pub use broadcast::{broadcast_shape, reduce_to_shape};
pub use conv::conv_output_size;

#[cfg(test)]
mod tests;
