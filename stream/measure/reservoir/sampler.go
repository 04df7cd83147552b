package reservoir

import (
	"fmt"
	"math/rand/v2"
)

// Sampler is a class-stratified reservoir shared by all layers of a run:
// it decides, sample by sample, which samples are kept, and every layer's
// estimator stores its own activations of exactly those samples, so all
// layers are measured on the same points.
//
// Class c owns capacity[c] slots. Within a class the sampler runs Vitter's
// Algorithm R: the first capacity[c] samples of the class are kept; the
// t-th sample after that (t counted within the class) replaces a uniformly
// chosen slot of the class with probability capacity[c]/t. At any time the
// slots of class c therefore hold a uniform random subset, without
// replacement, of the min(capacity[c], seen in c) samples of that class
// seen so far. Slots unused by a class with fewer samples than its
// capacity are not lent to other classes: a slot belongs to one class for
// ever, which is what lets estimators check that their slots agree.
//
// Slots are handed out in arrival order while the reservoir fills, so as
// long as nothing has been dropped, slot order is stream order.
//
// Memory: O(Capacity()) ints and O(classes) counters; the sampler holds
// no activations.
//
// The decisions depend only on the seed and the sequence of labels
// offered: they use math/rand/v2's PCG generator and its integer methods,
// which are specified bit for bit, so a run is reproducible on any
// platform. A Sampler is not safe for concurrent use.
type Sampler struct {
	seed     uint64
	part     uint64
	pcg      *rand.PCG // the generator's state, which MarshalBinary writes
	rng      *rand.Rand
	capacity []int
	total    int
	next     int     // next unused slot
	slots    [][]int // slots owned by each class, in fill order
	owner    []int32 // class of each slot, -1 while unused
	seen     []int64
	seenAll  int64
	rejected int64 // labels outside [0, classes)
}

// samplerStream separates the sampler's random stream from the other
// streams derived from the same seed (the estimators' subsamples, the
// projections).
const samplerStream = 0x5eed5a3b1e5a3b1e

// partPCG is the generator of part part: part 0's is the sampler's
// stream, the others' streams differ by odd multiples of the golden
// ratio's constant (a bijection of the part).
func partPCG(seed, part uint64) *rand.PCG {
	return rand.NewPCG(seed, samplerStream^(part*0x9e3779b97f4a7c15))
}

// New returns a sampler with capacity[c] slots for class c; the
// number of classes is len(capacity). Negative capacities count as 0
// (the class is never kept). It is NewPart's part 0.
func New(capacity []int, seed uint64) *Sampler { return NewPart(capacity, seed, 0) }

// NewPart returns the sampler of part part of a stream measured in parts
// whose reservoirs are merged (Union): the same capacities and seed, and
// a random stream of its own, so that the parts' samples are independent,
// which the union's exactness needs.
func NewPart(capacity []int, seed, part uint64) *Sampler {
	pcg := partPCG(seed, part)
	s := &Sampler{
		seed:     seed,
		part:     part,
		pcg:      pcg,
		rng:      rand.New(pcg),
		capacity: make([]int, len(capacity)),
		slots:    make([][]int, len(capacity)),
		seen:     make([]int64, len(capacity)),
	}
	for c, k := range capacity {
		s.capacity[c] = max(k, 0)
		s.total += s.capacity[c]
	}
	s.owner = make([]int32, s.total)
	for i := range s.owner {
		s.owner[i] = -1
	}
	return s
}

