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
// # Union
//
// A stream measured in parts, each with its own sampler (NewPart: the same
// seed and capacities, a random stream of its own), gives one reservoir of
// the whole: Union keeps, class by class, a hypergeometric share of k
// samples from each side, chosen uniformly, which is a uniform k-subset of
// both parts' samples, exactly in distribution (see Union). A sampler
// marshals to bytes and back, generator state included, and goes on
// drawing as before.
//
// # References
//
//   - J. S. Vitter, "Random sampling with a reservoir", ACM Transactions on
//     Mathematical Software 11(1), 1985.
//   - The Apache DataSketches' ReservoirItemsUnion, the weighted union of
//     reservoirs that Union strengthens to uniform subsets.
package reservoir
