package runtime

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"cxray/importer"
)

// A kernel is one node's operator, with its attributes parsed and checked
// once by its builder. run reads in (nil for an omitted optional input)
// and fills out; it returns an error for bad shapes or values and never
// panics on them. Errors name the shapes involved; the executor prefixes
// the node and its op.
type kernel interface {
	run(in, out []*Tensor) error
}

// opSpec describes one supported operator: how many inputs it takes and
// how many outputs it produces. Outputs beyond outs (Dropout's mask,
// MaxPool's indices, BatchNormalization's training statistics) are
// accepted only when no node reads them.
type opSpec struct {
	minIn, maxIn int
	outs         int
	build        func(c *nodeCtx) (kernel, error)
}

// nodeCtx is what a builder sees: the node, the model's opset, the
// constant inputs, the number of workers kernels may split work into, and
// the batch size the model's input declares, if it declares a fixed one.
type nodeCtx struct {
	node        *importer.Node
	opset       int64
	consts      []*Tensor // consts[i] is input i when it is an initializer, else nil
	workers     int
	staticBatch int // the input's first dimension when fixed, else 0
}

func (c *nodeCtx) attrs() importer.Attributes { return c.node.Attrs }

// constInput returns input i when it is present and constant.
func (c *nodeCtx) constInput(i int) *Tensor {
	if i < len(c.consts) {
		return c.consts[i]
	}
	return nil
}

// hasInput reports whether optional input i is present.
func (c *nodeCtx) hasInput(i int) bool {
	return i < len(c.node.Inputs) && c.node.Inputs[i] != ""
}

var ops = map[string]opSpec{
	"Add":                {2, 2, 1, buildBinary(opAdd)},
	"Sub":                {2, 2, 1, buildBinary(opSub)},
	"Mul":                {2, 2, 1, buildBinary(opMul)},
	"Div":                {2, 2, 1, buildBinary(opDiv)},
	"Relu":               {1, 1, 1, buildUnary(unRelu)},
	"LeakyRelu":          {1, 1, 1, buildUnary(unLeakyRelu)},
	"Sigmoid":            {1, 1, 1, buildUnary(unSigmoid)},
	"Tanh":               {1, 1, 1, buildUnary(unTanh)},
	"Clip":               {1, 3, 1, buildClip},
	"Softmax":            {1, 1, 1, buildSoftmax(false)},
	"LogSoftmax":         {1, 1, 1, buildSoftmax(true)},
	"Gemm":               {2, 3, 1, buildGemm},
	"MatMul":             {2, 2, 1, buildMatMul},
	"Conv":               {2, 3, 1, buildConv},
	"MaxPool":            {1, 1, 1, buildPool(maxPool)},
	"AveragePool":        {1, 1, 1, buildPool(avgPool)},
	"GlobalAveragePool":  {1, 1, 1, buildGlobalPool(avgPool)},
	"GlobalMaxPool":      {1, 1, 1, buildGlobalPool(maxPool)},
	"BatchNormalization": {5, 5, 1, buildBatchNorm},
	"Flatten":            {1, 1, 1, buildFlatten},
	"Reshape":            {1, 2, 1, buildReshape},
	"Transpose":          {1, 1, 1, buildTranspose},
	"Identity":           {1, 1, 1, buildIdentity},
	"Dropout":            {1, 3, 1, buildDropout},
	"Shape":              {1, 1, 1, buildShape},
	"Gather":             {2, 2, 1, buildGather},
	"Unsqueeze":          {1, 2, 1, buildUnsqueeze},
	"Squeeze":            {1, 2, 1, buildSqueeze},
	"Concat":             {1, 1 << 20, 1, buildConcat},
	"Cast":               {1, 1, 1, buildCast},
	"Pad":                {1, 4, 1, buildPad},
}

