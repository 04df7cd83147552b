package tap

import (
	"fmt"
	"math"

	"cxray/stream/measure"
	"cxray/stream/plan"
)

// Estimator is one layer's streaming N1 estimator, as the router drives
// it: batches in, an estimate out at any time.
type Estimator interface {
	// Update adds a batch. slots are the shared reservoir's slots of the
	// batch's rows, or nil when every sample is kept.
	Update(x []float32, labels []int32, slots []int) error
	// Estimate reads the current value; final is true once the stream
	// has ended, when an exact estimator must return the tree of the tie
	// rule rather than a cheaper running reading.
	Estimate(final bool) (measure.Estimate, error)
}

// Router feeds each chosen layer's activations to its estimator, built
// from a plan.Plan. With a reservoir, one Sampler decides for all layers,
// so every layer is measured on the same samples. Its memory is the sum
// of the estimators' bounds, which the plan sized to the budget.
type Router struct {
	layers  []Layer
	est     []Estimator
	sampler *measure.Sampler
	rows    []int
	slots   []int
	// workspace bounds the memory of reading an estimate, and of the
	// measures beyond N1 (Extra), one layer at a time.
	workspace int64
}

// NewRouter builds the estimators of layers under plan p. classes is the
// number of classes of the dataset.
func NewRouter(layers []Layer, p *plan.Plan, norm measure.Normalization, classes int, workspace int64) *Router {
	r := &Router{layers: layers, est: make([]Estimator, len(layers)), workspace: workspace}
	if p.M > 0 {
		r.sampler = measure.NewSampler(measure.StratifiedCapacity(p.M, classes), p.Seed)
	}
	for i, l := range layers {
		var proj *measure.Projector
		if p.K > 0 && l.Dim > p.K {
			// Each layer gets its own projection, seeded from the run's
			// seed and the layer index so that runs are repeatable.
			proj = measure.NewProjector(l.Dim, p.K, p.Seed+uint64(l.Index)*0x9e3779b97f4a7c15)
		}
		switch {
		case r.sampler != nil:
			r.est[i] = sampled{measure.NewSampledN1(l.Dim, r.sampler, proj, norm)}
		case proj != nil:
			e := measure.NewProjectedN1(l.Dim, proj, norm)
			e.MaxWorkspace = workspace
			r.est[i] = projected{e}
		default:
			e := measure.NewExactN1(l.Dim, norm)
			e.MaxWorkspace = workspace
			r.est[i] = exact{e}
		}
	}
	return r
}

// Layers returns the routed layers in graph order.
func (r *Router) Layers() []Layer { return r.layers }

// Admit offers a batch's samples to the shared reservoir and returns the
// rows it keeps and their slots; nil rows means every row is kept.
func (r *Router) Admit(labels []int32) (rows, slots []int) {
	if r.sampler == nil {
		return nil, nil
	}
	r.rows, r.slots = r.rows[:0], r.slots[:0]
	for i, c := range labels {
		if s := r.sampler.Offer(c); s >= 0 {
			r.rows = append(r.rows, i)
			r.slots = append(r.slots, s)
		}
	}
	return r.rows, r.slots
}

// Update adds a batch's activations of layer i.
func (r *Router) Update(i int, x []float32, labels []int32, slots []int) error {
	l := r.layers[i]
	if want := len(labels) * l.Dim; len(x) != want {
		return fmt.Errorf("layer %q: got %d values for a batch of %d samples, want %d", l.Name, len(x), len(labels), want)
	}
	if err := r.est[i].Update(x, labels, slots); err != nil {
		return fmt.Errorf("layer %q: %w", l.Name, err)
	}
	return nil
}

// Estimate reads layer i's estimator.
func (r *Router) Estimate(i int, final bool) (measure.Estimate, error) {
	e, err := r.est[i].Estimate(final)
	if err != nil {
		return e, fmt.Errorf("layer %q: %w", r.layers[i].Name, err)
	}
	return e, nil
}

// exact adapts ExactN1 to Estimator.
type exact struct{ *measure.ExactN1 }

func (e exact) Update(x []float32, labels []int32, slots []int) error {
	if slots != nil {
		return fmt.Errorf("exact estimator given reservoir slots")
	}
	return e.ExactN1.Update(x, labels)
}

// Estimate reads the running tree before the end (Chin–Houck insertion),
// and the tie rule's tree at the end.
func (e exact) Estimate(final bool) (measure.Estimate, error) {
	read := e.Running
	if final {
		read = e.Value
	}
	v, err := read()
	return measure.Estimate{
		Value: v, CILow: math.NaN(), CIHigh: math.NaN(), N: e.N(), Seen: int64(e.N()),
		Method: "exact", Params: e.Conventions().Params(),
	}, err
}

// projected adapts ProjectedN1: every point kept, each projected.
type projected struct{ *measure.ProjectedN1 }

func (e projected) Update(x []float32, labels []int32, slots []int) error {
	if slots != nil {
		return fmt.Errorf("projected estimator given reservoir slots")
	}
	return e.ProjectedN1.Update(x, labels)
}

func (e projected) Estimate(bool) (measure.Estimate, error) { return e.ProjectedN1.Estimate() }

// sampled adapts SampledN1, whose reading is the same before and at the end.
type sampled struct{ *measure.SampledN1 }

func (e sampled) Estimate(bool) (measure.Estimate, error) { return e.SampledN1.Estimate() }
