// Package wire is the binary form of the estimators' states: what their
// MarshalBinary writes and their UnmarshalBinary reads (the contract
// measure.Merger).
//
// A state is a header and a payload, every number little-endian:
//
//	"CXST"             4 bytes, the magic
//	format   uint16    this package's layout (Format)
//	tag      uint8 n + n bytes: the type, "n1.ExactN1", "feature.Moments", ...
//	version  uint16    the type's own layout version
//	payload            the type's settings first, then its state
//
// Integers are fixed-width; a float is its IEEE 754 bits, so NaN payloads
// and signed zeros survive and a state re-marshals to the same bytes; a
// slice is a uint64 count followed by its elements; a nested state (the
// projection of an N1 estimator, its reservoir) is a length-prefixed blob
// with its own header.
//
// A Reader never trusts a count: before it allocates it checks that the
// bytes left can hold what the count declares, so a corrupt, truncated or
// hostile string costs at most about its own length in memory and ends in
// an error, never a panic. Its first error sticks: the reads after it
// return zeros, and Close reports it, naming the type and the offset.
package wire
