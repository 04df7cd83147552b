//go:build openblas

package mst

import "cxray/stream/measure/internal/kernel"

// Built with -tags openblas, the products of the bounds go to OpenBLAS
// (which package measure installs as gonum's BLAS) rather than to the
// package's own AVX2 kernel, whose Sgemm is faster; the AVX-512 kernel is
// faster than OpenBLAS's Haswell Sgemm (the kernel these machines run,
// OPENBLAS_CORETYPE=Haswell): 50 against 32 GMAC per CPU-second
// (BenchmarkProductsMNIST10000) on a 2-core AMD EPYC.
func init() { preferBLAS = !kernel.Has512 }
