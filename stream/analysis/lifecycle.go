package analysis

import (
	"context"
	"fmt"

	"cxray/sql"
	"cxray/stream/tap"
)

// AddLayers records the layers a run measures.
func AddLayers(ctx context.Context, run *sql.Run, layers []tap.Layer) error {
	ls := make([]sql.Layer, len(layers))
	for i, l := range layers {
		ls[i] = sql.Layer{Index: l.Index, Name: l.Name, NodeName: l.NodeName, OpType: l.OpType, Shape: l.Shape, Dim: l.Dim}
		if l.Tokens > 0 && l.Pool != tap.PoolFlatten {
			// A pooled token layer's point is one token's features; its
			// rows' params say how it was pooled from how many tokens.
			ls[i].Shape = l.Shape[1:]
		}
	}
	return run.AddLayers(ctx, ls)
}

// End writes a run's final status from the error its work ended with:
// complete, interrupted (ctx was cancelled by a signal) or failed. It
// returns the error to show the user, nil for a complete run.
func End(ctx context.Context, run *sql.Run, err error) error {
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
