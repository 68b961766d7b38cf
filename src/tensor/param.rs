//! [`Param`]: a named, trainable tensor shared between a model and its optimiser.

use super::Tensor;
use ndarray::ArrayD;
use std::cell::RefCell;
use std::rc::Rc;

/// A trainable parameter: a handle to the current leaf tensor holding its values.
///
/// A model reads it with [`Param::tensor`] in `forward`; an optimiser replaces it with a new leaf
/// after each step ([`Param::set_value`]). Nodes of the graph are never mutated in place, so a
/// graph built before the step still sees the old values. Cloning a `Param` shares it.
#[derive(Clone)]
pub struct Param {
    name: Rc<str>,
    cell: Rc<RefCell<Tensor>>,
}

impl Param {
    /// A parameter with initial values.
    pub fn new(name: impl Into<String>, value: ArrayD<f64>) -> Param {
        let name: String = name.into();
        Param { name: name.into(), cell: Rc::new(RefCell::new(Tensor::param(value))) }
    }

    /// Its name (for saving, loading and messages), e.g. `"layer1.weight"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same parameter under another name (used by containers to prefix their children's names).
    pub fn renamed(&self, name: impl Into<String>) -> Param {
        let name: String = name.into();
        Param { name: name.into(), cell: self.cell.clone() }
    }

    /// The leaf tensor to compute with (gradients accumulate on it).
    pub fn tensor(&self) -> Tensor {
        self.cell.borrow().clone()
    }

    /// The current values.
    pub fn value(&self) -> ArrayD<f64> {
        self.cell.borrow().value().clone()
    }

    /// The gradient accumulated by the last backward passes, if any.
    pub fn grad(&self) -> Option<ArrayD<f64>> {
        self.cell.borrow().grad()
    }

    /// Replaces the values with a fresh leaf (no gradient).
    pub fn set_value(&self, value: ArrayD<f64>) {
        let fresh = Tensor::param(value);
        *self.cell.borrow_mut() = fresh;
    }

    /// The current leaf (cheap: an optimiser step replaces the leaf instead of changing it, so
    /// holding on to it keeps these values); [`Param::restore`] puts it back.
    pub fn snapshot(&self) -> Tensor {
        self.cell.borrow().clone()
    }

    /// Puts back a leaf saved by [`Param::snapshot`] (its gradient is cleared).
    pub fn restore(&self, snapshot: &Tensor) {
        snapshot.zero_grad();
        *self.cell.borrow_mut() = snapshot.clone();
    }

    /// Forgets the accumulated gradient.
    pub fn zero_grad(&self) {
        self.cell.borrow().zero_grad();
    }

    /// Number of scalars in the parameter.
    pub fn len(&self) -> usize {
        self.cell.borrow().len()
    }

    /// True if the parameter holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Shape of the parameter.
    pub fn shape(&self) -> Vec<usize> {
        self.cell.borrow().shape().to_vec()
    }

    /// Whether two handles share the same parameter.
    pub fn same(&self, other: &Param) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell)
    }
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Param({}, shape {:?})", self.name, self.shape())
    }
}
