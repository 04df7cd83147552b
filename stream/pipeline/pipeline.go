package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"

	"cxray/runtime"
	"cxray/stream/measure"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// Depth is the capacity of the channels between stages.
const Depth = 2

// InFlight is the number of batches that exist at once: Depth in each of
// the two channels, one in each of the three stages, and one the read
// stage waits to fill. Each holds its admitted input rows and the
// activations of every chosen layer (see Bytes).
const InFlight = 2*Depth + 3

// Bytes bounds the memory of the batches in flight when n samples are
// read in batches of the given size, with dim input values and tapped
// values of the chosen layers per sample: the source's own batch, and up
// to InFlight batches (no more than n fills) of inputs, labels, slots and
// activations.
func Bytes(batch, n, dim, tapped int) int64 {
	perSample := int64(dim)*4 + 4 + 8 + int64(tapped)*4
	batches := min(InFlight, (n+batch-1)/max(batch, 1))
	return int64(batch) * (int64(batches)*perSample + int64(dim)*4 + 4)
}

// Sink receives the activations of the chosen layers.
type Sink interface {
	// Layers are the chosen layers, in graph order; layer 0 of the model
	// is fed from the batch itself.
	Layers() []tap.Layer
	// Admit returns the rows of a batch with the given labels that any
	// estimator keeps, and their reservoir slots; nil rows keeps all.
	// It is called once per batch, in stream order.
	Admit(labels []int32) (rows, slots []int)
	// Update adds a batch's activations of the i-th layer: the admitted
	// rows, their labels and slots, and the labels of the rows Admit did
	// not keep (Dropped), whose activations were not computed.
	Update(i int, b measure.Batch) error
}

// KeySink is a Sink that takes the names of the samples too: Keys is
// called right after each Admit, on the same goroutine, with the batch's
// source.Batch.Keys (empty when the source does not name its samples).
type KeySink interface {
	Sink
	Keys(keys []string)
}

// Config describes one pass over a dataset.
type Config struct {
	Source source.Source
	// Exec runs the model; nil measures the dataset itself. The sink's
	// layers must then be the input (Input) alone or, when the source is
	// a source.Layered of activations extracted beforehand, some of its
	// parts, each fed its own slice of every sample.
	Exec *runtime.Executor
	// Input and Shape name the one input of a model that takes the whole
	// sample, and its per-sample shape, when Inputs is empty.
	Input string
	Shape []int
	// Inputs are the model's data inputs, each fed its own part of every
	// sample, in the order of runtime.Executor.Inputs.
	Inputs []Input
	// Mask names the input that holds the attention mask by which token
	// layers are pooled; "" pools over all tokens.
	Mask  string
	Batch int
	Sink  Sink
	// Every is the checkpoint interval in samples; 0 checkpoints only at
	// the end.
	Every int
	// Checkpoint is called with the samples seen so far; final is true
	// after the last batch. Returning stop ends the run after it.
	Checkpoint func(seen int64, final bool) (stop bool, err error)
	// Progress, if set, is called after each batch is read.
	Progress func(seen, total int)
}

// Input is one data input of the model, fed with its part of every
// sample of the source.
type Input struct {
	Name  string
	Shape []int // per sample
	Off   int   // where its values start within a sample of the source
	// Int feeds the values as integers (token ids, masks): the source
	// carries them as float32, exact up to ±2^24, and each must be
	// integral.
	Int bool
}

// Dim is the number of values of one sample of the input.
func (in Input) Dim() int {
	d := 1
	for _, v := range in.Shape {
		d *= v
	}
	return d
}

// inputs are the model's inputs, Config.Inputs or the one input
// Config.Input and Config.Shape describe, which takes the whole sample.
func (c Config) inputs() []Input {
	if len(c.Inputs) > 0 {
		return c.Inputs
	}
	shape := c.Shape
	if shape == nil {
		shape = c.Source.SampleShape()
	}
	return []Input{{Name: c.Input, Shape: shape}}
}

// batch is the unit that travels down the pipeline.
type batch struct {
	x      []float32 // admitted rows, row-major
	labels []int32
	slots  []int
	// dropped are the labels of the rows the sink did not admit: they
	// count as seen for the estimators of a sample.
	dropped []int32
	n       int   // admitted rows
	seen    int64 // samples read so far, this batch included
	acts    [][]float32
}

