//go:build openblas

package mst

// Built with -tags openblas, the products of the bounds go to OpenBLAS
// (which package measure installs as gonum's BLAS) rather than to the
// package's own AVX2 kernel: its Sgemm is faster.
func init() { preferBLAS = true }
