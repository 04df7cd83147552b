package analysis

import (
	"fmt"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/tap"
)

// Model is an ONNX model ready to run, with its tappable layers.
type Model struct {
	Path   string // names the model in errors and runs: a file, or a training checkpoint
	Graph  *importer.Graph
	Exec   *runtime.Executor
	Sample []int // the per-sample input shape the model declares
	Layers []tap.Layer
}

// LoadModel reads the ONNX file at path and readies it.
func LoadModel(path string) (*Model, error) {
	g, err := importer.Load(path)
	if err != nil {
		return nil, err
	}
	return NewModel(path, g)
}

// NewModel readies a decoded graph: it compiles it, and finds the layers
// and their per-sample shapes by running one zero sample.
func NewModel(path string, g *importer.Graph) (*Model, error) {
	exec, err := runtime.New(g)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m := &Model{Path: path, Graph: g, Exec: exec}
	if len(g.Input.Dims) < 2 {
		return nil, fmt.Errorf("model %s: input %q has shape %v; cxray needs a batch axis followed by the sample's axes", path, g.Input.Name, g.Input.Dims)
	}
	for _, d := range g.Input.Dims[1:] {
		if d.Value < 0 {
			return nil, fmt.Errorf("model %s: input %q has a symbolic axis %q besides the batch axis; export the model with fixed sample dimensions", path, g.Input.Name, d.Param)
		}
		m.Sample = append(m.Sample, int(d.Value))
	}
	shapes, err := exec.OutputShapes(m.Sample)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m.Layers = tap.FromGraph(g, m.Sample, shapes)
	return m, nil
}

// ForwardBytes bounds the runtime's buffers when it runs batches of the
// given size: one per float node output (the layers but the input), an
// upper bound since some outputs share their input's buffer.
func (m *Model) ForwardBytes(batch int) int64 {
	var per int64
	for _, l := range m.Layers[1:] {
		per += int64(l.Dim) * 4
	}
	return int64(batch) * per
}

// WeightBytes is the memory of the model's constants: its weights, held
// for the whole run beside the budget.
func (m *Model) WeightBytes() int64 {
	var b int64
	for _, t := range m.Graph.Initializers {
		b += int64(len(t.Float))*4 + int64(len(t.Int))*8
	}
	return b
}
