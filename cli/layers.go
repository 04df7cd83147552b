package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

func layersCommand() *cli.Command {
	return &cli.Command{
		Name:      "layers",
		Usage:     "list the tappable layers of an ONNX model",
		UsageText: "cxray layers --model M.onnx [--memory 1GB]",
		Description: `Prints one row per layer: its index, the ONNX tensor name, the op that
produces it and the per-sample shape. Layer 0 is the graph input. Use the
names or indices with 'cxray analyze --layers'.

The shapes come from a shape step that allocates no activations. A model
whose file, decoded weights or buffers for one sample exceed --memory is
refused with one line naming what does not fit.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "ONNX model `FILE`", Required: true},
			&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` for loading the model (file, decoded weights) and for the buffers of one sample"},
		},
		Action: func(c *cli.Context) error {
			m, err := loadModel(c.String("model"), c.String("memory"), 1)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "index\tlayer_name\top_type\tshape\tdim")
			for _, l := range m.layers {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", l.Index, l.Name, l.OpType, l.ShapeString(), l.Dim)
			}
			return tw.Flush()
		},
	}
}

// model is a loaded ONNX model ready to run.
type model struct {
	path   string
	graph  *importer.Graph
	exec   *runtime.Executor
	sample []int // per-sample input shape the model declares
	layers []tap.Layer
}

// loadModel loads the ONNX file at path within memory (a --memory value):
// the file and its decoded weights may each take the budget, and the
// executor's buffers (activations and kernel scratch, weights aside) too,
// for batches of batch samples. Everything a hostile file declares is
// checked before it is allocated; what does not fit is one error line.
func loadModel(path, memory string, batch int) (*model, error) {
	budget, err := plan.ParseBytes(memory)
	if err != nil {
		return nil, fmt.Errorf("--memory: %w", err)
	}
	g, err := importer.LoadLimited(path, importer.LimitsFor(budget))
	if err != nil {
		var le *importer.LimitError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%w; raise --memory (now %s) to load this model", err, memory)
		}
		return nil, err
	}
	m, err := newModelWithin(path, g, runtime.Limits{Bytes: budget, Name: "--memory"})
	if err != nil {
		return nil, err
	}
	// The forward pass alone must fit; the plan shares what is left
	// between it and the estimators.
	need, err := m.exec.ForwardBytes(batch)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	if need > budget {
		return nil, fmt.Errorf("model %s: the forward pass holds %s of activations and scratch for a batch of %d samples, over the %s --memory budget; lower --batch or raise --memory",
			path, plan.FormatBytes(need), batch, plan.FormatBytes(budget))
	}
	return m, nil
}

// newModel readies a decoded graph built by cxray itself (a training
// checkpoint), without a memory cap; path names it in errors and runs.
func newModel(path string, g *importer.Graph) (*model, error) {
	return newModelWithin(path, g, runtime.Limits{})
}

// newModelWithin readies a decoded graph with the executor's buffers
// bounded by lim; path names it in errors and in runs.
func newModelWithin(path string, g *importer.Graph, lim runtime.Limits) (*model, error) {
	exec, err := runtime.NewWithLimits(g, lim)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m := &model{path: path, graph: g, exec: exec}
	if len(g.Input.Dims) < 2 {
		return nil, fmt.Errorf("model %s: input %q has shape %v; cxray needs a batch axis followed by the sample's axes", path, g.Input.Name, g.Input.Dims)
	}
	for _, d := range g.Input.Dims[1:] {
		if d.Value < 0 {
			return nil, fmt.Errorf("model %s: input %q has a symbolic axis %q besides the batch axis; export the model with fixed sample dimensions", path, g.Input.Name, d.Param)
		}
		m.sample = append(m.sample, int(d.Value))
	}
	shapes, err := exec.OutputShapes(m.sample)
	if err != nil {
		var be *runtime.BudgetError
		if errors.As(err, &be) {
			return nil, fmt.Errorf("model %s: %w; this model cannot be analyzed within --memory", path, err)
		}
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m.layers = tap.FromGraph(g, m.sample, shapes)
	return m, nil
}
