package sql

import (
	"context"
	"math"
	"testing"
)

// AddSamples refuses rows it cannot store and rows for a run that ended,
// writing nothing; infinite ratios (a sample alone in its class) are kept.
func TestAddSamplesRefuses(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	ok := []Sample{{Index: 0, Label: "a", N2Ratio: math.Inf(1), Method: "exact"}}
	if err := r.AddSamples(ctx, 0, 1<<40, ok, nil); err == nil {
		t.Error("a layer index beyond INTEGER: no error")
	}
	if err := r.AddSamples(ctx, 0, 0, []Sample{{Index: 1}}, nil); err == nil {
		t.Error("a row without method: no error")
	}
	if err := r.AddSamples(ctx, 0, 0, ok, []ClassPair{{A: "a", B: "b", NA: 1, NB: 1, CrossEdges: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.AddSamples(ctx, 0, 1, ok, nil); err == nil {
		t.Error("rows for a complete run: no error")
	}
	checkRows(t, s, `SELECT layer_index, sample, label, n2_ratio, flipped FROM samples`, []string{"0 0 a +Inf <nil>"})
	checkRows(t, s, `SELECT count(*) FROM class_pairs`, []string{"1"})
}
