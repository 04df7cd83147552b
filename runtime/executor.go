package runtime

import (
	"errors"
	"fmt"
	"runtime"
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

// nodeCtx is what a builder sees: the node, the model's opset, the
// constant inputs, the number of workers kernels may split work into, the
// batch size the model's input declares, if it declares a fixed one, and
// the meter every buffer of the kernel's own must grow through.
type nodeCtx struct {
	node        *importer.Node
	opset       int64
	consts      []*Tensor // consts[i] is input i when it is an initializer, else nil
	workers     int
	staticBatch int // the first input's first dimension when fixed, else 0
	m           *meter
	// convScratch is the per-worker scratch every convolution of the
	// executor shares, since steps run one at a time; nil outside an
	// executor.
	convScratch []convScratch
}

// workerScratch returns the convolutions' shared per-worker scratch, or
// a kernel's own outside an executor.
func (c *nodeCtx) workerScratch() []convScratch {
	if c.convScratch != nil {
		return c.convScratch
	}
	return make([]convScratch, c.workers)
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

// step is one compiled node.
type step struct {
	node   *importer.Node
	k      kernel
	inIDs  []int // value ids; -1 for an omitted optional input
	outIDs []int // value ids of the first spec.outs outputs; -1 when omitted
	in     []*Tensor
	out    []*Tensor
	// data: the outputs depend on the input's values, not only on its
	// shape; the shape step does not compute them.
	data bool
}

// Executor runs a graph batch by batch. It owns one buffer per node
// output, allocated on first use and grown only when a larger batch needs
// more room, so a steady stream of equal batches allocates nothing. Every
// buffer it owns grows through a meter that checks it against its Limits
// before allocating.
//
// An Executor is not safe for concurrent use; make one per goroutine
// (executors may share the importer.Graph, which they only read).
type Executor struct {
	g        *importer.Graph
	steps    []step
	vals     []*Tensor // by value id
	names    []string  // by value id
	inputs   []importer.ValueInfo
	inputIDs []int // value ids of inputs
	m        *meter
	samples  [][]int // the per-sample input shapes of the last OutputShapes
	// batchSecond names the outputs whose second axis is the batch
	// (OutputShapesOf).
	batchSecond map[string]bool
}

// New is NewWithLimits without a memory cap.
func New(g *importer.Graph) (*Executor, error) { return NewWithLimits(g, Limits{}) }

// NewWithLimits checks that g's data inputs are float32 or integers and
// that every node uses a supported operator with supported attributes, and compiles
// it. All unsupported operators are reported in one error, grouped by
// operator, with the model's opset and the supported list. A node whose
// inputs are all constants is computed here, once (constant folding); its
// outputs are constants, neither run nor tapped by Run. The executor's
// buffers are bounded by lim (see Limits).
func NewWithLimits(g *importer.Graph, lim Limits) (*Executor, error) {
	return newExecutor(g, lim, true)
}

// newExecutor is NewWithLimits; without fold, only initializers are
// constants, so that tests can feed a kernel a constant computed at run
// time (an Identity of an initializer).
func newExecutor(g *importer.Graph, lim Limits, fold bool) (*Executor, error) {
	if g == nil {
		return nil, errors.New("runtime: the graph is nil")
	}
	inputs, err := checkInputs(g)
	if err != nil {
		return nil, err
	}
	if err := checkOps(g); err != nil {
		return nil, err
	}

	e := &Executor{g: g, inputs: inputs, m: &meter{limit: lim.Bytes, name: lim.Name}}
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
	data := map[int]bool{} // value ids that depend on the inputs' values
	constant := map[int]bool{}
	for id := range e.vals {
		constant[id] = true // value ids known at build time
	}
	for _, in := range inputs {
		if _, ok := ids[in.Name]; ok {
			return nil, fmt.Errorf("runtime: the data input %q is also an initializer", in.Name)
		}
		id := newValue(in.Name, nil)
		e.inputIDs = append(e.inputIDs, id)
		data[id] = true
	}

	// extra[name] names the node whose unsupported optional output name
	// is; reading it is an error.
	extra := map[string]string{}
	workers := runtime.GOMAXPROCS(0)
	convScratch := make([]convScratch, workers)
	staticBatch := 0
	if d := inputs[0].Dims; len(d) > 0 && d[0].Param == "" && d[0].Value > 0 {
		staticBatch = int(d[0].Value)
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		spec := ops[n.OpType]
		if len(n.Inputs) < spec.minIn || len(n.Inputs) > spec.maxIn {
			return nil, fmt.Errorf("runtime: node %s (%s) has %d inputs; the op takes %s", nodeName(n), n.OpType, len(n.Inputs), arity(spec.minIn, spec.maxIn))
		}
		s := step{node: n}
		folds := true // every input is a constant
		c := &nodeCtx{node: n, opset: g.Opset, consts: make([]*Tensor, len(n.Inputs)), workers: workers, staticBatch: staticBatch, m: e.m, convScratch: convScratch}
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
			if constant[id] {
				c.consts[j] = e.vals[id]
			}
			folds = folds && constant[id]
			s.inIDs = append(s.inIDs, id)
			// Shape reads only the shape, which the shape step knows.
			s.data = s.data || data[id] && n.OpType != "Shape"
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
			id := newValue(name, &Tensor{m: e.m})
			s.outIDs = append(s.outIDs, id)
			data[id] = s.data
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
				s.out[j] = &Tensor{m: e.m}
			}
		}
		if folds && fold {
			// Constant folding: the outputs of a node that reads only
			// constants (a Cast of a constant mask, say) are computed once,
			// here, and are constants for the nodes after it, not layers.
			for j, id := range s.inIDs {
				if id >= 0 {
					s.in[j] = e.vals[id]
				}
			}
			if err := e.runStep(&s, 0); err != nil {
				return nil, err
			}
			for _, id := range s.outIDs {
				if id >= 0 {
					constant[id] = true
				}
			}
			continue
		}
		e.steps = append(e.steps, s)
	}
	e.shareBuffers(nil)
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

// Inputs are the graph's data inputs, in the order RunInputs takes them:
// every graph input that is not an initializer, in file order.
func (e *Executor) Inputs() []importer.ValueInfo {
	return append([]importer.ValueInfo(nil), e.inputs...)
}

// Run executes a graph of one data input on one batch; input.Shape[0] is
// the batch size and may change from call to call. After each node, tap
// is called once for each of the node's float outputs, in graph order,
// with the ONNX tensor name. Integer outputs (shape arithmetic) are not
// tapped. tap may be nil.
//
// The tensor passed to tap is owned by the executor and is only valid
// during the call: its buffers are reused by the next batch, and some
// outputs (Identity, Reshape, Flatten, ...) share their input's buffer.
// tap must not modify it; copy what must outlive the call. If tap returns
// an error, Run stops and returns that error unchanged. A buffer that
// would take the executor past its Limits stops the run with a
// *BudgetError before it is allocated.
func (e *Executor) Run(input *Tensor, tap func(name string, t *Tensor) error) error {
	return e.RunInputs([]*Tensor{input}, tap)
}

// RunInputs is Run for a graph of any number of data inputs: inputs[i]
// feeds Inputs()[i]. An input declared with an integer type (token ids,
// an attention mask; BOOL too) is fed as integers (Tensor.Int), a float
// one as float32 (Tensor.Data). All inputs share the batch size, their
// first axis; their other axes may differ from batch to batch where the
// model declares them symbolic (a dynamic sequence length).
func (e *Executor) RunInputs(inputs []*Tensor, tap func(name string, t *Tensor) error) error {
	if err := e.checkInputs(inputs); err != nil {
		return err
	}
	return e.run(inputs, tap, false)
}

// run executes the steps. A dry run is the shape step: the steps that
// depend on the inputs' values set their outputs' shapes and account for
// their buffers without allocating or computing them (Tensor.dry); the
// others (shape arithmetic, constants) run for real. A dry run checks
// what a fresh executor would hold at this batch size against the limit.
func (e *Executor) run(inputs []*Tensor, tap func(name string, t *Tensor) error, dry bool) error {
	for i, id := range e.inputIDs {
		e.vals[id] = inputs[i]
	}
	e.m.beginRun(dry)
	defer func() {
		for _, id := range e.inputIDs {
			e.vals[id] = nil
		}
		e.m.endRun()
	}()
	batch := inputs[0].Shape[0]
	for i := range e.steps {
		s := &e.steps[i]
		for j, id := range s.inIDs {
			if id < 0 {
				s.in[j] = nil
			} else {
				s.in[j] = e.vals[id]
			}
		}
		e.m.dry = dry && s.data
		if err := e.runStep(s, batch); err != nil {
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
// names the node, rather than taking the whole process down. A
// BudgetError is completed with the node, the batch and the budget.
func (e *Executor) runStep(s *step, batch int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("runtime: node %s (%s) panicked: %v (a cxray bug; please report it with the model)", nodeName(s.node), s.node.OpType, r)
		}
	}()
	err = s.k.run(s.in, s.out)
	var be *BudgetError
	switch {
	case err == nil || errors.Is(err, errDry):
		return nil
	case errors.As(err, &be):
		be.Node, be.Op, be.Batch = nodeName(s.node), s.node.OpType, batch
		be.Limit, be.Name = e.m.limit, e.m.name
		return be
	}
	return fmt.Errorf("runtime: node %s (%s): %v", nodeName(s.node), s.node.OpType, err)
}

// checkInputs checks the batch's tensors against the inputs the model
// declares, so that a wrong shape or type is reported once, against the
// declaration, rather than as a mismatch deep inside some node.
func (e *Executor) checkInputs(inputs []*Tensor) error {
	if len(inputs) != len(e.inputs) {
		return fmt.Errorf("runtime: the model has %d data inputs (%s), given %d tensors", len(e.inputs), inputList(e.inputs), len(inputs))
	}
	for i, in := range inputs {
		if err := e.checkInput(i, in); err != nil {
			return err
		}
		if b := inputs[0].Shape[0]; in.Shape[0] != b {
			return fmt.Errorf("runtime: input %q holds %d samples and input %q %d; every input must hold the same batch", e.inputs[0].Name, b, e.inputs[i].Name, in.Shape[0])
		}
	}
	return nil
}

// checkInput checks the tensor fed to input i: its type and the axes the
// model fixes.
func (e *Executor) checkInput(i int, in *Tensor) error {
	decl := e.inputs[i]
	name := decl.Name
	if in == nil {
		return fmt.Errorf("runtime: input %q is nil", name)
	}
	switch integer := decl.Type.IsInt(); {
	case integer && !in.IsInt():
		return fmt.Errorf("runtime: input %q is declared %s; feed it integers (token ids, a mask), not float32", name, decl.Type)
	case !integer && in.IsInt():
		return fmt.Errorf("runtime: input %q must be float32, got an integer tensor of shape %v", name, in.Shape)
	}
	if len(in.Shape) == 0 {
		return fmt.Errorf("runtime: input %q must have a leading batch axis, got a scalar", name)
	}
	if in.dry { // the shape step's input has a shape and no values
		if checkedNumel(in.Shape) < 0 {
			return fmt.Errorf("runtime: input %q: shape %v holds more elements than an int can count", name, in.Shape)
		}
	} else if err := in.check(); err != nil {
		return fmt.Errorf("runtime: input %q: %v", name, err)
	}
	dims := decl.Dims
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
	for _, s := range e.steps {
		for _, id := range s.inIDs {
			if id == e.inputIDs[i] {
				reader = fmt.Sprintf(" (read by node %s (%s))", nodeName(s.node), s.node.OpType)
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

// ForwardBytes returns the bytes of the buffers the executor holds when it
// runs batches of the given size: every node output that owns its buffer
// (aliases such as Reshape or Identity own none) and the kernels' scratch
// (im2col, packed matrices, per worker). It excludes the input batch and
// the graph's initializers, which belong to the caller, the copies of the
// initializers packed for the matrix kernel (PackedWeightBytes) and the
// taps' copies. It is exact for a
// fresh executor and an upper bound of what one more Run at that size
// allocates: buffers only grow, and a Run after a larger batch allocates
// nothing. ForwardBytes computes it with the shape step at that batch
// size, without allocating, and does not check it against the Limits; the
// shape step (OutputShapes) must have run first, with the largest sample
// shapes the batches will have.
func (e *Executor) ForwardBytes(batch int) (int64, error) {
	if e.samples == nil {
		return 0, errors.New("runtime: ForwardBytes needs the shape step first (OutputShapes)")
	}
	if batch < 1 {
		return 0, fmt.Errorf("runtime: ForwardBytes of a batch of %d samples", batch)
	}
	in, err := e.dryInputs(batch, e.samples)
	if err != nil {
		return 0, err
	}
	limit := e.m.limit
	e.m.limit = 0 // report the bytes, however many
	err = e.run(in, nil, true)
	e.m.limit = limit
	if err != nil {
		return 0, err
	}
	return e.m.forward(), nil
}

// PackedWeightBytes returns the bytes of the copies of initializers the
// executor keeps packed for the matrix kernel: the weights of Conv and
// ConvTranspose, and the constant B of Gemm, MatMul and the recurrent
// operators. They do not depend on the batch size and are not checked
// against the Limits. The copies of Conv and ConvTranspose are made when
// the executor is built, the others on the first batch; the shape step
// (OutputShapes) counts those without making them, so the total is
// known once it has run.
func (e *Executor) PackedWeightBytes() int64 { return e.m.weights }

// dryInputs are the inputs of a shape step: shapes without values. Their
// sizes are checked, though they are not allocated, since the caller will
// feed batches of them.
func (e *Executor) dryInputs(batch int, samples [][]int) ([]*Tensor, error) {
	ins := make([]*Tensor, len(samples))
	for i, sample := range samples {
		shape := append([]int{batch}, sample...)
		in := &Tensor{Shape: shape, dry: true}
		if e.inputs[i].Type.IsInt() {
			in.Int = []int64{}
		}
		if err := e.checkInput(i, in); err != nil {
			return nil, err
		}
		n, need := checkedNumel(shape), floatBytes(checkedNumel(shape))
		if in.Int != nil { // int64: twice the bytes
			need = max(need, 2*need) // an overflow keeps need, beyond any budget already
		}
		if n < 0 || e.m.limit > 0 && need > e.m.limit {
			return nil, &BudgetError{What: fmt.Sprintf("input %q", e.inputs[i].Name), Shape: shape,
				Need: need, Batch: batch, Limit: e.m.limit, Name: e.m.name}
		}
		ins[i] = in
	}
	return ins, nil
}
