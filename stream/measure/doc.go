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
// exact tree:
//
//  1. Float32 products y_u·y_v of the points (blocked: an AVX2+FMA kernel
//     computing 6×2 dot products at a time, or BLAS) give a rigorous lower
//     bound of every exact distance: ‖u‖²+‖v‖²-2g minus the float32 error
//     bound γ_(d+2)(‖y_u‖²+‖y_v‖²) (Higham 2002, §3.1), split into
//     per-point terms (points.lower has the derivation). The error grows
//     with the norms, so points with a large common offset are first
//     centred (and weighted) into a float32 copy y; points that centring
//     would not shrink much, such as MNIST pixels, are used as they are.
//  2. MethodLazy (the default): one pass over the lower triangle of the
//     products keeps, for every point, its 32 smallest bounds with their
//     partners, and a floor below all the other bounds of the point.
//  3. Prim runs with exact float64 keys. A pair is skipped when its bound
//     (stored, or at least the larger of the two floors) already reaches
//     the key it would have to beat; only otherwise is the exact distance
//     computed. A point whose key the floors cannot settle yet is left
//     pending, and its products with the points that joined meanwhile are
//     recomputed in blocks only if it might be Prim's next vertex. Keys are
//     always exact and change in dense Prim's order, so every decision is
//     dense Prim's and so is the tree. On MNIST pixels the pending points
//     add about 3% of the products, and 1.3 of every 1000 pairs needs an
//     exact distance.
//
// At n = 10000, d = 784 (MNIST) Value takes about 0.9 s on two cores (the
// products, n²·d/2 multiply-adds, are 0.65 s of it), with a workspace of
// 36·32·n bytes for the candidates + 128·n float32 per worker + O(n), plus
// the n·d float32 copy when the points need one: 22 MB at n = 10000. Past
// MaxWorkspace the package falls back to MethodStepwise: the same bounds
// from one row of products per Prim step, O(n) beyond the copy, but bound
// by memory bandwidth. MethodGram keeps every bound in one byte (n² bytes)
// and is about as fast as MethodLazy; it is used only on request.
// MethodDense is the plain definition.
//
// With -tags openblas (cgo, libopenblas) the products go to OpenBLAS
// through gonum's netlib binding instead of the assembly kernel.
//
// # Incremental N1
//
// ExactN1.Running reads N1 as points arrive, after every batch if wanted,
// from a minimum spanning tree maintained by vertex insertion (Chin and
// Houck 1978): a new point's products with all stored points (a matrix
// product per batch) bound its distances, the few edges the bounds cannot
// rule out get their exact length, and one O(n) pass over the tree gives
// the new tree. Reading after every batch of a stream of n points costs
// about what one Value costs. The tree is a minimum spanning tree of the
// points so far; when distances tie within the tolerance it may differ
// from dense Prim's tree under the tie rule, and the insertions count such
// ties. With no tie the tree is dense Prim's, and Value returns its value
// without recomputing; otherwise Value builds dense Prim's tree.
//
// # Estimators
//
// Estimators follow gonum's stat/card and the DataSketches: Update adds a
// batch, Merge appends a twin's points, Value reads the result (Running
// reads it cheaply as the stream goes). ExactN1 keeps every point (n·d
// float32, off the Go heap on Linux), so its memory grows with the stream.
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
//   - F. Chin and D. Houck, "Algorithms for updating minimal spanning
//     trees", J. Computer and System Sciences 16(3), 1978.
package measure
