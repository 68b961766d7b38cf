//! Pooling and flattening layers (no parameters).

use super::Module;
use crate::error::Result;
use crate::tensor::Tensor;

/// Max pooling over k×k windows.
#[derive(Clone, Copy, Debug)]
pub struct MaxPool2d {
    /// Window size k.
    pub kernel: usize,
    /// Step between windows (usually k).
    pub stride: usize,
}

impl MaxPool2d {
    /// Non-overlapping k×k max pooling (stride k).
    pub fn new(kernel: usize) -> MaxPool2d {
        MaxPool2d { kernel, stride: kernel }
    }
}

impl Module for MaxPool2d {
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.max_pool2d(self.kernel, self.stride)
    }
}

/// Average pooling over k×k windows.
#[derive(Clone, Copy, Debug)]
pub struct AvgPool2d {
    /// Window size k.
    pub kernel: usize,
    /// Step between windows (usually k).
    pub stride: usize,
}

impl AvgPool2d {
    /// Non-overlapping k×k average pooling (stride k).
    pub fn new(kernel: usize) -> AvgPool2d {
        AvgPool2d { kernel, stride: kernel }
    }
}

impl Module for AvgPool2d {
    /// # Shapes
    /// (n, c, h, w) → (n, c, ⌊(h − k)/s⌋ + 1, ⌊(w − k)/s⌋ + 1)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.avg_pool2d(self.kernel, self.stride)
    }
}

/// Flattens every sample: (n, d₁, d₂, …) → (n, d₁·d₂·…).
#[derive(Clone, Copy, Debug, Default)]
pub struct Flatten;

impl Module for Flatten {
    /// # Shapes
    /// (n, d₁, …, d_k) → (n, d₁ ⋯ d_k)
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let n = x.shape().first().copied().unwrap_or(1);
        let rest: usize = x.shape().iter().skip(1).product();
        x.reshape(&[n, rest])
    }
}
