// Package neighbour computes the neighbourhood, network and
// intrinsic-dimension measures of data complexity on a labelled point set
// held in memory: N1, N2, N3, N4, T1, LSC (Ho and Basu 2002; Lorena et al.
// 2019, §2.4), Density, ClsCoef, Hubs (§2.6) and the TwoNN intrinsic
// dimension (Facco et al. 2017).
//
// # The shared structure
//
// Build computes, once per point set, everything the measures read
// (Neighbours): per point its nearest neighbour of the same class and of
// another class, its two nearest neighbours, its local set, and the
// ε-graph. It computes every row of pairwise distances in blocks of 16
// rows × all points (visited 64 at a time so they stay in cache), on
// Options.Workers goroutines, analyses each finished row and discards it:
// memory is the n·d points + O(n) per point fields + the local sets and
// the graph edges (see Neighbours), never an n×n matrix. Work: n²·d
// float64 operations; an AVX2 kernel computes four pairs at a time (about
// 0.17 ns per coordinate pair on one core).
//
// # Distances and arithmetic
//
// Euclidean, Manhattan and Gower (ECoL's: mean over features of
// |a_j-b_j|/range_j over the whole set; a constant feature contributes 0),
// see Distance and Metric. Every pair is computed in float64 from the
// float32 coordinates, in a fixed order (four partial sums), so results
// do not depend on the number of workers; Euclidean is bit for bit
// mst.SqDist. Comparisons use a key (the squared distance for
// Euclidean, the distance otherwise).
//
// # Conventions
//
//   - Ties: keys within a relative Options.TieRTol (1e-5, as
//     mst.DefaultTieRTol) tie, and ties go to the lowest index; a
//     strict "k < t" means k < t·(1-TieRTol). Decimal data read into
//     float32 loses its exact ties by about 1e-7 relative; the tolerance
//     restores them, so values are those of exact arithmetic on the
//     decimals (see the iris results below).
//   - Zero distances (Options.ZeroDistances): ZeroKept, cxray's default and
//     DCoL's, treats them as ordinary; ZeroECoL reproduces ECoL, where a
//     zero in the dense distance matrix means "no edge" (N1's MST and the
//     graph) and the sorted rows contain the point itself (N3, the graph).
//   - N1's tree is dense Prim's from vertex 0 with DCoL's tie rule (strict
//     <, lowest index), built on the fly in O(n) memory; under Euclidean
//     with kept zeros it is mst.Build's tree.
//   - The ε-graph (Options.Graph) is ECoL's: each point linked to its
//     ⌊ε·n⌋ nearest points (ε = 0.15), links between classes removed, made
//     undirected, weighted by distance. ECoL's documentation and the survey
//     describe a radius ε instead; GraphRadius offers it, but ECoL's
//     published values come from the k-NN form (radius 0.15 on Gower gives
//     Density 0.764 on iris, not ECoL's 0.833).
//   - Per-point values are summarised by their mean, as ECoL does by
//     default (N2; T1 is the count of spheres over n, as in ECoL's tests).
//   - Multiclass: every measure is native (an "enemy" is any other class).
//
// Options.Params returns all of this for a metric row's params.
//
// # Agreement with the references
//
// fixtures/reference/neighbour_reference.py is an independent float64
// implementation (numpy, scipy, dense matrices) of the same conventions;
// on iris, wine, breast cancer and digits (fixtures/data), under
// Euclidean and Gower distances and both zero rules, every measure here
// agrees with it to 1e-6 (TestReference).
//
// ECoL's published iris values (Gower, ECoL's zero rule) are reproduced
// for N1 0.1066667, N2 0.1981444, N3 0.06 and Density 0.8332886. T1, LSC
// and ClsCoef are not: iris has pairs at exactly equal distances in
// decimal arithmetic, and ECoL's values depend on how its float64
// arithmetic (cluster::daisy scales every feature to [0,1] first, then
// sums absolute differences) happens to break those ties. Computed in
// exact rational arithmetic, ECoL's own rules give T1 0.1266667, LSC
// 0.8166667 and ClsCoef 0.2675982 — the values here — while emulating
// daisy's float64 arithmetic with exact comparisons gives the published
// 0.12, 0.8164 and 0.267977 (both recorded in the reference JSON;
// TestECoLIris). N4 uses its own seeded random numbers, not R's, so
// ECoL's 0.00666667 (seed 123) is not a test.
//
// # References
//
//   - T. K. Ho and M. Basu, "Complexity measures of supervised
//     classification problems", IEEE TPAMI 24(3), 2002.
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and T. K. Ho,
//     "How complex is your classification problem?", ACM Computing Surveys
//     52(5), 2019 (arXiv:1808.03591).
//   - L. P. F. Garcia, A. C. Lorena et al., ECoL: Extended Complexity
//     Library in R (github.com/lpfgarcia/ECoL): neighborhood.R, network.R.
//   - A. Orriols-Puig, N. Macià and T. K. Ho, "Documentation for the data
//     complexity library in C++" (DCoL), 2010.
//   - E. Leyva, A. González and R. Pérez, "A set of complexity measures
//     designed for applying meta-learning to instance selection", IEEE
//     TKDE 27(2), 2015 (LSC).
//   - G. Morais and R. C. Prati, "Complex network measures for data set
//     characterization", BRACIS 2013 (Density, ClsCoef, Hubs).
//   - E. Facco, M. d'Errico, A. Rodriguez and A. Laio, "Estimating the
//     intrinsic dimension of datasets by a minimal neighborhood
//     information", Scientific Reports 7:12140, 2017 (TwoNN).
package neighbour
