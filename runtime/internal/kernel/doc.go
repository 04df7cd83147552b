// Package kernel holds the SIMD loops of cxray's runtime: the matrix
// product at the heart of Conv, Gemm and MatMul (C = A·B in register
// tiles of MR×NR), and the elementwise loops of ReLU, MaxPool and Conv's
// bias. Each has an AVX2 (+FMA) version on amd64, chosen at start-up, and
// a portable Go loop elsewhere.
//
// It lives apart from package runtime so that the assembly, which indexes
// without bounds checks, sits behind a small API that checks every bound
// first; and because Go does not allow assembly files in a package that
// uses cgo, which runtime thus stays free to do.
//
// # Why a tile kernel
//
// gonum's pure-Go BLAS computes small products as a sequence of axpys (or
// dot products): every multiply-add reads and writes C through memory.
// Here a 6×16 block of C stays in twelve AVX registers for the whole inner
// dimension, so each step loads one row of B (two vectors) and six values
// of A and issues twelve FMAs. On the convolutions of a LeNet-5 that is
// three to four times the axpy speed.
//
// # Layout
//
// A is packed once (PackA) into panels of MR rows, stored column by
// column, so that the kernel reads it sequentially; rows past the end are
// zero. B and C are ordinary row-major matrices with a row stride; their
// column counts are padded by the caller to a multiple of NR (the padding
// columns of C receive garbage computed from the padding columns of B and
// are the caller's to ignore).
package kernel
