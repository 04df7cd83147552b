// Package mst builds the Euclidean minimum spanning trees behind N1:
// exactly the tree of one fixed rule, in the shape of matrix products.
//
// # The tree
//
// A minimum spanning tree is not unique when distances tie, and N1 depends
// on which tree is taken. The package fixes every choice:
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
//     through ties. Prim holds the rule; every tree of cxray is grown by it
//     (Build's methods, package neighbour's N1, the sample pool of the
//     sampled estimator).
//   - Tie tolerance: a key is replaced only by a distance below
//     key·(1-TieRTol), and the next vertex is the lowest-indexed one whose
//     key is at most min·(1+TieRTol). DefaultTieRTol is 1e-5, as in the
//     fixture reference (fixtures/reference/n1_reference.py). Decimal data
//     read into float32 loses its exact ties by about 1e-7 relative (iris
//     raw: N1 is 0.086667 with exact comparisons, 0.093333 — the published
//     dense-Prim value — from 1e-6 up to 1e-2); 1e-5 restores such ties
//     with margin, and is far above the float64 rounding of a distance sum,
//     so the tree does not depend on the summation order.
//
// A normalisation enters as feature weights (Options.Weights): both of
// cxray's are affine per feature, and a translation does not change a
// distance.
//
// # Computing the tree fast and exactly
//
// Dense Prim needs the distance of every pair, n²·d/2 multiply-adds. Build
// gets them in the shape of a matrix product and still returns the exact
// tree:
//
//  1. Float32 products y_u·y_v of the points (blocked: an AVX2+FMA kernel
//     computing 6×2 dot products at a time, or BLAS) give a rigorous lower
//     bound of every exact distance: ‖u‖²+‖v‖²-2g minus the float32 error
//     bound γ_(d+2)(‖y_u‖²+‖y_v‖²) (Higham 2002, §3.1), split into
//     per-point terms (points.lower has the derivation). The error grows
//     with the norms, so points with a large common offset are first
//     centred (and weighted) into a float32 copy y; points that centring
//     would not shrink much, such as MNIST pixels, are used as they are.
//  2. Lazy (the default on layers wider than 96): one pass over the lower
//     triangle of the products keeps, for every point, its 32 smallest
//     bounds with their partners, and a floor below all the other bounds
//     of the point.
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
// At n = 10000, d = 784 (MNIST) Build takes about 0.9 s on two cores (the
// products, n²·d/2 multiply-adds, are 0.65 s of it), with a workspace of
// 36·32·n bytes for the candidates + 128·n float32 per worker + O(n), plus
// the n·d float32 copy when the points need one: 22 MB at n = 10000. Past
// MaxWorkspace the package falls back to Stepwise: the same bounds from
// one row of products per Prim step, O(n) beyond the copy, but bound by
// memory bandwidth (and the default on narrow layers, where a step costs
// little). Gram keeps every bound in one byte (n² bytes) and is about as
// fast as Lazy; it is used only on request. Dense is the plain definition.
//
// With -tags openblas (cgo, libopenblas) the products go to OpenBLAS
// through gonum's netlib binding instead of the assembly kernel.
//
// # Growing a tree as points arrive
//
// Insertion keeps a minimum spanning tree while points arrive, by vertex
// insertion (Chin and Houck 1978): a new point's products with all stored
// points (a matrix product per batch) bound its distances, the few edges
// the bounds cannot rule out get their exact length, and one O(n) pass
// over the tree gives the new tree. Inserting every point of a stream of n
// costs about what one Build costs. The tree is a minimum spanning tree of
// the points so far; when distances tie within the tolerance it may differ
// from dense Prim's tree under the tie rule, and Ties counts such ties.
// With no tie the tree is dense Prim's.
//
// # References
//
//   - A. Orriols-Puig, N. Macià and T. K. Ho, "Documentation for the data
//     complexity library in C++" (DCoL), La Salle - Universitat Ramon Llull,
//     2010.
//   - N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
//     SIAM, 2002.
//   - F. Chin and D. Houck, "Algorithms for updating minimal spanning
//     trees", J. Computer and System Sciences 16(3), 1978.
package mst
