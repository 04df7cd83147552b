package cli

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"cxray/stream/analysis"
	"cxray/stream/plan"
)

func layersCommand() *cli.Command {
	return &cli.Command{
		Name:      "layers",
		Usage:     "list the tappable layers of an ONNX model",
		UsageText: "cxray layers --model M.onnx [--memory 1GB] [--dim seq=128]",
		Description: `Prints one row per layer: its index, the ONNX tensor name, the op that
produces it and the per-sample shape. The first layers are the graph's data
inputs (layer 0 alone for most models). Use the names or indices with
'cxray analyze --layers'. A model whose inputs have symbolic axes besides
the batch (a sequence length "seq") needs their sizes: --dim seq=128.
analyze takes them from the data.

The shapes come from a shape step that allocates no activations. A model
whose file, decoded weights or buffers for one sample exceed --memory is
refused with one line naming what does not fit.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Usage: "ONNX model `FILE`", Required: true},
			&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` for loading the model (file, decoded weights) and for the buffers of one sample"},
			&cli.StringSliceFlag{Name: "dim", Usage: "size of a symbolic input axis, `NAME=N` (e.g. seq=128); repeat for several"},
		},
		Action: func(c *cli.Context) error {
			budget, err := plan.ParseBytes(c.String("memory"))
			if err != nil {
				return fmt.Errorf("--memory: %w", err)
			}
			m, err := analysis.LoadModel(c.String("model"), budget)
			if err != nil {
				return err
			}
			if m.Layers == nil {
				if err := fitDims(m, c.StringSlice("dim")); err != nil {
					return err
				}
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "index\tlayer_name\top_type\tshape\tdim")
			for _, l := range m.Layers {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", l.Index, l.Name, l.OpType, l.ShapeString(), l.Dim)
			}
			return tw.Flush()
		},
	}
}

// fitDims fixes the symbolic input axes of m from --dim NAME=N values.
func fitDims(m *analysis.Model, dims []string) error {
	size := map[string]int{}
	for _, d := range dims {
		name, v, ok := strings.Cut(d, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 1 || strings.TrimSpace(name) == "" {
			return fmt.Errorf("--dim %q: want NAME=N with N at least 1, e.g. seq=128", d)
		}
		size[strings.TrimSpace(name)] = n
	}
	samples := make([][]int, len(m.Inputs))
	for i, in := range m.Inputs {
		samples[i] = []int{}
		for j, d := range in.Dims[1:] {
			n := int(d.Value)
			if d.Value < 0 {
				var ok bool
				if n, ok = size[d.Param]; !ok {
					return fmt.Errorf("model %s: input %q has the symbolic axis %d %q; give its size with --dim %s=N", m.Path, in.Name, j+1, d.Param, orName(d.Param))
				}
			}
			samples[i] = append(samples[i], n)
		}
	}
	return m.Fit(samples)
}

func orName(p string) string {
	if p == "" {
		return "NAME"
	}
	return p
}