// errDone stops the producers once the estimate stage has finished.
var errDone = errors.New("pipeline: done")

// Run makes one pass. It returns the samples seen and the first error of
// any stage; when ctx is cancelled it returns ctx's error.
func Run(ctx context.Context, c Config) (int64, error) {
	if c.Batch < 1 {
		return 0, fmt.Errorf("pipeline: batch size %d", c.Batch)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	layers := c.Sink.Layers()
	parts, err := routeParts(c, layers)
	if err != nil {
		return 0, err
	}
	free := make(chan *batch, InFlight)
	for range cap(free) {
		free <- &batch{acts: make([][]float32, len(layers))}
	}
	read := make(chan *batch, Depth)
	fwd := make(chan *batch, Depth)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(read)
		if err := readStage(ctx, c, free, read); err != nil {
			cancel(err)
		}
	}()
	go func() {
		defer wg.Done()
		defer close(fwd)
		if err := forwardStage(ctx, c, layers, parts, read, fwd); err != nil {
			cancel(err)
		}
	}()
	seen, err := estimateStage(ctx, c, fwd, free)
	cancel(errDone)
	for range fwd {
	}
	wg.Wait()
	return seen, err
}

func readStage(ctx context.Context, c Config, free <-chan *batch, out chan<- *batch) error {
	var sb source.Batch
	dim := c.Source.Dim()
	total := c.Source.Len()
	var seen int64
	for {
		var b *batch
		select {
		case <-ctx.Done():
			return nil
		case b = <-free:
		}
		err := c.Source.Next(&sb, c.Batch)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		seen += int64(sb.N)
		if c.Progress != nil {
			c.Progress(int(seen), total)
		}
		rows, slots := c.Sink.Admit(sb.Labels[:sb.N])
		if ks, ok := c.Sink.(KeySink); ok {
			ks.Keys(sb.Keys)
		}
		b.seen = seen
		b.slots = append(b.slots[:0], slots...)
		// A batch with no admitted row still travels, empty, so that
		// checkpoints count the samples it stands for.
		ab := tap.Admitted(measure.Batch{X: b.x, Labels: b.labels, Dropped: b.dropped}, sb.X[:sb.N*dim], sb.Labels[:sb.N], dim, rows)
		b.x, b.labels, b.dropped, b.n = ab.X, ab.Labels, ab.Dropped, len(ab.Labels)
		select {
		case <-ctx.Done():
			return nil
		case out <- b:
		}
	}
}

// part is where a sink layer's values lie within a sample of a
// source.Layered.
type part struct {
	layer    int // index in the sink's layers
	off, dim int
}

// routeParts checks that the sink's layers can be fed, and, for a source
// of activations, where each one lies within a sample.
func routeParts(c Config, layers []tap.Layer) ([]part, error) {
	ls, layered := c.Source.(source.Layered)
	if layered && c.Exec != nil && len(c.Inputs) == 0 {
		return nil, fmt.Errorf("pipeline: %s holds activations already extracted; it cannot be fed to a model", c.Source.Name())
	}
	if c.Exec != nil {
		return nil, checkInputs(c)
	}
	if !layered {
		for _, l := range layers {
			if l.Name != c.Input {
				return nil, fmt.Errorf("pipeline: layer %q needs a model; without one the only layer is the input %q", l.Name, c.Input)
			}
		}
		return nil, nil
	}
	byName := map[string]source.Part{}
	for _, p := range ls.Parts() {
		byName[p.Name] = p
	}
	parts := make([]part, len(layers))
	for i, l := range layers {
		p, ok := byName[l.Name]
		if !ok {
			return nil, fmt.Errorf("pipeline: layer %q is not one of the layers of %s", l.Name, c.Source.Name())
		}
		if p.Dim != l.Dim {
			return nil, fmt.Errorf("pipeline: layer %q has %d values per sample in %s, but the sink expects %d", l.Name, p.Dim, c.Source.Name(), l.Dim)
		}
		parts[i] = part{layer: i, off: p.Off, dim: p.Dim}
	}
	return parts, nil
}

