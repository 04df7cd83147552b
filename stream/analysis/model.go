package analysis

import (
	"errors"
	"fmt"
	"math"

	"cxray/importer"
	"cxray/internal/bytesize"
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

// LoadModel loads the ONNX file at path within budget bytes (--memory):
// the file and its decoded weights may each take the budget, and so may
// the executor's buffers. Everything a hostile file declares is checked
// before it is allocated; what does not fit is one error line.
func LoadModel(path string, budget int64) (*Model, error) {
	g, err := importer.LoadLimited(path, importer.LimitsFor(budget))
	if err != nil {
		var le *importer.LimitError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%w; raise --memory (now %s) to load this model", err, bytesize.Format(budget))
		}
		return nil, err
	}
	return newModel(path, g, runtime.Limits{Bytes: budget, Name: "--memory"})
}

// NewModel readies a graph built by cxray itself (a training checkpoint),
// without a memory cap; path names it in errors and runs.
func NewModel(path string, g *importer.Graph) (*Model, error) {
	return newModel(path, g, runtime.Limits{})
}

// newModel compiles a decoded graph with the executor's buffers bounded
// by lim, and finds the layers and their per-sample shapes with a shape
// step that allocates no activations.
func newModel(path string, g *importer.Graph, lim runtime.Limits) (*Model, error) {
	exec, err := runtime.NewWithLimits(g, lim)
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
		var be *runtime.BudgetError
		if errors.As(err, &be) {
			return nil, fmt.Errorf("model %s: %w; this model cannot be analyzed within --memory", path, err)
		}
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m.Layers = tap.FromGraph(g, m.Sample, shapes)
	return m, nil
}

// ForwardBytes is the memory of the runtime's buffers when it runs
// batches of the given size: activations (views excluded), kernel scratch
// and packed weights (runtime.Executor.ForwardBytes). A batch whose
// buffers cannot even be counted within the executor's limit costs more
// than any budget.
func (m *Model) ForwardBytes(batch int) int64 {
	b, err := m.Exec.ForwardBytes(batch)
	if err != nil {
		return math.MaxInt64 / 4
	}
	return b
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
