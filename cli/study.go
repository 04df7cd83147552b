package cli

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"cxray/runtime/train"
	"cxray/sql/report"
	"cxray/stream/analysis"
)

// The four experiments of Ho (ICPR 2022), as runs.experiment tags.
const (
	expLayers   = "layers"   // (a) N1 through the layers of trained networks
	expTraining = "training" // (b) N1 of every layer during training
	expDesign   = "design"   // (c) N1 against network design
	expSamples  = "samples"  // (d) N1 against the number of training samples
)

var experiments = []string{expLayers, expTraining, expDesign, expSamples}

func studyCommand() *cli.Command {
	return &cli.Command{
		Name:  "study",
		Usage: "run the paper's four experiments into one DuckDB file, then write the report",
		UsageText: `cxray study --db study.duckdb --report study/
   cxray study --experiments design --train-size 60000 --epochs 10
   cxray study --experiments samples --full-split      (adds 60000, the whole split)`,
		Description: `Reproduces the four questions of Ho, "Complexity of Representations in
Deep Learning" (ICPR 2022) on MNIST, each as a set of 'cxray train' runs
tagged with its experiment (runs.experiment):

   layers    (a) how N1 evolves through the layers: a LeNet-5 and an MLP
                 (mlp:256,128) trained on --train-size images
   training  (b) how it changes during training: a LeNet-5 measured at
                 initialization, after every epoch and every
                 --measure-every steps
   design    (c) how network design affects it: MLPs of depth 1 to 4 and
                 widths 64, 256 and 1024, LeNet-5 and a wider CNN
                 (cnn:32,64/128)
   samples   (d) how the number of training samples affects it: LeNet-5
                 trained on each of --sizes images (--full-split adds 60000)

Every run measures every layer on the same probe set (the first --probe
test images). The defaults are sized for a 2-core laptop: about 4 minutes
and 1.3 GB with OpenBLAS, longer with gonum's pure-Go BLAS. Raise
--train-size, --epochs and --sizes to scale up. Query the
file with 'cxray sql' (views n1_by_layer, n1_by_epoch, training_curve) and
look at it with 'cxray report' (or --report DIR here).`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "experiments", Value: strings.Join(experiments, ","), Usage: "which experiments to run: any of " + strings.Join(experiments, ", ")},
			&cli.IntFlag{Name: "train-size", Value: 10000, Usage: "training images for the layers, training and design experiments"},
			&cli.IntFlag{Name: "epochs", Value: 3, Usage: "epochs of every run"},
			&cli.IntFlag{Name: "measure-every", Usage: "training experiment: also measure every `STEPS` steps", DefaultText: "four times per epoch"},
			&cli.StringFlag{Name: "sizes", Value: "100,500,1000,5000,10000", Usage: "samples experiment: training-set `SIZES`"},
			&cli.BoolFlag{Name: "full-split", Usage: "samples experiment: also train on all 60000 training images"},
			&cli.StringFlag{Name: "report", Usage: "write the HTML report of the file into `DIR` at the end"},
		}, trainFlags()...),
		Action: runStudy,
	}
}

