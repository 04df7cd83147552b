package tap_test

import (
	"slices"
	"strings"
	"testing"

	"cxray/stream/tap"
)

// Two samples of 3 tokens × 2 features; the second keeps its first two
// tokens only.
func TestAppendPooled(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60}
	mask := []float32{1, 1, 1, 1, 1, 0}
	for _, c := range []struct {
		pool tap.Pool
		mask []float32
		want []float32
	}{
		{tap.PoolMean, mask, []float32{3, 4, 20, 30}},
		{tap.PoolMean, nil, []float32{3, 4, 30, 40}},
		{tap.PoolCLS, mask, []float32{1, 2, 10, 20}},
		{tap.PoolLast, mask, []float32{5, 6, 30, 40}},
		{tap.PoolLast, nil, []float32{5, 6, 50, 60}},
		{tap.PoolFlatten, mask, x},
	} {
		got, err := c.pool.AppendPooled([]float32{-1}, x, 2, 3, 2, c.mask, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]float32{-1}, c.want...); !slices.Equal(got, want) {
			t.Errorf("%s (mask %v): %v, want %v", c.pool, c.mask != nil, got, want)
		}
	}
	_, err := tap.PoolMean.AppendPooled(nil, x, 2, 3, 2, []float32{1, 0, 0, 0, 0, 0}, 40)
	if err == nil || !strings.Contains(err.Error(), "sample 41: its attention mask keeps no token") {
		t.Errorf("an empty mask: %v", err)
	}
}

func TestParsePool(t *testing.T) {
	for s, want := range map[string]tap.Pool{"mean": tap.PoolMean, "CLS": tap.PoolCLS, "first": tap.PoolCLS, "last": tap.PoolLast, "flatten": tap.PoolFlatten} {
		if p, err := tap.ParsePool(s); err != nil || p != want {
			t.Errorf("ParsePool(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := tap.ParsePool("max"); err == nil {
		t.Error("ParsePool(max): no error")
	}
}

// MarkTokens pools the tokens × features layers of a model over 8
// tokens; the inputs and other layers stay.
func TestMarkTokens(t *testing.T) {
	layers := []tap.Layer{
		tap.InputLayer("input_ids", []int{8}),
		{Index: 1, Name: "emb", OpType: "Gather", Shape: []int{8, 16}, Dim: 128},
		{Index: 2, Name: "scores", OpType: "Softmax", Shape: []int{2, 8, 8}, Dim: 128},
		{Index: 3, Name: "logits", OpType: "Gemm", Shape: []int{3}, Dim: 3},
	}
	tap.MarkTokens(layers, 8, tap.PoolCLS)
	if l := layers[1]; l.Tokens != 8 || l.Dim != 16 || l.Pool != tap.PoolCLS {
		t.Errorf("emb: %+v", l)
	}
	for _, i := range []int{0, 2, 3} {
		if layers[i].Tokens != 0 {
			t.Errorf("%s marked: %+v", layers[i].Name, layers[i])
		}
	}
}
