package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/owulveryck/onnx-go"
)

// Load reads and decodes the ONNX model at path.
func Load(path string) (*Graph, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("model %s: file not found (check the --model path)", path)
		}
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	g, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return g, nil
}

// Decode decodes an ONNX model held in memory. onnx-go decodes the graph,
// the attributes and the tensors; the header fields it does not expose
// (opset, node names, symbolic dimensions) are read from the wire format.
func Decode(data []byte) (g *Graph, err error) {
	const notONNX = "not a valid ONNX model (truncated, or not an ONNX file)"
	h, err := readHeader(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", notONNX, err)
	}
	if len(h.nodes) == 0 {
		return nil, fmt.Errorf("%s: the graph has no nodes", notONNX)
	}
	// Protobuf has no end marker, so a file cut at a field boundary still
	// parses; the opset_import field comes last in exporters' output.
	if h.opset < 0 {
		return nil, fmt.Errorf("%s: no ai.onnx opset is declared", notONNX)
	}
	b := newBackend()
	// onnx-go is third-party code fed untrusted bytes: turn a panic into
	// an error rather than crash the caller.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("%s: onnx-go failed: %v", notONNX, r)
		}
	}()
	if err := onnx.NewModel(b).UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%s: %v", notONNX, err)
	}
	if len(b.ops) != len(h.nodes) {
		return nil, fmt.Errorf("decoder saw %d operations but the file lists %d nodes", len(b.ops), len(h.nodes))
	}
	return assemble(h, b)
}

func assemble(h *header, b *backend) (*Graph, error) {
	g := &Graph{
		Opset:        h.opset,
		Producer:     h.producer,
		Outputs:      h.outputs,
		Initializers: map[string]*Tensor{},
	}
	for _, n := range b.nodes {
		if n.value == nil || !h.initializers[n.name] {
			continue
		}
		t, err := fromGorgonia(n.value)
		if err != nil {
			return nil, fmt.Errorf("initializer %q: %w", n.name, err)
		}
		g.Initializers[n.name] = t
	}
	var data []ValueInfo
	for _, in := range h.inputs {
		if !h.initializers[in.Name] {
			data = append(data, in)
		}
	}
	if len(data) != 1 {
		names := make([]string, len(data))
		for i, d := range data {
			names[i] = d.Name
		}
		return nil, fmt.Errorf("the graph has %d data inputs [%s]; cxray feeds models with exactly one", len(data), strings.Join(names, ", "))
	}
	g.Input = data[0]

	known := map[string]bool{g.Input.Name: true, "": true}
	for name := range g.Initializers {
		known[name] = true
	}
	for i, n := range h.nodes {
		attrs, err := fromOperation(b.ops[i].Attributes)
		if err != nil {
			return nil, fmt.Errorf("node %s (%s): %w", n.Name, n.OpType, err)
		}
		n.Attrs = attrs
		if n.OpType == "Constant" {
			t, ok := constantValue(attrs)
			if !ok || len(n.Outputs) != 1 {
				return nil, fmt.Errorf("node %s (Constant): no value attribute that cxray reads", n.Name)
			}
			g.Initializers[n.Outputs[0]] = t
			known[n.Outputs[0]] = true
			continue
		}
		for _, in := range n.Inputs {
			if !known[in] {
				return nil, fmt.Errorf("node %s (%s) reads tensor %q, which no earlier node produces (the graph is not in topological order or is incomplete)", n.Name, n.OpType, in)
			}
		}
		for _, out := range n.Outputs {
			known[out] = true
		}
		g.Nodes = append(g.Nodes, n)
	}
	return g, nil
}
