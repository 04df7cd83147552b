package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"syscall"

	"github.com/urfave/cli/v2"

	"cxray/sql"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

// addLayers records the layers a run measures.
func addLayers(ctx context.Context, run *sql.Run, layers []tap.Layer) error {
	ls := make([]sql.Layer, len(layers))
	for i, l := range layers {
		ls[i] = sql.Layer{Index: l.Index, Name: l.Name, NodeName: l.NodeName, OpType: l.OpType, Shape: l.Shape, Dim: l.Dim}
	}
	return run.AddLayers(ctx, ls)
}

// endRun writes a run's final status from the error its work ended with:
// complete, interrupted (ctx was cancelled by Ctrl-C or SIGTERM) or failed.
// It returns the error to show the user, nil for a complete run.
func endRun(ctx context.Context, run *sql.Run, err error) error {
	// The status is written with a fresh context: the run's own context
	// is already cancelled when the user interrupted it.
	switch {
	case err == nil:
		return run.Complete(context.Background())
	case ctx.Err() != nil:
		if ierr := run.Interrupt(context.Background()); ierr != nil {
			return fmt.Errorf("interrupted, and marking run %d interrupted failed: %v", run.ID(), ierr)
		}
		return fmt.Errorf("interrupted: run %d marked interrupted, committed rows kept", run.ID())
	default:
		if ferr := run.Fail(context.Background(), err); ferr != nil {
			return fmt.Errorf("%v (and marking run %d failed failed too: %v)", err, run.ID(), ferr)
		}
		return fmt.Errorf("%w (run %d marked failed)", err, run.ID())
	}
}

// openStore opens the DuckDB file of --db, and a context that Ctrl-C,
// SIGTERM and SIGHUP (a closed terminal) cancel, so that the run in
// progress ends interrupted with its committed rows kept. A second signal
// ends the process at once, e.g. when the last write waits for a reader
// that does not close the file; the run then reads as running until the
// next writer of the file marks it interrupted. A signal the process was started to
// ignore (nohup, a background job) stays ignored. closeStore releases
// both.
func openStore(c *cli.Context) (store *sql.Store, ctx context.Context, closeStore func(), err error) {
	store, err = sql.Open(c.String("db"))
	if err != nil {
		return nil, nil, nil, err
	}
	w := c.App.ErrWriter
	store.OnWait(func(msg string) {
		// On its own line, also when a progress bar is being drawn.
		fmt.Fprintf(w, "\n%s; the run goes on when the file is free\n", msg)
	})
	var sigs []os.Signal
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		// signal.NotifyContext with no signals would relay every signal.
		ctx, stop := context.WithCancel(context.Background())
		return store, ctx, func() { stop(); store.Close() }, nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return store, ctx, func() { stop(); store.Close() }, nil
}

// limitHeap tells the garbage collector what the estimators of plan p need
// on top of other bytes live beside them, so that the heap stays near that
// instead of growing to twice the live data (Go's default pacing), which
// would let peak RSS drift above --memory and a wide network's probe set
// cost twice its size. It returns the function that lifts the limit again.
// A GOMEMLIMIT set by the user wins.
func limitHeap(p *plan.Plan, other int64) (lift func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetMemoryLimit(other + p.StateBytes + p.Workspace)
	return func() { debug.SetMemoryLimit(math.MaxInt64) }
}

// liveHeap is the heap the last garbage collection found live.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
