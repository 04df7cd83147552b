// Package repr computes measures of how a layer of a neural network
// represents labelled points: the generalized discrimination value (GDV),
// neural-collapse NC1, and linear CKA between two layers.
//
// # GDV
//
// Schilling et al. (2021): z-score every feature over the points and halve
// it; then the mean intra-class Euclidean distance, averaged over the
// classes, minus the mean inter-class distance, averaged over the pairs of
// classes, divided by √D for D features. Negative values mean the classes
// are tighter than they are apart; more negative is better separated. GDV
// needs every pairwise distance: O(n²·D) work over the held points, done
// with the exact float64 distances of package mst on all cores, in
// O(n·K + D) memory beyond the points.
//
// # NC1
//
// Papyan, Han and Donoho (2020): NC1 = Tr(Σ_W Σ_B⁺)/K, the within-class
// covariance measured against the between-class covariance of the K class
// means. It tends to 0 as the last layers collapse every class to its mean.
// Σ_B has rank at most K−1, so NC1 is computed in the span of the centred
// class means with K×K algebra: two passes over the points, O(K·D) memory
// and no D×D matrix. NC1Moments is its streaming, mergeable state: the
// class means and the within-class scatter pooled over the classes (D×D),
// updated batch by batch and merged by Chan, Golub and LeVeque's update;
// it reads the same NC1 to about 1e-13.
//
// # Linear CKA
//
// Kornblith et al. (2019): the alignment of the centred linear Gram
// matrices of two representations of the same points. CKA accumulates it
// over minibatches with the unbiased HSIC estimator of Song et al. (2012),
// as Nguyen, Raghu and Kornblith (2021) do, in O(b²) memory for batches of
// b points; the value depends on the batch size, so LinearCKA re-feeds held
// points in DefaultBatch rows. CKA and NC1Moments follow measure.Merger:
// update, merge, read, bytes, marshal.
//
// # Conventions
//
//   - Arithmetic: float64 from the float32 coordinates. Distances are
//     mst.SqDist's; Gram entries sum exact float64 products in index
//     order; sums over points run in point order, whatever the number of
//     workers, so every value is the same on every run.
//   - Standard deviations for GDV's z-score are population ones (divide by
//     n); a constant feature is 0 after scaling.
//   - Classes are visited in increasing label order and weighted equally
//     (GDV's averages, Σ_B); points are weighted equally in Σ_W and μ_G.
//   - Pseudo-inverse cut-off for NC1: NC1RCond relative to the largest
//     eigenvalue.
//
// The float64 reference fixtures/reference/repr_reference.py (numpy and
// scipy, dense d×d and n×n algebra) computes every measure on iris and on a
// synthetic set; the tests match it to 1e-9 relative.
//
// # References
//
//   - A. Schilling, A. Maier, R. Gerum, C. Metzner and P. Krauss,
//     "Quantifying the separability of data classes in neural networks",
//     Neural Networks 139, 2021.
//   - V. Papyan, X. Y. Han and D. L. Donoho, "Prevalence of neural collapse
//     during the terminal phase of deep learning training", PNAS 117(40),
//     2020.
//   - S. Kornblith, M. Norouzi, H. Lee and G. Hinton, "Similarity of neural
//     network representations revisited", ICML 2019.
//   - L. Song, A. Smola, A. Gretton, J. Bedo and K. Borgwardt, "Feature
//     selection via dependence maximization", JMLR 13, 2012.
//   - T. Nguyen, M. Raghu and S. Kornblith, "Do wide and deep networks learn
//     the same things? Uncovering how neural network representations vary
//     with width and depth", ICLR 2021.
package repr
