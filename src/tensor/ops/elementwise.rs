//! Element-wise arithmetic with broadcasting, and element-wise functions.
//!
//! The `try_*` methods return an error for shapes that do not broadcast; the operators
//! (`&a + &b`, `&a * 2.0`, `-&a`, …) call them and panic with the same message.

use super::broadcast::{broadcast_map, broadcast_shape, reduce_to_shape};
use super::map::{map1, map3};
use crate::error::Result;
use crate::tensor::Tensor;

impl Tensor {
    /// `a + b` (broadcasting). ∂/∂a = 1, ∂/∂b = 1 — each summed over its broadcast axes.
    pub fn try_add(&self, b: &Tensor) -> Result<Tensor> {
        broadcast_shape("add", self.shape(), b.shape())?;
        let (sa, sb) = (self.shape().to_vec(), b.shape().to_vec());
        let wanted = (self.requires_grad(), b.requires_grad());
        Ok(Tensor::from_op(broadcast_map(self.value(), b.value(), |x, y| x + y), &[self, b], "add", move |g| {
            vec![wanted.0.then(|| reduce_to_shape(g, &sa)), wanted.1.then(|| reduce_to_shape(g, &sb))]
        }))
    }

    /// `a − b` (broadcasting). ∂/∂a = 1, ∂/∂b = −1.
    pub fn try_sub(&self, b: &Tensor) -> Result<Tensor> {
        broadcast_shape("sub", self.shape(), b.shape())?;
        let (sa, sb) = (self.shape().to_vec(), b.shape().to_vec());
        let wanted = (self.requires_grad(), b.requires_grad());
        Ok(Tensor::from_op(broadcast_map(self.value(), b.value(), |x, y| x - y), &[self, b], "sub", move |g| {
            vec![wanted.0.then(|| reduce_to_shape(g, &sa)), wanted.1.then(|| -reduce_to_shape(g, &sb))]
        }))
    }

    /// `a ⊙ b` (broadcasting). ∂/∂a = b, ∂/∂b = a.
    pub fn try_mul(&self, b: &Tensor) -> Result<Tensor> {
        broadcast_shape("mul", self.shape(), b.shape())?;
        let (a, b2) = (self.clone(), b.clone());
        let value = broadcast_map(self.value(), b.value(), |x, y| x * y);
        Ok(Tensor::from_op(value, &[self, b], "mul", move |g| {
            vec![
                a.requires_grad().then(|| reduce_to_shape(&broadcast_map(g, b2.value(), |g, b| g * b), a.shape())),
                b2.requires_grad().then(|| reduce_to_shape(&broadcast_map(g, a.value(), |g, a| g * a), b2.shape())),
            ]
        }))
    }

    /// `a / b` (broadcasting). ∂/∂a = 1/b, ∂/∂b = −a/b².
    pub fn try_div(&self, b: &Tensor) -> Result<Tensor> {
        broadcast_shape("div", self.shape(), b.shape())?;
        let (a, b2) = (self.clone(), b.clone());
        let value = broadcast_map(self.value(), b.value(), |x, y| x / y);
        Ok(Tensor::from_op(value, &[self, b], "div", move |g| {
            vec![
                a.requires_grad().then(|| reduce_to_shape(&broadcast_map(g, b2.value(), |g, b| g / b), a.shape())),
                b2.requires_grad().then(|| {
                    // −g·a/b², with a and g of the output's shape
                    let ga = broadcast_map(g, a.value(), |g, a| g * a);
                    reduce_to_shape(&broadcast_map(&ga, b2.value(), |ga, b| -ga / (b * b)), b2.shape())
                }),
            ]
        }))
    }

    /// `a + c` for a number c. ∂/∂a = 1.
    pub fn add_scalar(&self, c: f64) -> Tensor {
        Tensor::from_op(self.value() + c, &[self], "add_scalar", |g| vec![Some(g.clone())])
    }

    /// `c · a` for a number c. ∂/∂a = c.
    pub fn mul_scalar(&self, c: f64) -> Tensor {
        Tensor::from_op(self.value() * c, &[self], "mul_scalar", move |g| vec![Some(g * c)])
    }

    /// `−a`. ∂/∂a = −1.
    pub fn neg(&self) -> Tensor {
        Tensor::from_op(-self.value(), &[self], "neg", |g| vec![Some(-g)])
    }

