package sql

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunsKeepTheirRowsApart(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, err := s.BeginRun(ctx, RunInfo{Name: "a", Dataset: "mnist", Split: "test", NSamples: 100,
		Config: map[string]any{"k": 1}, Version: "v0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.BeginRun(ctx, RunInfo{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID() == b.ID() {
		t.Fatalf("both runs have id %d", a.ID())
	}
	layers := []Layer{{Index: 0, Name: "conv1", Shape: []int{6, 28, 28}}, {Index: 1, Name: "fc", Shape: []int{10}}}
	for _, r := range []*Run{a, b} {
		if err := r.AddLayers(ctx, layers); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddMetrics(ctx, []Metric{{LayerIndex: 0, Measure: "N1", Value: 0.25}}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddMetrics(ctx, []Metric{{LayerIndex: 0, Measure: "N1", Value: 0.5}, {LayerIndex: 1, Measure: "N1", Value: 0.75}}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		run          *Run
		metrics, sum float64
	}{{a, 1, 0.25}, {b, 2, 1.25}} {
		n := queryInt(t, s, `SELECT count(*) FROM metrics WHERE run_id = ?`, tc.run.ID())
		var sum float64
		s.DB().QueryRow(`SELECT sum(value) FROM metrics WHERE run_id = ?`, tc.run.ID()).Scan(&sum)
		if float64(n) != tc.metrics || sum != tc.sum {
			t.Errorf("run %d: %d metrics summing to %g, want %g summing to %g", tc.run.ID(), n, sum, tc.metrics, tc.sum)
		}
		if l := queryInt(t, s, `SELECT count(*) FROM layers WHERE run_id = ?`, tc.run.ID()); l != 2 {
			t.Errorf("run %d: %d layers, want 2", tc.run.ID(), l)
		}
	}

	// The RunInfo fields land in their columns; empty strings are NULL.
	var name, dataset, split, config, version string
	var nSamples int64
	var started time.Time
	err = s.DB().QueryRow(`SELECT name, dataset, split, n_samples, config::VARCHAR, cxray_version, started_at
		FROM runs WHERE run_id = ?`, a.ID()).Scan(&name, &dataset, &split, &nSamples, &config, &version, &started)
	if err != nil {
		t.Fatal(err)
	}
	if name != "a" || dataset != "mnist" || split != "test" || nSamples != 100 || config != `{"k":1}` || version != "v0.1.0" {
		t.Errorf("run a reads back as %q %q %q %d %q %q", name, dataset, split, nSamples, config, version)
	}
	if d := time.Since(started); d < 0 || d > time.Minute {
		t.Errorf("started_at %v is not about now (UTC)", started)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM runs WHERE run_id = ? AND dataset IS NULL AND config IS NULL`, b.ID()); n != 1 {
		t.Errorf("run b: empty fields are not NULL")
	}
	if sh := queryString(t, s, `SELECT shape FROM layers WHERE run_id = ? AND layer_index = 0`, a.ID()); sh != "[6,28,28]" {
		t.Errorf("shape = %q, want [6,28,28]", sh)
	}
	if d := queryInt(t, s, `SELECT dim FROM layers WHERE run_id = ? AND layer_index = 0`, a.ID()); d != 6*28*28 {
		t.Errorf("dim = %d, want %d", d, 6*28*28)
	}
	if c := queryInt(t, s, `SELECT CAST(shape AS INTEGER[])[1] FROM layers WHERE run_id = ? AND layer_index = 0`, a.ID()); c != 6 {
		t.Errorf("CAST(shape AS INTEGER[])[1] = %d, want 6", c)
	}
}

func TestRunLifeCycle(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	status := func(r *Run) string {
		t.Helper()
		st, err := r.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	failed, err := s.BeginRun(ctx, RunInfo{Name: "failing"})
	if err != nil {
		t.Fatal(err)
	}
	if st := status(failed); st != StatusRunning {
		t.Fatalf("new run is %q", st)
	}
	if err := failed.Fail(ctx, errors.New("out of memory")); err != nil {
		t.Fatal(err)
	}
	err = failed.Complete(ctx)
	if err == nil || !strings.Contains(err.Error(), "failed, not running") {
		t.Errorf("Complete on a failed run: %v, want a 'failed, not running' error", err)
	}
	if err := failed.Interrupt(ctx); err == nil {
		t.Error("Interrupt on a failed run succeeded")
	}
	if err := failed.AddMetrics(ctx, []Metric{{Measure: "N1"}}); err == nil {
		t.Error("AddMetrics on a failed run succeeded")
	}
	if err := failed.AddLayers(ctx, []Layer{{Index: 0}}); err == nil {
		t.Error("AddLayers on a failed run succeeded")
	}
	if st := status(failed); st != StatusFailed {
		t.Errorf("failed run is %q after the refused calls", st)
	}
	if e := queryString(t, s, `SELECT error FROM runs WHERE run_id = ?`, failed.ID()); e != "out of memory" {
		t.Errorf("error = %q", e)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM runs WHERE run_id = ? AND finished_at IS NOT NULL`, failed.ID()); n != 1 {
		t.Error("failed run has no finished_at")
	}

	done, _ := s.BeginRun(ctx, RunInfo{Name: "done"})
	if err := done.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := done.Complete(ctx); err == nil {
		t.Error("second Complete succeeded")
	}
	if err := done.Fail(ctx, errors.New("late")); err == nil {
		t.Error("Fail after Complete succeeded")
	}
	if st := status(done); st != StatusComplete {
		t.Errorf("completed run is %q", st)
	}

	// Interrupt and Fail still record the outcome when ctx is cancelled.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	stopped, _ := s.BeginRun(ctx, RunInfo{Name: "stopped"})
	if err := stopped.Interrupt(cancelled); err != nil {
		t.Fatal(err)
	}
	if st := status(stopped); st != StatusInterrupted {
		t.Errorf("interrupted run is %q", st)
	}
}

func TestAbandonedRunsAreInterruptedAtOpen(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, _ := s.BeginRun(ctx, RunInfo{Name: "left running"})
	path := s.Path()
	s.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := queryString(t, s, `SELECT status FROM runs WHERE run_id = ?`, r.ID()); st != StatusInterrupted {
		t.Errorf("run left running is %q after reopening", st)
	}
}

func TestBadInput(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.BeginRun(ctx, RunInfo{Config: func() {}}); err == nil {
		t.Error("BeginRun with an unmarshallable config succeeded")
	}
	if _, err := s.BeginRun(ctx, RunInfo{NSamples: -1}); err == nil {
		t.Error("BeginRun with a negative sample count succeeded")
	}
	r, err := s.BeginRun(ctx, RunInfo{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ls := range [][]Layer{
		{{Index: 0, Shape: []int{2, 3}, Dim: 5}},
		{{Index: 0, Shape: []int{-1}}},
		{{Index: 0, Dim: -2}},
		{{Index: 1 << 40}},
		{{Index: 0}, {Index: 0}}, // duplicate index: nothing of the call is kept
	} {
		if err := r.AddLayers(ctx, ls); err == nil {
			t.Errorf("AddLayers(%v) succeeded", ls)
		}
	}
	if n := queryInt(t, s, `SELECT count(*) FROM layers`); n != 0 {
		t.Errorf("%d layers stored by failed calls", n)
	}
	for _, ms := range [][]Metric{
		{{Measure: ""}},
		{{Measure: "N1", Epoch: 1 << 40}},
		{{Measure: "N1", Params: make(chan int)}},
	} {
		if err := r.AddMetrics(ctx, ms); err == nil {
			t.Errorf("AddMetrics(%v) succeeded", ms)
		}
	}
	if err := r.AddMetrics(ctx, nil); err != nil {
		t.Errorf("AddMetrics(nil): %v", err)
	}
	if err := r.Fail(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM runs WHERE status = 'failed' AND error IS NULL`); n != 1 {
		t.Errorf("Fail(nil) did not store a NULL error")
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{Name: "concurrent"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, calls, rows = 4, 5, 1000
	errs := make(chan error, writers*calls+1)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms := make([]Metric, rows)
			for c := range calls {
				for i := range ms {
					ms[i] = Metric{Epoch: w, Step: int64(c), Measure: "N1", Value: 1}
				}
				errs <- r.AddMetrics(ctx, ms)
			}
		}()
	}
	wg.Wait()
	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := queryInt(t, s, `SELECT count(*) FROM metrics WHERE run_id = ?`, r.ID()); n != writers*calls*rows {
		t.Errorf("%d rows, want %d", n, writers*calls*rows)
	}
	// A writer that comes after Complete is refused, not half-written.
	if err := r.AddMetrics(ctx, []Metric{{Measure: "N1"}}); err == nil {
		t.Error("AddMetrics after Complete succeeded")
	}
}
