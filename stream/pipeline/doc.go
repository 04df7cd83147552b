// Package pipeline moves a dataset through a model into the estimators:
//
//	read ──▶ forward ──▶ estimate
//
// Each stage is a goroutine and the stages are joined by channels of
// capacity Depth, so reading and the forward pass of the next batches
// overlap with the estimators' updates while memory stays flat: at most
// 2·Depth+3 batches exist at once, each holding the batch's inputs and
// the activations of the chosen layers, and their buffers are recycled.
//
// The read stage also asks the sink which rows to admit (a shared
// reservoir keeps only some samples); rows that no estimator will keep
// are dropped before the forward pass, so a sampled run over a large
// dataset spends its forward passes only on the samples it keeps.
//
// Every Every samples, and after the last batch, the estimate stage calls
// Checkpoint with the number of samples seen; Checkpoint may stop the run
// early (for example once N1 is stable).
package pipeline
