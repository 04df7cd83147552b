// Package measure is the vocabulary of cxray's data-complexity measures:
// the conventions a value is computed under, the normalisations, the
// Estimate a reading returns, and the contract every streaming estimator
// follows. The measures themselves live in its subpackages:
//
//	mst        the exact Euclidean minimum spanning tree and its one tie rule
//	n1         N1: exact, incremental, projected and sampled estimators
//	project    projections to fewer dimensions (Johnson–Lindenstrauss, fitted)
//	reservoir  the class-stratified reservoir shared by a run's layers
//	feature    column statistics; F1–F4, T2–T4, C1, C2
//	neighbour  N1–N4, T1, LSC, Density, ClsCoef, Hubs, TwoNN
//	linear     L1–L3 and the linear probe
//	repr       GDV, NC1, CKA
//	survey     the registry of the measures, their families and definitions
//
// # Conventions
//
// Libraries disagree silently on how a measure is computed, and the
// choices change values. Conventions records every choice behind an N1
// value (distance, arithmetic, counting, zero distances, tie rule and
// tolerance, normalisation; package mst explains each), every Estimate
// carries them in its Params whatever the method, and the caller stores
// them with the value, so values computed under different choices are
// never compared by mistake.
//
// A normalisation is per feature, over the whole set: none; min-max,
// (x−min)/(max−min) with a zero range giving 0; z-score, (x−mean)/σ with
// the population σ and a zero σ giving 0. Both are affine, so they enter a
// distance as the feature weights w_j = 1/(max−min) or 1/σ (see
// feature.Columns.Weights). They need the whole set, so an estimator
// applies them when its value is read.
//
// # Estimators
//
// Streaming estimators follow gonum's stat/card and the Apache
// DataSketches: Update adds a Batch, Estimate reads the value over
// everything seen, Bytes reports the state's memory (Estimator); some read
// more cheaply before the stream ends (Runner). Every streaming state
// implements Merger, the one contract: update, merge with a twin fed
// other points of the same stream, read, bytes, and MarshalBinary /
// UnmarshalBinary in one versioned little-endian layout that carries the
// type and its settings (package internal/wire), so that parts of a stream
// can be measured in other processes and combined: n1.ExactN1,
// n1.ProjectedN1, n1.SampledN1, feature.Moments, repr.NC1Moments and
// repr.CKA. One property test (internal/contracttest) checks each: the
// merge of any split of a stream reads as the whole (exactly, or to a
// stated float64 tolerance, or in distribution for a reservoir), a state
// round-trips through its bytes, and bytes of another type, other
// settings or a corrupt string are refused. Their state lives on the Go
// heap; the CLI bounds the heap with the runtime's memory limit derived
// from --memory.
//
// With -tags openblas (cgo, libopenblas) every matrix product of the
// measure packages goes to OpenBLAS: importing this package installs it as
// gonum's BLAS.
package measure
