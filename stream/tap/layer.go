package tap

import (
	"fmt"
	"strconv"
	"strings"

	"cxray/importer"
)

// Layer is one tappable tensor.
type Layer struct {
	Index    int
	Name     string // the ONNX tensor name
	NodeName string // the producing node; "" for the graph input
	OpType   string // the producing op; "Input" for the graph input
	Shape    []int  // per sample, without the batch axis
	// Dim is the dimension of the layer's points: the product of Shape,
	// or, for a token layer pooled other than PoolFlatten, its features.
	Dim int
	// Tokens, when positive, makes the layer a token layer of a model
	// over token ids: Shape is Tokens × features, and each sample's point
	// is pooled from it by Pool (see MarkTokens).
	Tokens int
	Pool   Pool
	// BatchSecond marks a node output laid out [d0, batch, d2...] (a
	// sequence-first encoder's [tokens, batch, features]): Shape is
	// [d0, d2...], and each sample's row is gathered from its stride.
	BatchSecond bool
}

// ShapeString formats the per-sample shape as "6×28×28".
func (l Layer) ShapeString() string {
	s := make([]string, len(l.Shape))
	for i, d := range l.Shape {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "×")
}

// InputLayer is layer 0, the data fed to the model.
func InputLayer(name string, sample []int) Layer {
	return Layer{Name: name, OpType: "Input", Shape: append([]int(nil), sample...), Dim: prod(sample)}
}

// FromGraph lists the data inputs and every float node output of g.
// samples holds the per-sample shape of each data input (g.Inputs, or
// g.Input alone); shapes maps tensor names to per-sample shapes
// (runtime.Executor.OutputShapesOf). A tensor missing from shapes is
// integer-valued and not a layer.
func FromGraph(g *importer.Graph, samples [][]int, shapes map[string][]int) []Layer {
	inputs := g.Inputs
	if len(inputs) == 0 {
		inputs = []importer.ValueInfo{g.Input}
	}
	var layers []Layer
	for i, in := range inputs {
		l := InputLayer(in.Name, samples[i])
		l.Index = i
		layers = append(layers, l)
	}
	for _, n := range g.Nodes {
		for _, out := range n.Outputs {
			s, ok := shapes[out]
			if !ok || out == "" {
				continue
			}
			layers = append(layers, Layer{
				Index: len(layers), Name: out, NodeName: n.Name, OpType: n.OpType,
				Shape: s, Dim: prod(s),
			})
		}
	}
	return layers
}

// Select picks layers by spec: "all", or a comma-separated list of layer
// names or indices, kept in graph order. An empty spec or item is an
// error, not a silent "all".
func Select(all []Layer, spec string) ([]Layer, error) {
	spec = strings.TrimSpace(spec)
	if spec == "all" {
		return all, nil
	}
	want := map[int]bool{}
	for _, tok := range strings.Split(spec, ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			return nil, fmt.Errorf("--layers %q names no layer between commas; give all, or names or indices from `cxray layers --model M.onnx`", spec)
		}
		i, found := find(all, tok)
		if !found {
			return nil, fmt.Errorf("--layers: no layer %q; run `cxray layers --model M.onnx` to list names and indices", tok)
		}
		want[i] = true
	}
	var out []Layer
	for _, l := range all {
		if want[l.Index] {
			out = append(out, l)
		}
	}
	return out, nil
}

func find(all []Layer, tok string) (int, bool) {
	for _, l := range all {
		if l.Name == tok {
			return l.Index, true
		}
	}
	if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(all) {
		return all[i].Index, true
	}
	return 0, false
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}
