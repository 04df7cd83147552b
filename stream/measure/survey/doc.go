// Package survey is the registry of the measures cxray computes: for each
// its name, its family, what it is computed from, the form cxray computes
// (stored with every value) and its source. The run's measure lists, the
// parsing of --measures and the store's columns (sql.Measures) are all
// derived from it, so a measure is declared once.
//
// The families are the six of Lorena, Garcia, Lehmann, Souto and Ho's
// survey of 22 data-complexity measures (feature overlap, neighbourhood,
// linearity, dimensionality, class balance, network), and the layer
// representation measures cxray adds.
//
// # References
//
//   - A. C. Lorena, L. P. F. Garcia, J. Lehmann, M. C. P. Souto and T. K. Ho,
//     "How complex is your classification problem? A survey on measuring
//     classification complexity", ACM Computing Surveys 52(5), 2019
//     (arXiv:1808.03591).
//   - A. Schilling, A. Maier, R. Gerum, C. Metzner and P. Krauss,
//     "Quantifying the separability of data classes in neural networks",
//     Neural Networks 139, 2021 (GDV).
//   - E. Facco, M. d'Errico, A. Rodriguez and A. Laio, "Estimating the
//     intrinsic dimension of datasets by a minimal neighborhood
//     information", Scientific Reports 7:12140, 2017 (TwoNN).
//   - V. Papyan, X. Y. Han and D. L. Donoho, "Prevalence of neural collapse
//     during the terminal phase of deep learning training", PNAS 117(40),
//     2020 (NC1).
//   - S. Kornblith, M. Norouzi, H. Lee and G. Hinton, "Similarity of neural
//     network representations revisited", ICML 2019; T. Nguyen, M. Raghu
//     and S. Kornblith, "Do wide and deep networks learn the same things?",
//     ICLR 2021 (CKA).
//   - G. Alain and Y. Bengio, "Understanding intermediate layers using
//     linear classifier probes", 2016 (Probe).
package survey
