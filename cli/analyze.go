package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/neighbour"
	"cxray/stream/measure/survey"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/source/imageprep"
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

A series of checkpoints (--model 'ckpt/epoch_*.onnx', or a list) is one
run: every checkpoint is measured on the same samples, its rows carrying its
epoch, as cxray train's rows do, so n1_by_epoch and the report's training
figures show it.
Without --model the dataset itself is measured, as one layer named "input";
activations you extracted (--data acts:DIR, or npy:A.npy+B.npy,y.npy) are
measured as one layer per file.

Models over token ids (BERT-like encoders: int64 input_ids, an
attention_mask) take one array per graph input, named after it:
--data npy:input_ids.npy+attention_mask.npy,labels.npy (integer NPY
arrays, n × tokens), acts:DIR of such files, or Parquet list columns
(--features input_ids,attention_mask; lists of different lengths are
zero-padded to the longest, which needs the mask). A symbolic sequence
axis takes the data's length. Their token layers (tokens × features per
sample) are pooled by --pool (default mean, over the tokens the mask
keeps) into one point per sample.

Memory: --memory bounds the whole process but for the model's weights,
as loaded and as packed for the matrix kernel, up to about twice the file
(peak RSS within --memory + weights + 150 MB). The forward pass takes its
share first: the default batch of 64 is lowered until the activations in
flight take at most 1/8 of --memory; a --batch you set may take half, or
the run is refused naming the batch that fits. Exact N1 keeps every point
(n × dim float32 per layer). When that exceeds the rest of --memory, cxray
makes several passes over the data, each measuring a group of layers
exactly (the plan says how many and which; --max-passes caps them). In one
pass (--max-passes 1, --every, the CKA measures, or over 10000 samples
without --prefer accuracy) it says so and projects layers wider than 256 to
256 dimensions (each layer's principal directions plus
Johnson–Lindenstrauss), then keeps a class-stratified reservoir of samples,
shared by all layers; the metrics row's method says which, and sampled
values carry an interval (ci_low, ci_high). Every projected layer is
checked against 512 of its samples held unprojected: the share of their
vertices the projection changed sets its interval, and a check wider than
0.02 is a warning. A reservoir is fast but its N1 is extrapolated to the
whole stream; --prefer accuracy projects to fewer dimensions instead and
keeps every sample, at the price of exact trees over all of them.

