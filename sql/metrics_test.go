package sql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

type n1Params struct {
	Distance      string `json:"distance"`
	Normalization string `json:"normalization"`
	Ties          string `json:"ties"`
}

func TestAddMetricsReadBack(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{Name: "many"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10_000
	ms := make([]Metric, n)
	for i := range ms {
		ms[i] = Metric{
			Epoch: i % 3, Step: int64(i), LayerIndex: i % 7, LayerName: fmt.Sprintf("layer%d", i%7),
			Measure: "N1", Value: float64(i) / 3, NSamples: 60000, Method: "exact",
			Params: n1Params{"euclidean", "none", "lowest-index"},
		}
	}
	ms[17].Value = math.NaN()
	ms[18].Params = nil
	if err := r.AddMetrics(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM metrics WHERE run_id = ?`, r.ID()); got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}

	rows, err := s.DB().QueryContext(ctx, `SELECT epoch, step, layer_index, layer_name, measure, value,
		n_samples, method, params::VARCHAR FROM metrics WHERE run_id = ? ORDER BY step`, r.ID())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var m Metric
		var params *string
		if err := rows.Scan(&m.Epoch, &m.Step, &m.LayerIndex, &m.LayerName, &m.Measure, &m.Value,
			&m.NSamples, &m.Method, &params); err != nil {
			t.Fatal(err)
		}
		want := ms[i]
		sameValue := m.Value == want.Value || math.IsNaN(m.Value) && math.IsNaN(want.Value)
		if m.Epoch != want.Epoch || m.Step != want.Step || m.LayerIndex != want.LayerIndex ||
			m.LayerName != want.LayerName || m.Measure != want.Measure || !sameValue ||
			m.NSamples != want.NSamples || m.Method != want.Method {
			t.Fatalf("row %d = %+v, want %+v", i, m, want)
		}
		switch {
		case want.Params == nil && params != nil:
			t.Fatalf("row %d: params %q, want NULL", i, *params)
		case want.Params != nil:
			var p n1Params
			if params == nil || json.Unmarshal([]byte(*params), &p) != nil || p != want.Params {
				t.Fatalf("row %d: params %v, want %+v", i, params, want.Params)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("read %d rows, want %d", i, n)
	}
	if got := queryString(t, s, `SELECT params->>'distance' FROM metrics WHERE step = 0`); got != "euclidean" {
		t.Errorf("params->>'distance' = %q", got)
	}
}

// cancelInAppend is a context that appendMetrics, and only appendMetrics, sees
// cancelled once it has appended a number of chunks: AddMetrics fails
// with rows already handed to DuckDB's appender.
type cancelInAppend struct {
	context.Context
	chunks int // chunks to let through
	seen   int // looks appendMetrics took
}

func (c *cancelInAppend) Err() error {
	pc, _, _, _ := runtime.Caller(1)
	if f := runtime.FuncForPC(pc); f != nil && strings.HasSuffix(f.Name(), ".appendMetrics") {
		c.seen++
		if c.seen > c.chunks {
			return context.Canceled
		}
	}
	return c.Context.Err()
}

func TestAddMetricsIsAllOrNothing(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{})
	if err != nil {
		t.Fatal(err)
	}
	// DuckDB's appender moves rows into the table, inside the
	// transaction, every 204800 rows; fail the call beyond that.
	const chunks = 120
	ms := make([]Metric, (chunks+10)*cancelCheckRows)
	for i := range ms {
		ms[i] = Metric{Measure: "N1", Step: int64(i)}
	}
	if err := r.AddMetrics(ctx, ms[:10]); err != nil {
		t.Fatal(err)
	}

	// Invalid input is refused before anything is written.
	bad := append([]Metric(nil), ms...)
	bad[len(bad)-1].Measure = ""
	if err := r.AddMetrics(ctx, bad); err == nil {
		t.Fatal("a metric without a measure was accepted")
	}

	// A call that fails after many chunks went to the appender.
	cancelled := &cancelInAppend{Context: ctx, chunks: chunks}
	err = r.AddMetrics(cancelled, ms)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("AddMetrics under a cancelled context: %v, want context.Canceled", err)
	}
	if cancelled.seen != chunks+1 {
		t.Fatalf("appendMetrics looked at the context %d times, want %d", cancelled.seen, chunks+1)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics`); n != 10 {
		t.Errorf("%d rows after the failed calls, want the 10 of the first call", n)
	}

	if err := r.AddMetrics(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics`); n != int64(len(ms))+10 {
		t.Errorf("%d rows, want %d", n, len(ms)+10)
	}
}

func BenchmarkAddMetrics100k(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{})
	if err != nil {
		b.Fatal(err)
	}
	ms := make([]Metric, 100_000)
	for i := range ms {
		ms[i] = Metric{Step: int64(i), LayerIndex: i % 10, LayerName: "conv", Measure: "N1",
			Value: float64(i), NSamples: 1000, Method: "exact",
			Params: n1Params{"euclidean", "none", "lowest-index"}}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := r.AddMetrics(ctx, ms); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(ms))/b.Elapsed().Seconds(), "rows/s")
}
