// Package golden holds the regression test of the measure packages. Its
// test computes a broad set of values on fixed fixtures (iris, a set with
// many ties, the activations in fixtures/activations, MNIST pixels) with
// every estimator and method: exact N1 by every tree method and
// normalisation, running readings, projected and sampled N1 with their
// params, the class moments and the other survey and representation
// measures through stream/tap's Extra. It records their float64 bit
// patterns in fixtures/golden/measures.json and fails when any bit moves.
//
// The file is not a reference: it records what the code computed when it
// was written, so that a change meant to move code without changing
// arithmetic can show that it did not. The independent references are the
// other packages' tests. Values whose last bits depend on the BLAS (the
// gonum Go kernels, or OpenBLAS with -tags openblas) are recorded per
// build. Regenerate with
//
//	go test ./stream/measure/internal/golden -update
//	go test -tags openblas ./stream/measure/internal/golden -update
//
// in that order, and read the diff of the file before committing it.
package golden
