package measure

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

// Merger is a state that folds in a twin: a state of the same type and
// settings that was fed other points of the same stream. Merging the
// states of the parts of a stream gives the state of the whole (in the
// order merged, for the states whose value depends on the order), as
// gonum's stat/card Union and the DataSketches' unions do, so parts of a
// stream can be measured apart and combined. n1.ExactN1 and
// feature.Moments implement it. Shipping a state between processes adds
// MarshalBinary and UnmarshalBinary to this contract.
type Merger[S any] interface {
	Update(Batch) error
	Merge(twin S) error
	Bytes() int64
}
