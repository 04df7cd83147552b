package runtime

import "fmt"

// BatchSecond reports whether node output name has the batch as its
// second axis ([tokens, batch, features]), as the shape step
// (OutputShapesOf) found: its rows per sample are strided, one slice of
// the trailing axes per index of the first.
func (e *Executor) BatchSecond(name string) bool { return e.batchSecond[name] }

// OutputShapes is OutputShapesOf for a graph of one data input.
func (e *Executor) OutputShapes(sample []int) (map[string][]int, error) {
	return e.OutputShapesOf([][]int{sample})
}

// OutputShapesOf is the shape step: it runs the graph on one sample, of
// shape [1, samples[i]...] for input i, without computing it, and returns
// the per-sample shape of every float node output that has the batch as
// its first axis: its shape with the leading batch axis removed. Only
// shape arithmetic and constants are computed; the steps that depend on
// the inputs' values set their outputs' shapes and account for their
// buffers, which are not allocated, so a model that declares huge shapes
// costs nothing here: when the buffers one sample needs exceed the
// executor's Limits, the error is a *BudgetError that names the node.
//
// Which outputs have the batch first is found by a second shape step at
// batch size 2: those whose first axis follows the batch size while the
// others stay. Those whose second axis follows it instead (a recurrent
// layer's [steps, batch, hidden], a sequence-first attention's [tokens,
// batch, features]) hold a row per sample too, strided: they are
// returned with the batch axis removed as well ([tokens, features]), and
// BatchSecond names them. The rest hold no row per sample and are left
// out; they are still computed and tapped by Run.
func (e *Executor) OutputShapesOf(samples [][]int) (map[string][]int, error) {
	if len(samples) != len(e.inputs) {
		return nil, fmt.Errorf("runtime: the model has %d data inputs (%s), given %d sample shapes", len(e.inputs), inputList(e.inputs), len(samples))
	}
	one, err := e.dryShapes(1, samples, true)
	if err != nil {
		return nil, err
	}
	// Now that the outputs' sizes are known, the buffers are shared
	// best-fit.
	e.shareBuffers(e.outputBytes())
	two, err := e.dryShapes(2, samples, false)
	if err != nil {
		return nil, err
	}
	out := map[string][]int{}
	e.batchSecond = map[string]bool{}
	for name, s := range one {
		t := two[name]
		switch {
		case len(t) != len(s) || len(s) == 0:
		case s[0] == 1 && t[0] == 2 && equalShape(s[1:], t[1:]):
			out[name] = s[1:]
		case len(s) >= 2 && s[1] == 1 && t[1] == 2 && s[0] == t[0] && equalShape(s[2:], t[2:]):
			out[name] = append([]int{s[0]}, s[2:]...)
			e.batchSecond[name] = true
		}
	}
	e.samples = make([][]int, len(samples))
	for i, s := range samples {
		e.samples[i] = append([]int(nil), s...)
	}
	return out, nil
}

// dryShapes runs the shape step at a batch size and returns the shape of
// every float output; check enforces the budget.
func (e *Executor) dryShapes(batch int, samples [][]int, check bool) (map[string][]int, error) {
	in, err := e.dryInputs(batch, samples)
	if err != nil {
		return nil, err
	}
	limit := e.m.limit
	if !check {
		e.m.limit = 0
	}
	shapes := map[string][]int{}
	err = e.run(in, func(name string, t *Tensor) error {
		shapes[name] = append([]int(nil), t.Shape...)
		return nil
	}, true)
	e.m.limit = limit
	return shapes, err
}