    /// Applies `f` element-wise; the backward rule multiplies the incoming gradient by
    /// `df(x, f(x))`, the derivative written in terms of the input and/or the output.
    pub(crate) fn map_elementwise(
        &self,
        op: &'static str,
        f: impl Fn(f64) -> f64 + Sync,
        df: impl Fn(f64, f64) -> f64 + Send + Sync + 'static,
    ) -> Tensor {
        let x = self.clone();
        Tensor::from_op_with_output(map1(self.value(), f), &[self], op, move |g, y| {
            vec![Some(map3(g, x.value(), y, |g, x, y| g * df(x, y)))]
        })
    }

    /// `aᵖ` element-wise. ∂/∂a = p·aᵖ⁻¹. Whole exponents use repeated multiplication
    /// (`powi`), several times faster than the general power.
    pub fn powf(&self, p: f64) -> Tensor {
        self.map_elementwise("powf", move |x| power(x, p), move |x, _| p * power(x, p - 1.0))
    }

    /// `eᵃ`. ∂/∂a = eᵃ (the output itself).
    pub fn exp(&self) -> Tensor {
        self.map_elementwise("exp", f64::exp, |_, y| y)
    }

    /// `ln a`. ∂/∂a = 1/a.
    pub fn log(&self) -> Tensor {
        self.map_elementwise("log", f64::ln, |x, _| 1.0 / x)
    }

    /// `√a`. ∂/∂a = 1/(2√a).
    pub fn sqrt(&self) -> Tensor {
        self.map_elementwise("sqrt", f64::sqrt, |_, y| 0.5 / y)
    }

    /// `|a|`. ∂/∂a = sign(a) (0 at 0).
    pub fn abs(&self) -> Tensor {
        self.map_elementwise("abs", f64::abs, |x, _| {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        })
    }
}

/// Forwards an operator trait to a named method for every combination of owned and borrowed
/// operands (`&a + &b`, `a + b`, `&a + b`, `a + &b`). Boilerplate only: the maths is in the method.
macro_rules! tensor_operator {
    ($trait:ident, $method:ident, $named:ident) => {
        impl std::ops::$trait<&Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                self.$named(rhs).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl std::ops::$trait<Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                (&self).$method(&rhs)
            }
        }
        impl std::ops::$trait<&Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                (&self).$method(rhs)
            }
        }
        impl std::ops::$trait<Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                self.$method(&rhs)
            }
        }
    };
}
tensor_operator!(Add, add, try_add);
tensor_operator!(Sub, sub, try_sub);
tensor_operator!(Mul, mul, try_mul);
tensor_operator!(Div, div, try_div);

impl std::ops::Add<f64> for &Tensor {
    type Output = Tensor;
    fn add(self, c: f64) -> Tensor {
        self.add_scalar(c)
    }
}
impl std::ops::Sub<f64> for &Tensor {
    type Output = Tensor;
    fn sub(self, c: f64) -> Tensor {
        self.add_scalar(-c)
    }
}
impl std::ops::Mul<f64> for &Tensor {
    type Output = Tensor;
    fn mul(self, c: f64) -> Tensor {
        self.mul_scalar(c)
    }
}
impl std::ops::Div<f64> for &Tensor {
    type Output = Tensor;
    fn div(self, c: f64) -> Tensor {
        self.mul_scalar(1.0 / c)
    }
}
impl std::ops::Mul<f64> for Tensor {
    type Output = Tensor;
    fn mul(self, c: f64) -> Tensor {
        self.mul_scalar(c)
    }
}
impl std::ops::Add<f64> for Tensor {
    type Output = Tensor;
    fn add(self, c: f64) -> Tensor {
        self.add_scalar(c)
    }
}
impl std::ops::Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}
impl std::ops::Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(&self)
    }
}

/// xᵖ: x itself for p = 1, x·x for p = 2, `powi` for other small whole p, else `powf`.
fn power(x: f64, p: f64) -> f64 {
    if p == 1.0 {
        x
    } else if p == 2.0 {
        x * x
    } else if p.fract() == 0.0 && p.abs() <= 64.0 {
        x.powi(p as i32)
    } else {
        x.powf(p)
    }
}
