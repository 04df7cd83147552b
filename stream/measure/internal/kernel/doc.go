// Package kernel holds the assembly inner loop of cxray's distance bounds:
// twelve float32 dot products at a time with AVX2 and FMA.
//
// It lives apart from package measure because Go does not allow assembly
// files in a package that uses cgo, and measure does with -tags openblas.
package kernel
