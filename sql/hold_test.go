package sql

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// Calls inside Hold open the file once, and Hold releases it when it
// returns, with fn's error; calls outside open it each time.
func TestHold(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "hold.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	layers := []Layer{{Index: 0, Name: "fc", Shape: []int{10}}}
	begin := func() error {
		r, err := s.BeginRun(ctx, RunInfo{Name: "r"})
		if err != nil {
			return err
		}
		return r.AddLayers(ctx, layers)
	}
	opens := s.opens
	if err := begin(); err != nil {
		t.Fatal(err)
	}
	if got := s.opens - opens; got != 2 {
		t.Errorf("two calls outside Hold opened the file %d times, want 2", got)
	}
	opens = s.opens
	if err := s.Hold(begin); err != nil {
		t.Fatal(err)
	}
	if got := s.opens - opens; got != 1 {
		t.Errorf("two calls inside Hold opened the file %d times, want 1", got)
	}
	if s.db != nil {
		t.Error("the file is still open after Hold returned")
	}
	boom := errors.New("boom")
	if err := s.Hold(func() error { begin(); return boom }); !errors.Is(err, boom) {
		t.Errorf("Hold returned %v, want fn's error", err)
	}
	if s.db != nil {
		t.Error("the file is still open after a failed Hold")
	}
}
