package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config sets the training hyper-parameters. Zero fields take the
// defaults documented on each, which reach the accuracies stated in the
// package documentation.
type Config struct {
	// Seed seeds the weight initialization.
	Seed uint64
	// Batch is the mini-batch size; default 64.
	Batch int
	// Optimizer is "adam" (default) or "sgd".
	Optimizer string
	// LR is the learning rate; default 1e-3 for adam, 0.05 for sgd.
	LR float64
	// Momentum is SGD's momentum (PyTorch's form); 0, the default, is none.
	Momentum float64
}

// withDefaults checks c and fills in its zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Batch == 0 {
		c.Batch = 64
	}
	if c.Batch < 1 {
		return c, fmt.Errorf("train: batch size %d must be at least 1", c.Batch)
	}
	switch strings.ToLower(c.Optimizer) {
	case "", "adam":
		c.Optimizer = "adam"
		if c.LR == 0 {
			c.LR = 2e-3
		}
	case "sgd":
		c.Optimizer = "sgd"
		if c.LR == 0 {
			c.LR = 0.05
		}
	default:
		return c, fmt.Errorf("train: optimizer %q is unknown; use \"adam\" or \"sgd\"", c.Optimizer)
	}
	if c.LR < 0 || math.IsNaN(c.LR) || math.IsInf(c.LR, 0) {
		return c, fmt.Errorf("train: learning rate %v must be a positive number", c.LR)
	}
	if c.Momentum < 0 || c.Momentum >= 1 {
		return c, fmt.Errorf("train: momentum %v must be in [0, 1)", c.Momentum)
	}
	if c.Momentum != 0 && c.Optimizer != "sgd" {
		return c, fmt.Errorf("train: momentum is an sgd option; %s has its own", c.Optimizer)
	}
	return c, nil
}

// param is one weight or bias tensor. Its data is the single copy of the
// values: the gorgonia graphs of every batch size bind it without copying.
type param struct {
	name  string // ONNX initializer name, e.g. "conv1.weight"
	shape []int
	data  []float32
}

// Model is a network, its weights and its optimizer state. It is not safe
// for concurrent use.
type Model struct {
	arch   Arch
	cfg    Config
	params []*param
	opt    optimizer
	train  map[int]*net // training graphs by batch size
	eval   map[int]*net // forward-only graphs by batch size
	steps  int
}

// New builds a model of architecture a, with weights drawn from cfg.Seed
// (see the package documentation for the initialization).
func New(a Arch, cfg Config) (*Model, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(a.Layers) == 0 || a.Layers[len(a.Layers)-1].Kind != Dense {
		return nil, errors.New("train: the architecture must end with a Dense layer; build it with ParseArch")
	}
	m := &Model{arch: a, cfg: cfg, train: map[int]*net{}, eval: map[int]*net{}}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6378726179)) // "cxray"
	shape := Input[:]
	convs, denses := 0, 0
	for _, l := range a.Layers {
		var w, b *param
		switch l.Kind {
		case Conv:
			convs++
			name := fmt.Sprintf("conv%d", convs)
			w = &param{name: name + ".weight", shape: []int{l.Out, shape[0], l.Kernel, l.Kernel}}
			b = &param{name: name + ".bias", shape: []int{l.Out}}
			shape = []int{l.Out, shape[1] + 2*l.Pad - l.Kernel + 1, shape[2] + 2*l.Pad - l.Kernel + 1}
		case MaxPool:
			shape = []int{shape[0], (shape[1]-l.Kernel)/l.Stride + 1, (shape[2]-l.Kernel)/l.Stride + 1}
		case Dense:
			denses++
			name := fmt.Sprintf("fc%d", denses)
			in := 1
			for _, s := range shape {
				in *= s
			}
			w = &param{name: name + ".weight", shape: []int{l.Out, in}}
			b = &param{name: name + ".bias", shape: []int{l.Out}}
			shape = []int{l.Out}
		}
		if w == nil {
			continue
		}
		for _, d := range shape {
			if d < 1 {
				return nil, fmt.Errorf("train: architecture %q shrinks the input to %v", a.Spec, shape)
			}
		}
		fanIn := 1
		for _, s := range w.shape[1:] {
			fanIn *= s
		}
		kaimingUniform(rng, w, fanIn)
		kaimingUniform(rng, b, fanIn)
		m.params = append(m.params, w, b)
	}
	m.opt = newOptimizer(cfg, m.params)
	return m, nil
}

