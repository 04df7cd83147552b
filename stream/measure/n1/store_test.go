package n1

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The store must hold exactly what was appended.
func TestPointStore(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	var s pointStore
	var want []float32
	for len(want) < 3<<18 {
		v := make([]float32, rng.IntN(1<<16))
		for i := range v {
			v[i] = rng.Float32()
		}
		s.append(v)
		want = append(want, v...)
		if !slices.Equal(s.values(), want) {
			t.Fatalf("after %d values: contents differ", len(want))
		}
	}
	s.append(nil)
	if len(s.values()) != len(want) {
		t.Errorf("appending nothing changed the length")
	}
}