// SupportedOps returns the ONNX operators the executor runs, sorted.
func SupportedOps() []string {
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// step is one compiled node.
type step struct {
	node   *importer.Node
	k      kernel
	inIDs  []int // value ids; -1 for an omitted optional input
	outIDs []int // value ids of the first spec.outs outputs; -1 when omitted
	in     []*Tensor
	out    []*Tensor
}

// Executor runs a graph batch by batch. It owns one buffer per node
// output, allocated on first use and grown only when a larger batch needs
// more room, so a steady stream of equal batches allocates nothing.
//
// An Executor is not safe for concurrent use; make one per goroutine
// (executors may share the importer.Graph, which they only read).
type Executor struct {
	g       *importer.Graph
	steps   []step
	vals    []*Tensor // by value id
	names   []string  // by value id
	inputID int
}

// New checks that every node of g uses a supported operator with
// supported attributes and compiles it. All unsupported operators are
// reported in one error, with the model's opset and the supported list.
func New(g *importer.Graph) (*Executor, error) {
	if g == nil {
		return nil, errors.New("runtime: the graph is nil")
	}
	var bad []string
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if _, ok := ops[n.OpType]; !ok {
			bad = append(bad, fmt.Sprintf("node %s uses op %s", nodeName(n), n.OpType))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("runtime: %s, which cxray does not support (model opset %d); supported ops: %s",
			strings.Join(bad, "; "), g.Opset, strings.Join(SupportedOps(), ", "))
	}

	e := &Executor{g: g}
	ids := map[string]int{}
	newValue := func(name string, t *Tensor) int {
		ids[name] = len(e.vals)
		e.vals = append(e.vals, t)
		e.names = append(e.names, name)
		return ids[name]
	}
	for name, it := range g.Initializers {
		newValue(name, fromImporter(it))
	}
	if g.Input.Name == "" {
		return nil, errors.New("runtime: the graph has no data input")
	}
	if _, ok := ids[g.Input.Name]; ok {
		return nil, fmt.Errorf("runtime: the data input %q is also an initializer", g.Input.Name)
	}
	e.inputID = newValue(g.Input.Name, nil)

	// extra[name] names the node whose unsupported optional output name
	// is; reading it is an error.
	extra := map[string]string{}
	workers := runtime.GOMAXPROCS(0)
	staticBatch := 0
	if d := g.Input.Dims; len(d) > 0 && d[0].Param == "" && d[0].Value > 0 {
		staticBatch = int(d[0].Value)
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		spec := ops[n.OpType]
		if len(n.Inputs) < spec.minIn || len(n.Inputs) > spec.maxIn {
			return nil, fmt.Errorf("runtime: node %s (%s) has %d inputs; the op takes %s", nodeName(n), n.OpType, len(n.Inputs), arity(spec.minIn, spec.maxIn))
		}
		s := step{node: n}
		c := &nodeCtx{node: n, opset: g.Opset, consts: make([]*Tensor, len(n.Inputs)), workers: workers, staticBatch: staticBatch}
		for j, name := range n.Inputs {
			if name == "" {
				if j < spec.minIn {
					return nil, fmt.Errorf("runtime: node %s (%s): required input %d is empty", nodeName(n), n.OpType, j)
				}
				s.inIDs = append(s.inIDs, -1)
				continue
			}
			if who, ok := extra[name]; ok {
				return nil, fmt.Errorf("runtime: node %s (%s) reads %q, an optional output of node %s that cxray does not compute; re-export the model for inference", nodeName(n), n.OpType, name, who)
			}
			id, ok := ids[name]
			if !ok {
				return nil, fmt.Errorf("runtime: node %s (%s) reads %q, which is neither the input, an initializer, nor the output of an earlier node", nodeName(n), n.OpType, name)
			}
			if _, isInit := g.Initializers[name]; isInit {
				c.consts[j] = e.vals[id]
			}
			s.inIDs = append(s.inIDs, id)
		}
		if len(n.Outputs) == 0 || n.Outputs[0] == "" {
			return nil, fmt.Errorf("runtime: node %s (%s) has no output", nodeName(n), n.OpType)
		}
		for j, name := range n.Outputs {
			if name == "" {
				if j < spec.outs {
					s.outIDs = append(s.outIDs, -1)
				}
				continue
			}
			if _, dup := ids[name]; dup {
				return nil, fmt.Errorf("runtime: node %s (%s) writes %q, which already exists; the graph is not in SSA form", nodeName(n), n.OpType, name)
			}
			if j >= spec.outs {
				extra[name] = nodeName(n)
				continue
			}
			s.outIDs = append(s.outIDs, newValue(name, &Tensor{}))
		}
		k, err := spec.build(c)
		if err != nil {
			return nil, fmt.Errorf("runtime: node %s (%s): %v", nodeName(n), n.OpType, err)
		}
		s.k = k
		s.in = make([]*Tensor, len(s.inIDs))
		s.out = make([]*Tensor, len(s.outIDs))
		for j, id := range s.outIDs {
			if id >= 0 {
				s.out[j] = e.vals[id]
			} else {
				// An omitted output is still computed, into a scratch tensor
				// that nobody sees.
				s.out[j] = &Tensor{}
			}
		}
		e.steps = append(e.steps, s)
	}
	return e, nil
}

func arity(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprint(lo)
	case hi >= 1<<20:
		return fmt.Sprintf("at least %d", lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

// nodeName quotes the node's name, falling back on its first output for
// files that leave names empty.
func nodeName(n *importer.Node) string {
	if n.Name != "" {
		return fmt.Sprintf("%q", n.Name)
	}
	if len(n.Outputs) > 0 {
		return fmt.Sprintf("(unnamed, output %q)", n.Outputs[0])
	}
	return "(unnamed)"
}

// Run executes the graph on one batch; input.Shape[0] is the batch size
// and may change from call to call. After each node, tap is called once
// for each of the node's float outputs, in graph order, with the ONNX
// tensor name. Integer outputs (shape arithmetic) are not tapped. tap may
// be nil.
//
// The tensor passed to tap is owned by the executor and is only valid
// during the call: its buffers are reused by the next batch, and some
// outputs (Identity, Reshape, Flatten, ...) share their input's buffer.
// tap must not modify it; copy what must outlive the call. If tap returns
// an error, Run stops and returns that error unchanged.
func (e *Executor) Run(input *Tensor, tap func(name string, t *Tensor) error) error {
	if err := e.checkInput(input); err != nil {
		return err
	}
	e.vals[e.inputID] = input
	defer func() { e.vals[e.inputID] = nil }()
	for i := range e.steps {
		s := &e.steps[i]
		for j, id := range s.inIDs {
			if id < 0 {
				s.in[j] = nil
			} else {
				s.in[j] = e.vals[id]
			}
		}
		if err := runStep(s); err != nil {
			return err
		}
		if tap == nil {
			continue
		}
		for j, id := range s.outIDs {
			if id < 0 || s.out[j].IsInt() {
				continue
			}
			if err := tap(e.names[id], s.out[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// runStep runs one kernel. Kernels check shapes before indexing, so a
// panic here is a bug in cxray; it is still turned into an error that
// names the node, rather than taking the whole process down.
func runStep(s *step) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("runtime: node %s (%s) panicked: %v (a cxray bug; please report it with the model)", nodeName(s.node), s.node.OpType, r)
		}
	}()
	if err := s.k.run(s.in, s.out); err != nil {
		return fmt.Errorf("runtime: node %s (%s): %v", nodeName(s.node), s.node.OpType, err)
	}
	return nil
}

// checkInput compares the batch with the model's declared input shape,
// so that a wrong shape is reported once, against the declaration, rather
// than as a mismatch deep inside some node.
func (e *Executor) checkInput(in *Tensor) error {
	name := e.g.Input.Name
	if in == nil {
		return fmt.Errorf("runtime: input %q is nil", name)
	}
	if in.IsInt() {
		return fmt.Errorf("runtime: input %q must be float32, got an integer tensor of shape %v", name, in.Shape)
	}
	if len(in.Shape) == 0 {
		return fmt.Errorf("runtime: input %q must have a leading batch axis, got a scalar", name)
	}
	if err := in.check(); err != nil {
		return fmt.Errorf("runtime: input %q: %v", name, err)
	}
	dims := e.g.Input.Dims
	if len(dims) == 0 {
		return nil
	}
	bad := len(dims) != len(in.Shape)
	for i := 1; !bad && i < len(dims); i++ {
		if dims[i].Value > 0 && int64(in.Shape[i]) != dims[i].Value {
			bad = true
		}
	}
	if !bad {
		return nil
	}
	want := make([]string, len(dims))
	for i, d := range dims {
		want[i] = d.String()
	}
	reader := ""
	for i := range e.steps {
		for _, id := range e.steps[i].inIDs {
			if id == e.inputID {
				n := e.steps[i].node
				reader = fmt.Sprintf(" (read by node %s (%s))", nodeName(n), n.OpType)
				break
			}
		}
		if reader != "" {
			break
		}
	}
	return fmt.Errorf("runtime: input %q has shape %v but the model declares [%s]%s; feed samples of shape %v", name, in.Shape, strings.Join(want, " "), reader, sampleDims(dims))
}

func sampleDims(dims []importer.Dim) []string {
	out := make([]string, 0, len(dims))
	for _, d := range dims[1:] {
		out = append(out, d.String())
	}
	return out
}

// OutputShapes runs one zero sample of shape [1, sample...] and returns
// the per-sample shape of every float node output: its shape with the
// leading batch axis removed. An output whose leading axis is not 1 at
// batch size 1 has no batch axis first, which per-sample measures cannot
// use; that is an error naming the tensor.
func (e *Executor) OutputShapes(sample []int) (map[string][]int, error) {
	shape := append([]int{1}, sample...)
	in := &Tensor{Shape: shape, Data: make([]float32, numel(shape))}
	out := map[string][]int{}
	err := e.Run(in, func(name string, t *Tensor) error {
		if len(t.Shape) == 0 || t.Shape[0] != 1 {
			return fmt.Errorf("runtime: output %q has shape %v for one sample; its first axis is not the batch axis", name, t.Shape)
		}
		out[name] = append([]int(nil), t.Shape[1:]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
