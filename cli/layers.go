package cli

import (
	"cxray/stream/analysis"
	"cxray/stream/plan"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
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
			budget, err := plan.ParseBytes(c.String("memory"))
			if err != nil {
				return fmt.Errorf("--memory: %w", err)
			}
			m, err := analysis.LoadModel(c.String("model"), budget)
			if err != nil {
				return err
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
