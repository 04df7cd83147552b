package analysis

import (
	"errors"
	"fmt"
	"math"
	"strings"

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
	Inputs []importer.ValueInfo // the data inputs, in the order the executor takes them
	// Sample is the per-sample shape of the first input; image sources
	// convert their images to it. It is nil while an axis of it is
	// symbolic and the data has not fixed it (Fit).
	Sample []int
	// Samples are the per-sample shapes of all inputs, and Layers the
	// layers at those shapes: set at load when every axis but the batch
	// is fixed, else by Fit.
	Samples [][]int
	Layers  []tap.Layer
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
// by lim and, when its inputs' shapes are fixed, finds the layers.
func newModel(path string, g *importer.Graph, lim runtime.Limits) (*Model, error) {
	exec, err := runtime.NewWithLimits(g, lim)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	m := &Model{Path: path, Graph: g, Exec: exec, Inputs: exec.Inputs()}
	fixed := true
	for _, in := range m.Inputs {
		if len(in.Dims) < 2 {
			return nil, fmt.Errorf("model %s: input %q has shape %v; cxray needs a batch axis followed by the sample's axes", path, in.Name, in.Dims)
		}
		for _, d := range in.Dims[1:] {
			fixed = fixed && d.Value >= 0
		}
	}
	if !fixed {
		return m, nil
	}
	samples := make([][]int, len(m.Inputs))
	for i, in := range m.Inputs {
		samples[i] = []int{}
		for _, d := range in.Dims[1:] {
			samples[i] = append(samples[i], int(d.Value))
		}
	}
	if err := m.Fit(samples); err != nil {
		return nil, err
	}
	return m, nil
}

// Fit fixes the per-sample shapes of the inputs, where the model leaves
// axes symbolic (a sequence length), and finds the layers and their
// per-sample shapes with a shape step that allocates no activations.
// The axes the model fixes must match.
func (m *Model) Fit(samples [][]int) error {
	if len(samples) != len(m.Inputs) {
		return fmt.Errorf("model %s has %d data inputs, given %d sample shapes", m.Path, len(m.Inputs), len(samples))
	}
	for i, in := range m.Inputs {
		dims := in.Dims[1:]
		bad := len(samples[i]) != len(dims)
		for j := 0; !bad && j < len(dims); j++ {
			bad = samples[i][j] < 1 || dims[j].Value >= 0 && int64(samples[i][j]) != dims[j].Value
		}
		if bad {
			return fmt.Errorf("model %s: input %q takes samples of shape [%s], not %s", m.Path, in.Name, dimList(dims), shapeString(samples[i]))
		}
	}
	shapes, err := m.Exec.OutputShapesOf(samples)
	if err != nil {
		var be *runtime.BudgetError
		if errors.As(err, &be) {
			return fmt.Errorf("model %s: %w; this model cannot be analyzed within --memory", m.Path, err)
		}
		return fmt.Errorf("model %s: %w", m.Path, err)
	}
	m.Samples = samples
	m.Sample = samples[0]
	m.Layers = tap.FromGraph(m.Graph, samples, shapes)
	for i := range m.Layers {
		m.Layers[i].BatchSecond = m.Exec.BatchSecond(m.Layers[i].Name)
	}
	return nil
}

// Tokens is the sequence length of a model over token ids: the length of
// its integer inputs of one axis per sample ([batch, tokens]), when they
// agree; 0 for other models. It needs the shapes (Fit).
func (m *Model) Tokens() int {
	tokens := 0
	for i, in := range m.Inputs {
		if !in.Type.IsInt() || len(m.Samples[i]) != 1 {
			continue
		}
		if tokens != 0 && tokens != m.Samples[i][0] {
			return 0
		}
		tokens = m.Samples[i][0]
	}
	return tokens
}

// Mask is the input that holds the attention mask of a model over token
// ids: the one input besides the token ids whose name contains "mask"
// (attention_mask, as Hugging Face's exports name it) and that has one
// value per token; "" when there is none.
func (m *Model) Mask() string {
	tokens, mask := m.Tokens(), ""
	for i, in := range m.Inputs {
		if tokens > 0 && strings.Contains(strings.ToLower(in.Name), "mask") && len(m.Samples[i]) == 1 && m.Samples[i][0] == tokens {
			if mask != "" {
				return ""
			}
			mask = in.Name
		}
	}
	return mask
}

func dimList(dims []importer.Dim) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = d.String()
	}
	return strings.Join(s, " ")
}

// ForwardBytes is the memory of the runtime's buffers when it runs
// batches of the given size: activations (views excluded) and kernel
// scratch (runtime.Executor.ForwardBytes). The weights packed for the
// matrix kernels are not in it but in WeightBytes. A batch whose
// buffers cannot even be counted within the executor's limit costs more
// than any budget.
func (m *Model) ForwardBytes(batch int) int64 {
	b, err := m.Exec.ForwardBytes(batch)
	if err != nil {
		return math.MaxInt64 / 4
	}
	return b
}

// WeightBytes is the memory of the weights as the process holds them:
// the file's tensors (initializers), and the copies packed for the matrix
// kernels (runtime.Executor.PackedWeightBytes), up to about as large
// again for a model whose weights are mostly Conv, Gemm or MatMul
// matrices. They are held for the whole run beside the budget, whatever
// the batch size. The packed copies are known once the shape step has run
// (Model.Fit).
func (m *Model) WeightBytes() int64 {
	b := m.Exec.PackedWeightBytes()
	for _, t := range m.Graph.Initializers {
		b += int64(len(t.Float))*4 + int64(len(t.Int))*8
	}
	return b
}
