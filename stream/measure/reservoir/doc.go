// Package reservoir decides which samples of a stream a bounded-memory
// estimator keeps: a class-stratified reservoir shared by every layer of a
// run, so that all layers are measured on the same samples.
//
// Each class owns a fixed number of slots (StratifiedCapacity splits a
// budget evenly), and within a class the Sampler runs Vitter's Algorithm R:
// the first samples fill the slots, and the t-th sample after that replaces
// a uniformly chosen slot with probability capacity/t. At any time a
// class's slots hold a uniform random subset, without replacement, of its
// samples so far. The Sampler holds slots, not points: each estimator
// (n1.SampledN1) stores its own activations of the samples in the slots it
// is told.
//
// The decisions depend only on the seed and the labels offered, through
// math/rand/v2's PCG generator and its integer methods, so a run is
// reproducible on any platform.
//
// # References
//
//   - J. S. Vitter, "Random sampling with a reservoir", ACM Transactions on
//     Mathematical Software 11(1), 1985.
package reservoir