// checkInputs checks that the model's inputs lie within a sample of the
// source, and that they are the executor's.
func checkInputs(c Config) error {
	ins, want := c.inputs(), c.Exec.Inputs()
	if len(ins) != len(want) {
		return fmt.Errorf("pipeline: the model has %d data inputs, the config feeds %d", len(want), len(ins))
	}
	for i, in := range ins {
		if in.Name != want[i].Name {
			return fmt.Errorf("pipeline: input %d is %q, the config feeds %q", i, want[i].Name, in.Name)
		}
		if in.Off < 0 || in.Off+in.Dim() > c.Source.Dim() {
			return fmt.Errorf("pipeline: input %q takes values %d to %d of a sample of %s, which has %d", in.Name, in.Off, in.Off+in.Dim(), c.Source.Name(), c.Source.Dim())
		}
	}
	if c.Mask != "" && !slices.ContainsFunc(ins, func(in Input) bool { return in.Name == c.Mask }) {
		return fmt.Errorf("pipeline: the mask %q is not an input of the model", c.Mask)
	}
	return nil
}

// feeder fills the model's input tensors from the admitted rows of a
// batch, converting the integer inputs.
type feeder struct {
	ins     []Input
	dim     int // values of a source sample
	tensors []*runtime.Tensor
	mask    int // index of the mask input, -1 for none
	masks   []float32
}

func newFeeder(c Config) *feeder {
	f := &feeder{ins: c.inputs(), dim: c.Source.Dim(), mask: -1}
	for i, in := range f.ins {
		f.tensors = append(f.tensors, &runtime.Tensor{})
		if in.Name == c.Mask && c.Mask != "" {
			f.mask = i
		}
	}
	return f
}

// fill sets the input tensors to the n rows of x; first is the index of
// the first row in the stream, for errors.
func (f *feeder) fill(x []float32, n int, first int64) error {
	whole := len(f.ins) == 1 && f.ins[0].Dim() == f.dim
	for i, in := range f.ins {
		t, d := f.tensors[i], in.Dim()
		t.Shape = append(append(t.Shape[:0], n), in.Shape...)
		if !in.Int {
			if whole {
				t.Data = x[:n*d]
				continue
			}
			t.Data = t.Data[:0]
			for r := range n {
				t.Data = append(t.Data, x[r*f.dim+in.Off:r*f.dim+in.Off+d]...)
			}
			continue
		}
		t.Int = t.Int[:0]
		for r := range n {
			for j, v := range x[r*f.dim+in.Off : r*f.dim+in.Off+d] {
				if v != float32(math.Trunc(float64(v))) || math.Abs(float64(v)) > source.MaxExactInt {
					return fmt.Errorf("sample %d: input %q is declared as integers (token ids, a mask), but value %d is %v", first+int64(r), in.Name, j, v)
				}
				t.Int = append(t.Int, int64(v))
			}
		}
		if t.Int == nil {
			t.Int = []int64{}
		}
	}
	if f.mask >= 0 {
		in := f.ins[f.mask]
		f.masks = f.masks[:0]
		for r := range n {
			f.masks = append(f.masks, x[r*f.dim+in.Off:r*f.dim+in.Off+in.Dim()]...)
		}
	}
	return nil
}

// batchFirst appends to dst the values of x, laid out [d0, n, rest...],
// as [n, d0, rest...]: sample r's row is x's slices [j, r, :] for j in
// order.
func batchFirst(dst, x []float32, n, d0 int) []float32 {
	rest := len(x) / (d0 * n)
	for r := range n {
		for j := range d0 {
			at := (j*n + r) * rest
			dst = append(dst, x[at:at+rest]...)
		}
	}
	return dst
}

// errTapped stops the forward pass once every chosen layer is tapped.
var errTapped = errors.New("pipeline: every chosen layer tapped")

