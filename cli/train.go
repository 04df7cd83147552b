package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"cxray/importer"
	"cxray/runtime/train"
	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure"
	"cxray/stream/measure/survey"
	"cxray/stream/plan"
	"cxray/stream/source"
	"cxray/stream/tap"
)

func trainCommand() *cli.Command {
	return &cli.Command{
		Name:  "train",
		Usage: "train a network on MNIST natively and measure every layer after every epoch",
		UsageText: `cxray train --arch lenet5 --train-size 10000 --epochs 3 --db study.duckdb
   cxray train --arch mlp:256,128 --epochs 5 --save-dir ckpt/
   cxray train --arch cnn:32,64/128 --optimizer sgd --lr 0.05 --momentum 0.9`,
		Description: `Trains a network with gorgonia (float32, reverse-mode autodiff) on a
class-balanced, seeded subset of the MNIST training split, and measures the
complexity of every layer on a fixed probe set (the first --probe test
images): at initialization (epoch 0), after every epoch, and every
--measure-every optimizer steps if asked. Metrics rows carry the epoch and
the step (optimizer steps taken); the training table gets the loss and the
accuracies of each epoch.

Architectures (--arch):
   mlp:W1,W2,...        Dense W + ReLU per width, then Dense 10
   lenet5               conv 6@5x5 pad 2, ReLU, maxpool 2; conv 16@5x5, ReLU,
                        maxpool 2; Dense 120, 84 with ReLU; Dense 10
   cnn:C1,C2,.../D1,... conv C@3x3 pad 1 + ReLU + 2x2 maxpool per C, then
                        Dense D + ReLU per D, then Dense 10

Each measurement runs the network exactly as 'cxray analyze' runs an ONNX
file: the weights are exported to an ONNX graph and executed by cxray's
runtime. With --save-dir every epoch's network is written there as ONNX
(ARCH-eEE.onnx), so 'cxray analyze --model DIR/lenet5-e03.onnx --split test
--limit P' reproduces the N1 recorded for that epoch.

The same --seed gives the same weights, losses and N1 on the same machine;
see the runtime/train package documentation for what could change that.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "arch", Aliases: []string{"a"}, Required: true, Usage: "architecture `SPEC`: mlp:W1,W2,..., lenet5, or cnn:C1,C2,.../D1,..."},
			&cli.IntFlag{Name: "train-size", Value: 10000, Usage: "train on a class-balanced subset of `N` training images (60000: all)"},
			&cli.IntFlag{Name: "epochs", Value: 3, Usage: "`E` passes over the training subset"},
			&cli.IntFlag{Name: "measure-every", Usage: "also measure every `STEPS` optimizer steps (0: after each epoch only)"},
			&cli.StringFlag{Name: "save-dir", Usage: "write each epoch's network as ONNX into `DIR` (created if missing)"},
			&cli.StringFlag{Name: "run", Usage: "run `NAME` (default: the architecture and training-set size)"},
			&cli.StringFlag{Name: "experiment", Usage: "tag the run with an experiment `NAME`, for SQL and the report"},
		}, trainFlags()...),
		Action: runTrain,
	}
}

// trainFlags are the flags train and study share.
func trainFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "data", Aliases: []string{"d"}, Value: "mnist", Usage: "dataset; only mnist can be trained on"},
		&cli.StringFlag{Name: "data-dir", EnvVars: []string{"CXRAY_DATA"}, Usage: "folder holding the MNIST IDX files (default: the GoMNIST Go module's data folder)"},
		&cli.IntFlag{Name: "batch", Value: 64, Usage: "mini-batch `SIZE`"},
		&cli.Float64Flag{Name: "lr", Usage: "learning `RATE`", DefaultText: "0.002 for adam, 0.05 for sgd"},
		&cli.StringFlag{Name: "optimizer", Value: "adam", Usage: "adam or sgd"},
		&cli.Float64Flag{Name: "momentum", Usage: "SGD momentum `M` in [0, 1)"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "`SEED` of the subset, the weights and the shuffling"},
		&cli.IntFlag{Name: "probe", Value: 1000, Usage: "measure the layers on the first `P` test images"},
		&cli.StringFlag{Name: "layers", Value: "all", Usage: "layers to measure: all, or names or indices as 'cxray layers' lists them"},
		&cli.StringFlag{Name: "measures", Value: "n1", Usage: "measures: n1, survey, all, or a list (see 'cxray analyze --help')"},
		&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` of one measurement, its forward pass and estimators (the training itself comes on top)"},
		&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to write (created if missing; runs accumulate)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on stderr"},
	}
}

