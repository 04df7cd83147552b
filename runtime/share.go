package runtime

// Buffer sharing. A node output is needed from the step that computes it
// (its tap is called right then) to the last step that reads it; after
// that its buffer can hold the output of a later step. shareBuffers gives
// the outputs of the steps slots, buffers that outputs with disjoint
// lifetimes share, so that the forward pass holds about the largest set
// of outputs alive at once rather than every output of the graph: for a
// ResNet-18 at 224×224, a few feature maps instead of 50.
//
// An output that is a view of its input (aliasingOps) shares the input's
// buffer instead, which must then live as long as the view does. Those
// kernels may also compute a real output (a Pad with nonzero pads, a Cast
// to another type): that output keeps a buffer of its own, never shared.

// slot is a buffer that the node outputs of disjoint lifetimes share.
type slot struct {
	f []float32
	i []int64
}

// aliasingOps are the operators whose output may be a view of input 0
// (Tensor.alias). TestAliasingOps checks every conformance case against
// this list.
var aliasingOps = map[string]bool{
	"Identity": true, "Dropout": true, "Flatten": true, "Reshape": true, "Squeeze": true, "Unsqueeze": true,
	"Cast": true, "Pad": true,
	"ReduceSum": true, "ReduceMean": true, "ReduceMax": true, "ReduceMin": true, "ReduceProd": true,
	"ReduceL1": true, "ReduceL2": true, "ReduceSumSquare": true,
}

// shareBuffers assigns slots to the outputs of the steps. A slot is
// handed to a step's outputs only once every output it held before has
// been read for the last time by an earlier step, since a kernel reads
// its inputs while it writes its outputs.
//
// size, when known (the bytes of each output in the shape step), makes
// the choice best-fit: an output takes the smallest free slot that holds
// it, else grows the largest free one, so that large slots stay with large
// outputs; without sizes (before the shape step) the slot freed last.
func (e *Executor) shareBuffers(size map[*Tensor]int64) {
	// root[t] is the output whose buffer t may be a view of (t itself
	// for the others); last[r] is the last step that reads r or any view
	// of it. Values that no step produces (the inputs, constants) are
	// not in root.
	root := map[*Tensor]*Tensor{}
	last := map[*Tensor]int{}
	for i := range e.steps {
		s := &e.steps[i]
		for _, id := range s.inIDs {
			if id < 0 {
				continue
			}
			if r, ok := root[e.vals[id]]; ok {
				last[r] = i
			}
		}
		for _, t := range s.out {
			root[t], last[t] = t, i
			if aliasingOps[s.node.OpType] && s.inIDs[0] >= 0 {
				if r, ok := root[e.vals[s.inIDs[0]]]; ok {
					// t's own buffer, if the kernel computes one, is not
					// shared: it stays out of the slots.
					root[t] = r
				}
			}
		}
	}
	var free []*slot
	capacity := map[*slot]int64{} // the largest output a slot holds
	ending := map[int][]*slot{}   // slots to free after step i
	for i := range e.steps {
		s := &e.steps[i]
		for _, t := range s.out {
			if root[t] != t {
				continue
			}
			t.slot, free = pick(free, capacity, size[t])
			capacity[t.slot] = max(capacity[t.slot], size[t])
			ending[last[t]] = append(ending[last[t]], t.slot)
		}
		free = append(free, ending[i]...)
	}
}

// pick takes a slot for an output of the given size out of free: the
// smallest that holds it, else the largest, else a new one.
func pick(free []*slot, capacity map[*slot]int64, size int64) (*slot, []*slot) {
	if len(free) == 0 {
		return &slot{}, free
	}
	best := len(free) - 1
	for j, sl := range free {
		c, b := capacity[sl], capacity[free[best]]
		switch {
		case c >= size && (b < size || c < b):
			best = j
		case c < size && b < size && c > b:
			best = j
		}
	}
	sl := free[best]
	free = append(free[:best], free[best+1:]...)
	return sl, free
}

// outputBytes is the size of every step output in the last run (the
// shape step's), for shareBuffers.
func (e *Executor) outputBytes() map[*Tensor]int64 {
	size := map[*Tensor]int64{}
	for i := range e.steps {
		for _, t := range e.steps[i].out {
			n := int64(checkedNumel(t.Shape))
			if t.Int != nil {
				n *= 8
			} else {
				n *= 4
			}
			size[t] = n
		}
	}
	return size
}
