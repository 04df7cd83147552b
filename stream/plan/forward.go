package plan

import (
	"fmt"
)

// DefaultBatch is the batch size of the forward pass unless the caller
// asks for another.
const DefaultBatch = 64

// MaxForwardShare is the share of the budget the forward pass may take
// at the batch size the plan chooses itself, unless even one sample takes
// more: then one sample at a time, up to half the budget. The estimators decide how
// exact N1 is, the batch size only how fast the forward pass runs, and
// beyond a few dozen samples a batch gains little speed.
const MaxForwardShare = 8 // 1/8

// ForwardError says the forward pass does not fit the budget at any batch
// size the plan may choose, or at the one the caller fixed.
type ForwardError struct{ msg string }

func (e *ForwardError) Error() string { return e.msg }

func forwardError(format string, a ...any) error { return &ForwardError{fmt.Sprintf(format, a...)} }

// ChooseBatch returns the batch size of the forward pass over n samples
// and its memory, under o's Budget, Batch, BatchFixed and Forward, as Make
// chooses them.
func ChooseBatch(o Options, n int) (batch int, bytes int64, err error) {
	batch = o.Batch
	if batch == 0 {
		batch = DefaultBatch
	}
	if batch < 1 {
		return 0, 0, fmt.Errorf("--batch %d: the batch size must be at least 1", batch)
	}
	batch = min(batch, n)
	if o.Forward == nil {
		return batch, 0, nil
	}
	if o.BatchFixed {
		if f := o.Forward(batch); f > o.Budget/2 {
			return 0, 0, forwardError("--batch %d: the forward pass holds %s of activations at that batch size, over half of --memory %s; lower --batch (at most %d fits) or raise --memory",
				batch, FormatBytes(f), FormatBytes(o.Budget), largestBatch(o.Forward, batch, o.Budget/2))
		}
		return batch, o.Forward(batch), nil
	}
	share := o.Budget / MaxForwardShare
	if f := o.Forward(batch); f > share {
		batch = largestBatch(o.Forward, batch, share)
	}
	if batch == 0 && o.Forward(1) <= o.Budget/2 {
		// One sample at a time, as a fixed batch may: the estimators get
		// less, but a model whose single activations are this large has
		// nothing else to give.
		batch = 1
	}
	if batch == 0 {
		return 0, 0, forwardError("--memory %s: one sample's activations in the forward pass take %s, over half the budget; raise --memory or choose fewer --layers",
			FormatBytes(o.Budget), FormatBytes(o.Forward(1)))
	}
	return batch, o.Forward(batch), nil
}

// largestBatch is the largest batch size up to hi whose forward pass fits
// within limit, or 0.
func largestBatch(forward func(int) int64, hi int, limit int64) int {
	return largest(hi, func(b int) bool { return forward(b) <= limit })
}
