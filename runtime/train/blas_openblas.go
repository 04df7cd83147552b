//go:build openblas

package train

// Built with -tags openblas, gorgonia and the kernels of this package
// hand their float32 matrix products to OpenBLAS through gonum's cgo
// binding instead of gonum's pure-Go BLAS. Needs cgo and libopenblas
// (Debian: libopenblas-dev):
//
//	go test -tags openblas ./runtime/train/
//
// Like stream/measure's openblas.go, this switches the whole process.

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

func init() {
	blas32.Use(netlib.Implementation{})
	G.Use(netlib.Implementation{})
}
