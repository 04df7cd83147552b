// Package plan decides, before any data is read, how each layer of a run
// is measured so that the estimators' state fits a memory budget.
//
// Exact N1 keeps every point: n·d float32 per layer, plus n labels. When
// the sum over the chosen layers does not fit, the plan makes several
// passes over the data, each measuring a group of consecutive layers
// exactly (passes.go): the forward pass runs once per pass, and only the
// group's state and activations are held, and the forward pass stops
// after the group's last layer. A layer too large for exact N1 even
// alone is projected (1. below) in its pass, checked on as many rows
// held unprojected as fit beside it (n1.CheckSamples, or down to
// n1.MinCheckSamples); when a fitted map's basis does not fit, plain
// maps, which past project.MaxStored entries are hashed, cost nothing
// and keep HashedK dimensions. Passes are packed to leave 1/GCHeadroom of the budget to the
// garbage collector.
//
// One pass is planned when passes are capped at 1 (Options.MaxPasses),
// when the caller forces sampling or projection, above MaxAutoSample
// samples unless PreferAccuracy (or one pass cannot be planned at all),
// or when some layer does not fit even projected. That pass applies, in
// this order, only what is needed:
//
//  1. Projection of every layer wider than K to K dimensions. All n
//     points are kept, so N1 is measured at the density of the full set;
//     only distances are perturbed. By default (ProjectFitted) each
//     layer's map keeps the principal directions of its first 2K points
//     and applies a seeded Johnson–Lindenstrauss map to the rest
//     (project.Fit), which perturbs distances by about 1% on
//     network activations; ProjectJL is a plain seeded
//     Johnson–Lindenstrauss map, whose perturbation is of order
//     sqrt(8·ln(n)/K) whatever the data.
//  2. Class-stratified reservoir sampling of at most M points per layer.
//     The same samples are kept in every layer (one shared reservoir), so
//     layers are compared on the same points.
//
// Projection comes first because a subsample is sparser than the full set
// and N1 grows as density falls: sampling biases N1 upwards, which the
// sampled estimator must correct, while projection keeps the density.
//
// The budget covers, in this order:
//
//  1. the forward pass (Options.Forward): the runtime's buffers for one
//     batch (not the weights it packs for the matrix kernel, which do
//     not grow with the batch and are held beside the budget with the
//     rest of the weights) and the batches in flight in the pipeline. The
//     batch size is chosen first: DefaultBatch lowered until the forward
//     pass takes at most 1/MaxForwardShare of the budget, or the caller's
//     fixed batch if it takes at most half (batch 1 too, when one sample
//     takes more than 1/MaxForwardShare), else Make fails naming the
//     batch that fits;
//  2. the estimators' state (with a fitted projection, also the leading
//     points held until the fit);
//  3. the largest workspace of one layer (layers are read one at a time):
//     its tree, its projection's fit, and with sampling the sampled
//     estimator's distance matrix.
//
// It does not cover the model's weights, DuckDB or the Go runtime, which do
// not grow with n or the batch.
package plan
