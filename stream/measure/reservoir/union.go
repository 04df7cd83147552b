package reservoir

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
)

// From says where the sample of a slot of a Union comes from: slot Slot
// of the first sampler, or of the second (Twin).
type From struct {
	Twin bool
	Slot int
}

// Union returns the reservoir of the stream that a sampled followed by
// the stream that b sampled, and for each of its slots in use, in slot
// order, where its sample comes from; a and b are not changed.
//
// Class by class, with n_a and n_b samples seen and k slots, a holds a
// uniform subset of min(k, n_a) of its samples and b of min(k, n_b). If
// they fit, the union keeps them all. Otherwise it keeps k: the number X
// taken from a is drawn from the hypergeometric distribution of k draws
// without replacement from n_a + n_b (the number of a's samples in a
// uniform k-subset of the union), X ≤ min(k, n_a), and X of a's samples
// and k − X of b's are chosen uniformly. A uniform subset of a uniform
// subset is uniform, so when a's and b's samples are independent the
// union holds a uniform k-subset of all n_a + n_b samples, exactly in
// distribution: the reservoir one sampler fed both streams would hold.
// (The Apache DataSketches' ReservoirItemsUnion, which inserts the lighter
// reservoir's items one by one with weight n/k, promises each item the
// uniform probability of selection but nothing of higher order.) Its
// counts are the sums, and Offer goes on with Algorithm R from them.
//
// The slots in use are renumbered: a's chosen samples first, then b's,
// each in slot order, so that while nothing has been dropped slot order
// is still stream order, and the union equals the sampler fed both
// streams bit for bit. The draws come from a copy of a's generator, which
// the union keeps: the result depends only on a and b.
//
// a and b must have the same seed and capacities. Their samples are
// independent when each part of the stream had its own random stream
// (NewPart): Union refuses two samplers of the same part that have both
// drawn random numbers.
func Union(a, b *Sampler) (*Sampler, []From, error) {
	if a.seed != b.seed || !slices.Equal(a.capacity, b.capacity) {
		return nil, nil, fmt.Errorf("reservoir: cannot merge a sampler of seed %d and capacities %v into one of seed %d and capacities %v", b.seed, b.capacity, a.seed, a.capacity)
	}
	if a.part == b.part && a.drew() && b.drew() {
		return nil, nil, fmt.Errorf("reservoir: both samplers drew from the random stream of part %d, so their samples are not independent; give each part its own (NewPart)", a.part)
	}
	pcg, err := clonePCG(a.pcg)
	if err != nil {
		return nil, nil, err
	}
	u := &Sampler{
		seed: a.seed, part: a.part, pcg: pcg, rng: rand.New(pcg),
		capacity: slices.Clone(a.capacity), total: a.total,
		slots: make([][]int, len(a.capacity)), owner: make([]int32, a.total),
		seen: make([]int64, len(a.capacity)), seenAll: a.seenAll + b.seenAll, rejected: a.rejected + b.rejected,
	}
	keepA, keepB := make([]bool, a.total), make([]bool, b.total)
	for c, k := range a.capacity {
		na, nb := a.seen[c], b.seen[c]
		u.seen[c] = na + nb
		sa, sb := a.slots[c], b.slots[c]
		if len(sa)+len(sb) <= k {
			mark(keepA, sa, len(sa))
			mark(keepB, sb, len(sb))
			continue
		}
		x := 0 // a's share of k draws without replacement from the union
		remA, remB := uint64(na), uint64(nb)
		for range k {
			if u.rng.Uint64N(remA+remB) < remA {
				x++
				remA--
			} else {
				remB--
			}
		}
		mark(keepA, u.choose(sa), x)
		mark(keepB, u.choose(sb), k-x)
	}
	var from []From
	for i := range u.owner {
		u.owner[i] = -1
	}
	add := func(s *Sampler, keep []bool, twin bool) {
		for slot, ok := range keep {
			if ok {
				c := s.owner[slot]
				u.slots[c] = append(u.slots[c], u.next)
				u.owner[u.next] = c
				u.next++
				from = append(from, From{Twin: twin, Slot: slot})
			}
		}
	}
	add(a, keepA, false)
	add(b, keepB, true)
	return u, from, nil
}

// choose returns a copy of slots in a uniformly random order (Fisher and
// Yates), of which the caller keeps a prefix.
func (s *Sampler) choose(slots []int) []int {
	p := slices.Clone(slots)
	for i := len(p) - 1; i > 0; i-- {
		j := int(s.rng.Uint64N(uint64(i + 1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// mark sets keep for the first n of slots.
func mark(keep []bool, slots []int, n int) {
	for _, s := range slots[:n] {
		keep[s] = true
	}
}

// drew reports whether the sampler's generator has moved from its start.
func (s *Sampler) drew() bool {
	cur, err1 := s.pcg.MarshalBinary()
	start, err2 := partPCG(s.seed, s.part).MarshalBinary()
	return err1 != nil || err2 != nil || !bytes.Equal(cur, start)
}

// clonePCG returns a generator in the state of p.
func clonePCG(p *rand.PCG) (*rand.PCG, error) {
	b, err := p.MarshalBinary()
	if err != nil {
		return nil, err
	}
	q := new(rand.PCG)
	return q, q.UnmarshalBinary(b)
}
