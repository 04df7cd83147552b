// Package project maps points from R^d to R^k, k < d, batch by batch, so
// that an estimator can keep k numbers per point instead of d while
// distances are nearly preserved.
//
// # Johnson–Lindenstrauss maps
//
// New draws Achlioptas's sparse map: every entry of the d×k matrix R is
// +√(3/k), 0 or −√(3/k) with probabilities 1/6, 2/3, 1/6. Then
// E‖Rᵀx‖² = ‖x‖² and Var(‖Rᵀx‖²/‖x‖²) = 2/k, as for a Gaussian map, and
// for n points every squared distance is preserved within 1 ± ε with
// probability at least 1 − n^(−β) once k ≥ (4+2β)·ln n / (ε²/2 − ε³/3)
// (Achlioptas 2003, Theorem 1.1). The matrix depends on (d, k, seed) alone,
// drawn with integer arithmetic from math/rand/v2's PCG.
//
// A matrix of more than MaxStored entries is not stored: New then
// returns Kane and Nelson's sparse map, hashed from the seed (HashedJL):
// each input coordinate adds ±x_j/√s to one output in each of s = 8
// blocks of the k outputs. Its variance of ‖f(x)‖²/‖x‖² is at most 2/k,
// as for the stored map, and it takes no memory whatever d is.
//
// # Maps fitted to the stream
//
// Fit adapts the map to the first points of a stream (BasisRows(k) of
// them): f(x) = [Ux ; Rᵀ(I − UᵀU)x] with U the top p = k − k/8 principal
// directions of those points and R a Johnson–Lindenstrauss map to k − p
// dimensions of what U leaves. For any two points
//
//	‖f(x) − f(y)‖² = ‖U(x−y)‖² + ‖Rᵀ(I − P)(x−y)‖²,  P = UᵀU,
//
// the first term exact and the second an unbiased estimate of
// ‖(I − P)(x−y)‖², so f preserves every squared distance in expectation
// whatever the first points were, and distorts only the part outside the
// principal subspace, a few percent of the variance of network
// activations. The directions come from the n×n Gram matrix of the
// centred points by subspace iteration with Rayleigh–Ritz (Halko,
// Martinsson and Tropp 2011, Algorithm 4.4), re-orthonormalised by
// Cholesky QR twice (Yamamoto et al. 2015). FitBytes bounds its workspace.
//
// What a projection does to N1 (it rises, as neighbourhoods blur) is
// measured, not bounded: see n1.ProjectedN1.
//
// # References
//
//   - D. Achlioptas, "Database-friendly random projections:
//     Johnson-Lindenstrauss with binary coins", J. Computer and System
//     Sciences 66(4), 2003.
//   - D. M. Kane and J. Nelson, "Sparser Johnson-Lindenstrauss
//     transforms", Journal of the ACM 61(1), 2014.
//   - N. Halko, P. G. Martinsson and J. A. Tropp, "Finding structure with
//     randomness: probabilistic algorithms for constructing approximate
//     matrix decompositions", SIAM Review 53(2), 2011.
//   - Y. Yamamoto, Y. Nakatsukasa, Y. Yanagisawa and T. Fukaya, "Roundoff
//     error analysis of the CholeskyQR2 algorithm", Electronic Transactions
//     on Numerical Analysis 44, 2015.
package project
