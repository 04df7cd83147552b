package tap_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

// Each per-sample row is named by the key its source gave the sample at
// that stream position: every sample's without a reservoir, the kept
// samples' with one, however often their slots were taken over. A
// projected layer has none, and says why.
func TestRouterSampleKeys(t *testing.T) {
	const n, dim, batch = 300, 4, 16
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	labels := make([]int32, n)
	keys := make([]string, n)
	for i := range labels {
		labels[i] = int32(rng.IntN(3))
		keys[i] = "k" + strconv.Itoa(i)
	}
	for _, c := range []struct{ sample, project int }{{0, 0}, {60, 0}, {0, 2}} {
		name := fmt.Sprintf("sample=%d/project=%d", c.sample, c.project)
		layers := []tap.Layer{{Index: 0, Name: "h", Dim: dim, OpType: "npy"}}
		p, err := plan.Make([]int{dim}, n, plan.Options{Budget: 1 << 30, Sample: c.sample, Project: c.project, Projection: plan.ProjectJL, Classes: 3, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		r := tap.NewRouter(layers, p, measure.NormNone, 3, 1<<24)
		r.TrackSamples()
		for at := 0; at < n; at += batch {
			end := min(n, at+batch)
			ys, xs := labels[at:end], x[at*dim:end*dim]
			rows, slots := r.Admit(ys)
			r.Keys(keys[at:end])
			if err := r.Update(0, tap.Admitted(measure.Batch{Slots: slots}, xs, ys, dim, rows)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Estimate(0, true); err != nil {
			t.Fatal(err)
		}
		s, got, skipped, err := r.Samples(0)
		if err != nil {
			t.Fatal(err)
		}
		if c.project > 0 {
			if s != nil || skipped == "" {
				t.Errorf("%s: projected layer gave samples %v, reason %q", name, s, skipped)
			}
			continue
		}
		want := map[int]int{0: n, 60: 60}[c.sample]
		if s.N() != want || len(got) != want {
			t.Fatalf("%s: %d samples, %d keys, want %d", name, s.N(), len(got), want)
		}
		for j, pos := range s.Index {
			if got[j] != keys[pos] || s.Labels[j] != labels[pos] {
				t.Errorf("%s: sample at %d has key %q and label %d, want %q and %d", name, pos, got[j], s.Labels[j], keys[pos], labels[pos])
			}
		}
	}
}
