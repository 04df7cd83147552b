package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"cxray/internal/bytesize"
)

// Load reads and decodes the ONNX model at path under DefaultLimits.
func Load(path string) (*Graph, error) { return LoadLimited(path, DefaultLimits()) }

// LoadLimited reads and decodes the ONNX model at path. The path must name
// a regular file (a FIFO, device, socket or directory is refused without
// reading it, and a FIFO never blocks the open) of at most lim.FileBytes;
// external data is read from the file's folder. Every error names path.
func LoadLimited(path string, lim Limits) (*Graph, error) {
	data, err := readModel(path, lim.FileBytes)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	g, err := decode(data, filepath.Dir(path), lim)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return g, nil
}

// readModel reads a whole regular file of at most limit bytes (0: any).
func readModel(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("file not found (check the --model path)")
		}
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("is %s, not an ONNX file", fileKind(info.Mode()))
	}
	// O_NONBLOCK: a FIFO swapped in after the check does not block the
	// open; the Stat of the open file below refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("is %s, not an ONNX file", fileKind(info.Mode()))
	}
	size := info.Size()
	if limit > 0 && size > limit {
		return nil, &LimitError{What: "the file", Need: size, Limit: limit, Kind: "file size"}
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("reading %s of the file: %w", bytesize.Format(size), err)
	}
	return data, nil
}

// Decode decodes an ONNX model held in memory under DefaultLimits. A
// model whose tensors keep their data in external files needs Load, which
// knows the model's folder.
func Decode(data []byte) (*Graph, error) { return DecodeLimited(data, DefaultLimits()) }

// DecodeLimited decodes an ONNX model held in memory; lim.DecodedBytes
// bounds what decoding allocates (lim.FileBytes is not used).
func DecodeLimited(data []byte, lim Limits) (*Graph, error) { return decode(data, "", lim) }

const notONNX = "not a valid ONNX model (truncated, or not an ONNX file)"

func decode(data []byte, dir string, lim Limits) (*Graph, error) {
	d := newDecoder(dir, lim)
	if err := d.model(data); err != nil {
		if errors.Is(err, errWire) {
			return nil, fmt.Errorf("%s: %v", notONNX, err)
		}
		return nil, err
	}
	if !d.hasGraph {
		return nil, fmt.Errorf("%s: the file has no graph", notONNX)
	}
	if len(d.nodes) == 0 {
		return nil, fmt.Errorf("%s: the graph has no nodes", notONNX)
	}
	// Protobuf has no end marker, so a file cut at a field boundary still
	// parses; the opset_import field comes last in exporters' output.
	if d.opset < 0 {
		return nil, fmt.Errorf("%s: no ai.onnx opset is declared", notONNX)
	}
	return d.assemble()
}

// assemble builds the Graph: data inputs apart from initializers,
// Constant nodes and Identity nodes on constants folded into
// Initializers, and every node input checked to be known.
func (d *decoder) assemble() (*Graph, error) {
	g := &Graph{
		Opset:        d.opset,
		Producer:     d.producer,
		Outputs:      d.outputs,
		Initializers: d.inits,
	}
	constant := func(name string) bool {
		_, ok := g.Initializers[name]
		_, bad := d.unsupported[name]
		return ok || bad
	}
	for _, in := range d.inputs {
		if !constant(in.Name) {
			g.Inputs = append(g.Inputs, in)
		}
	}
	if len(g.Inputs) > 0 {
		g.Input = g.Inputs[0]
	}
	known := map[string]bool{"": true}
	for _, in := range g.Inputs {
		known[in.Name] = true
	}
	for i := range d.nodes {
		n := d.nodes[i]
		if folded, err := d.fold(g, &n, constant); folded || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		for name, v := range n.Attrs {
			if why, ok := v.(unsupportedTensor); ok {
				return nil, fmt.Errorf("node %q (%s): attribute %q is %s", n.Name, n.OpType, name, string(why))
			}
		}
		for _, in := range n.Inputs {
			if why, ok := d.unsupported[in]; ok {
				return nil, fmt.Errorf("node %q (%s) reads %q, %s", n.Name, n.OpType, in, why)
			}
			if !known[in] && !constant(in) {
				return nil, fmt.Errorf("node %q (%s) reads tensor %q, which no earlier node produces (the graph is not in topological order or is incomplete)", n.Name, n.OpType, in)
			}
		}
		for _, out := range n.Outputs {
			known[out] = true
		}
		g.Nodes = append(g.Nodes, n)
	}
	return g, nil
}

// fold turns a node whose value is known at load time into an
// initializer: a Constant, and an Identity of a constant. torch exports
// taken at initialization share identical parameters (BatchNorm weights of
// all ones, say) through Identity(initializer) nodes; folded, they are
// constants as the runtime expects, not activations.
func (d *decoder) fold(g *Graph, n *Node, constant func(string) bool) (bool, error) {
	switch {
	case n.OpType == "Constant":
		if len(n.Outputs) != 1 {
			return false, fmt.Errorf("node %q (Constant) has %d outputs, want 1", n.Name, len(n.Outputs))
		}
		t, why := constantValue(n.Attrs)
		if t == nil {
			if why == "" {
				return false, fmt.Errorf("node %q (Constant): no value attribute that cxray reads", n.Name)
			}
			d.unsupported[n.Outputs[0]] = why
			return true, nil
		}
		g.Initializers[n.Outputs[0]] = t
		return true, nil
	case n.OpType == "Identity" && len(n.Inputs) == 1 && len(n.Outputs) == 1 && constant(n.Inputs[0]):
		in, out := n.Inputs[0], n.Outputs[0]
		if why, ok := d.unsupported[in]; ok {
			d.unsupported[out] = why
		} else {
			g.Initializers[out] = g.Initializers[in] // shared: constants are read-only
		}
		return true, nil
	}
	return false, nil
}

// constantValue returns the tensor a Constant node produces, or nil and
// why cxray cannot use it ("" when the node has no value at all).
func constantValue(a Attributes) (*Tensor, string) {
	if v, ok := a["value"].(*Tensor); ok {
		return v, ""
	}
	for _, v := range a {
		if why, ok := v.(unsupportedTensor); ok { // value or sparse_value
			return nil, string(why)
		}
	}
	if v, ok := a["value_float"].(float32); ok {
		return &Tensor{Float: []float32{v}}, ""
	}
	if v, ok := a["value_floats"].([]float32); ok {
		return &Tensor{Shape: []int{len(v)}, Float: v}, ""
	}
	if v, ok := a["value_int"].(int64); ok {
		return &Tensor{Int: []int64{v}}, ""
	}
	if v, ok := a["value_ints"].([]int64); ok {
		return &Tensor{Shape: []int{len(v)}, Int: v}, ""
	}
	for _, s := range []string{"value_string", "value_strings"} {
		if _, ok := a[s]; ok {
			return nil, "a STRING constant (cxray computes with float32 and int64 tensors)"
		}
	}
	return nil, ""
}
