package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"cxray/sql"
)

// openStore opens the DuckDB file of --db, and a context that Ctrl-C,
// SIGTERM and SIGHUP (a closed terminal) cancel, so that the run in
// progress ends interrupted with its committed rows kept. A second signal
// ends the process at once, e.g. when the last write waits for a reader
// that does not close the file; the run then reads as running until the
// next writer of the file marks it interrupted (see signalContext).
// closeStore releases both.
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
	ctx, stop := signalContext()
	return store, ctx, func() { stop(); store.Close() }, nil
}

// signalContext is a context that Ctrl-C, SIGTERM and SIGHUP cancel; the
// first signal only cancels it, so that the work in progress can end
// cleanly, and a second one ends the process at once. A signal the
// process was started to ignore (nohup, a background job) stays ignored.
func signalContext() (context.Context, func()) {
	var sigs []os.Signal
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		// signal.NotifyContext with no signals would relay every signal.
		return context.WithCancel(context.Background())
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
