package reservoir

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// chi2Crit999 is the 0.999 quantile of chi-square by degrees of freedom.
var chi2Crit999 = map[int]float64{19: 43.820}

func TestStratifiedCapacity(t *testing.T) {
	for _, tc := range []struct {
		m, classes int
		want       []int
	}{
		{1000, 10, []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}},
		{7, 3, []int{3, 2, 2}},
		{2, 3, []int{1, 1, 0}},
		{0, 2, []int{0, 0}},
		{-5, 2, []int{0, 0}},
		{5, 0, nil},
	} {
		if got := StratifiedCapacity(tc.m, tc.classes); !slices.Equal(got, tc.want) {
			t.Errorf("StratifiedCapacity(%d, %d) = %v, want %v", tc.m, tc.classes, got, tc.want)
		}
	}
}

// A stream with imbalanced classes, one of them smaller than its
// capacity: after every sample, each class holds min(capacity, seen)
// samples of its own, the slots hold exactly what the sampler says, and
// filling hands out slots in arrival order.
func TestSamplerStratified(t *testing.T) {
	capacity := []int{5, 10, 3, 0}
	s := New(capacity, 7)
	rng := rand.New(rand.NewPCG(1, 2))
	content := make([]int, s.Capacity()) // sample id in each slot
	for i := range content {
		content[i] = -1
	}
	var labels []int32
	filled := 0
	for id := range 500 {
		var l int32
		switch r := rng.IntN(100); {
		case r < 60:
			l = 0
		case r < 62:
			l = 1 // rare: 10 slots, about 10 samples
		case r < 90:
			l = 2
		default:
			l = 3 // no slots
		}
		labels = append(labels, l)
		slot := s.Offer(l)
		if slot >= 0 {
			if content[slot] == -1 {
				if slot != filled {
					t.Fatalf("sample %d: new slot %d, want %d (fill in arrival order)", id, slot, filled)
				}
				filled++
			}
			content[slot] = id
		}
		counts := make([]int, len(capacity))
		for sl, c := range content {
			if c < 0 {
				continue
			}
			if got := s.SlotClass(sl); got != int(labels[c]) {
				t.Fatalf("slot %d holds class %d, owned by %d", sl, labels[c], got)
			}
			counts[labels[c]]++
		}
		for c := range capacity {
			want := min(int64(capacity[c]), s.SeenClass(c))
			if int64(counts[c]) != want || int64(s.Kept(c)) != want {
				t.Fatalf("after %d samples class %d holds %d (Kept %d), want %d", id+1, c, counts[c], s.Kept(c), want)
			}
		}
	}
	if s.Seen() != 500 {
		t.Errorf("Seen = %d, want 500", s.Seen())
	}
	var sum int64
	for c := range capacity {
		sum += s.SeenClass(c)
	}
	if sum != 500 || s.SeenClass(-1) != 0 || s.SeenClass(4) != 0 {
		t.Errorf("SeenClass sums to %d", sum)
	}
	if s.SeenClass(1) >= 10 {
		t.Logf("class 1 saw %d ≥ its capacity", s.SeenClass(1))
	}
}

func TestSamplerDeterministic(t *testing.T) {
	run := func(seed uint64) []int {
		s := New([]int{4, 4, 4}, seed)
		rng := rand.New(rand.NewPCG(3, 4))
		var out []int
		for range 300 {
			out = append(out, s.Offer(int32(rng.IntN(3))))
		}
		return out
	}
	a, b, c := run(11), run(11), run(12)
	if !slices.Equal(a, b) {
		t.Error("same seed and stream gave different slots")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 11 and 12 gave the same slots")
	}
}

// Within a class the reservoir is a uniform random subset: over 24000
// fixed seeds, every one of the 20 samples of a class with 5 slots is kept
// equally often (chi-square, 19 df), and with 3 slots out of 6 samples
// every one of the 20 possible subsets is equally likely. The other class,
// interleaved, must not disturb either.
func TestSamplerUniform(t *testing.T) {
	const runs = 24000
	kept := make([]float64, 20)
	subsets := map[[3]int]float64{}
	for r := range runs {
		s := New([]int{5, 2}, uint64(r)*0x9e3779b97f4a7c15+1)
		slotOf := map[int]int{} // slot -> sample of class 0 in it
		for i := range 20 {
			s.Offer(1) // interleaved other class
			if sl := s.Offer(0); sl >= 0 {
				slotOf[sl] = i
			}
		}
		if len(slotOf) != 5 {
			t.Fatalf("class 0 used %d slots, want 5", len(slotOf))
		}
		for _, i := range slotOf {
			kept[i]++
		}
		s = New([]int{3}, uint64(r)+12345)
		var slot [3]int
		for i := range 6 {
			if sl := s.Offer(0); sl >= 0 {
				slot[sl] = i
			}
		}
		slices.Sort(slot[:])
		subsets[slot]++
	}
	// Each run keeps sample i independently of the other runs with
	// p = 5/20, so (k_i − runs·p)² / (runs·p·(1−p)) summed over the 20
	// samples, whose total is fixed, is approximately chi-square with 19 df.
	chi := 0.0
	p := 5.0 / 20
	want := runs * p
	for _, k := range kept {
		chi += (k - want) * (k - want) / (want * (1 - p))
	}
	if chi > chi2Crit999[19] {
		t.Errorf("per-sample inclusion: chi-square %.1f > %.1f (19 df): %v", chi, chi2Crit999[19], kept)
	}
	if len(subsets) != 20 {
		t.Fatalf("%d distinct 3-subsets of 6, want 20", len(subsets))
	}
	chi2 := 0.0
	want2 := runs / 20.0
	for _, k := range subsets {
		chi2 += (k - want2) * (k - want2) / want2
	}
	if chi2 > chi2Crit999[19] {
		t.Errorf("subsets: chi-square %.1f > %.1f (19 df)", chi2, chi2Crit999[19])
	}
	t.Logf("chi-square: inclusion %.1f, subsets %.1f (19 df, 0.999 quantile %.1f)", chi, chi2, chi2Crit999[19])
}

func TestSamplerBadLabels(t *testing.T) {
	s := New([]int{2, 2}, 1)
	if got := s.Offer(2); got != -1 || s.Rejected() != 1 || s.Seen() != 0 {
		t.Errorf("Offer(2) = %d, Rejected %d, Seen %d", got, s.Rejected(), s.Seen())
	}
	if got := s.Offer(-1); got != -1 || s.Rejected() != 2 {
		t.Errorf("Offer(-1) = %d", got)
	}
	slots, err := s.OfferBatch(nil, []int32{0, 1, 5})
	if err == nil {
		t.Fatal("OfferBatch accepted label 5")
	}
	if s.Seen() != 0 || len(slots) != 0 {
		t.Errorf("a failed OfferBatch offered %d samples", s.Seen())
	}
	slots, err = s.OfferBatch(slots, []int32{0, 1, 0})
	if err != nil || !slices.Equal(slots, []int{0, 1, 2}) {
		t.Errorf("OfferBatch = %v, %v", slots, err)
	}
}
