package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"cxray/runtime"
	"cxray/sql"
	"cxray/stream/measure"
	"cxray/stream/measure/neighbour"
	"cxray/stream/measure/survey"
	"cxray/stream/pipeline"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/tap"
)

func analyzeCommand() *cli.Command {
	return &cli.Command{
		Name:  "analyze",
		Usage: "stream a dataset through a model and write N1 of every layer to DuckDB",
		UsageText: `cxray analyze --model M.onnx --data mnist --split test --limit 2000 --db out.duckdb --run NAME
   cxray analyze --data mnist --split train --limit 5000         (no model: the dataset itself)
   cxray analyze --data csv:iris.csv --label species --normalize minmax`,
		Description: `Reads the dataset batch by batch, runs each batch through the model, taps
the chosen layers and feeds their flattened activations to one N1
estimator per layer. When the data is exhausted (and every --every N
samples) it reads each layer's Euclidean minimum spanning tree and writes
one metrics row per layer.

Without --model the dataset itself is measured, as one layer named "input";
activations you extracted (--data acts:DIR, or npy:A.npy+B.npy,y.npy) are
measured as one layer per file.

Memory: exact N1 keeps every point (n × dim float32 per layer). When that
exceeds --memory, cxray says so and projects layers wider than 256 to 256
dimensions (each layer's principal directions plus Johnson–Lindenstrauss:
within 0.01 of exact on LeNet-5), then keeps a class-stratified reservoir
of samples, shared by all layers; the metrics row's method says which, and
sampled values carry an interval (ci_low, ci_high). A reservoir is fast but
its N1 is extrapolated to the whole stream; --prefer accuracy projects to
fewer dimensions instead and keeps every sample, at the price of exact
trees over all of them.

Conventions (stored in every metrics row's params column): Euclidean
distance on the flattened float32 activations, accumulated in float64;
zero distances (duplicates) are real MST edges; ties (squared distances
within a relative 1e-5) are broken as dense Prim from vertex 0 with strict
'<', lowest index first (DCoL's rule); N1 counts vertices on cross-class
edges, divided by n. --conventions ecol (or --distance gower|manhattan)
switches N1 and the neighbourhood measures to ECoL's conventions, to
reproduce its published values.

--measures survey adds the other 21 measures of Lorena et al. (2019);
--measures all also GDV, TwoNN, NC1, CKA and a linear probe. They are
computed at the end from the points of exactly measured layers and printed
as a second table; README.md lists their definitions and memory.

The run is 'running' until its last row is committed, then 'complete'; an
error marks it 'failed', Ctrl-C or SIGTERM marks it 'interrupted' and keeps
the checkpoints already written.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "ONNX model `FILE`; omit to measure the dataset itself"},
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Value: "mnist", Usage: "dataset: mnist; csv:`PATH` (numeric features plus the --label column); parquet:PATH (PATH may be a glob such as dir/*.parquet; --label column, --features); npy:X.npy,y.npy (samples, labels); or activations you extracted, one layer per file, measured without --model: acts:DIR (every DIR/*.npy but DIR/labels.npy, layer name = file stem, order from DIR/layers.txt or by name) or npy:A.npy+B.npy,y.npy"},
			&cli.StringFlag{Name: "split", Value: "test", Usage: "MNIST split: train or test"},
			&cli.IntFlag{Name: "limit", Usage: "take the first `N` samples (0: all)"},
			&cli.StringFlag{Name: "label", Value: "label", Usage: "CSV or Parquet label column `NAME` (strings or integers; classes in sorted order)"},
			&cli.StringFlag{Name: "features", Usage: "Parquet feature columns: a comma-separated `LIST` of names and globs (x,y or f*), or re:REGEXP (default: every numeric column but the label)"},
			&cli.StringFlag{Name: "data-dir", EnvVars: []string{"CXRAY_DATA"}, Usage: "folder holding the MNIST IDX files (default: the GoMNIST Go module's data folder)"},
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to write (created if missing; runs accumulate)"},
			&cli.StringFlag{Name: "run", Usage: "run `NAME` (default: model and dataset names)"},
			&cli.StringFlag{Name: "layers", Value: "all", Usage: "layers to measure: all, or comma-separated names or indices from 'cxray layers'"},
			&cli.IntFlag{Name: "batch", Value: 64, Usage: "batch `SIZE` for the forward pass"},
			&cli.IntFlag{Name: "input-pad", Usage: "zero-pad every image by `N` pixels on each side before the model, as torchvision's Pad (2 for a LeNet-5 that takes 32×32 MNIST)"},
			&cli.StringFlag{Name: "input-norm", Usage: "normalize the model's input as it was trained: `MEAN/STD`, one value or one per channel (0.1307/0.3081 for PyTorch's MNIST examples); applied after --input-pad"},
			&cli.StringFlag{Name: "normalize", Value: "none", Usage: "per-feature normalization before distances: none, minmax or zscore"},
			&cli.StringFlag{Name: "measures", Value: "n1", Usage: "measures: n1; survey (the 22 of Lorena et al. 2019: F1 F1v F2 F3 F4 N1 N2 N3 N4 T1 LSC L1 L2 L3 T2 T3 T4 C1 C2 Density ClsCoef Hubs); all (survey plus GDV TwoNN NC1 CKA_prev CKA_input Probe); or a comma-separated list. All but N1 need exactly measured layers"},
			&cli.StringFlag{Name: "conventions", Value: "cxray", Usage: "conventions of the measures: cxray (Euclidean, zero distances kept, DCoL's tie rule) or ecol (Gower distance, ECoL's zero-distance handling and e1071's SVM settings, to reproduce ECoL's values)"},
			&cli.StringFlag{Name: "distance", Usage: "distance of N1 and the neighbourhood measures: euclidean, manhattan or gower (default: the --conventions'); other than euclidean needs exactly measured layers"},
			&cli.StringFlag{Name: "summary", Value: "survey", Usage: "summary of per-feature and per-class-pair values (F1, F2, F3, F4, L1, L2, L3): survey (F1 = 1/(1+max r), pairs averaged), mean, min or max"},
			&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` for the estimators (e.g. 512MB); past it cxray projects wide layers, then samples"},
			&cli.IntFlag{Name: "every", Usage: "also write N1 every `N` samples (step = samples seen), to watch it converge"},
			&cli.Float64Flag{Name: "until-stable", Usage: "stop once N1 of every layer moved by at most `EPS` over two checkpoints (needs --every)"},
			&cli.StringFlag{Name: "prefer", Value: "speed", Usage: "what to give up when exact N1 does not fit --memory: speed (project wide layers to 256 dimensions, then keep a reservoir of samples and extrapolate N1 from it; seconds) or accuracy (keep every sample and project to 128 or 64 dimensions before sampling; minutes at 60000 images)"},
			&cli.IntFlag{Name: "sample", Usage: "keep a class-stratified reservoir of `M` samples per layer even if exact fits (-1: never sample)"},
			&cli.IntFlag{Name: "project", Usage: "project layers wider than `K` to K dimensions even if exact fits (-1: never project)"},
			&cli.StringFlag{Name: "projection", DefaultText: plan.ProjectFitted + ", or " + plan.ProjectJL + " if --memory is too small to fit one", Usage: "`KIND` of projection: " + plan.ProjectFitted + " (each layer's principal directions from its first 2K samples, plus Johnson–Lindenstrauss on the rest; N1 within 0.01 of exact on LeNet-5) or " + plan.ProjectJL + " (Johnson–Lindenstrauss only, independent of the data)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "`SEED` of the reservoir and the projections"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on stderr"},
		},
		Action: runAnalyze,
	}
}