Conventions (stored in every metrics row's params column): Euclidean
distance on the flattened float32 activations, accumulated in float64;
zero distances (duplicates) are real MST edges; ties (squared distances
within a relative 1e-5) are broken as dense Prim from vertex 0 with strict
'<', lowest index first (DCoL's rule); N1 counts vertices on cross-class
edges, divided by n. --ties total breaks ties by the total order of edges
(squared distance, then the smaller sample index, then the larger) with
exact comparisons, as sharded runs do ('cxray shard'); the tree is then
unique. --conventions ecol (or --distance gower|manhattan)
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
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "ONNX model `FILE`; or a series of checkpoints of one architecture, a glob ('ckpt/epoch_*.onnx', in natural order) or a comma-separated list, analyzed on the same samples as one run with an epoch each (the last number in each file name when they all differ, else the position from 0); omit to measure the dataset itself"},
			&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Value: "mnist", Usage: "dataset: mnist; csv:`PATH` (numeric features plus the --label column); parquet:PATH (PATH may be a glob such as dir/*.parquet; --label column, --features, or images: --image); npy:X.npy,y.npy (samples, labels); imagefolder:DIR (PNG and JPEG images, one sub-folder per class, as torchvision's ImageFolder lists them: other files are skipped; decoded as PIL does, PNG exactly, JPEG within 3/255; converted to the model's channels, RGB without a model); or activations you extracted, one layer per file, measured without --model: acts:DIR (every DIR/*.npy but DIR/labels.npy, layer name = file stem, order from DIR/layers.txt or by name) or npy:A.npy+B.npy,y.npy"},
			&cli.StringFlag{Name: "split", Value: "test", Usage: "MNIST split: train or test"},
			&cli.IntFlag{Name: "limit", Usage: "take the first `N` samples (0: all)"},
			&cli.StringFlag{Name: "label", Value: "label", Usage: "CSV or Parquet label column `NAME` (strings or integers; classes in sorted order)"},
			&cli.StringFlag{Name: "features", Usage: "Parquet feature columns: a comma-separated `LIST` of names and globs (x,y or f*), or re:REGEXP (default: every numeric column but the label)"},
			&cli.StringFlag{Name: "id", Usage: "CSV or Parquet `COLUMN` that names each row (not a feature): the sample_key of the per-sample rows (--samples)"},
			&cli.StringFlag{Name: "image", Usage: "Parquet image `COLUMN`: encoded PNG or JPEG bytes, as a BLOB or a struct with a bytes field (Hugging Face datasets' Image feature); default: the only such column"},
			&cli.StringFlag{Name: "data-dir", EnvVars: []string{"CXRAY_DATA"}, Usage: "folder holding the MNIST IDX files (default: the GoMNIST Go module's data folder)"},
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to write (created if missing; runs accumulate)"},
			&cli.StringFlag{Name: "run", Usage: "run `NAME` (default: model and dataset names)"},
			&cli.StringFlag{Name: "layers", Value: "all", Usage: "layers to measure: all, or comma-separated names or indices from 'cxray layers'"},
			&cli.StringFlag{Name: "pool", Value: "mean", Usage: "how a token layer (tokens × features per sample, from a model over token ids) becomes one point per sample: mean (over the tokens the attention mask keeps), cls (the first token; also 'first'), last (the last kept token) or flatten (every value); recorded in each row's params"},
			&cli.IntFlag{Name: "batch", Value: 64, Usage: "batch `SIZE` for the forward pass; if you do not set it, it is lowered when the activations in flight would take over 1/8 of --memory"},
			&cli.StringFlag{Name: "resize", Usage: "resize every image as torchvision's Resize on a PIL image (bilinear, antialiased; PIL's arithmetic exactly): `N` scales the shorter side to N keeping the aspect ratio, H,W gives H×W"},
			&cli.StringFlag{Name: "center-crop", Usage: "cut the middle `N` or H,W pixels of every image after --resize, as torchvision's CenterCrop (zero-padding a shorter side)"},
			&cli.IntFlag{Name: "input-pad", Usage: "zero-pad every image by `N` pixels on each side before the model, as torchvision's Pad (2 for a LeNet-5 that takes 32×32 MNIST)"},
			&cli.StringFlag{Name: "input-norm", Usage: "normalize the model's input as it was trained: `MEAN/STD`, one value or one per channel (0.1307/0.3081 for PyTorch's MNIST examples, 0.485,0.456,0.406/0.229,0.224,0.225 for ImageNet); applied after --resize, --center-crop, pixels scaled to [0,1], and --input-pad"},
			&cli.StringFlag{Name: "normalize", Value: "none", Usage: "per-feature normalization before distances: none, minmax or zscore"},
			&cli.StringFlag{Name: "measures", Value: "n1", Usage: "measures: n1; survey (the 22 of Lorena et al. 2019: F1 F1v F2 F3 F4 N1 N2 N3 N4 T1 LSC L1 L2 L3 T2 T3 T4 C1 C2 Density ClsCoef Hubs); all (survey plus GDV TwoNN NC1 CKA_prev CKA_input Probe); or a comma-separated list. All but N1 need exactly measured layers"},
			&cli.StringFlag{Name: "conventions", Value: "cxray", Usage: "conventions of the measures: cxray (Euclidean, zero distances kept, DCoL's tie rule) or ecol (Gower distance, ECoL's zero-distance handling and e1071's SVM settings, to reproduce ECoL's values)"},
			&cli.StringFlag{Name: "ties", Value: "dcol", Usage: "tie rule of the trees: dcol (DCoL's: dense Prim from the first sample, strict '<' within a relative 1e-5, lowest index first) or total (squared distance, then the smaller sample index, then the larger, compared exactly: the rule of sharded runs, 'cxray shard')"},
			&cli.StringFlag{Name: "distance", Usage: "distance of N1 and the neighbourhood measures: euclidean, manhattan or gower (default: the --conventions'); other than euclidean needs exactly measured layers"},
			&cli.StringFlag{Name: "summary", Value: "survey", Usage: "summary of per-feature and per-class-pair values (F1, F2, F3, F4, L1, L2, L3): survey (F1 = 1/(1+max r), pairs averaged), mean, min or max"},
			&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` of the whole process but the model's weights, as loaded and as packed for the matrix kernel (e.g. 512MB): the forward pass, then the estimators; past it cxray projects wide layers, then samples"},
			&cli.IntFlag{Name: "every", Usage: "also write N1 every `N` samples (step = samples seen), to watch it converge"},
			&cli.Float64Flag{Name: "until-stable", Usage: "stop once N1 of every layer moved by at most `EPS` over two checkpoints (needs --every)"},
			&cli.IntFlag{Name: "max-passes", Usage: "at most `N` passes over the data when the layers' exact states do not fit --memory together (0: as many as needed; 1: one pass, projecting and sampling instead); --every and the CKA measures take one"},
			&cli.StringFlag{Name: "prefer", Value: "speed", Usage: "what to give up when exact N1 does not fit --memory: speed (project wide layers to 256 dimensions, then keep a reservoir of samples and extrapolate N1 from it; seconds) or accuracy (keep every sample and project to 128 or 64 dimensions before sampling; minutes at 60000 images)"},
			&cli.IntFlag{Name: "sample", Usage: "keep a class-stratified reservoir of `M` samples per layer even if exact fits (-1: never sample)"},
			&cli.IntFlag{Name: "project", Usage: "project layers wider than `K` to K dimensions even if exact fits (-1: never project)"},
			&cli.StringFlag{Name: "projection", DefaultText: plan.ProjectFitted + ", or " + plan.ProjectJL + " if --memory is too small to fit one", Usage: "`KIND` of projection: " + plan.ProjectFitted + " (each layer's principal directions from its first 2K samples, plus Johnson–Lindenstrauss on the rest; N1 within 0.01 of exact on LeNet-5) or " + plan.ProjectJL + " (Johnson–Lindenstrauss only, independent of the data)"},
			&cli.StringFlag{Name: "samples", Value: "auto", Usage: "per-sample rows: on writes, for every layer measured exactly (or by a reservoir: its kept samples), each sample's part in N1 (on the boundary: an end of a cross-class edge of the tree), N2 (nearest same-class over nearest other-class distance) and N3 (its nearest neighbour has another class), and the cross edges per pair of classes, to the tables samples and class_pairs; auto does so for datasets of at most 100000 samples; off"},
			&cli.Float64Flag{Name: "label-noise", Usage: "flip this `FRACTION` of the labels to another class (drawn with --seed; each flipped label is any other class with equal probability) and mark them in the per-sample rows (samples.flipped): to measure how well the per-sample values find mislabeled samples"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "`SEED` of the reservoir, the projections and --label-noise"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on stderr"},
		},
		Action: runAnalyze,
	}
}

func runAnalyze(c *cli.Context) error {
	series, err := modelSeries(c.String("model"))
	if err != nil {
		return err
	}
	if series != nil {
		return runSeries(c, series)
	}
	p := newProgress(c.App.ErrWriter, c.Bool("quiet"))
	spec, err := analyzeSpec(c, c.String("model"))
	if err != nil {
		return err
	}
	j, err := analysis.Prepare(spec)
	if err != nil {
		return err
	}
	defer j.Close()
	// Beside the plan: the model's weights and the Go runtime's own.
	j.HeapOther = j.WeightBytes() + 16<<20

	store, ctx, closeStore, err := openStore(c)
	if err != nil {
		return err
	}
	defer closeStore()

	info, err := runInfo(c, j)
	if err != nil {
		return err
	}
	// The calls made back to back open the file once (sql.Store.Hold).
	var run *sql.Run
	err = store.Hold(func() error {
		var err error
		if run, err = store.BeginRun(ctx, info); err == nil {
			err = analysis.AddLayers(ctx, run, j.Layers)
		}
		return err
	})
	if run == nil {
		return err
	}
	p.Logf("run %d %q: %s, %d samples, %d layers -> %s", run.ID(), info.Name, j.Source.Name(), j.Source.Len(), len(j.Layers), c.String("db"))
	announce(p, j)
	var results []analysis.Result
	measureAndEnd := func() error {
		if err == nil {
			results, err = j.Measure(ctx, run, p)
		}
		return analysis.End(ctx, run, err)
	}
	if spec.Every > 0 {
		// Checkpoints: readers get in between them.
		err = measureAndEnd()
	} else {
		// The rows and the end of the run are written back to back.
		err = store.Hold(measureAndEnd)
	}
	if err != nil {
		return err
	}
	p.Logf("run %d complete in %s, peak memory %s (--memory %s, weights %s), %s", run.ID(), time.Since(p.start).Round(time.Millisecond),
		plan.FormatBytes(peakRSS()), plan.FormatBytes(j.Plan.Budget), plan.FormatBytes(j.WeightBytes()), gcSummary())
	return printResults(c.App.Writer, results)
}

// announce says how a job will measure: the plan, and what changes the
// meaning of the numbers even with --quiet (approximation, label noise).
func announce(p *progress, j *analysis.Job) {
	if n, ok := j.Source.(source.Noisy); ok {
		p.Warnf("--label-noise %g: %d of %d labels flipped to another class (seed %d)", j.Spec().LabelNoise, n.Flips(), j.Source.Len(), j.Plan.Seed)
	}
	if j.Spec().Samples == analysis.SamplesAuto && !j.Samples {
		p.Logf("per-sample rows: off (--samples auto writes them for at most %d samples, under the Euclidean distance; --samples on)", analysis.SamplesAutoMax)
	}
	if j.Plan.Exact() {
		p.Logf("%s", j.Plan.Summary())
	} else {
		p.Warnf("%s", j.Plan.Summary())
	}
}

// analyzeSpec reads analyze's flags, with the model at modelPath ("" for
// none).
func analyzeSpec(c *cli.Context, modelPath string) (analysis.Spec, error) {
	var err error
	var budget int64
	if budget, err = plan.ParseBytes(c.String("memory")); err != nil {
		return analysis.Spec{}, fmt.Errorf("--memory: %w", err)
	}
	s, err := dataSpecFor(c, budget, modelPath)
	if err != nil {
		return s, err
	}
	s.Conventions, s.Every, s.UntilStable, s.MaxPasses = c.String("conventions"), c.Int("every"), c.Float64("until-stable"), c.Int("max-passes")
	if s.MaxPasses < 0 {
		return s, fmt.Errorf("--max-passes %d: give a number of passes, or 0 for as many as needed", s.MaxPasses)
	}
	if s.Normalize, err = measure.ParseNormalization(c.String("normalize")); err != nil {
		return s, fmt.Errorf("--normalize: %w", err)
	}
	if s.Measures, err = survey.Parse(c.String("measures")); err != nil {
		return s, fmt.Errorf("--measures: %w", err)
	}
	if s.Options, err = measureOptions(c, s.Normalize); err != nil {
		return s, err
	}
	if s.Plan, err = planOptions(c); err != nil {
		return s, err
	}
	if s.Samples, err = analysis.ParseSamplesMode(c.String("samples")); err != nil {
		return s, fmt.Errorf("--samples %w", err)
	}
	s.LabelNoise = c.Float64("label-noise")
	return s, nil
}

// dataFlags are analyze's flags that say what is measured: the dataset,
// its preprocessing, the model and its layers. Commands that measure the
// same things (shard plan) take them too.
var dataFlags = []string{"model", "data", "split", "limit", "label", "features", "image", "id", "data-dir", "layers", "pool", "batch", "resize", "center-crop", "input-pad", "input-norm"}

// pickFlags returns new instances of the named flags of cmd.
func pickFlags(cmd *cli.Command, names []string) []cli.Flag {
	var out []cli.Flag
	for _, f := range cmd.Flags {
		if slices.Contains(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

// dataSpec reads dataFlags; the model is loaded within budget.
func dataSpec(c *cli.Context, budget int64) (analysis.Spec, error) {
	return dataSpecFor(c, budget, c.String("model"))
}

// dataSpecFor is dataSpec with the model at modelPath ("" for none).
func dataSpecFor(c *cli.Context, budget int64, modelPath string) (analysis.Spec, error) {
	s := analysis.Spec{
		Data: c.String("data"),
		Source: source.Options{
			Split: c.String("split"), Limit: c.Int("limit"), Label: c.String("label"), DataDir: c.String("data-dir"),
			Features: c.String("features"), Image: c.String("image"), ID: c.String("id"),
		},
		Layers: c.String("layers"), Batch: c.Int("batch"), BatchFixed: c.IsSet("batch"),
	}
	var err error
	if s.Pool, err = tap.ParsePool(c.String("pool")); err != nil {
		return s, err
	}
	for _, f := range []struct {
		name string
		dst  *[]int
	}{{"resize", &s.Transform.Resize}, {"center-crop", &s.Transform.CenterCrop}} {
		if v := c.String(f.name); v != "" {
			if *f.dst, err = imageprep.ParseSize(v); err != nil {
				return s, fmt.Errorf("--%s %w", f.name, err)
			}
		}
	}
	if s.Transform.Pad = c.Int("input-pad"); c.String("input-norm") != "" {
		if s.Transform.Mean, s.Transform.Std, err = source.ParseNormalize(c.String("input-norm")); err != nil {
			return s, fmt.Errorf("--input-norm %w", err)
		}
	}
	if path := modelPath; path != "" {
		if s.Model, err = analysis.LoadModel(path, budget); err != nil {
			return s, err
		}
	}
	return s, nil
}

// planOptions reads the flags that bound the estimators' memory.
func planOptions(c *cli.Context) (plan.Options, error) {
	o := plan.Options{
		Sample: c.Int("sample"), Project: c.Int("project"), Projection: c.String("projection"), Seed: c.Uint64("seed"),
	}
	var err error
	if o.Ties, err = mst.ParseTieRule(c.String("ties")); err != nil {
		return o, fmt.Errorf("--ties: %w", err)
	}
	if o.Budget, err = plan.ParseBytes(c.String("memory")); err != nil {
		return o, fmt.Errorf("--memory: %w", err)
	}
	switch c.String("prefer") {
	case "speed":
	case "accuracy":
		o.PreferAccuracy = true
	default:
		return o, fmt.Errorf("--prefer %q: use speed or accuracy", c.String("prefer"))
	}
	if o.Sample < -1 || o.Sample == 1 {
		return o, fmt.Errorf("--sample %d: give a reservoir of at least 2 samples, 0 to sample only when --memory needs it, or -1 never to sample", o.Sample)
	}
	if o.Project < -1 {
		return o, fmt.Errorf("--project %d: give a dimension of at least 1, 0 to project only when --memory needs it, or -1 never to project", o.Project)
	}
	return o, nil
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

func runInfo(c *cli.Context, j *analysis.Job) (sql.RunInfo, error) {
	s := j.Spec()
	info := sql.RunInfo{
		Name:     c.String("run"),
		Dataset:  j.Source.Name(),
		Split:    c.String("split"),
		NSamples: int64(j.Source.Len()),
		Version:  Version,
		Config: map[string]any{
			"command":     "analyze",
			"data":        c.String("data"),
			"limit":       c.Int("limit"),
			"batch":       j.Plan.Batch,
			"layers":      c.String("layers"),
			"normalize":   s.Normalize.String(),
			"measures":    s.Measures,
			"conventions": c.String("conventions"),
			"distance":    s.Options.Neighbour.Distance.String(),
			"summary":     s.Options.Summary.String(),
			"memory":      j.Plan.Budget,
			"every":       s.Every,
			"seed":        j.Plan.Seed,
			"sample":      j.Plan.M,
			"project":     j.Plan.K,
			"projection":  j.Plan.Projection,
			"prefer":      c.String("prefer"),
			"passes":      max(j.Plan.Passes, 1),
			"ties":        j.Plan.Ties.String(),
			"input":       s.Transform.String(),
			"samples":     j.Samples,
			"label_noise": s.LabelNoise,
			"pool":        s.Pool.String(),
		},
	}
	// Where the images are, for the report's gallery of the hardest.
	cfg := info.Config.(map[string]any)
	if dir := c.String("data-dir"); dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			cfg["data_dir"] = abs
		}
	}
	if dir, ok := strings.CutPrefix(c.String("data"), "imagefolder:"); ok {
		if abs, err := filepath.Abs(dir); err == nil {
			cfg["data_path"] = abs
		}
	}
	if strings.HasPrefix(c.String("data"), "parquet:") {
		// The keys of Parquet images name their files as given.
		if wd, err := os.Getwd(); err == nil {
			cfg["data_cwd"] = wd
		}
		cfg["image"] = c.String("image")
	}
	if j.Model != nil {
		sum, err := fileSHA256(j.Model.Path)
		if err != nil {
			return info, err
		}
		info.ModelPath, info.ModelSHA256 = j.Model.Path, sum
	}
	if info.Name == "" {
		info.Name = j.Source.Name()
		if j.Model != nil {
			info.Name = filepath.Base(j.Model.Path) + " on " + info.Name
		}
	}
	return info, nil
}

func printResults(w io.Writer, rs []analysis.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer_index\tlayer_name\top_type\tdim\tN1\tmethod\tinterval")
	for _, r := range rs {
		ci := "-"
		if !math.IsNaN(r.Estimate.CILow) {
			ci = fmt.Sprintf("[%.4f, %.4f]", r.Estimate.CILow, r.Estimate.CIHigh)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%.6f\t%s\t%s\n", r.Layer.Index, r.Layer.Name, r.Layer.OpType, r.Layer.Dim, r.Estimate.Value, r.Estimate.Method, ci)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return printMeasures(w, rs)
}

// printMeasures prints the measures beyond N1, one row per layer and one
// column per measure in survey.Names' order ("-" where a layer has none).
func printMeasures(w io.Writer, rs []analysis.Result) error {
	var names []string
	for _, m := range survey.Names() {
		for _, r := range rs {
			if _, ok := r.Extra[m]; ok {
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
		fmt.Fprintf(tw, "%d\t", r.Layer.Index)
		for _, m := range names {
			if v, ok := r.Extra[m]; ok {
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
