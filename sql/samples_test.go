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
	if err := r.AddSamples(ctx, []LayerSamples{{LayerIndex: 1 << 40, Samples: ok}}); err == nil {
		t.Error("a layer index beyond INTEGER: no error")
	}
	// A bad row in the second layer keeps the first one out too.
	if err := r.AddSamples(ctx, []LayerSamples{{LayerIndex: 0, Samples: ok}, {LayerIndex: 1, Samples: []Sample{{Index: 1}}}}); err == nil {
		t.Error("a row without method: no error")
	}
	if err := r.AddSamples(ctx, []LayerSamples{{Samples: ok, Pairs: []ClassPair{{A: "a", B: "b", NA: 1, NB: 1, CrossEdges: 1}}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.AddSamples(ctx, []LayerSamples{{LayerIndex: 1, Samples: ok}}); err == nil {
		t.Error("rows for a complete run: no error")
	}
	checkRows(t, s, `SELECT layer_index, sample, label, n2_ratio, flipped FROM samples`, []string{"0 0 a +Inf <nil>"})
	checkRows(t, s, `SELECT count(*) FROM class_pairs`, []string{"1"})
}