// trainSpec is one training run, validated.
type trainSpec struct {
	name       string
	experiment string
	arch       train.Arch
	cfg        train.Config
	trainSize  int
	epochs     int
	every      int // measure every N steps; 0: per epoch only
	saveDir    string
	probe      int
	layers     string
	measures   []string
	budget     int64
	dataDir    string
}

// mnistData is the MNIST data a training needs, read once per command.
type mnistData struct {
	train, test *train.Dataset
}

func loadMNISTData(dataDir string) (*mnistData, error) {
	tr, err := train.LoadMNIST("train", dataDir)
	if err != nil {
		return nil, err
	}
	te, err := train.LoadMNIST("test", dataDir)
	if err != nil {
		return nil, err
	}
	return &mnistData{train: tr, test: te}, nil
}

// commonSpec reads the flags trainFlags defines.
func commonSpec(c *cli.Context) (trainSpec, error) {
	var s trainSpec
	if d := c.String("data"); d != "mnist" {
		return s, fmt.Errorf("--data %s: cxray trains on mnist only; analyze other data with 'cxray analyze'", d)
	}
	s.cfg = train.Config{
		Seed: c.Uint64("seed"), Batch: c.Int("batch"), LR: c.Float64("lr"),
		Optimizer: c.String("optimizer"), Momentum: c.Float64("momentum"),
	}
	if s.cfg.Batch < 1 {
		return s, fmt.Errorf("--batch %d: the batch size must be at least 1", s.cfg.Batch)
	}
	s.probe, s.layers, s.dataDir = c.Int("probe"), c.String("layers"), c.String("data-dir")
	if s.probe < 2 || s.probe > 10000 {
		return s, fmt.Errorf("--probe %d: the probe set is the first P test images, 2 <= P <= 10000", s.probe)
	}
	var err error
	if s.measures, err = survey.Parse(c.String("measures")); err != nil {
		return s, fmt.Errorf("--measures: %w", err)
	}
	if s.budget, err = plan.ParseBytes(c.String("memory")); err != nil {
		return s, fmt.Errorf("--memory: %w", err)
	}
	return s, nil
}

func runTrain(c *cli.Context) error {
	s, err := commonSpec(c)
	if err != nil {
		return err
	}
	if s.arch, err = train.ParseArch(c.String("arch")); err != nil {
		return fmt.Errorf("--arch: %w", err)
	}
	s.trainSize, s.epochs, s.every = c.Int("train-size"), c.Int("epochs"), c.Int("measure-every")
	s.saveDir, s.name, s.experiment = c.String("save-dir"), c.String("run"), c.String("experiment")
	if err := s.check(); err != nil {
		return err
	}
	p := newProgress(c.App.ErrWriter, c.Bool("quiet"))
	data, err := loadMNISTData(s.dataDir)
	if err != nil {
		return err
	}
	if s.trainSize > data.train.Len() {
		return fmt.Errorf("--train-size %d: the MNIST training split has %d images", s.trainSize, data.train.Len())
	}
	store, ctx, closeStore, err := openStore(c)
	if err != nil {
		return err
	}
	defer closeStore()
	out, err := s.run(ctx, store, data, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "run %d %q: test accuracy %.4f after %d epochs\n", out.runID, out.name, out.testAcc, s.epochs)
	return printResults(c.App.Writer, out.results)
}

