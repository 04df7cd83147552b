package source

import (
	"errors"
	"io"
	"testing"
)

// The flips: round(rate·n) of them, each to another class, the same for
// the same seed and others for another, and Flipped names exactly the
// samples whose label changed; activations stay layered.
func TestLabelNoise(t *testing.T) {
	read := func(src Source) []int32 {
		var b Batch
		var out []int32
		for {
			err := src.Next(&b, 37)
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b.Labels[:b.N]...)
		}
	}
	open := func() Source {
		src, err := OpenMNIST(Options{Limit: 1000})
		if err != nil {
			t.Skipf("MNIST: %v", err)
		}
		return src
	}
	clean := read(open())
	var first []int32
	for _, seed := range []uint64{7, 7, 8} {
		noisy, err := WithLabelNoise(open(), 0.02, seed)
		if err != nil {
			t.Fatal(err)
		}
		got := read(noisy)
		changed := 0
		for i := range clean {
			if (got[i] != clean[i]) != noisy.Flipped(int64(i)) {
				t.Fatalf("seed %d sample %d: label %d, clean %d, Flipped %v", seed, i, got[i], clean[i], noisy.Flipped(int64(i)))
			}
			if got[i] != clean[i] {
				changed++
			}
			if got[i] < 0 || got[i] > 9 {
				t.Fatalf("label %d", got[i])
			}
		}
		if changed != 20 || noisy.Flips() != 20 {
			t.Errorf("seed %d: %d labels changed, Flips %d, want 20", seed, changed, noisy.Flips())
		}
		switch {
		case first == nil:
			first = got
		case seed == 7:
			for i := range got {
				if got[i] != first[i] {
					t.Fatalf("seed 7 twice: sample %d differs", i)
				}
			}
		default:
			same := 0
			for i := range got {
				if got[i] != clean[i] && got[i] == first[i] {
					same++
				}
			}
			if same == 20 {
				t.Error("seed 8 flipped the same labels as seed 7")
			}
		}
	}
	for _, rate := range []float64{-0.1, 1, 1.5} {
		if _, err := WithLabelNoise(open(), rate, 1); err == nil {
			t.Errorf("rate %g: no error", rate)
		}
	}
	acts, err := Open("acts:../../fixtures/activations", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer acts.Close()
	noisy, err := WithLabelNoise(acts, 0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := noisy.(Layered); !ok {
		t.Error("label noise on activations is no longer Layered")
	}
}
