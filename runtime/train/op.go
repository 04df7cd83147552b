package train

import (
	"fmt"
	"hash"
	"hash/fnv"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// op adapts a Go kernel to gorgonia.Op and gorgonia.SDOp, so that the
// layers are ordinary nodes of a gorgonia graph that gorgonia.Grad
// differentiates and a tape machine runs.
//
// Every op owns its output tensor and returns it from each Do: the graphs
// have fixed shapes, so nothing is allocated per step. Ops may also hold
// state that their gradient ops read (im2col columns, pooling argmaxes,
// softmax probabilities); a gradient op therefore always lists the
// forward node among its inputs, which makes the tape run it after the
// forward op of the same step.
type op struct {
	name   string
	id     uint64 // unique: two ops must never be merged by gorgonia's hash-consing
	inDims []int  // rank of each input; 0 is a scalar
	out    *tensor.Dense
	wrt    []bool // which inputs are differentiable; nil: none
	run    func(out []float32, in [][]float32) error
	diff   func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error)
}

var opIDs atomic.Uint64

// newOp makes an op whose output has the given shape (empty: a scalar).
func newOp(name string, inDims []int, shape []int, run func(out []float32, in [][]float32) error) *op {
	var out *tensor.Dense
	if len(shape) == 0 {
		out = tensor.New(tensor.FromScalar(float32(0)))
	} else {
		out = tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	}
	return &op{name: name, id: opIDs.Add(1), inDims: inDims, out: out, run: run}
}

func typeOfRank(d int) hm.Type {
	if d == 0 {
		return tensor.Float32
	}
	return G.TensorType{Dims: d, Of: tensor.Float32}
}

func (o *op) Arity() int { return len(o.inDims) }

func (o *op) Type() hm.Type {
	ts := make([]hm.Type, 0, len(o.inDims)+1)
	for _, d := range o.inDims {
		ts = append(ts, typeOfRank(d))
	}
	return hm.NewFnType(append(ts, typeOfRank(o.out.Dims()))...)
}

func (o *op) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return o.out.Shape().Clone(), nil
}

func (o *op) Do(vals ...G.Value) (G.Value, error) {
	in := make([][]float32, len(vals))
	for i, v := range vals {
		switch d := v.Data().(type) {
		case []float32:
			in[i] = d
		case float32:
			in[i] = []float32{d}
		default:
			return nil, fmt.Errorf("%s: input %d holds %T, want float32", o.name, i, d)
		}
	}
	var out []float32
	if o.out.IsScalar() {
		out = make([]float32, 1)
	} else {
		out = o.out.Data().([]float32)
	}
	if err := o.run(out, in); err != nil {
		return nil, err
	}
	if o.out.IsScalar() {
		// A scalar is returned as gorgonia's own scalar type, which is
		// what its differentiation expects of a cost.
		return G.NewF32(out[0]), nil
	}
	return o.out, nil
}

func (o *op) ReturnsPtr() bool      { return false }
func (o *op) CallsExtern() bool     { return false }
func (o *op) OverwritesInput() int  { return -1 }
func (o *op) WriteHash(h hash.Hash) { fmt.Fprintf(h, "cxray/train.%s#%d", o.name, o.id) }
func (o *op) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}
func (o *op) String() string { return o.name }

func (o *op) DiffWRT(n int) []bool {
	if o.wrt == nil {
		return make([]bool, n)
	}
	return o.wrt
}

func (o *op) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if o.diff == nil {
		return nil, fmt.Errorf("%s is not differentiable", o.name)
	}
	return o.diff(inputs, output, grad)
}

// apply adds o to the graph as a function of children.
func apply(o *op, children ...*G.Node) (*G.Node, error) {
	n, err := G.ApplyOp(o, children...)
	if err != nil {
		return nil, fmt.Errorf("train: building %s: %v", o.name, err)
	}
	return n, nil
}

// workers is how many goroutines a kernel splits independent work into.
// Work whose result does not depend on the split (one sample per item)
// uses it; sums over samples use the fixed reduceChunks instead, so that
// the floating-point order, hence the result, does not depend on the
// machine.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// reduceChunks is the fixed number of partial sums a gradient over the
// batch is split into.
const reduceChunks = 4

// parallel calls fn(c, lo, hi) for chunks c of [0, n), each in its own
// goroutine, and waits for all of them.
func parallel(n, chunks int, fn func(c, lo, hi int)) {
	chunks = min(chunks, n)
	if chunks <= 1 {
		if n > 0 {
			fn(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for c := range chunks {
		lo, hi := c*n/chunks, (c+1)*n/chunks
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(c, lo, hi)
		}()
	}
	wg.Wait()
}