// job is everything analyze validated before it creates a run.
type job struct {
	src    source.Source
	model  *model // nil when measuring the dataset itself
	input  string
	shape  []int // per-sample shape fed to the model
	layers []tap.Layer
	norm   measure.Normalization
	batch  int
	// transform is the preprocessing of --input-pad and --input-norm.
	transform source.Transform
	plan      *plan.Plan
	measures  []string
	opts      tap.Options // conventions of the measures beyond streamed N1
	every     int
	stable    float64 // --until-stable; 0 runs to the end
	// epoch and trainStep place the rows of a measurement taken during
	// training (cxray train); trainStep nil means step = samples seen.
	epoch     int
	trainStep *int64
}

// rowStep is the step a metrics row records: the number of samples seen
// for analyze, the training step for a measurement during training.
func (j *job) rowStep(seen int64) int64 {
	if j.trainStep != nil {
		return *j.trainStep
	}
	return seen
}

func runAnalyze(c *cli.Context) error {
	p := newProgress(c.App.ErrWriter, c.Bool("quiet"))
	j, err := prepare(c)
	if err != nil {
		return err
	}
	defer j.src.Close()
	// The batch buffers and the runtime's own tensors fit in 16 MB.
	limitHeap(j.plan, 16<<20)

	store, ctx, closeStore, err := openStore(c)
	if err != nil {
		return err
	}
	defer closeStore()

	info, err := j.runInfo(c)
	if err != nil {
		return err
	}
	run, err := store.BeginRun(ctx, info)
	if err != nil {
		return err
	}
	p.logf("run %d %q: %s, %d samples, %d layers -> %s", run.ID(), info.Name, j.src.Name(), j.src.Len(), len(j.layers), c.String("db"))
	if j.plan.Exact() {
		p.logf("%s", j.plan.Summary())
	} else {
		// Approximation changes what the numbers mean: say so even with --quiet.
		p.warnf("%s", j.plan.Summary())
	}
	var results []result
	err = addLayers(ctx, run, j.layers)
	if err == nil {
		results, err = j.execute(ctx, run, p)
	}
	if err := endRun(ctx, run, err); err != nil {
		return err
	}
	p.logf("run %d complete in %s", run.ID(), time.Since(p.start).Round(time.Millisecond))
	return printResults(c.App.Writer, results)
}

