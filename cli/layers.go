package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/tap"
)

func layersCommand() *cli.Command {
	return &cli.Command{
		Name:      "layers",
		Usage:     "list the tappable layers of an ONNX model",
		UsageText: "cxray layers --model M.onnx",
		Description: `Prints one row per layer: its index, the ONNX tensor name, the op that
produces it and the per-sample shape. Layer 0 is the graph input. Use the
names or indices with 'cxray analyze --layers'.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "ONNX model `FILE`", Required: true},
		},
		Action: func(c *cli.Context) error {
			m, err := loadModel(c.String("model"))
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

func loadModel(path string) (*model, error) {
	g, err := importer.Load(path)
	if err != nil {
		return nil, err
	}
	return newModel(path, g)
}

// newModel readies a decoded graph; path names it in errors and in runs
// (a file, or a training checkpoint).
func newModel(path string, g *importer.Graph) (*model, error) {
	exec, err := runtime.New(g)
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
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m.layers = tap.FromGraph(g, m.sample, shapes)
	return m, nil
}
