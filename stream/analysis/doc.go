// Package analysis runs one measurement of a model on a dataset, the whole
// flow of cxray:
//
//	source ──▶ runtime ──▶ taps ──▶ estimators ──▶ store
//
// Prepare turns a Spec (what the user asked, as plain values) into a Job:
// it opens the dataset, fits the model's input to it, chooses the layers
// and plans every estimator within the memory budget, so that bad input
// fails before any run is recorded. Job.Measure streams the dataset
// through the model (package pipeline) into one estimator per layer
// (package tap) and writes the readings into a run of the store (package
// sql).
//
// # Passes
//
// When the plan groups the layers into passes (plan.Plan.PassPlan),
// Measure reopens the dataset for each pass, streams it through the
// model again, measures the pass's layers and commits their rows at the
// pass's end; only that group's estimators exist at a time.
//
// # Checkpoints
//
// Every Spec.Every samples, and after the last batch, Measure reads every
// layer's estimate and commits those rows in one transaction, so a run
// that is interrupted keeps the checkpoints it reached. A checkpoint row's
// step is the number of samples seen, or the training step when the
// measurement is taken during training (Spec.TrainStep). With
// Spec.UntilStable the run stops once no layer's N1 moved by more than
// that over two checkpoints. The measures beyond N1 are computed once, at
// the end, from the points of exactly measured layers.
//
// # Life cycle
//
// The caller begins the run (sql.Store.BeginRun), records its layers with
// AddLayers, calls Measure, and ends the run with End, which marks it
// complete, interrupted (the context was cancelled: Ctrl-C, SIGTERM,
// SIGHUP) or failed. cxray analyze measures once per run; cxray train
// measures the same run after every epoch.
package analysis