// inputAdvice says what would make samples of shape data fit a model
// input of shape model: padding when the model takes the same images with
// a border, as LeNet-5 takes MNIST at 32×32.
func inputAdvice(model, data []int) string {
	if len(model) == 3 && len(data) == 3 && model[0] == data[0] {
		if dh, dw := model[1]-data[1], model[2]-data[2]; dh == dw && dh > 0 && dh%2 == 0 {
			return fmt.Sprintf("if the model was trained on these images padded to %d×%d, add --input-pad %d", model[1], model[2], dh/2)
		}
	}
	return "use a model built for this dataset"
}

// prepare opens the dataset and the model and checks that they fit, so
// that bad input fails before any run is recorded.
func prepare(c *cli.Context) (*job, error) {
	norm, err := measure.ParseNormalization(c.String("normalize"))
	if err != nil {
		return nil, fmt.Errorf("--normalize: %w", err)
	}
	if c.Int("batch") < 1 {
		return nil, fmt.Errorf("--batch %d: the batch size must be at least 1", c.Int("batch"))
	}
	src, err := source.Open(c.String("data"), source.Options{
		Split: c.String("split"), Limit: c.Int("limit"), Label: c.String("label"), DataDir: c.String("data-dir"),
		Features: c.String("features"),
	})
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			src.Close()
		}
	}()
	var in source.Transform
	if in.Pad = c.Int("input-pad"); c.String("input-norm") != "" {
		if in.Mean, in.Std, err = source.ParseNormalize(c.String("input-norm")); err != nil {
			return nil, fmt.Errorf("--input-norm %w", err)
		}
	}
	pre, err := source.Transformed(src, in)
	if err != nil {
		return nil, fmt.Errorf("--input-pad/--input-norm: %w", err)
	}
	src = pre // closing it closes the file
	j := &job{src: src, norm: norm, batch: c.Int("batch"), transform: in}
	if src.Len() < 2 {
		return nil, fmt.Errorf("dataset %s has %d samples; N1 needs at least 2", src.Name(), src.Len())
	}
	all := []tap.Layer{tap.InputLayer("input", src.SampleShape())}
	j.input, j.shape = "input", src.SampleShape()
	if ls, ok := src.(source.Layered); ok {
		// Activations extracted beforehand: one layer per file, no model.
		if c.String("model") != "" {
			return nil, fmt.Errorf("--data %s holds activations already extracted, one layer per file; it cannot be fed to --model: drop --model", src.Name())
		}
		all = nil
		for i, p := range ls.Parts() {
			all = append(all, tap.Layer{Index: i, Name: p.Name, NodeName: p.Path, OpType: "npy", Shape: p.Shape, Dim: p.Dim})
		}
	}
	if path := c.String("model"); path != "" {
		m, err := loadModel(path)
		if err != nil {
			return nil, err
		}
		// Layer 0 is the model's input, sized by the sample shape it declares.
		if in := m.layers[0]; in.Dim != src.Dim() {
			return nil, fmt.Errorf("model %s: input %q takes %s = %d values per sample, but dataset %s has %d (shape %s); %s",
				path, in.Name, in.ShapeString(), in.Dim, src.Name(), src.Dim(), shapeString(src.SampleShape()), inputAdvice(in.Shape, src.SampleShape()))
		}
		j.model, j.input, j.shape, all = m, m.graph.Input.Name, m.sample, m.layers
	}
	if j.layers, err = tap.Select(all, c.String("layers")); err != nil {
		return nil, err
	}
	if j.measures, err = survey.Parse(c.String("measures")); err != nil {
		return nil, fmt.Errorf("--measures: %w", err)
	}
	if j.opts, err = measureOptions(c, norm); err != nil {
		return nil, err
	}
	if err := j.makePlan(c); err != nil {
		return nil, err
	}
	if j.opts.NeighbourN1() && (!j.plan.Exact() || j.every > 0) {
		return nil, fmt.Errorf("--distance %s (or --conventions %s) measures N1 on the points an exact estimator holds: it cannot be combined with --every, sampling or projection; give more --memory, fewer --layers or a smaller --limit",
			j.opts.Neighbour.Distance, c.String("conventions"))
	}
	if need, left := tap.NeighbourBytes(j.src.Len()), j.plan.Budget-j.plan.StateBytes; j.opts.NeighbourN1() && need > left {
		return nil, fmt.Errorf("--distance %s: N1 on %d points needs the neighbour structure, up to %d MB, and --memory %s leaves %d MB; raise --memory or lower --limit",
			j.opts.Neighbour.Distance, j.src.Len(), need>>20, c.String("memory"), left>>20)
	}
	ok = true
	return j, nil
}