func forwardStage(ctx context.Context, c Config, layers []tap.Layer, parts []part, in <-chan *batch, out chan<- *batch) error {
	index := make(map[string]int, len(layers))
	for i, l := range layers {
		index[l.Name] = i
	}
	dim := c.Source.Dim()
	f := newFeeder(c)
	inputs := map[string]Input{}
	for _, in := range f.ins {
		inputs[in.Name] = in
	}
	// The forward pass stops after the last chosen layer: a pass of a
	// run in several passes that measures early layers skips the rest of
	// the network, and one of the model's inputs alone does not run it.
	computed := 0
	for _, l := range layers {
		if _, isInput := inputs[l.Name]; !isInput {
			computed++
		}
	}
	var rows []float32 // a batch-second token layer's batch, batch first, for pooling
	for b := range in {
		for i := range b.acts {
			b.acts[i] = b.acts[i][:0]
		}
		if parts != nil {
			// Activations extracted beforehand: each layer gets its own
			// columns of the admitted rows.
			for _, p := range parts {
				a := b.acts[p.layer]
				for r := range b.n {
					a = append(a, b.x[r*dim+p.off:r*dim+p.off+p.dim]...)
				}
				b.acts[p.layer] = a
			}
		} else {
			// The model's inputs that are layers get their own part.
			for _, in := range f.ins {
				i, ok := index[in.Name]
				if !ok {
					continue
				}
				a := b.acts[i]
				for r := range b.n {
					a = append(a, b.x[r*dim+in.Off:r*dim+in.Off+in.Dim()]...)
				}
				b.acts[i] = a
			}
		}
		if c.Exec != nil && b.n > 0 && computed > 0 {
			first := b.seen - int64(b.n) // the stream index of the first row when all are admitted
			if err := f.fill(b.x, b.n, first); err != nil {
				return err
			}
			var mask []float32
			if f.mask >= 0 {
				mask = f.masks
			}
			left := computed
			err := c.Exec.RunInputs(f.tensors, func(name string, out *runtime.Tensor) error {
				i, ok := index[name]
				if _, isInput := inputs[name]; !ok || isInput {
					return nil
				}
				l := layers[i]
				switch {
				case l.Tokens == 0 && l.BatchSecond:
					b.acts[i] = batchFirst(b.acts[i], out.Data, b.n, l.Shape[0])
				case l.Tokens == 0:
					b.acts[i] = append(b.acts[i], out.Data...)
				default:
					data := out.Data
					if l.BatchSecond {
						// Pooling reads the tokens of a sample together.
						rows = batchFirst(rows[:0], data, b.n, l.Shape[0])
						data = rows
					}
					var err error
					b.acts[i], err = l.Pool.AppendPooled(b.acts[i], data, b.n, l.Tokens, l.Shape[1], mask, int(first))
					if err != nil {
						return fmt.Errorf("layer %q: %w", name, err)
					}
				}
				if left--; left == 0 {
					return errTapped
				}
				return nil
			})
			if err != nil && err != errTapped {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case out <- b:
		}
	}
	return nil
}

// estimateStage consumes batches in stream order. The channel closes when
// the producers are done, or have stopped because ctx was cancelled: the
// context's cause tells which.
//
// A checkpoint that falls on a batch is taken when the next batch arrives,
// before it is added: if no batch follows, the final checkpoint stands in
// for it, so no step is written twice.
func estimateStage(ctx context.Context, c Config, in <-chan *batch, free chan<- *batch) (int64, error) {
	var seen, next int64 = 0, int64(c.Every)
	pending := false
	for b := range in {
		if pending && ctx.Err() == nil {
			pending = false
			if stop, err := c.Checkpoint(seen, false); err != nil || stop {
				free <- b
				return seen, err
			}
		}
		if b.n > 0 || len(b.dropped) > 0 {
			mb := measure.Batch{Labels: b.labels}
			if len(b.slots) > 0 || len(b.dropped) > 0 {
				mb.Slots, mb.Dropped = b.slots, b.dropped
			}
			for i, a := range b.acts {
				mb.X = a
				if err := c.Sink.Update(i, mb); err != nil {
					return seen, err
				}
			}
		}
		seen = b.seen
		free <- b
		if c.Every > 0 && seen >= next {
			for next <= seen {
				next += int64(c.Every)
			}
			pending = true
		}
	}
	if ctx.Err() != nil {
		return seen, context.Cause(ctx)
	}
	_, err := c.Checkpoint(seen, true)
	return seen, err
}