// kaimingUniform fills p with U(−1/√fanIn, 1/√fanIn): PyTorch's default
// for Linear and Conv2d weights (kaiming_uniform_ with a = √5) and biases.
func kaimingUniform(rng *rand.Rand, p *param, fanIn int) {
	n := 1
	for _, s := range p.shape {
		n *= s
	}
	bound := 1 / math.Sqrt(float64(fanIn))
	p.data = make([]float32, n)
	for i := range p.data {
		p.data[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// Arch returns the model's architecture.
func (m *Model) Arch() Arch { return m.arch }

// Config returns the configuration, with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Steps returns the number of optimizer steps taken so far.
func (m *Model) Steps() int { return m.steps }

// net is one gorgonia graph of the model for a fixed batch size, with
// its tape machine.
type net struct {
	bs      int
	x       []float32 // backing of the input node, filled per batch
	loss    *xent
	params  []*G.Node // in Model.params order
	machine G.VM
}

// build makes the graph for batch size bs; with grads, it also adds the
// gradients and binds them to the parameters' dual values.
func (m *Model) build(bs int, grads bool) (*net, error) {
	g := G.NewGraph()
	n := &net{bs: bs, x: make([]float32, bs*Input[0]*Input[1]*Input[2])}
	shape := []int{bs, Input[0], Input[1], Input[2]}
	h := G.NewTensor(g, tensor.Float32, 4, G.WithShape(shape...), G.WithName("input"),
		G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(n.x))))
	for _, p := range m.params {
		v := tensor.New(tensor.WithShape(p.shape...), tensor.WithBacking(p.data))
		n.params = append(n.params, G.NewTensor(g, tensor.Float32, len(p.shape), G.WithShape(p.shape...), G.WithName(p.name), G.WithValue(v)))
	}
	var err error
	pi := 0
	for i, l := range m.arch.Layers {
		first := i == 0
		switch l.Kind {
		case Conv:
			h, err = conv(h, n.params[pi], n.params[pi+1], l.Pad, !first, grads)
			pi += 2
		case Dense:
			h, err = dense(h, n.params[pi], n.params[pi+1], !first)
			pi += 2
		case MaxPool:
			h, err = maxPool(h, l.Kernel, l.Stride)
		}
		if err == nil && l.ReLU {
			h, err = relu(h)
		}
		if err != nil {
			return nil, err
		}
	}
	var cost *G.Node
	if n.loss, cost, err = newXent(h); err != nil {
		return nil, err
	}
	if !grads {
		n.machine = G.NewTapeMachine(g)
		return n, nil
	}
	if _, err := G.Grad(cost, n.params...); err != nil {
		return nil, fmt.Errorf("train: differentiating: %v", err)
	}
	n.machine = G.NewTapeMachine(g, G.BindDualValues(n.params...))
	return n, nil
}

// net returns the graph for batch size bs, building it on first use.
func (m *Model) net(bs int, grads bool) (*net, error) {
	nets := m.eval
	if grads {
		nets = m.train
	}
	if n := nets[bs]; n != nil {
		return n, nil
	}
	n, err := m.build(bs, grads)
	if err != nil {
		return nil, err
	}
	nets[bs] = n
	return n, nil
}

// run executes n on the batch already in n.x and n.loss.labels.
func (n *net) run() error {
	defer n.machine.Reset()
	if err := n.machine.RunAll(); err != nil {
		return fmt.Errorf("train: running the graph: %v", err)
	}
	return nil
}

// gradients returns the parameter gradients of the last run of a training
// net, and checks that the machine still computes on the model's own
// weight slices (gorgonia binds them without copying; a version that
// copied would make training silently update a copy).
func (n *net) gradients(params []*param) ([][]float32, error) {
	out := make([][]float32, len(n.params))
	for i, p := range n.params {
		v, ok := p.Value().Data().([]float32)
		if !ok || len(v) == 0 || &v[0] != &params[i].data[0] {
			return nil, fmt.Errorf("train: gorgonia no longer shares the weights of %s with the model", params[i].name)
		}
		gv, err := p.Grad()
		if err != nil {
			return nil, fmt.Errorf("train: gradient of %s: %v", params[i].name, err)
		}
		if out[i], ok = gv.Data().([]float32); !ok {
			return nil, fmt.Errorf("train: gradient of %s holds %T", params[i].name, gv.Data())
		}
	}
	return out, nil
}