func runStudy(c *cli.Context) error {
	base, err := commonSpec(c)
	if err != nil {
		return err
	}
	base.trainSize, base.epochs, base.every = c.Int("train-size"), c.Int("epochs"), c.Int("measure-every")
	sizes := c.String("sizes")
	if c.Bool("full-split") {
		sizes += ",60000"
	}
	specs, err := studyRuns(base, c.String("experiments"), sizes)
	if err != nil {
		return err
	}
	for i := range specs {
		if err := specs[i].check(); err != nil {
			return fmt.Errorf("%s run %s: %w", specs[i].experiment, specs[i].arch.Spec, err)
		}
	}
	if dir := c.String("report"); dir != "" {
		if err := checkWritableDir(dir); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	p := newProgress(c.App.ErrWriter, c.Bool("quiet"))
	data, err := loadMNISTData(base.dataDir)
	if err != nil {
		return err
	}
	for _, s := range specs {
		if s.trainSize > data.train.Len() {
			return fmt.Errorf("%s run %s: --train-size %d: the MNIST training split has %d images", s.experiment, s.arch.Spec, s.trainSize, data.train.Len())
		}
	}
	store, ctx, closeStore, err := openStore(c)
	if err != nil {
		return err
	}
	defer closeStore()

	start := time.Now()
	p.Logf("study: %d runs -> %s", len(specs), c.String("db"))
	var failed []string
	for i, s := range specs {
		p.Logf("[%d/%d] %s: %s on %d images (%s so far)", i+1, len(specs), s.experiment, s.arch.Spec, s.trainSize, time.Since(start).Round(time.Second))
		out, err := s.run(ctx, store, data, p)
		if ctx.Err() != nil {
			return fmt.Errorf("study interrupted at run %d of %d: %w", i+1, len(specs), err)
		}
		if err != nil {
			// One diverged or failed run must not cost the others: it is
			// marked failed in the file, and the study goes on.
			p.Warnf("%s run %s failed: %v", s.experiment, s.arch.Spec, err)
			failed = append(failed, fmt.Sprintf("%s/%s", s.experiment, s.arch.Spec))
			continue
		}
		name, n1 := analysis.LastN1(out.results)
		fmt.Fprintf(c.App.Writer, "%-9s %-24s n=%-6d test accuracy %.4f  N1 of %s %.4f\n", s.experiment, s.arch.Spec, s.trainSize, out.testAcc, name, n1)
	}
	p.Logf("study finished in %s", time.Since(start).Round(time.Second))
	if dir := c.String("report"); dir != "" {
		if err := report.Write(ctx, store, dir, report.Options{}); err != nil {
			return err
		}
		p.Logf("report: %s", reportIndex(dir))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d runs failed: %s", len(failed), len(specs), strings.Join(failed, ", "))
	}
	return nil
}

// studyRuns lists the runs of the chosen experiments.
func studyRuns(base trainSpec, which, sizes string) ([]trainSpec, error) {
	var chosen []string
	for _, e := range strings.Split(which, ",") {
		e = strings.TrimSpace(e)
		if !slices.Contains(experiments, e) {
			return nil, fmt.Errorf("--experiments: no experiment %q; choose from %s", e, strings.Join(experiments, ", "))
		}
		chosen = append(chosen, e)
	}
	ns, err := parseSizes(sizes)
	if err != nil {
		return nil, fmt.Errorf("--sizes: %w", err)
	}
	var specs []trainSpec
	add := func(exp, arch string, n int) error {
		a, err := train.ParseArch(arch)
		if err != nil {
			return err
		}
		s := base
		s.experiment, s.arch, s.trainSize = exp, a, n
		s.name = fmt.Sprintf("%s: %s n=%d", exp, arch, n)
		if exp != expTraining {
			s.every = 0
		} else if s.every == 0 {
			s.every = max(1, (n+s.cfg.Batch-1)/s.cfg.Batch/4)
		}
		specs = append(specs, s)
		return nil
	}
	type planned struct {
		exp, arch string
		n         int
	}
	var runs []planned
	for _, e := range chosen {
		switch e {
		case expLayers:
			runs = append(runs, planned{e, "lenet5", base.trainSize}, planned{e, "mlp:256,128", base.trainSize})
		case expTraining:
			runs = append(runs, planned{e, "lenet5", base.trainSize})
		case expDesign:
			for depth := 1; depth <= 4; depth++ {
				for _, w := range []string{"64", "256", "1024"} {
					runs = append(runs, planned{e, "mlp:" + strings.Repeat(w+",", depth-1) + w, base.trainSize})
				}
			}
			runs = append(runs, planned{e, "lenet5", base.trainSize}, planned{e, "cnn:32,64/128", base.trainSize})
		case expSamples:
			for _, n := range ns {
				runs = append(runs, planned{e, "lenet5", n})
			}
		}
	}
	for _, r := range runs {
		if err := add(r.exp, r.arch, r.n); err != nil {
			return nil, err
		}
	}
	return specs, nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, tok := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(tok))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number of training images", tok)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("give at least one size")
	}
	return out, nil
}
