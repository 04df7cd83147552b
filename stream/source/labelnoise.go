package source

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// noiseStream separates the label noise's random stream from the other
// streams derived from the same seed (the reservoir, the projections).
const noiseStream = 0x1abe1f11b5

// Noisy is a source whose labels a seeded draw changed on purpose
// (WithLabelNoise): the experiment of measuring how well per-sample
// scores find mislabeled samples.
type Noisy interface {
	Source
	// Flipped reports whether the label of the sample at stream position
	// pos (from 0) was changed.
	Flipped(pos int64) bool
	// Flips is the number of labels changed.
	Flips() int
}

// labelNoise is the Noisy of WithLabelNoise.
type labelNoise struct {
	Source
	classes int
	shift   map[int64]int32 // stream position -> class offset in [1, classes)
	pos     int64           // samples read so far
}

// WithLabelNoise returns src with round(rate·n) of its n labels changed to
// another class: the positions are a uniformly random subset drawn with
// seed (Floyd's algorithm), and each flipped label is moved by an offset
// drawn uniformly from 1 to classes-1, so it becomes any other class with
// equal probability. The same seed, rate and dataset give the same flips.
// Memory: about 40 bytes per flip. rate must be in [0, 1) and the dataset
// must have two classes or more. A Layered src stays Layered.
func WithLabelNoise(src Source, rate float64, seed uint64) (Noisy, error) {
	if !(rate >= 0 && rate < 1) {
		return nil, fmt.Errorf("--label-noise %g: give the fraction of labels to flip, in [0, 1)", rate)
	}
	k := len(src.Classes())
	if k < 2 && rate > 0 {
		return nil, fmt.Errorf("--label-noise %g: %s has %d class; a label can only be flipped to another class", rate, src.Name(), k)
	}
	n := int64(src.Len())
	flips := int64(math.Round(rate * float64(n)))
	rng := rand.New(rand.NewPCG(seed, noiseStream))
	s := &labelNoise{Source: src, classes: k, shift: make(map[int64]int32, flips)}
	// Floyd: for j from n-flips to n-1, take a random t in [0, j]; if t
	// was taken, take j. Every subset of size flips is equally likely.
	for j := n - flips; j < n; j++ {
		t := rng.Int64N(j + 1)
		if _, taken := s.shift[t]; taken {
			t = j
		}
		s.shift[t] = int32(1 + rng.IntN(k-1))
	}
	if l, ok := src.(Layered); ok {
		return layeredNoise{labelNoise: s, layered: l}, nil
	}
	return s, nil
}

// layeredNoise is label noise on activations extracted beforehand.
type layeredNoise struct {
	*labelNoise
	layered Layered
}

func (s layeredNoise) Parts() []Part { return s.layered.Parts() }

func (s *labelNoise) Flips() int { return len(s.shift) }

func (s *labelNoise) Flipped(pos int64) bool {
	_, ok := s.shift[pos]
	return ok
}

// Next reads the next batch and changes the labels drawn to be flipped.
func (s *labelNoise) Next(b *Batch, max int) error {
	if err := s.Source.Next(b, max); err != nil {
		return err
	}
	for i := range b.N {
		if d, ok := s.shift[s.pos+int64(i)]; ok {
			b.Labels[i] = (b.Labels[i] + d) % int32(s.classes)
		}
	}
	s.pos += int64(b.N)
	return nil
}