// check validates what can be checked before any data is read, so that
// bad flags fail without a run.
func (s *trainSpec) check() error {
	if s.epochs < 1 {
		return fmt.Errorf("--epochs %d: train for at least 1 epoch", s.epochs)
	}
	if s.trainSize < 1 {
		return fmt.Errorf("--train-size %d: give a positive number of training images", s.trainSize)
	}
	if s.every < 0 {
		return fmt.Errorf("--measure-every %d: give a number of steps, or 0 for once per epoch", s.every)
	}
	if s.saveDir != "" {
		if err := checkWritableDir(s.saveDir); err != nil {
			return fmt.Errorf("--save-dir: %w", err)
		}
	}
	if s.name == "" {
		s.name = fmt.Sprintf("%s n=%d", s.arch.Spec, s.trainSize)
	}
	return nil
}

// checkWritableDir creates dir if needed and proves it takes a file.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(dir, ".cxray-write-test-*")
	if err != nil {
		return fmt.Errorf("%s is not writable: %w", dir, errors.Unwrap(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// trainOutcome is what a finished training run reports.
type trainOutcome struct {
	runID   int64
	name    string
	testAcc float64
	results []analysis.Result // the last measurement
}

// run trains s in a new run of store, measuring the probe set at epoch 0,
// after every epoch and every s.every steps. The run ends complete,
// failed or interrupted like an analyze run.
func (s *trainSpec) run(ctx context.Context, store *sql.Store, data *mnistData, p *progress) (trainOutcome, error) {
	out := trainOutcome{name: s.name}
	subset, err := data.train.Subset(s.trainSize, s.cfg.Seed)
	if err != nil {
		return out, err
	}
	m, err := train.New(s.arch, s.cfg)
	if err != nil {
		return out, err
	}
	cfg := m.Config()
	run, err := store.BeginRun(ctx, sql.RunInfo{
		Name: s.name, Dataset: data.train.Name, Split: "train", NSamples: int64(s.trainSize), Version: Version,
		Experiment: s.experiment, Arch: s.arch.Spec, TrainSize: int64(s.trainSize),
		Config: map[string]any{
			"command": "train", "arch": s.arch.Spec, "train_size": s.trainSize, "epochs": s.epochs,
			"batch": cfg.Batch, "lr": cfg.LR, "optimizer": cfg.Optimizer, "momentum": cfg.Momentum,
			"seed": cfg.Seed, "probe": s.probe, "probe_data": "mnist/test", "measure_every": s.every,
			"layers": s.layers, "measures": s.measures, "memory": s.budget, "save_dir": s.saveDir,
		},
	})
	if err != nil {
		return out, err
	}
	out.runID = run.ID()
	p.Logf("run %d %q: training %s on %d images for %d epochs, probe %d test images", run.ID(), s.name, s.arch.Spec, s.trainSize, s.epochs, s.probe)
	err = s.train(ctx, run, m, subset, data.test, p, &out)
	return out, analysis.End(ctx, run, err)
}

// train is the body of run: epoch 0, then the epochs.
func (s *trainSpec) train(ctx context.Context, run *sql.Run, m *train.Model, subset, test *train.Dataset, p *progress, out *trainOutcome) error {
	start := time.Now()
	layersAdded := false
	lastMeasured := int64(-1)
	measure := func(epoch int, step int64, save bool) error {
		if step == lastMeasured && epoch > 0 {
			// --measure-every already measured this step; the epoch's
			// checkpoint is still due.
			if save && s.saveDir != "" {
				_, _, err := s.export(m, epoch, true)
				return err
			}
			return nil
		}
		lastMeasured = step
		rs, err := s.measure(ctx, run, m, epoch, step, save, !layersAdded, p)
		if err != nil {
			return fmt.Errorf("measuring epoch %d step %d: %w", epoch, step, err)
		}
		layersAdded, out.results = true, rs
		return nil
	}
	record := func(epoch int, loss, acc float64) error {
		_, testAcc, err := m.Evaluate(test)
		if err != nil {
			return err
		}
		out.testAcc = testAcc
		return run.AddTraining(ctx, []sql.TrainingRow{{
			Epoch: epoch, Step: int64(m.Steps()), TrainLoss: loss, TrainAcc: acc, TestAcc: testAcc,
			Seconds: time.Since(start).Seconds(),
		}})
	}
	// Epoch 0: the network at initialization.
	loss, acc, err := m.Evaluate(subset)
	if err != nil {
		return err
	}
	if err := record(0, loss, acc); err != nil {
		return err
	}
	if err := measure(0, 0, true); err != nil {
		return err
	}
	name, n1 := analysis.LastN1(out.results)
	p.Logf("epoch 0: test accuracy %.4f, N1 of %s %.4f", out.testAcc, name, n1)
	for epoch := 1; epoch <= s.epochs; epoch++ {
		steps := (subset.Len() + s.cfg.Batch - 1) / max(s.cfg.Batch, 1)
		first := m.Steps()
		onStep := func(step int, _ float64) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			p.Step(fmt.Sprintf("epoch %d/%d", epoch, s.epochs), step-first, steps)
			if s.every > 0 && step%s.every == 0 {
				return measure(epoch, int64(step), false)
			}
			return nil
		}
		loss, acc, err := m.TrainEpoch(subset, s.cfg.Seed+uint64(epoch), onStep)
		if err != nil {
			return err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("epoch %d: the training loss is %v: training diverged; lower --lr", epoch, loss)
		}
		if err := record(epoch, loss, acc); err != nil {
			return err
		}
		if err := measure(epoch, int64(m.Steps()), true); err != nil {
			return err
		}
		name, n1 := analysis.LastN1(out.results)
		p.Logf("epoch %d: train loss %.4f, train accuracy %.4f, test accuracy %.4f, N1 of %s %.4f (%s)",
			epoch, loss, acc, out.testAcc, name, n1, time.Since(start).Round(time.Second))
	}
	return nil
}

// export returns m's weights as an ONNX graph and the name it goes by:
// with save and --save-dir the checkpoint file of the epoch, written here
// (DIR/ARCH-eEE.onnx), otherwise a name for messages.
func (s *trainSpec) export(m *train.Model, epoch int, save bool) (*importer.Graph, string, error) {
	g, err := m.Graph()
	if err != nil {
		return nil, "", err
	}
	if !save || s.saveDir == "" {
		return g, fmt.Sprintf("%s@epoch%d", s.arch.Spec, epoch), nil
	}
	path := filepath.Join(s.saveDir, fmt.Sprintf("%s-e%02d.onnx", fileStem(s.arch.Spec), epoch))
	return g, path, importer.Save(path, g)
}

// probeBatch is the batch size of the measurements, analyze's default: the
// pipeline keeps a few batches of every tapped layer in flight, so it sets
// the memory beside the estimators'.
const probeBatch = 64

// measure exports m's weights as an ONNX graph and measures it on the
// probe set exactly as analyze measures a model file: the same runtime,
// layers, plan and estimators, so analyze on a saved checkpoint gives the
// same rows. With save (and --save-dir) the graph is written first.
func (s *trainSpec) measure(ctx context.Context, run *sql.Run, m *train.Model, epoch int, step int64, save, first bool, p *progress) ([]analysis.Result, error) {
	g, path, err := s.export(m, epoch, save)
	if err != nil {
		return nil, err
	}
	mod, err := analysis.NewModel(path, g)
	if err != nil {
		return nil, err
	}
	j, err := analysis.Prepare(analysis.Spec{
		Data: "mnist", Source: source.Options{Split: "test", Limit: s.probe, DataDir: s.dataDir},
		Model: mod, Layers: s.layers, Batch: probeBatch, Normalize: measure.NormNone,
		Measures: s.measures, Options: tap.DefaultOptions(),
		Plan:  plan.Options{Budget: s.budget, Seed: s.cfg.Seed},
		Epoch: epoch, TrainStep: &step,
	})
	if err != nil {
		return nil, err
	}
	defer j.Close()
	if first {
		if err := analysis.AddLayers(ctx, run, j.Layers); err != nil {
			return nil, err
		}
	}
	// On top of the training's live heap: its data, weights and graphs.
	defer analysis.LimitHeap(j.Plan, analysis.LiveHeap()+64<<20)()
	// Warnings (skipped measures) still reach the user; per-layer lines do not.
	return j.Measure(ctx, run, newProgress(p.w, true))
}

// fileStem turns an architecture spec into a file name part:
// "mlp:256,128" -> "mlp-256-128".
func fileStem(spec string) string {
	return strings.NewReplacer(":", "-", ",", "-", "/", "_").Replace(spec)
}
