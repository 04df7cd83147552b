package reservoir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"cxray/stream/measure/internal/wire"
)

const (
	samplerTag     = "reservoir.Sampler"
	samplerVersion = 1
)

// MarshalBinary writes the sampler: its seed, part and capacities (the
// settings), its generator's state, the samples seen per class, the
// rejected labels, and the class of every slot (−1 while unused), 4 bytes
// a slot.
func (s *Sampler) MarshalBinary() ([]byte, error) {
	pcg, err := s.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	w := wire.NewWriter(samplerTag, samplerVersion, 4*s.total+16*len(s.capacity)+64)
	w.U64(s.seed)
	w.U64(s.part)
	w.Ints(s.capacity)
	w.Blob(pcg)
	w.I64s(s.seen)
	w.I64(s.rejected)
	w.I32s(s.owner)
	return w.Bytes(), nil
}

// UnmarshalBinary replaces s with a sampler MarshalBinary wrote. A zero
// Sampler takes the state's settings; one made by New or NewPart must have
// the same seed and capacities.
func (s *Sampler) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, samplerTag, samplerVersion)
	if err != nil {
		return err
	}
	seed, part := r.U64(), r.U64()
	capacity := r.Ints(-1, 0, math.MaxInt32)
	if r.Err() == nil && s.capacity != nil && (seed != s.seed || !slices.Equal(capacity, s.capacity)) {
		r.Fail("seed %d and capacities %v, this Sampler has %d and %v", seed, capacity, s.seed, s.capacity)
	}
	pcg := new(rand.PCG)
	if blob := r.Blob(); r.Err() == nil {
		if err := pcg.UnmarshalBinary(blob); err != nil {
			r.Fail("generator: %v", err)
		}
	}
	seen := r.I64s(len(capacity))
	rejected := r.I64()
	owner := r.I32s(-1)
	if err := r.Close(); err != nil {
		return err
	}
	got, err := restore(capacity, seed, part, pcg, seen, rejected, owner)
	if err != nil {
		return fmt.Errorf("%s state: %v", samplerTag, err)
	}
	*s = *got
	return nil
}

// restore builds a sampler from its parts, checking that they are a state
// Offer can reach: every class holds min(capacity, seen) slots, the slots
// in use are the first ones, and the owners match.
func restore(capacity []int, seed, part uint64, pcg *rand.PCG, seen []int64, rejected int64, owner []int32) (*Sampler, error) {
	total := 0
	for _, c := range capacity {
		total += c
	}
	if total != len(owner) {
		return nil, fmt.Errorf("%d slots for capacities summing to %d", len(owner), total)
	}
	s := &Sampler{
		seed: seed, part: part, pcg: pcg, rng: rand.New(pcg), capacity: capacity, total: total,
		slots: make([][]int, len(capacity)), owner: owner, seen: seen, rejected: rejected,
	}
	if rejected < 0 {
		return nil, fmt.Errorf("%d rejected labels", rejected)
	}
	for i, c := range owner {
		switch {
		case c == -1:
			continue
		case c < 0 || int(c) >= len(capacity):
			return nil, fmt.Errorf("slot %d belongs to class %d of %d", i, c, len(capacity))
		case i != s.next:
			return nil, fmt.Errorf("slot %d is in use after unused ones", i)
		}
		s.slots[c] = append(s.slots[c], i)
		s.next++
	}
	for c, n := range seen {
		if n < 0 || n > math.MaxInt64-s.seenAll || int64(len(s.slots[c])) != min(int64(capacity[c]), n) {
			return nil, fmt.Errorf("class %d holds %d slots of %d after %d samples", c, len(s.slots[c]), capacity[c], n)
		}
		s.seenAll += n
	}
	return s, nil
}
