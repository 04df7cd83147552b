package measure

import (
	"encoding"
	"fmt"
)

// Batch is one batch of a labelled stream, the unit every estimator is
// updated with.
type Batch struct {
	// X holds the points row-major: len(Labels) points of the
	// estimator's dimension.
	X []float32
	// Labels are the points' classes.
	Labels []int32
	// Slots, when not nil, are the slots a shared reservoir
	// (reservoir.Sampler) gave the points, -1 for one it dropped. An
	// estimator of a sample needs them; the others, which keep every
	// point, refuse them.
	Slots []int
	// Dropped are the labels of samples of this stretch of the stream
	// that the shared reservoir dropped before their points were computed
	// (the pipeline forwards only the rows it admits, in X). An estimator
	// of a sample counts them as seen; the others refuse them.
	Dropped []int32
	// Y, for an estimator that compares two representations of the same
	// points (repr.CKA), holds the second one row-major, one row per
	// point in the order of X; the others refuse it.
	Y []float32
}

// CheckWhole reports a batch that an estimator of every point cannot take:
// reservoir slots or dropped samples, which it would need the points of,
// and, unless it compares two representations (twin), a second one.
// who names the estimator in the error.
func (b Batch) CheckWhole(who string, twin bool) error {
	switch {
	case b.Slots != nil || b.Dropped != nil:
		return fmt.Errorf("%s keeps every point: it takes no reservoir slots or dropped samples", who)
	case b.Y != nil && !twin:
		return fmt.Errorf("%s measures one representation: the batch has a second (Y)", who)
	}
	return nil
}

// Estimator is a streaming estimator as a run drives it, shaped like
// gonum's stat/card and the Apache DataSketches: Update adds a batch,
// Estimate reads the value over everything seen so far, with the
// conventions it was computed under in its Params, and Bytes is the memory
// the estimator's state holds. n1.ExactN1, n1.ProjectedN1 and n1.SampledN1
// implement it.
type Estimator interface {
	Update(Batch) error
	Estimate() (Estimate, error)
	Bytes() int64
}

// Runner is an Estimator with a cheaper reading before the stream ends:
// Running reads the same quantity from state kept up to date as batches
// arrive (for N1, the tree kept by vertex insertion), where Estimate may
// compute more (dense Prim's tree under the tie rule when distances tie).
type Runner interface {
	Estimator
	Running() (Estimate, error)
}

// Merger is the contract of a streaming estimator whose state can be cut
// up and shipped: the shape of gonum's stat/card and of the Apache
// DataSketches (update, merge with a twin, read, bytes, serialise).
//
//   - Update adds a batch.
//   - Merge folds in a twin: a state of the same type and settings fed
//     other points of the same stream. Merging the states of the parts of
//     a stream gives the state of the whole: in the order merged, for the
//     states whose value depends on the order (the N1 estimators' points),
//     in distribution, for a reservoir (n1.SampledN1), and up to float64
//     rounding, for sums of moments. The twin is not changed.
//   - Bytes is the memory the state holds.
//   - MarshalBinary writes the state, settings included, in the versioned
//     little-endian layout of package measure/internal/wire; UnmarshalBinary
//     reads it into a zero value, which takes the state's settings, or into
//     a configured estimator, which must have the same settings. Bytes of
//     another type, of other settings, or corrupt, truncated or hostile
//     ones are an error, never a panic, and cost at most about their own
//     length in memory.
//
// Reading is the type's own: Estimate for the N1 estimators (Estimator),
// Value for repr.CKA and repr.NC1Moments, the measures' functions (F1,
// F2, T3T4, ...) for the class moments (feature.Moments). n1.ExactN1,
// n1.ProjectedN1, n1.SampledN1, feature.Moments, repr.CKA and
// repr.NC1Moments implement it, and one property test (package
// measure/internal/contracttest) checks them all.
type Merger[S any] interface {
	Update(Batch) error
	Merge(twin S) error
	Bytes() int64
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}