// measureOptions reads --conventions, --distance and --summary.
func measureOptions(c *cli.Context, norm measure.Normalization) (tap.Options, error) {
	var o tap.Options
	switch conv := strings.ToLower(c.String("conventions")); conv {
	case "cxray", "":
		o = tap.DefaultOptions()
	case "ecol":
		o = tap.ECoLOptions()
	default:
		return o, fmt.Errorf("--conventions %q: want cxray or ecol", conv)
	}
	if d := c.String("distance"); d != "" {
		dist, err := neighbour.ParseDistance(d)
		if err != nil {
			return o, fmt.Errorf("--distance: %w", err)
		}
		o.Neighbour.Distance = dist
	}
	s, err := tap.ParseSummary(c.String("summary"))
	if err != nil {
		return o, fmt.Errorf("--summary: %w", err)
	}
	o.Summary, o.Norm, o.Seed = s, norm, c.Uint64("seed")
	return o, nil
}

// makePlan sizes the estimators to --memory.
func (j *job) makePlan(c *cli.Context) error {
	budget, err := plan.ParseBytes(c.String("memory"))
	if err != nil {
		return fmt.Errorf("--memory: %w", err)
	}
	j.every, j.stable = c.Int("every"), c.Float64("until-stable")
	if j.every < 0 {
		return fmt.Errorf("--every %d: give a number of samples, or 0 for the end only", j.every)
	}
	if j.stable < 0 || (j.stable > 0 && j.every == 0) {
		return fmt.Errorf("--until-stable %g needs a positive tolerance and --every N", j.stable)
	}
	dims := make([]int, len(j.layers))
	for i, l := range j.layers {
		dims[i] = l.Dim
	}
	var accuracy bool
	switch c.String("prefer") {
	case "speed":
	case "accuracy":
		accuracy = true
	default:
		return fmt.Errorf("--prefer %q: use speed or accuracy", c.String("prefer"))
	}
	j.plan, err = plan.Make(dims, j.src.Len(), plan.Options{
		Budget: budget, Sample: c.Int("sample"), Project: c.Int("project"), Projection: c.String("projection"),
		PreferAccuracy: accuracy, Seed: c.Uint64("seed"), Classes: len(j.src.Classes()),
	})
	if err != nil {
		return err
	}
	// A projection mixes features batch by batch, before the statistics of
	// a per-feature normalization over the whole stream are known.
	if j.plan.K > 0 && j.norm != measure.NormNone {
		return fmt.Errorf("--normalize %s cannot be combined with projection, which --memory %s needs here; use --normalize none, --project -1 with more --memory, or fewer --layers",
			j.norm, c.String("memory"))
	}
	return nil
}

