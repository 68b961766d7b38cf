//! The [`Tensor`] type, the graph it records and the backward pass.

use crate::error::{Error, Result};
use ndarray::{ArrayD, Dimension, IxDyn};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

/// The backward rule of an operation: from ∂L/∂output (and the output's value, for rules
/// written in terms of it) to ∂L/∂input for each input (`None` where an input needs no gradient).
pub(crate) type BackwardFn = Box<dyn Fn(&ArrayD<f64>, &ArrayD<f64>) -> Vec<Option<ArrayD<f64>>>>;

struct Node {
    value: ArrayD<f64>,
    grad: RefCell<Option<ArrayD<f64>>>,
    requires_grad: bool,
    parents: Vec<Tensor>,
    backward: Option<BackwardFn>,
    op: &'static str,
}

impl Drop for Node {
    /// Frees a long chain of nodes without recursion (a recursive drop of a graph with 100,000
    /// operations would overflow the stack).
    fn drop(&mut self) {
        drop(self.backward.take());
        let mut stack = std::mem::take(&mut self.parents);
        while let Some(t) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(t.0) {
                drop(node.backward.take());
                stack.append(&mut node.parents);
            }
        }
    }
}

/// An n-dimensional array of `f64` that records the operations applied to it, so that
/// [`Tensor::backward`] can compute gradients. Cloning a tensor is cheap (it shares the node).
#[derive(Clone)]
pub struct Tensor(Rc<Node>);

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Runs `f` without recording operations (evaluation, parameter updates): results have no
/// gradient and hold no graph.
///
/// ```
/// use dlcourse::tensor::{no_grad, Tensor};
/// let w = Tensor::param_from(&[1.0]);
/// let y = no_grad(|| &w * 3.0);
/// assert!(!y.requires_grad());
/// ```
pub fn no_grad<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            GRAD_ENABLED.with(|g| g.set(self.0));
        }
    }
    let _restore = Restore(GRAD_ENABLED.with(|g| g.replace(false)));
    f()
}

fn grad_enabled() -> bool {
    GRAD_ENABLED.with(|g| g.get())
}

impl Tensor {
    fn leaf(value: ArrayD<f64>, requires_grad: bool) -> Tensor {
        Tensor(Rc::new(Node {
            value,
            grad: RefCell::new(None),
            requires_grad,
            parents: vec![],
            backward: None,
            op: "leaf",
        }))
    }

    /// A constant tensor (no gradient is computed for it).
    pub fn new<D: Dimension>(value: ndarray::Array<f64, D>) -> Tensor {
        Tensor::leaf(value.into_dyn(), false)
    }

    /// A parameter or an input whose gradient we want: [`Tensor::backward`] fills [`Tensor::grad`].
    pub fn param<D: Dimension>(value: ndarray::Array<f64, D>) -> Tensor {
        Tensor::leaf(value.into_dyn(), true)
    }

    /// A 1-D parameter from a slice.
    pub fn param_from(values: &[f64]) -> Tensor {
        Tensor::param(ndarray::Array1::from(values.to_vec()))
    }

    /// A 1-D constant from a slice.
    pub fn from_slice(values: &[f64]) -> Tensor {
        Tensor::new(ndarray::Array1::from(values.to_vec()))
    }

    /// A constant scalar (0-dimensional).
    pub fn scalar(value: f64) -> Tensor {
        Tensor::new(ndarray::arr0(value))
    }

