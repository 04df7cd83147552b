package analysis

import (
	"context"
	"fmt"
	"maps"
	"math"
	"runtime/debug"

	"cxray/runtime"
	"cxray/sql"
	"cxray/stream/measure"
	"cxray/stream/pipeline"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

// Measure streams the data through the model into the estimators of a
// run whose layers are recorded (AddLayers). At every checkpoint, and at
// the end, it reads every layer's estimate and commits those rows in one
// transaction, so an interrupted run keeps the checkpoints it reached. It
// returns each layer's last reading.
//
// When the plan groups the layers into passes, each pass streams the data
// again, measures its group and commits its rows at its end.
func (j *Job) Measure(ctx context.Context, run *sql.Run, r Reporter) ([]Result, error) {
	results := make([]Result, len(j.Layers))
	passes := max(j.Plan.Passes, 1)
	for q := range passes {
		idx, p := j.Plan.PassPlan(q)
		layers := make([]tap.Layer, len(idx))
		for i, k := range idx {
			layers[i] = j.Layers[k]
		}
		if passes > 1 {
			if len(layers) == 1 {
				r.Logf("pass %d/%d: layer %d", q+1, passes, layers[0].Index)
			} else {
				r.Logf("pass %d/%d: layers %d to %d (%d layers)", q+1, passes, layers[0].Index, layers[len(layers)-1].Index, len(layers))
			}
		}
		if q > 0 {
			// The last pass's state is garbage now. Collect it before this
			// pass allocates its own: a layer's points are one allocation,
			// which would otherwise land beside them before the collector
			// runs, and peak RSS would hold both passes.
			debug.FreeOSMemory()
			// Each pass reads the dataset from its start.
			if err := j.reopen(); err != nil {
				return results, err
			}
		}
		res, err := j.measurePass(ctx, run, r, layers, p)
		for i, k := range idx {
			results[k] = res[i]
		}
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// measurePass makes one pass over the data, measuring layers under plan p.
func (j *Job) measurePass(ctx context.Context, run *sql.Run, r Reporter, layers []tap.Layer, p *plan.Plan) ([]Result, error) {
	s := j.spec
	if j.HeapOther > 0 {
		defer LimitHeap(p, j.HeapOther)()
	}
	router := tap.NewRouter(layers, p, s.Normalize, len(j.Source.Classes()), p.ReadBytes())
	if j.Samples {
		router.TrackSamples()
	}
	results := make([]Result, len(layers))
	var prev []float64
	calm := 0 // consecutive checkpoints within UntilStable
	checkpoint := func(seen int64, final bool) (bool, error) {
		metrics := make([]sql.Metric, len(layers))
		values := make([]float64, len(layers))
		for i, l := range layers {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			if final {
				r.Logf("N1 %d/%d: layer %d %s (%s)", i+1, len(layers), l.Index, l.Name, l.ShapeString())
			}
			e, err := router.Estimate(i, final)
			if err != nil {
				return false, err
			}
			results[i] = Result{Layer: l, Estimate: e}
			values[i] = e.Value
			if final {
				reportCheck(r, l, e, j.Plan.Passes > 1)
				if e.Params["identical_points"] == true {
					r.Warnf("layer %d %s: all %d samples have the same activations here (a constant of the model, or saturated units), so its N1 %.4f reflects the tie rule, not the classes; params has identical_points", l.Index, l.Name, e.N, e.Value)
				}
			}
			metrics[i] = sql.Metric{
				Epoch: s.Epoch, Step: j.rowStep(seen), LayerIndex: l.Index, LayerName: l.Name, Measure: "N1", Value: e.Value,
				NSamples: int64(e.N), Method: e.Method, Params: pooled(l, e.Params),
				CILow: finite(e.CILow), CIHigh: finite(e.CIHigh),
			}
		}
		if final {
			metrics = append(metrics, j.extraMetrics(router, layers, seen, r, metrics, results)...)
			if j.Samples {
				r.Logf("per-sample rows of %d layers", len(layers))
				if err := j.writeSamples(ctx, run, router, layers, r); err != nil {
					return false, err
				}
			}
		}
		if err := run.AddMetrics(ctx, metrics); err != nil {
			return false, err
		}
		if !final {
			r.Logf("checkpoint at %d samples: N1 of %s = %.4f", seen, layers[len(layers)-1].Name, values[len(values)-1])
		}
		if s.UntilStable > 0 && prev != nil {
			if maxChange(prev, values) <= s.UntilStable {
				calm++
			} else {
				calm = 0
			}
		}
		prev = values
		if s.UntilStable > 0 && calm >= 2 && !final {
			r.Logf("N1 stable within %g over two checkpoints at %d samples: stopping", s.UntilStable, seen)
			return true, nil
		}
		return false, nil
	}
	_, err := pipeline.Run(ctx, pipeline.Config{
		Source: j.Source, Exec: j.Exec(), Input: j.Input, Shape: j.Shape, Inputs: j.Inputs, Mask: j.Mask, Batch: p.Batch,
		Sink: router, Every: s.Every, Checkpoint: checkpoint,
		Progress: func(seen, total int) { r.Step("forward", seen, total) },
	})
	return results, err
}

// reportCheck says how far a projected layer's reading may be from exact,
// as its check measured (n1.ProjectedN1.CheckedEstimate): on stderr even
// when quiet if the error is beyond n1.CheckTolerance. inPasses says the
// run already makes passes, in which the layer did not fit exactly alone.
func reportCheck(r Reporter, l tap.Layer, e measure.Estimate, inPasses bool) {
	errUsed, ok := e.Params["check_error"].(float64)
	if !ok {
		return
	}
	msg := fmt.Sprintf("layer %d %s: projected to %v dimensions (%v), N1 %.4f; on the first %v samples, held unprojected, the projection erred by %+.4f (exact %.4f)",
		l.Index, l.Name, e.Params["K"], e.Params["check_used"], e.Value, e.Params["check_n"], errUsed, e.Params["check_exact"])
	if e.Params["check_wide"] == true {
		how := "give more --memory, fewer --layers or allow passes (--max-passes 0)"
		if inPasses {
			how = fmt.Sprintf("give --memory room for its %d samples of %d values (%s) in a pass of its own", e.N, l.Dim, plan.FormatBytes(int64(e.N)*int64(l.Dim)*4))
		}
		r.Warnf("%s: WIDE, the row's interval [%.4f, %.4f] carries it; for exact N1 %s", msg, e.CILow, e.CIHigh, how)
		return
	}
	r.Logf("%s", msg)
}

// rowStep is the step a metrics row records: the number of samples seen,
// or the training step for a measurement during training.
func (j *Job) rowStep(seen int64) int64 {
	if j.spec.TrainStep != nil {
		return *j.spec.TrainStep
	}
	return seen
}

// extraMetrics computes the measures other than the streamed N1 at the end
// of the run, layer by layer. When the conventions ask for N1 under
// another distance, the neighbour structure's N1 replaces the streamed
// value in metrics and results.
func (j *Job) extraMetrics(router *tap.Router, layers []tap.Layer, seen int64, r Reporter, metrics []sql.Metric, results []Result) []sql.Metric {
	s := j.spec
	var rows []sql.Metric
	for i, l := range layers {
		if len(s.Measures) > 1 || s.Options.NeighbourN1() {
			r.Logf("measures %d/%d: layer %d %s (%s)", i+1, len(layers), l.Index, l.Name, l.ShapeString())
		}
		extra, skipped := router.Extra(i, s.Measures, s.Options)
		for _, m := range skipped {
			r.Warnf("layer %d %s: skipped %s", l.Index, l.Name, m)
		}
		for _, x := range extra {
			if x.Measure == "N1" {
				metrics[i].Value, metrics[i].Params = x.Value, pooled(l, x.Params)
				results[i].Estimate.Value = x.Value
				continue
			}
			rows = append(rows, sql.Metric{
				Epoch: s.Epoch, Step: j.rowStep(seen), LayerIndex: l.Index, LayerName: l.Name, Measure: x.Measure, Value: x.Value,
				NSamples: seen, Method: "exact", Params: pooled(l, x.Params),
			})
			if results[i].Extra == nil {
				results[i].Extra = map[string]float64{}
			}
			results[i].Extra[x.Measure] = x.Value
		}
	}
	return rows
}

// pooled adds to the params of a token layer's row how its samples were
// pooled: pool (mean, cls, last, flatten) and the tokens per sample.
func pooled(l tap.Layer, params map[string]any) map[string]any {
	if l.Tokens == 0 {
		return params
	}
	out := make(map[string]any, len(params)+2)
	maps.Copy(out, params)
	out["pool"], out["tokens"] = l.Pool.String(), l.Tokens
	return out
}

// Exec is the model's executor, nil when the dataset itself is measured.
func (j *Job) Exec() *runtime.Executor {
	if j.Model == nil {
		return nil
	}
	return j.Model.Exec
}

func maxChange(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// finite maps NaN (no interval) to nil, stored as NULL.
func finite(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}