func (j *job) runInfo(c *cli.Context) (sql.RunInfo, error) {
	info := sql.RunInfo{
		Name:     c.String("run"),
		Dataset:  j.src.Name(),
		Split:    c.String("split"),
		NSamples: int64(j.src.Len()),
		Version:  Version,
		Config: map[string]any{
			"command":     "analyze",
			"data":        c.String("data"),
			"limit":       c.Int("limit"),
			"batch":       j.batch,
			"layers":      c.String("layers"),
			"normalize":   j.norm.String(),
			"measures":    j.measures,
			"conventions": c.String("conventions"),
			"distance":    j.opts.Neighbour.Distance.String(),
			"summary":     j.opts.Summary.String(),
			"memory":      j.plan.Budget,
			"every":       j.every,
			"seed":        j.plan.Seed,
			"sample":      j.plan.M,
			"project":     j.plan.K,
			"projection":  j.plan.Projection,
			"prefer":      c.String("prefer"),
			"input":       j.transform.String(),
		},
	}
	if j.model != nil {
		sum, err := fileSHA256(j.model.path)
		if err != nil {
			return info, err
		}
		info.ModelPath, info.ModelSHA256 = j.model.path, sum
	}
	if info.Name == "" {
		info.Name = j.src.Name()
		if j.model != nil {
			info.Name = filepath.Base(j.model.path) + " on " + info.Name
		}
	}
	return info, nil
}

// result is one layer's latest estimate.
type result struct {
	layer tap.Layer
	est   measure.Estimate
	extra map[string]float64 // the other measures at the end, by name
}

// execute streams the data through the model into the estimators of a
// run whose layers are recorded. At
// every checkpoint, and at the end, it reads every layer's estimate and
// commits those rows in one transaction, so an interrupted run keeps the
// checkpoints it reached.
func (j *job) execute(ctx context.Context, run *sql.Run, p *progress) ([]result, error) {
	router := tap.NewRouter(j.layers, j.plan, j.norm, len(j.src.Classes()), j.plan.Budget-j.plan.StateBytes)
	results := make([]result, len(j.layers))
	var prev []float64
	calm := 0 // consecutive checkpoints within --until-stable
	checkpoint := func(seen int64, final bool) (bool, error) {
		metrics := make([]sql.Metric, len(j.layers))
		values := make([]float64, len(j.layers))
		for i, l := range j.layers {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			if final {
				p.logf("N1 %d/%d: layer %d %s (%s)", i+1, len(j.layers), l.Index, l.Name, l.ShapeString())
			}
			e, err := router.Estimate(i, final)
			if err != nil {
				return false, err
			}
			results[i] = result{layer: l, est: e}
			values[i] = e.Value
			metrics[i] = sql.Metric{
				Epoch: j.epoch, Step: j.rowStep(seen), LayerIndex: l.Index, LayerName: l.Name, Measure: "N1", Value: e.Value,
				NSamples: int64(e.N), Method: e.Method, Params: e.Params,
				CILow: finite(e.CILow), CIHigh: finite(e.CIHigh),
			}
		}
		if final {
			metrics = append(metrics, j.extraMetrics(router, seen, p, metrics, results)...)
		}
		if err := run.AddMetrics(ctx, metrics); err != nil {
			return false, err
		}
		if !final {
			p.logf("checkpoint at %d samples: N1 of %s = %.4f", seen, j.layers[len(j.layers)-1].Name, values[len(values)-1])
		}
		if j.stable > 0 && prev != nil {
			if maxChange(prev, values) <= j.stable {
				calm++
			} else {
				calm = 0
			}
		}
		prev = values
		if j.stable > 0 && calm >= 2 && !final {
			p.logf("N1 stable within %g over two checkpoints at %d samples: stopping", j.stable, seen)
			return true, nil
		}
		return false, nil
	}
	_, err := pipeline.Run(ctx, pipeline.Config{
		Source: j.src, Exec: j.exec(), Input: j.input, Shape: j.shape, Batch: j.batch,
		Sink: router, Every: j.every, Checkpoint: checkpoint,
		Progress: func(seen, total int) { p.step("forward", seen, total) },
	})
	return results, err
}

