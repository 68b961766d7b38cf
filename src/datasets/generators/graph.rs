//! A small graph with node features and labels: two or more communities (a stochastic block
//! model), for graph convolutions and attacks on edges.

use super::{check_count, check_probability, check_std, normal, rng};
use crate::error::{Error, Result};
use ndarray::{Array1, Array2};
use rand::Rng;
use rand_distr::Distribution;

/// An undirected graph without self-loops, with a feature vector and a label per node.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Symmetric 0/1 adjacency matrix (n × n), zero diagonal.
    pub adjacency: Array2<f64>,
    /// Node features (n × f).
    pub features: Array2<f64>,
    /// Node labels (n).
    pub labels: Array1<usize>,
}

impl Graph {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.adjacency.nrows()
    }

    /// Number of (undirected) edges.
    pub fn n_edges(&self) -> usize {
        (self.adjacency.sum() / 2.0).round() as usize
    }

    /// The degree of each node.
    pub fn degrees(&self) -> Array1<f64> {
        self.adjacency.sum_axis(ndarray::Axis(1))
    }

    /// The graph-convolution propagation matrix D̃^(−½) (A + I) D̃^(−½), where D̃ is the degree
    /// matrix of A + I (Kipf and Welling, 2017).
    pub fn normalized_adjacency(&self) -> Array2<f64> {
        let n = self.n_nodes();
        let a = &self.adjacency + &Array2::<f64>::eye(n);
        let d: Array1<f64> = a.sum_axis(ndarray::Axis(1)).mapv(|d| 1.0 / d.sqrt());
        Array2::from_shape_fn((n, n), |(i, j)| d[i] * a[[i, j]] * d[j])
    }

    /// The same graph with its nodes relabelled: new node i is old node `permutation[i]`
    /// (adjacency P A Pᵀ, features P X, labels P y).
    pub fn permuted(&self, permutation: &[usize]) -> Result<Graph> {
        let n = self.n_nodes();
        let mut seen = vec![false; n];
        for &p in permutation {
            if p >= n || std::mem::replace(&mut seen[p], true) {
                return Err(Error::invalid(
                    "Graph::permuted",
                    format!("{permutation:?} is not a permutation of 0..{n}: each node index must appear exactly once"),
                ));
            }
        }
        if permutation.len() != n {
            return Err(Error::Shape {
                op: "Graph::permuted".into(),
                expected: format!("{n} indices"),
                got: format!("{}", permutation.len()),
            });
        }
        Ok(Graph {
            adjacency: Array2::from_shape_fn((n, n), |(i, j)| self.adjacency[[permutation[i], permutation[j]]]),
            features: self.features.select(ndarray::Axis(0), permutation),
            labels: permutation.iter().map(|&p| self.labels[p]).collect(),
        })
    }
}

/// A stochastic block model: `n_communities` communities of `n_per_community` nodes; two nodes
/// are joined with probability `p_in` inside a community and `p_out` across. Each node's features
/// are the one-hot vector of its community plus Gaussian noise of standard deviation
/// `feature_noise` (large noise makes the features alone unreliable, so that the edges matter).
/// The label is the community.
pub fn community_graph(
    n_communities: usize,
    n_per_community: usize,
    p_in: f64,
    p_out: f64,
    feature_noise: f64,
    seed: u64,
) -> Result<Graph> {
    let op = "community_graph";
    check_count(op, "n_communities", n_communities, 1)?;
    check_count(op, "n_per_community", n_per_community, 1)?;
    check_probability(op, "p_in", p_in)?;
    check_probability(op, "p_out", p_out)?;
    check_std(op, "feature_noise", feature_noise)?;
    let n = n_communities * n_per_community;
    let labels: Array1<usize> = (0..n).map(|i| i / n_per_community).collect();
    let mut rng = rng(seed);
    let mut adjacency = Array2::zeros((n, n));
    for i in 0..n {
        for j in i + 1..n {
            let p = if labels[i] == labels[j] { p_in } else { p_out };
            if rng.gen::<f64>() < p {
                adjacency[[i, j]] = 1.0;
                adjacency[[j, i]] = 1.0;
            }
        }
    }
    let eps = normal(feature_noise);
    let features =
        Array2::from_shape_fn((n, n_communities), |(i, c)| f64::from(u8::from(labels[i] == c)) + eps.sample(&mut rng));
    Ok(Graph { adjacency, features, labels })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_are_denser_inside() {
        let g = community_graph(2, 50, 0.2, 0.02, 0.5, 1).unwrap();
        assert_eq!(g.n_nodes(), 100);
        assert_eq!(g.adjacency, g.adjacency.t());
        assert!(g.adjacency.diag().iter().all(|&d| d == 0.0));
        let (mut inside, mut across) = (0.0, 0.0);
        for i in 0..100 {
            for j in 0..100 {
                if g.labels[i] == g.labels[j] {
                    inside += g.adjacency[[i, j]]
                } else {
                    across += g.adjacency[[i, j]]
                }
            }
        }
        // expected: 2·50·49·0.2 = 980 inside, 2·50·50·0.02 = 100 across (counted twice each)
        assert!((inside / 980.0 - 1.0).abs() < 0.15 && (across / 100.0 - 1.0).abs() < 0.4, "{inside} {across}");
        assert_eq!(g.n_edges() as f64, (inside + across) / 2.0);
    }

    #[test]
    fn relabelling_permutes_everything_and_normalisation_is_symmetric() {
        let g = community_graph(3, 4, 0.8, 0.1, 0.1, 2).unwrap();
        let perm: Vec<usize> = (0..12).rev().collect();
        let p = g.permuted(&perm).unwrap();
        assert_eq!(p.adjacency[[0, 1]], g.adjacency[[11, 10]]);
        assert_eq!(p.labels[0], g.labels[11]);
        let s = g.normalized_adjacency();
        assert!((&s - &s.t()).iter().all(|d| d.abs() < 1e-15));
        assert!(g.permuted(&[0, 0, 1]).unwrap_err().to_string().contains("not a permutation"));
    }
}
