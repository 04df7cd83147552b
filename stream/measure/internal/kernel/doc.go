// Package kernel holds the assembly inner loops of cxray's distance
// computations: twelve float32 dot products at a time with AVX2 and FMA,
// on 16 lanes where AVX-512 runs (Dot6x2, the bounds of the lazy Prim);
// the filter of the lazy Prim's first pass, four pairs' bounds against
// their thresholds at a time (BelowCols, BelowRow); exact float64 squared
// distances (SqDist4, SqDistW4); and one point against four at a time for
// the neighbour structure under Euclidean, Manhattan and Gower distance
// (Sq1x4, Abs1x4, AbsW1x4).
//
// It lives apart from package measure because Go does not allow assembly
// files in a package that uses cgo, and measure does with -tags openblas.
package kernel