// StratifiedCapacity splits a budget of m points evenly over the given
// number of classes: each class gets m/classes slots, and the first
// m mod classes classes one more.
//
// An even split is the only allocation that needs nothing but the number
// of classes, which is all a stream knows when it starts, and it keeps
// every class represented however rare it is. Its cost is that the
// reservoir's class mix differs from the stream's when classes are
// imbalanced; N1 depends on the mix, so SampledN1 measures on subsamples
// whose class proportions follow the stream (see SampledN1), and a class
// over-represented in the stream leaves part of the other classes' slots
// unused by the estimate. When the class frequencies are known in
// advance, a capacity proportional to them wastes nothing.
func StratifiedCapacity(m, classes int) []int {
	if classes <= 0 {
		return nil
	}
	c := make([]int, classes)
	m = max(m, 0)
	for i := range c {
		c[i] = m / classes
		if i < m%classes {
			c[i]++
		}
	}
	return c
}

// Offer presents the next sample of the stream, of class label, and
// returns the slot in [0, Capacity()) the caller must store it in
// (replacing whatever the slot held), or -1 if the sample is dropped. A
// label outside [0, Classes()) is dropped without drawing a random number
// and counted apart (Rejected); use OfferBatch to have it reported as an
// error instead.
func (s *Sampler) Offer(label int32) int {
	if label < 0 || int(label) >= len(s.capacity) {
		s.rejected++
		return -1
	}
	c := int(label)
	s.seen[c]++
	s.seenAll++
	k := s.capacity[c]
	if len(s.slots[c]) < k {
		slot := s.next
		s.next++
		s.slots[c] = append(s.slots[c], slot)
		s.owner[slot] = int32(c)
		return slot
	}
	if k == 0 {
		return -1
	}
	// Algorithm R: keep the t-th sample of the class with probability k/t,
	// in a uniformly chosen slot.
	if j := s.rng.Uint64N(uint64(s.seen[c])); j < uint64(k) {
		return s.slots[c][j]
	}
	return -1
}

// OfferBatch offers the labels of one batch in order and returns their
// slots in dst (grown as needed; -1 = dropped). If any label is outside
// [0, Classes()) it returns an error and offers nothing, so the sampler
// and the estimators stay in step.
func (s *Sampler) OfferBatch(dst []int, labels []int32) ([]int, error) {
	for i, l := range labels {
		if l < 0 || int(l) >= len(s.capacity) {
			return dst, fmt.Errorf("reservoir: sample %d of the batch has label %d, want 0..%d", i, l, len(s.capacity)-1)
		}
	}
	dst = dst[:0]
	for _, l := range labels {
		dst = append(dst, s.Offer(l))
	}
	return dst, nil
}

// Capacity is the total number of slots.
func (s *Sampler) Capacity() int { return s.total }

// ClassCapacity is the number of slots of class c (0 outside the classes).
func (s *Sampler) ClassCapacity(c int) int {
	if c < 0 || c >= len(s.capacity) {
		return 0
	}
	return s.capacity[c]
}

// Classes is the number of classes.
func (s *Sampler) Classes() int { return len(s.capacity) }

// Seed is the seed the sampler was made with.
func (s *Sampler) Seed() uint64 { return s.seed }

// Part is the part of the stream the sampler was made for (NewPart).
func (s *Sampler) Part() uint64 { return s.part }

// Seen is the number of samples offered with a valid label.
func (s *Sampler) Seen() int64 { return s.seenAll }

// SeenClass is the number of samples of class c offered so far.
func (s *Sampler) SeenClass(c int) int64 {
	if c < 0 || c >= len(s.seen) {
		return 0
	}
	return s.seen[c]
}

// Kept is the number of slots of class c in use: min(ClassCapacity(c),
// SeenClass(c)).
func (s *Sampler) Kept(c int) int {
	if c < 0 || c >= len(s.slots) {
		return 0
	}
	return len(s.slots[c])
}

// Rejected is the number of labels Offer dropped for being outside
// [0, Classes()).
func (s *Sampler) Rejected() int64 { return s.rejected }

// SlotClass is the class that owns slot i, or -1 if it is unused or out
// of range.
func (s *Sampler) SlotClass(i int) int {
	if i < 0 || i >= len(s.owner) {
		return -1
	}
	return int(s.owner[i])
}