    /// A constant of zeros.
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::new(ArrayD::zeros(IxDyn(shape)))
    }

    /// The result of an operation: `value`, computed from `inputs`, with its backward rule.
    /// Records nothing (a constant) in [`no_grad`] mode or when no input requires a gradient.
    pub(crate) fn from_op(
        value: ArrayD<f64>,
        inputs: &[&Tensor],
        op: &'static str,
        backward: impl Fn(&ArrayD<f64>) -> Vec<Option<ArrayD<f64>>> + 'static,
    ) -> Tensor {
        Tensor::from_op_with_output(value, inputs, op, move |g, _| backward(g))
    }

    /// Like [`Tensor::from_op`], for a backward rule that also reads the output's value
    /// (σ′ = σ(1 − σ), softmax, …): it receives (∂L/∂output, output) instead of keeping a copy.
    pub(crate) fn from_op_with_output(
        value: ArrayD<f64>,
        inputs: &[&Tensor],
        op: &'static str,
        backward: impl Fn(&ArrayD<f64>, &ArrayD<f64>) -> Vec<Option<ArrayD<f64>>> + 'static,
    ) -> Tensor {
        let requires_grad = grad_enabled() && inputs.iter().any(|t| t.requires_grad());
        if !requires_grad {
            return Tensor::leaf(value, false);
        }
        Tensor(Rc::new(Node {
            value,
            grad: RefCell::new(None),
            requires_grad,
            parents: inputs.iter().map(|t| (*t).clone()).collect(),
            backward: Some(Box::new(backward)),
            op,
        }))
    }

    /// The values.
    pub fn value(&self) -> &ArrayD<f64> {
        &self.0.value
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.0.value.shape()
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.0.value.ndim()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.0.value.len()
    }

    /// True if the tensor has no elements.
    pub fn is_empty(&self) -> bool {
        self.0.value.is_empty()
    }

    /// Whether gradients flow to (or through) this tensor.
    pub fn requires_grad(&self) -> bool {
        self.0.requires_grad
    }

    /// The name of the operation that produced this tensor ("leaf" for inputs and parameters).
    pub fn op(&self) -> &'static str {
        self.0.op
    }

    /// The tensors this one was computed from.
    pub fn inputs(&self) -> &[Tensor] {
        &self.0.parents
    }

    /// The value of a one-element tensor.
    pub fn item(&self) -> Result<f64> {
        if self.len() != 1 {
            return Err(Error::Shape {
                op: "item".into(),
                expected: "a tensor with one element".into(),
                got: format!("{:?}", self.shape()),
            });
        }
        Ok(*self.0.value.iter().next().expect("one element"))
    }

    /// The accumulated gradient ∂L/∂self of a leaf that requires it, after [`Tensor::backward`].
    pub fn grad(&self) -> Option<ArrayD<f64>> {
        self.0.grad.borrow().clone()
    }

    /// The accumulated gradient, borrowed instead of copied (for optimisers).
    pub(crate) fn grad_ref(&self) -> std::cell::Ref<'_, Option<ArrayD<f64>>> {
        self.0.grad.borrow()
    }

    /// Forgets the accumulated gradient (call before each optimisation step).
    pub fn zero_grad(&self) {
        *self.0.grad.borrow_mut() = None;
    }

    /// The same values, cut off from the graph: no gradient flows through the result.
    pub fn detach(&self) -> Tensor {
        Tensor::leaf(self.0.value.clone(), false)
    }

    /// Whether two handles are the same node of the graph.
    pub fn same_node(&self, other: &Tensor) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Adds `g` to this leaf's gradient.
    fn accumulate(&self, g: ArrayD<f64>) {
        let mut slot = self.0.grad.borrow_mut();
        match slot.as_mut() {
            Some(acc) => *acc += &g,
            None => *slot = Some(g),
        }
    }

    /// The nodes that lead to `self`, each after all of its inputs (iterative, so that deep
    /// graphs do not overflow the stack).
    fn topological_order(&self) -> Vec<Tensor> {
        let mut order = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(self.clone(), false)];
        while let Some((t, children_done)) = stack.pop() {
            let key = Rc::as_ptr(&t.0);
            if children_done {
                order.push(t);
                continue;
            }
            if !seen.insert(key) {
                continue;
            }
            stack.push((t.clone(), true));
            for p in t.0.parents.iter().filter(|p| p.requires_grad()) {
                if !seen.contains(&Rc::as_ptr(&p.0)) {
                    stack.push((p.clone(), false));
                }
            }
        }
        order
    }

    /// Back-propagation: computes ∂self/∂x for every leaf x that requires a gradient and adds it
    /// to x's gradient (gradients accumulate across calls; see [`Tensor::zero_grad`]).
    ///
    /// `self` must be a scalar (one element), typically a loss.
    pub fn backward(&self) -> Result<()> {
        if self.len() != 1 {
            return Err(Error::Shape {
                op: "backward".into(),
                expected: "a scalar loss (one element); reduce it first, e.g. with .sum() or .mean()".into(),
                got: format!("a tensor of shape {:?} made by `{}`", self.shape(), self.op()),
            });
        }
        if !self.requires_grad() {
            return Err(Error::invalid(
                "backward",
                "this value does not depend on any tensor that requires a gradient (made with Tensor::param, and not inside no_grad)",
            ));
        }
        let mut grads: HashMap<*const Node, ArrayD<f64>> = HashMap::new();
        grads.insert(Rc::as_ptr(&self.0), ArrayD::ones(self.0.value.raw_dim()));
        for t in self.topological_order().iter().rev() {
            let Some(g) = grads.remove(&Rc::as_ptr(&t.0)) else { continue };
            let Some(backward) = &t.0.backward else {
                t.accumulate(g);
                continue;
            };
            for (parent, pg) in t.0.parents.iter().zip(backward(&g, &t.0.value)) {
                let Some(pg) = pg else { continue };
                if !parent.requires_grad() {
                    continue;
                }
                debug_assert_eq!(
                    pg.shape(),
                    parent.shape(),
                    "backward of `{}` gave a gradient of the wrong shape",
                    t.op()
                );
                match grads.get_mut(&Rc::as_ptr(&parent.0)) {
                    Some(acc) => *acc += &pg,
                    None => {
                        grads.insert(Rc::as_ptr(&parent.0), pg);
                    }
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Tensor(op: {}, shape: {:?}, requires_grad: {})\n{:.4}",
            self.op(),
            self.shape(),
            self.requires_grad(),
            self.value()
        )
    }
}

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.4}", self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_needs_a_scalar_and_a_graph() {
        let x = Tensor::param_from(&[1.0, 2.0]);
        let e = (&x * 2.0).backward().unwrap_err().to_string();
        assert!(e.contains("backward") && e.contains("[2]") && e.contains("scalar"), "{e}");
        let c = Tensor::from_slice(&[1.0]).sum();
        assert!(c.backward().unwrap_err().to_string().contains("does not depend"));
    }

    #[test]
    fn gradients_accumulate_and_reset() {
        let x = Tensor::param_from(&[3.0]);
        let y = (&x * &x).sum();
        y.backward().unwrap();
        y.backward().unwrap();
        assert_eq!(x.grad().unwrap()[[0]], 12.0); // 2 · 2x
        x.zero_grad();
        assert!(x.grad().is_none());
    }

    #[test]
    fn shared_subexpressions_sum_their_gradients() {
        // y = a·b + a: ∂y/∂a = b + 1 (two paths from y to a)
        let a = Tensor::param_from(&[2.0]);
        let b = Tensor::param_from(&[5.0]);
        let y = (&(&a * &b) + &a).sum();
        y.backward().unwrap();
        assert_eq!(a.grad().unwrap()[[0]], 6.0);
        assert_eq!(b.grad().unwrap()[[0]], 2.0);
    }

    #[test]
    fn no_grad_and_detach_cut_the_graph() {
        let x = Tensor::param_from(&[1.0]);
        assert!(!no_grad(|| &x * 2.0).requires_grad());
        assert!((&x * 2.0).requires_grad());
        assert!(!x.detach().requires_grad());
    }

    #[test]
    fn deep_graphs_do_not_overflow_the_stack() {
        let x = Tensor::param_from(&[1.0]);
        let mut y = x.clone();
        for _ in 0..100_000 {
            y = &y * 1.0;
        }
        y.sum().backward().unwrap();
        assert_eq!(x.grad().unwrap()[[0]], 1.0);
    }
}
