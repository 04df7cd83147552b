package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/measure"
	"cxray/stream/pipeline"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// recorder keeps what it is fed.
type recorder struct {
	layers []tap.Layer
	keep   func(i int64) bool // nil keeps every row
	next   int64
	x      [][]float32
	labels []int32
	slots  []int
	// dropped are the labels of the rows not admitted, layer 0's.
	dropped []int32
	fail    error
}

func (r *recorder) Layers() []tap.Layer { return r.layers }

func (r *recorder) Admit(labels []int32) ([]int, []int) {
	if r.keep == nil {
		return nil, nil
	}
	rows, slots := []int{}, []int{}
	for i := range labels {
		if r.keep(r.next) {
			rows = append(rows, i)
			slots = append(slots, int(r.next))
		}
		r.next++
	}
	return rows, slots
}

func (r *recorder) Update(i int, b measure.Batch) error {
	if r.fail != nil {
		return r.fail
	}
	r.x[i] = append(r.x[i], b.X...)
	if i == 0 {
		r.labels = append(r.labels, b.Labels...)
		r.slots = append(r.slots, b.Slots...)
		r.dropped = append(r.dropped, b.Dropped...)
	}
	return nil
}

func open(t *testing.T, n int) source.Source {
	t.Helper()
	src, err := source.Open("mnist", source.Options{Split: "test", Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func readAll(t *testing.T, n int) ([]float32, []int32) {
	src := open(t, n)
	var b source.Batch
	var x []float32
	var y []int32
	for src.Next(&b, 100) == nil {
		x = append(x, b.X[:b.N*784]...)
		y = append(y, b.Labels[:b.N]...)
	}
	return x, y
}

func TestInputOnlyCheckpoints(t *testing.T) {
	const n = 1000
	wantX, wantY := readAll(t, n)
	rec := &recorder{layers: []tap.Layer{tap.InputLayer("input", []int{1, 28, 28})}, x: make([][]float32, 1)}
	var checkpoints []int64
	seen, err := pipeline.Run(context.Background(), pipeline.Config{
		Source: open(t, n), Input: "input", Batch: 64, Sink: rec, Every: 300,
		Checkpoint: func(seen int64, final bool) (bool, error) {
			checkpoints = append(checkpoints, seen)
			return false, nil
		},
	})
	if err != nil || seen != n {
		t.Fatalf("Run: seen %d, %v", seen, err)
	}
	if want := []int64{320, 640, 960, 1000}; !slices.Equal(checkpoints, want) {
		t.Errorf("checkpoints %v, want %v (batches of 64, every 300, then the end)", checkpoints, want)
	}
	if !slices.Equal(rec.x[0], wantX) || !slices.Equal(rec.labels, wantY) {
		t.Error("the sink did not get the dataset in order")
	}
}

func TestAdmitDropsRowsBeforeTheForwardPass(t *testing.T) {
	g, err := importer.Load("../../fixtures/models/lenet5_op13.onnx")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := ex.OutputShapes([]int{1, 28, 28})
	if err != nil {
		t.Fatal(err)
	}
	all := tap.FromGraph(g, [][]int{{1, 28, 28}}, shapes)
	layers, _ := tap.Select(all, "input,output")
	rec := &recorder{layers: layers, x: make([][]float32, 2), keep: func(i int64) bool { return i%3 == 0 }}
	const n = 300
	_, err = pipeline.Run(context.Background(), pipeline.Config{
		Source: open(t, n), Exec: ex, Input: "input", Shape: []int{1, 28, 28}, Batch: 32, Sink: rec,
		Checkpoint: func(int64, bool) (bool, error) { return false, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.labels) != n/3 || len(rec.x[1]) != n/3*10 {
		t.Fatalf("kept %d rows and %d outputs, want %d rows", len(rec.labels), len(rec.x[1]), n/3)
	}
	// The kept rows are samples 0, 3, 6, ...; their outputs match a
	// direct run of the model on them.
	wantX, wantY := readAll(t, n)
	var x []float32
	var y []int32
	for i := 0; i < n; i += 3 {
		x = append(x, wantX[i*784:(i+1)*784]...)
		y = append(y, wantY[i])
	}
	var direct []float32
	err = ex.Run(&runtime.Tensor{Shape: []int{n / 3, 1, 28, 28}, Data: x}, func(name string, o *runtime.Tensor) error {
		if name == "output" {
			direct = append(direct, o.Data...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.labels, y) || !slices.Equal(rec.x[0], x) {
		t.Error("kept rows are not samples 0, 3, 6, ...")
	}
	// The other rows come as dropped labels, every batch's, in order.
	var dropped []int32
	for i := range n {
		if i%3 != 0 {
			dropped = append(dropped, wantY[i])
		}
	}
	if !slices.Equal(rec.dropped, dropped) {
		t.Errorf("%d dropped labels, want the %d of the samples not admitted", len(rec.dropped), len(dropped))
	}
	for i := range direct {
		if d := direct[i] - rec.x[1][i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("output %d: pipeline %v, direct %v", i, rec.x[1][i], direct[i])
		}
	}
	if rec.slots[1] != 3 {
		t.Errorf("slots %v, want the admitted slots passed through", rec.slots[:3])
	}
}

func TestStopEarlyAndErrors(t *testing.T) {
	mk := func() *recorder {
		return &recorder{layers: []tap.Layer{tap.InputLayer("input", []int{1, 28, 28})}, x: make([][]float32, 1)}
	}
	calls := 0
	seen, err := pipeline.Run(context.Background(), pipeline.Config{
		Source: open(t, 2000), Input: "input", Batch: 100, Sink: mk(), Every: 100,
		Checkpoint: func(int64, bool) (bool, error) { calls++; return calls == 3, nil },
	})
	if err != nil || seen != 300 {
		t.Errorf("stop at the third checkpoint: seen %d, err %v", seen, err)
	}
	boom := errors.New("boom")
	rec := mk()
	rec.fail = boom
	if _, err := pipeline.Run(context.Background(), pipeline.Config{
		Source: open(t, 500), Input: "input", Batch: 100, Sink: rec,
		Checkpoint: func(int64, bool) (bool, error) { return false, nil },
	}); !errors.Is(err, boom) {
		t.Errorf("sink error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pipeline.Run(ctx, pipeline.Config{
		Source: open(t, 500), Input: "input", Batch: 100, Sink: mk(),
		Checkpoint: func(int64, bool) (bool, error) { t.Error("checkpoint after cancel"); return false, nil },
	}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// A checkpoint that falls on the last batch is the final one, not a
// second row at the same step.
func TestCheckpointOnTheLastBatchIsFinal(t *testing.T) {
	rec := &recorder{layers: []tap.Layer{tap.InputLayer("input", []int{1, 28, 28})}, x: make([][]float32, 1)}
	type cp struct {
		seen  int64
		final bool
	}
	var got []cp
	_, err := pipeline.Run(context.Background(), pipeline.Config{
		Source: open(t, 1000), Input: "input", Batch: 100, Sink: rec, Every: 500,
		Checkpoint: func(seen int64, final bool) (bool, error) {
			got = append(got, cp{seen, final})
			return false, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []cp{{500, false}, {1000, true}}; !slices.Equal(got, want) {
		t.Errorf("checkpoints %v, want %v", got, want)
	}
}
