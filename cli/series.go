package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// checkpoint is one model of a series: a file and its epoch.
type checkpoint struct {
	path  string
	epoch int
}

// modelSeries reads --model as a series of checkpoints: a glob (its files
// in natural order, epoch_2 before epoch_10) or a comma-separated list of
// files and globs (in the order given). It returns nil when arg names one
// file (or none). Each file's epoch is the last number in its name when
// every name has one and they differ, else its position from 0.
func modelSeries(arg string) ([]checkpoint, error) {
	if !strings.ContainsAny(arg, "*?[,") {
		return nil, nil
	}
	var paths []string
	for _, item := range strings.Split(arg, ",") {
		if item == "" {
			return nil, fmt.Errorf("--model %q has an empty item; separate the files and globs by single commas", arg)
		}
		if !strings.ContainsAny(item, "*?[") {
			paths = append(paths, item)
			continue
		}
		m, err := filepath.Glob(item)
		if err != nil {
			return nil, fmt.Errorf("--model: bad glob %q: %v", item, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("--model: %q matches no file", item)
		}
		slices.SortFunc(m, source.NaturalCompare)
		paths = append(paths, m...)
	}
	seen := map[string]bool{}
	numbers := map[int]bool{}
	series := make([]checkpoint, len(paths))
	for i, p := range paths {
		if seen[p] {
			return nil, fmt.Errorf("--model %q names %s twice", arg, p)
		}
		seen[p] = true
		series[i] = checkpoint{path: p, epoch: lastNumber(p)}
		numbers[series[i].epoch] = true
	}
	if numbers[-1] || len(numbers) < len(series) {
		for i := range series {
			series[i].epoch = i
		}
	}
	return series, nil
}

// lastNumber is the last run of digits in the base name of path, without
// its extension, or -1 if it has none (or one too large for an epoch).
func lastNumber(path string) int {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	end := strings.LastIndexFunc(base, func(r rune) bool { return r >= '0' && r <= '9' })
	if end < 0 {
		return -1
	}
	start := end
	for start > 0 && base[start-1] >= '0' && base[start-1] <= '9' {
		start--
	}
	n, err := strconv.Atoi(base[start : end+1])
	if err != nil || n > 1<<30 {
		return -1
	}
	return n
}

// runSeries analyzes each checkpoint of a series on the same samples, as
// one run whose metrics rows carry each checkpoint's epoch: cxray train's
// shape, for models trained elsewhere.
func runSeries(c *cli.Context, series []checkpoint) error {
	p := newProgress(c.App.ErrWriter, c.Bool("quiet"))
	budget, err := plan.ParseBytes(c.String("memory"))
	if err != nil {
		return fmt.Errorf("--memory: %w", err)
	}
	// Every checkpoint is loaded once before the run begins, so that a
	// file that is not a model of the series fails before any row is
	// written; each is released before the next is loaded.
	var sums []map[string]any
	var first []tap.Layer
	for _, cp := range series {
		m, err := analysis.LoadModel(cp.path, budget)
		if err != nil {
			return err
		}
		if first == nil {
			first = m.Layers
		} else if err := sameLayers(first, m.Layers, series[0].path, cp.path); err != nil {
			return err
		}
		sum, err := fileSHA256(cp.path)
		if err != nil {
			return fmt.Errorf("--model: %w", err)
		}
		sums = append(sums, map[string]any{"epoch": cp.epoch, "path": cp.path, "sha256": sum})
	}
	var (
		store      *sql.Store
		ctx        = c.Context
		run        *sql.Run
		layers     []tap.Layer
		closeStore = func() {}
	)
	defer func() { closeStore() }()
	measure := func(k int, cp checkpoint) error {
		spec, err := analyzeSpec(c, cp.path)
		if err != nil {
			return err
		}
		spec.Epoch = cp.epoch
		j, err := analysis.Prepare(spec)
		if err != nil {
			return err
		}
		defer j.Close()
		lift := analysis.LimitHeap(j.Plan, j.WeightBytes()+16<<20)
		defer lift()
		if run == nil {
			info, err := runInfo(c, j)
			if err != nil {
				return err
			}
			info.ModelPath, info.ModelSHA256 = c.String("model"), sums[len(sums)-1]["sha256"].(string)
			if c.String("run") == "" {
				info.Name = filepath.Base(c.String("model")) + " on " + j.Source.Name()
			}
			info.Config.(map[string]any)["checkpoints"] = sums
			st, cx, cl, err := openStore(c)
			if err != nil {
				return err
			}
			store, ctx, closeStore = st, cx, cl
			if run, err = store.BeginRun(ctx, info); err != nil {
				return err
			}
			layers = j.Layers
			p.Logf("run %d %q: %d checkpoints, %s, %d samples, %d layers -> %s", run.ID(), info.Name, len(series),
				j.Source.Name(), j.Source.Len(), len(j.Layers), c.String("db"))
			if err := analysis.AddLayers(ctx, run, j.Layers); err != nil {
				return err
			}
		} else if err := sameLayers(layers, j.Layers, series[0].path, cp.path); err != nil {
			return err // the selected layers (--layers) differ
		}
		p.Logf("epoch %d (%d/%d): %s", cp.epoch, k+1, len(series), cp.path)
		announce(p, j)
		results, err := j.Measure(ctx, run, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.App.Writer, "epoch %d: %s\n", cp.epoch, cp.path)
		return printResults(c.App.Writer, results)
	}
	for k, cp := range series {
		if err = measure(k, cp); err != nil {
			break
		}
	}
	if run == nil {
		return err
	}
	if err := analysis.End(ctx, run, err); err != nil {
		return err
	}
	p.Logf("run %d complete in %s, peak memory %s, %s", run.ID(), time.Since(p.start).Round(time.Millisecond), plan.FormatBytes(peakRSS()), gcSummary())
	return nil
}

// sameLayers checks that a checkpoint has the first one's layers: the
// epochs of a series compare layer by layer.
func sameLayers(want, got []tap.Layer, first, path string) error {
	if len(got) != len(want) {
		return fmt.Errorf("--model: %s has %d layers to measure, %s has %d; the checkpoints of a series must be one architecture", path, len(got), first, len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Dim != want[i].Dim {
			return fmt.Errorf("--model: layer %d of %s is %q (%d values), of %s %q (%d values); the checkpoints of a series must be one architecture",
				i, path, got[i].Name, got[i].Dim, first, want[i].Name, want[i].Dim)
		}
	}
	return nil
}
