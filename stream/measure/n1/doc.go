// Package n1 estimates N1 of labelled point sets streamed in batches:
// exactly, as points arrive, on projected points, and from a bounded
// sample.
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
// measures. The tree is package mst's, under its conventions (exact
// distances, zero distances kept, DCoL's tie rule), which every reading
// records (measure.Conventions).
//
// # The estimators
//
// Each is a measure.Estimator and follows the contract measure.Merger:
// Update adds a batch, Estimate reads N1 of every point seen, Bytes is its
// state, Merge folds in a twin fed the stream that follows, and the state,
// settings included (dimension, normalisation, tie rule and tolerance,
// projection, reservoir), marshals to bytes and back.
//
//   - ExactN1 keeps every point (n·d float32) and builds dense Prim's tree
//     when read (mst.Build): about 0.9 s at n = 10000, d = 784. Its
//     memory grows with the stream. Two ExactN1 fed consecutive parts of a
//     stream merge into the one fed the whole, bit for bit.
//   - ExactN1.Running reads N1 after every batch from a tree kept by
//     vertex insertion (Chin and Houck 1978; mst.Insertion): reading after
//     every batch of a stream costs about what one Value costs. The tree
//     is a minimum spanning tree of the points so far; when distances tie
//     within the tolerance it may differ from dense Prim's tree under the
//     tie rule, and the insertions count such ties. With no tie Value
//     returns the insertion tree's value without recomputing; otherwise
//     it builds dense Prim's tree.
//   - ProjectedN1 keeps the k-dimensional images of the points under a
//     project.Map (k/d of ExactN1's memory) and computes N1 of them
//     exactly; the projection's distortion of distances raises N1 a little
//     (within 0.006 of exact on LeNet-5's wide layers with a fitted map,
//     far more on some layers of real CNNs). CheckedEstimate checks a
//     reading against up to CheckSamples points held unprojected:
//     exact and projected trees of those points, compared vertex by
//     vertex, give the reading's interval (and may replace the map by its
//     principal directions alone). Twins merge as ExactN1's when their
//     maps are the same.
//   - SampledN1 keeps the points of a shared reservoir.Sampler's slots, a
//     bounded sample, and estimates N1 of the whole stream from it: N1 on
//     subsets of the sample of decreasing size, a law fitted to that size
//     curve extrapolated to the stream's size, and an interval from
//     half-sample replicates. Its documentation gives the method and its
//     measured accuracy. Every sample offered counts, the dropped ones
//     included (measure.Batch.Dropped). Twins merge by the union of their
//     reservoirs (reservoir.Union), exact in distribution.
//
// # Per-sample values
//
// N1 is the mean of a per-point fact, and ExactN1.Samples returns it for
// every point, from the tree the last Value read: whether the point is an
// end of a cross-class edge (OnBoundary, whose mean is N1 exactly), with
// the point's parts in N2 (its nearest same-class over nearest
// other-class distance) and N3 (its nearest neighbour has another label),
// found by mst.FindNearest, and the cross edges of every pair of classes.
// SampledN1.Samples gives the same for the points its reservoir kept, on
// the tree of those points alone.
//
// # References
//
//   - T. K. Ho and M. Basu, "Complexity measures of supervised
//     classification problems", IEEE TPAMI 24(3), 2002.
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and T. K. Ho,
//     "How complex is your classification problem? A survey on measuring
//     classification complexity", ACM Computing Surveys 52(5), 2019
//     (arXiv:1808.03591).
//   - F. Chin and D. Houck, "Algorithms for updating minimal spanning
//     trees", J. Computer and System Sciences 16(3), 1978.
//   - L. F. Richardson and J. A. Gaunt, "The deferred approach to the
//     limit", Phil. Trans. Royal Society A 226, 1927 (the bias correction of
//     plain projections, see ProjectedN1).
package n1
