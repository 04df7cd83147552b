package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"cxray/sql"
)

// openStore opens the DuckDB file of --db, and a context that Ctrl-C and
// SIGTERM cancel, so that the run in progress ends interrupted with its
// committed rows kept. closeStore releases both.
func openStore(c *cli.Context) (store *sql.Store, ctx context.Context, closeStore func(), err error) {
	store, err = sql.Open(c.String("db"))
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return store, ctx, func() { stop(); store.Close() }, nil
}
