//go:build openblas

package measure

// Built with -tags openblas, cxray hands its matrix products to OpenBLAS
// through gonum's cgo binding. Needs cgo and libopenblas (Debian:
// libopenblas-dev):
//
//	go test -tags openblas ./stream/measure/...
//
// blas32.Use and blas64.Use switch the whole process to OpenBLAS (gonum's
// mat and LAPACK included: the PCA of T3 and T4, the co-moments, the
// projections, the linear probe), which is what a binary built with this
// tag wants anyway. Every measure package imports this one, so any of
// them brings the switch; package mst then also prefers OpenBLAS's Sgemm
// to its own kernel.

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
}
