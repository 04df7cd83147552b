// Package feature computes per-feature statistics and the measures read
// from them: the feature-overlap measures F1, F1v, F2, F3 and F4, the
// dimensionality measures T2, T3 and T4, and the class-balance measures C1
// and C2 of Lorena et al. (2019).
//
// # Column statistics
//
// Columns is the one column-statistics type of cxray: per feature the
// minimum and maximum, the mean, and the sum of squared deviations from the
// mean (M2), each kept only when asked for (Stats). Of takes a set in two
// passes (the mean, then the deviations from it, so that a common offset
// costs no accuracy), Merge folds in a twin by the pairwise update of
// Chan, Golub and LeVeque (1979),
//
//	δ = μ_b − μ_a,  μ = μ_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n,
//
// and Push folds in one point by Welford's (1962) update. Weights gives a
// normalisation's factors from them (1/(max−min), or 1/σ with the
// population σ = √(M2/n)), which is how cxray's normalisations enter every
// distance.
//
// # Class moments
//
// Moments keeps, for every class, its Columns and optionally its d×d
// co-moment matrix Σ(x−μ)(x−μ)ᵀ, merged by the matrix form of the same
// update. It is a streaming state like gonum's stat/card: Update adds a
// batch, Merge a twin fed with other points, and the measures read it; the
// points are not kept. It marshals to bytes and back (measure.Merger), so
// the moments of a dataset's shards can be computed apart and merged;
// Columns marshals too. F1, F1v, F2, T2, T3, T4, C1 and C2 are read from
// it; F3 and F4 count points inside overlap regions, so they take the
// points.
//
// # The measures
//
//   - F1, maximum Fisher's discriminant ratio: per feature
//     r_f = Σ_c n_c(μ_cf − μ_f)² / Σ_c Σ_{i∈c}(x_if − μ_cf)², reported as
//     1/(1 + max_f r_f) (F1Features gives the per-feature 1/(1 + r_f)).
//   - F1v, directional-vector Fisher ratio (Malina 2001): per pair of
//     classes dF = (dᵀBd)/(dᵀWd) with d = W⁺(μ_a − μ_b), reported as
//     1/(1 + mean dF) as ECoL publishes it.
//   - F2, volume of the overlap region: per pair the product over features
//     of overlap/range, averaged over pairs.
//   - F3, maximum individual feature efficiency, and F4, collective feature
//     efficiency (Orriols-Puig et al. 2010): the share of a pair's points
//     that no single feature, or no sequence of features, separates.
//   - T2 = d/n, T3 = m'/n and T4 = m'/d with m' the principal components
//     that explain 95% of the variance (from the class co-moments).
//   - C1, the entropy of the class proportions over ln k, and C2 = 1 − 1/IR
//     with the multiclass imbalance ratio of Tanwani and Farooq (2010).
//
// Each measure's documentation gives its multiclass form, its NaN cases and
// its memory. The forms follow ECoL's, whose published iris values the
// tests check.
//
// # References
//
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and T. K. Ho,
//     "How complex is your classification problem? A survey on measuring
//     classification complexity", ACM Computing Surveys 52(5), 2019
//     (arXiv:1808.03591).
//   - T. K. Ho and M. Basu, "Complexity measures of supervised
//     classification problems", IEEE TPAMI 24(3), 2002.
//   - A. Orriols-Puig, N. Macià and T. K. Ho, "Documentation for the data
//     complexity library in C++" (DCoL), La Salle - Universitat Ramon Llull,
//     2010.
//   - W. Malina, "Two-parameter Fisher criterion", IEEE Trans. Systems, Man,
//     and Cybernetics B 31(4), 2001.
//   - A. Tanwani and M. Farooq, "Classification potential vs. classification
//     accuracy: a comprehensive study of evolutionary algorithms with
//     biomedical datasets", Learning Classifier Systems, LNCS 6471, 2010.
//   - T. F. Chan, G. H. Golub and R. J. LeVeque, "Updating formulae and a
//     pairwise algorithm for computing sample variances", Stanford CS
//     report STAN-CS-79-773, 1979.
//   - B. P. Welford, "Note on a method for calculating corrected sums of
//     squares and products", Technometrics 4(3), 1962.
package feature
