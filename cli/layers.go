package cli

import (
	"cxray/stream/analysis"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
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
			m, err := analysis.LoadModel(c.String("model"))
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