// extraMetrics computes the measures other than the streamed N1 at the end
// of the run, layer by layer. When the conventions ask for N1 under
// another distance, the neighbour structure's N1 replaces the streamed
// value in metrics and results.
func (j *job) extraMetrics(router *tap.Router, seen int64, p *progress, metrics []sql.Metric, results []result) []sql.Metric {
	var rows []sql.Metric
	for i, l := range j.layers {
		if len(j.measures) > 1 || j.opts.NeighbourN1() {
			p.logf("measures %d/%d: layer %d %s (%s)", i+1, len(j.layers), l.Index, l.Name, l.ShapeString())
		}
		extra, skipped := router.Extra(i, j.measures, j.opts)
		for _, s := range skipped {
			p.warnf("layer %d %s: skipped %s", l.Index, l.Name, s)
		}
		for _, x := range extra {
			if x.Measure == "N1" {
				metrics[i].Value, metrics[i].Params = x.Value, x.Params
				results[i].est.Value = x.Value
				continue
			}
			rows = append(rows, sql.Metric{
				Epoch: j.epoch, Step: j.rowStep(seen), LayerIndex: l.Index, LayerName: l.Name, Measure: x.Measure, Value: x.Value,
				NSamples: seen, Method: "exact", Params: x.Params,
			})
			if results[i].extra == nil {
				results[i].extra = map[string]float64{}
			}
			results[i].extra[x.Measure] = x.Value
		}
	}
	return rows
}

func (j *job) exec() *runtime.Executor {
	if j.model == nil {
		return nil
	}
	return j.model.exec
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

func printResults(w io.Writer, rs []result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer_index\tlayer_name\top_type\tdim\tN1\tmethod\tinterval")
	for _, r := range rs {
		ci := "-"
		if !math.IsNaN(r.est.CILow) {
			ci = fmt.Sprintf("[%.4f, %.4f]", r.est.CILow, r.est.CIHigh)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%.6f\t%s\t%s\n", r.layer.Index, r.layer.Name, r.layer.OpType, r.layer.Dim, r.est.Value, r.est.Method, ci)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return printMeasures(w, rs)
}

// printMeasures prints the measures beyond N1, one row per layer and one
// column per measure in survey.Names' order ("-" where a layer has none).
func printMeasures(w io.Writer, rs []result) error {
	var names []string
	for _, m := range survey.Names() {
		for _, r := range rs {
			if _, ok := r.extra[m]; ok {
				names = append(names, m)
				break
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer_index\t%s\t\n", strings.Join(names, "\t"))
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t", r.layer.Index)
		for _, m := range names {
			if v, ok := r.extra[m]; ok {
				fmt.Fprintf(tw, "%.4g\t", v)
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("model %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func shapeString(s []int) string {
	return tap.Layer{Shape: s}.ShapeString()
}
