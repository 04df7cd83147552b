// Package linear computes the linearity measures L1, L2 and L3 of the
// data-complexity survey (Lorena et al. 2019) with ECoL's linear SVM, and
// a linear probe: the held-out accuracy of a softmax regression.
//
// # L1, L2, L3 as ECoL computes them
//
// ECoL (R/linearity.R) splits a K-class problem one-vs-one
// (utils::combn over the class levels, K(K−1)/2 pairs), trains on every
// pair e1071::svm(class ~ ., scale=TRUE, kernel="linear"), i.e. libsvm's
// C-SVC with C = 1 and tolerance 1e-3 on the pair's points scaled by R's
// scale() (centred, divided by the sample standard deviation), and then,
// per pair of n_p points with decision function f,
//
//	L1_p = s/(1+s),  s = Σ_{x misclassified} |f(x)| / n_p,
//	L2_p = (misclassified training points) / n_p,
//	L3_p = error of the SVM on n_p points, each x1 + (x2−x1)·u for a class
//	       drawn as sample(class, 1), two distinct points of it and one
//	       u ~ U(0,1),
//
// and reports each as the mean over the pairs (summary="mean"). |f(x)| is
// the decision value in the scaled space, not a Euclidean distance to the
// hyperplane (that would be |f(x)|/‖w‖).
//
// # The SVM
//
// libsvm's C-SVC dual (Chang and Lin 2011),
//
//	min_α ½ αᵀQα − Σα_i,  Q_ij = y_i y_j x_iᵀx_j,  Σ y_i α_i = 0,  0 ≤ α_i ≤ C,
//
// with f(x) = Σ α_i y_i x_iᵀx − ρ, is solved by SMO with libsvm's
// second-order working-set selection (Fan, Chen and Lin 2005), its clipping
// and its ρ (the mean of y_i∇_i over free α_i, else the middle of the
// feasible interval). The linear kernel matrix of the pair is computed once
// in float64 (n_p²·dim/2 multiply-adds on all cores); each SMO step is
// O(n_p). Prediction follows libsvm: the class met first in the data when
// f(x) > 0.
//
// Two settings:
//
//   - DefaultOptions: tolerance 1e-10 on the maximal KKT violation, Q in
//     float64: the optimum, independent of the SMO path, so L1 is
//     reproducible to about 1e-10.
//   - ECoLOptions: tolerance 1e-3 and Q rounded to float32 (libsvm's Qfloat
//     kernel cache), e1071's scaling rule: libsvm's very iterates (the same
//     iteration counts as libsvm through scikit-learn) and its stopping
//     point.
//
// # Iris oracles
//
// ECoL's tests give L1 = 0.004335693, L2 = 0.01333333, L3 = 0.01 (seed 123).
// Only the versicolor–virginica pair is not separable: 4 of its 100 points
// are misclassified (L2 = (0+0+0.04)/3), with s = 0.013178…
//
//   - ECoLOptions on float64 iris (Linearity64): L1 = 0.0043356927,
//     L2 = 4/300, with libsvm's 17, 18 and 139 iterations.
//   - DefaultOptions: L1 = 0.0043355051, 1.9e-7 below the oracle, because
//     ECoL's value is where libsvm stopped at tolerance 1e-3, not the
//     optimum (libsvm itself gives 0.0043355055 at tolerance 1e-12; the rest
//     is its float32 Q). L2 is the same.
//   - ECoLOptions on float32 iris (Linearity): 0.0043360064. Rounding the
//     decimals to float32 moves the Q entries by ~1e-8, which changes
//     libsvm's path at tolerance 1e-3 (135 iterations instead of 139); at
//     the optimum it would not matter.
//   - L3 cannot match: ECoL draws its points from R's Mersenne-Twister,
//     seeded by set.seed(123) and consumed by sample() (rejection sampling
//     since R 3.6) and runif(), across the pairs in order. The package
//     draws the same kind of points (class in proportion to its size, two
//     distinct points, one u per point) from a PCG seeded by Options.Seed,
//     so L3 is deterministic for a seed but a different random sample; on
//     iris it is 0 to 0.03 depending on the seed.
//
// # Scaling constant features
//
// e1071 scales nothing at all when any feature is constant on the pair (it
// warns "constant. Cannot scale data."). Layers of a network often have
// dead units, so ECoL's L1–L3 would switch between scaled and raw features
// from layer to layer; ScaleZScore (the default) scales every non-constant
// feature and zeroes constant ones, which is e1071's result whenever no
// feature is constant. ScaleE1071 reproduces e1071.
//
// # Linear probe
//
// LinearProbe fits a multinomial logistic regression by L-BFGS on a seeded
// stratified split and reports the held-out accuracy; see its
// documentation.
//
// # References
//
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and
//     T. K. Ho, "How complex is your classification problem? A survey on
//     measuring classification complexity", ACM Computing Surveys 52(5),
//     2019.
//   - L. P. F. Garcia and A. C. Lorena, ECoL: Extended Complexity Library,
//     R package, github.com/lpfgarcia/ECoL.
//   - C.-C. Chang and C.-J. Lin, "LIBSVM: a library for support vector
//     machines", ACM TIST 2(3), 2011.
//   - R.-E. Fan, P.-H. Chen and C.-J. Lin, "Working set selection using
//     second order information for training support vector machines",
//     JMLR 6, 2005.
//   - G. Alain and Y. Bengio, "Understanding intermediate layers using
//     linear classifier probes", ICLR workshop, 2017.
package linear
