// Package measure computes data-complexity measures of labelled point sets
// streamed in batches. It starts with N1, computed exactly.
//
// # N1
//
// N1 (Ho and Basu 2002) is the fraction of points that touch at least one
// edge of the Euclidean minimum spanning tree (MST) of the set whose two
// ends carry different labels:
//
//	N1 = |{v : v is an end of an MST edge (u, v) with label(u) ≠ label(v)}| / n
//
// It counts vertices, not edges: a point on several such edges counts once
// (ECoL, pymfe and DCoL do the same; problexity divides cross edges by 2n).
// Values near 0 mean the classes are separated along the tree, values near 1
// that they are interleaved. Lorena et al. (2019) survey it with the other
// measures.
//
// # Conventions
//
// An MST is not unique when distances tie, and N1 depends on which tree is
// taken. The package fixes every choice, exports them as Conventions, and
// the caller stores them with every value.
//
//   - Distance: Euclidean. The tree is built on squared distances, which
//     give the same tree.
//   - Exact arithmetic: the squared distance of two points is computed in
//     float64 from their float32 coordinates: each difference
//     float64(a_i)-float64(b_i), times the feature weight w_i under a
//     normalisation, is squared and added into one of four partial sums
//     s_(i mod 4) in order of i; the result is (s0+s1)+(s2+s3), with no FMA
//     (SqDist). Every comparison that shapes the tree uses these values.
//   - Zero distances are edges. Duplicate points are joined by an edge of
//     length 0, which counts like any other. (ECoL, pymfe and scipy's
//     minimum_spanning_tree treat a zero as a missing edge, which leaves
//     duplicates with different labels unconnected to each other.)
//   - Tie rule (DCoL's): the tree is the one dense Prim builds from vertex 0,
//     where a vertex's key is replaced only by a strictly smaller distance
//     (so on a tie the earliest-added tree vertex stays its parent), and the
//     next vertex is the non-tree vertex with the smallest key, the lowest
//     index on a tie. The order of the points therefore matters, but only
//     through ties.
//   - Tie tolerance: a key is replaced only by a distance below
//     key·(1-TieRTol), and the next vertex is the lowest-indexed one whose
//     key is at most min·(1+TieRTol). DefaultTieRTol is 1e-5, as in the
//     fixture reference (fixtures/reference/n1_reference.py). Decimal data
//     read into float32 loses its exact ties by about 1e-7 relative (iris
//     raw: N1 is 0.086667 with exact comparisons, 0.093333 — the published
//     dense-Prim value — from 1e-6 up to 1e-2; see TestIris); 1e-5 restores
//     such ties with margin, and is far above the float64 rounding of a
//     distance sum, so the tree does not depend on the summation order.
//   - Normalisation, per feature over the whole set: none; min-max,
//     (x-min)/(max-min) with a zero range giving 0; z-score, (x-mean)/std
//     with the population std and a zero std giving 0. Both are affine, so
//     they enter the distance as the factor w_i = 1/(max-min) or 1/std.
//     They need the whole set, so an estimator applies them when its value
//     is read.
//
// # Computing the tree fast and exactly
//
// Dense Prim needs the distance of every pair, n²·d/2 multiply-adds. The
// package gets them in the shape of a matrix product and still returns the
// exact tree (MethodGram):
//
//  1. The points are centred and scaled into a float32 copy y. Distances do
//     not change, norms shrink, and so does the error below.
//  2. Blocked float32 products y·yᵀ (an AVX2+FMA kernel computing 6×2 dot
//     products at a time, or BLAS) give every dot product g = y_u·y_v, and
//     from it a rigorous lower bound of the exact distance: ‖u‖²+‖v‖²-2g
//     minus the float32 error bound γ_(d+2)(‖y_u‖²+‖y_v‖²) (Higham 2002,
//     §3.1) and the rounding of y, both split into per-point terms
//     (points.lower has the derivation). The bound is rounded down to one
//     byte: 4 mantissa bits over 16 binades (code8).
//  3. Prim runs on the n×n byte matrix, read row by row. A pair is skipped
//     when its bound already reaches the key it would have to beat; only
//     otherwise is the exact float64 distance computed. Keys are always
//     exact, so every decision is dense Prim's and so is the tree. On MNIST
//     pixels about 1% of the pairs need an exact distance, most of them
//     real key updates.
//
// At n = 5000, d = 784 (MNIST) Value takes about 0.2 s on two cores; at
// n = 10000 about 0.9 s. The workspace is n² bytes + n·d float32 + O(n);
// past MaxWorkspace (256 MB by default, n ≈ 15000 at d = 784) the package
// falls back to MethodStepwise: the same bounds from one row of dot
// products per step, n·d float32 + O(n) workspace, but bound by memory
// bandwidth. MethodDense is the plain definition.
//
// With -tags openblas (cgo, libopenblas) the products go to OpenBLAS
// through gonum's netlib binding instead of the assembly kernel.
//
// # Estimators
//
// Estimators follow gonum's stat/card and the DataSketches: Update adds a
// batch, Merge appends a twin's points, Value reads the result. ExactN1
// keeps every point (n·d float32), so its memory grows with the stream.
//
// # References
//
//   - T. K. Ho and M. Basu, "Complexity measures of supervised
//     classification problems", IEEE TPAMI 24(3), 2002.
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and T. K. Ho,
//     "How complex is your classification problem? A survey on measuring
//     classification complexity", ACM Computing Surveys 52(5), 2019
//     (arXiv:1808.03591).
//   - A. Orriols-Puig, N. Macià and T. K. Ho, "Documentation for the data
//     complexity library in C++" (DCoL), La Salle - Universitat Ramon Llull,
//     2010.
//   - N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
//     SIAM, 2002.
package measure
