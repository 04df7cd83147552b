package reservoir

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// offerAll offers labels to s and returns the sample id in each slot,
// ids counted from first.
func offerAll(s *Sampler, labels []int32, first int) []int {
	content := make([]int, s.Capacity())
	for i := range content {
		content[i] = -1
	}
	for i, l := range labels {
		if slot := s.Offer(l); slot >= 0 {
			content[slot] = first + i
		}
	}
	return content
}

// unionContent is the sample id in each slot of a union, from the parts'
// contents.
func unionContent(u *Sampler, from []From, ca, cb []int) []int {
	out := make([]int, u.Capacity())
	for i := range out {
		out[i] = -1
	}
	for i, f := range from {
		if f.Twin {
			out[i] = cb[f.Slot]
		} else {
			out[i] = ca[f.Slot]
		}
	}
	return out
}

// While nothing is dropped, the union of two parts' samplers is the
// sampler fed both parts, bit for bit.
func TestUnionExactWhileNothingDropped(t *testing.T) {
	capacity := []int{6, 5, 4}
	labels := []int32{0, 2, 1, 1, 0, 2, 0, 1, 2, 0, 0, 1}
	whole := New(capacity, 3)
	offerAll(whole, labels, 0)
	a, b := NewPart(capacity, 3, 0), NewPart(capacity, 3, 1)
	offerAll(a, labels[:5], 0)
	offerAll(b, labels[5:], 5)
	u, from, err := Union(a, b)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := whole.MarshalBinary()
	ub, _ := u.MarshalBinary()
	if !bytes.Equal(wb, ub) {
		t.Error("the union of two samplers that dropped nothing differs from one sampler fed both streams")
	}
	if len(from) != len(labels) || from[4] != (From{Slot: 4}) || from[5] != (From{Twin: true, Slot: 0}) {
		t.Errorf("from = %v", from)
	}
}

// The union holds a uniform subset of the union of the streams: every
// sample is kept with probability k/n and every pair with probability
// k(k−1)/(n(n−1)), over 20000 seeds, within 5 standard deviations; the
// counts add up and each class keeps min(k, n) of its own samples.
func TestUnionUniform(t *testing.T) {
	const trials = 20000
	// Class 0: 4 slots, 6 samples in part a and 10 in b; class 1: 3 slots,
	// 2 and 1 samples (all kept).
	var la, lb []int32
	for range 6 {
		la = append(la, 0)
	}
	la = append(la, 1, 1)
	for range 10 {
		lb = append(lb, 0)
	}
	lb = append(lb, 1)
	capacity := []int{4, 3}
	n := len(la) + len(lb)
	single := make([]float64, n)
	pair := make([]float64, n*n)
	class0 := func(id int) bool { return id < 6 || id >= 8 && id < 18 }
	for seed := range uint64(trials) {
		a, b := NewPart(capacity, seed, 0), NewPart(capacity, seed, 1)
		ca, cb := offerAll(a, la, 0), offerAll(b, lb, len(la))
		u, from, err := Union(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if u.Seen() != int64(n) || u.SeenClass(0) != 16 || u.Kept(0) != 4 || u.Kept(1) != 3 {
			t.Fatalf("seed %d: seen %d, class 0 %d, kept %d and %d", seed, u.Seen(), u.SeenClass(0), u.Kept(0), u.Kept(1))
		}
		content := unionContent(u, from, ca, cb)
		for slot, id := range content {
			if id < 0 {
				continue
			}
			if (u.SlotClass(slot) == 0) != class0(id) {
				t.Fatalf("seed %d: slot %d of class %d holds sample %d", seed, slot, u.SlotClass(slot), id)
			}
			single[id]++
			for _, other := range content {
				if other >= 0 && other != id {
					pair[id*n+other]++
				}
			}
		}
	}
	check := func(what string, got, p float64) {
		sd := math.Sqrt(trials * p * (1 - p))
		if math.Abs(got-trials*p) > 5*sd {
			t.Errorf("%s kept %v times in %d, want %.0f ± %.0f", what, got, trials, trials*p, sd)
		}
	}
	for id := range n {
		if class0(id) {
			check("sample", single[id], 4.0/16)
			for other := range n {
				if other != id && class0(other) {
					check("pair", pair[id*n+other], 4.0*3/(16*15))
				}
			}
		} else if single[id] != trials {
			t.Errorf("sample %d of class 1 kept %v times in %d, want always", id, single[id], trials)
		}
	}
}

func TestUnionRefuses(t *testing.T) {
	labels := make([]int32, 20) // class 0 only: the samplers draw
	a, b := New([]int{3}, 1), New([]int{3}, 1)
	offerAll(a, labels, 0)
	offerAll(b, labels, 0)
	if _, _, err := Union(a, b); err == nil || !strings.Contains(err.Error(), "NewPart") {
		t.Errorf("two samplers that drew from one stream: %v", err)
	}
	if _, _, err := Union(a, New([]int{4}, 1)); err == nil {
		t.Error("other capacities: no error")
	}
	if _, _, err := Union(a, NewPart([]int{3}, 2, 1)); err == nil {
		t.Error("another seed: no error")
	}
	// A part that drew nothing is independent of any.
	if _, _, err := Union(a, New([]int{3}, 1)); err != nil {
		t.Error(err)
	}
}

func TestSamplerMarshal(t *testing.T) {
	s := NewPart([]int{3, 0, 2}, 9, 4)
	offerAll(s, []int32{0, 1, 2, 0, 0, 0, 2, 2, 1, 0}, 0)
	s.Offer(7) // rejected
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Sampler
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if again, _ := got.MarshalBinary(); !bytes.Equal(again, b) {
		t.Error("a sampler read back marshals to other bytes")
	}
	// It goes on drawing as the original would.
	for range 50 {
		if x, y := s.Offer(0), got.Offer(0); x != y {
			t.Fatalf("after a round trip Offer gives %d, the original %d", y, x)
		}
	}
	for n := range len(b) {
		if err := new(Sampler).UnmarshalBinary(b[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes: no error", n, len(b))
		}
	}
	if err := New([]int{3, 0, 1}, 9).UnmarshalBinary(b); err == nil {
		t.Error("into a sampler of other capacities: no error")
	}
}

func FuzzUnmarshalSampler(f *testing.F) {
	s := New([]int{2, 3}, 1)
	offerAll(s, []int32{0, 1, 1, 0, 0, 1, 0}, 0)
	b, _ := s.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Sampler
		if s.UnmarshalBinary(data) != nil {
			return
		}
		if b, _ := s.MarshalBinary(); !bytes.Equal(b, data) {
			t.Fatal("a sampler read back marshals to other bytes")
		}
		for range 3 {
			s.Offer(0)
		}
	})
}
