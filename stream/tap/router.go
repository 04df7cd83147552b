package tap

import (
	"fmt"
	"slices"
	"strings"

	"cxray/stream/measure"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
	"cxray/stream/measure/reservoir"
	"cxray/stream/plan"
)

// Router feeds each chosen layer's activations to its estimator, built
// from a plan.Plan. With a reservoir, one Sampler decides for all layers,
// so every layer is measured on the same samples. Its memory is the sum
// of the estimators' bounds, which the plan sized to the budget.
//
// A layer projected by a fitted map (plan.ProjectFitted) has no estimator
// until its map exists: the router holds the layer's first batches, with
// their labels and slots, until they have project.BasisRows(K) rows, fits
// the map on all of them and replays them into a new estimator, which
// then sees exactly the batches it would have seen. A reading before that
// (--every, or a stream shorter than the basis) fits a map on the rows
// held so far.
type Router struct {
	layers  []Layer
	est     []measure.Estimator
	held    []*heldRows  // per layer, while a fitted map waits for its rows
	checks  []*checkRows // per projected layer (without a reservoir): its first rows, unprojected
	plan    *plan.Plan
	norm    measure.Normalization
	sampler *reservoir.Sampler
	rows    []int
	slots   []int
	// admittedN is the number of samples of the batch last given to
	// Admit; track follows the samples for per-sample rows (TrackSamples).
	admittedN int
	track     *sampleTracker
	// workspace bounds the memory of reading an estimate, and of the
	// measures beyond N1 (Extra), one layer at a time.
	workspace int64
}

// NewRouter builds the estimators of layers under plan p. classes is the
// number of classes of the dataset.
func NewRouter(layers []Layer, p *plan.Plan, norm measure.Normalization, classes int, workspace int64) *Router {
	r := &Router{
		layers: layers, est: make([]measure.Estimator, len(layers)), held: make([]*heldRows, len(layers)),
		checks: make([]*checkRows, len(layers)), plan: p, norm: norm, workspace: workspace,
	}
	if p.M > 0 {
		r.sampler = reservoir.New(reservoir.StratifiedCapacity(p.M, classes), p.Seed)
	}
	for i, l := range layers {
		if r.projects(i) && r.sampler == nil {
			r.checks[i] = &checkRows{rows: p.CheckRows(i)}
		}
		switch {
		case !r.projects(i):
			r.est[i] = r.newEstimator(l, nil)
		case p.Projection == plan.ProjectJL:
			r.est[i] = r.newEstimator(l, project.New(l.Dim, p.Dims[i], r.projectionSeed(l)))
		default:
			r.held[i] = &heldRows{}
		}
	}
	return r
}

// projects reports whether layer i is projected.
func (r *Router) projects(i int) bool { return strings.Contains(r.plan.Methods[i], "projected") }

// projectionSeed seeds layer l's projection from the run's seed and the
// layer index, so that runs are repeatable and layers differ.
func (r *Router) projectionSeed(l Layer) uint64 {
	return r.plan.Seed + uint64(l.Index)*0x9e3779b97f4a7c15
}

// newEstimator returns layer l's estimator under the plan, projected by
// proj (nil: not projected).
func (r *Router) newEstimator(l Layer, proj *project.Map) measure.Estimator {
	switch {
	case r.sampler != nil:
		return n1.NewSampledN1(l.Dim, r.sampler, proj, r.norm)
	case proj != nil:
		e := n1.NewProjectedN1(l.Dim, proj, r.norm)
		e.MaxWorkspace = r.workspace
		e.Grow(r.plan.N)
		if r.plan.Ties == mst.Total {
			e.Ties, e.TieRTol = mst.Total, 0
		}
		return e
	default:
		e := n1.NewExactN1(l.Dim, r.norm)
		e.MaxWorkspace = r.workspace
		e.Grow(r.plan.N)
		if r.plan.Ties == mst.Total {
			e.Ties, e.TieRTol = mst.Total, 0
		}
		return e
	}
}

// heldRows are a layer's leading batches, kept until its projection is
// fitted on them.
type heldRows struct {
	x       []float32
	batches []heldBatch
}

// heldBatch is one held batch's labels, reservoir slots (nil: every
// row kept) and dropped samples.
type heldBatch struct {
	labels  []int32
	slots   []int
	dropped []int32
}

// hold adds a batch of rows to h, which will hold basis rows and at most
// one batch more: room for exactly that is made at the first batch.
func (h *heldRows) hold(b measure.Batch, basis int) {
	if h.x == nil && len(b.Labels) > 0 {
		h.x = make([]float32, 0, (basis+len(b.Labels))*(len(b.X)/len(b.Labels)))
	}
	h.x = append(h.x, b.X...)
	hb := heldBatch{labels: slices.Clone(b.Labels)}
	if b.Slots != nil {
		hb.slots = slices.Clone(b.Slots)
	}
	if b.Dropped != nil {
		hb.dropped = slices.Clone(b.Dropped)
	}
	h.batches = append(h.batches, hb)
}

// fit fits layer i's projection on the rows held and replays them into a
// new estimator.
func (r *Router) fit(i int) (measure.Estimator, error) {
	l, h := r.layers[i], r.held[i]
	n := len(h.x) / l.Dim
	proj, err := project.Fit(h.x, n, l.Dim, r.plan.K, r.projectionSeed(l))
	if err != nil {
		return nil, err
	}
	e := r.newEstimator(l, proj)
	at := 0
	for _, b := range h.batches {
		next := at + len(b.labels)*l.Dim
		if err := e.Update(measure.Batch{X: h.x[at:next], Labels: b.labels, Slots: b.slots, Dropped: b.dropped}); err != nil {
			return nil, err
		}
		at = next
	}
	return e, nil
}

// Layers returns the routed layers in graph order.
func (r *Router) Layers() []Layer { return r.layers }

// Admit offers a batch's samples to the shared reservoir and returns the
// rows it keeps and their slots; nil rows means every row is kept.
func (r *Router) Admit(labels []int32) (rows, slots []int) {
	r.admittedN = len(labels)
	if r.sampler == nil {
		if r.track != nil {
			r.track.admitted(len(labels), nil, nil, false)
		}
		return nil, nil
	}
	r.rows, r.slots = r.rows[:0], r.slots[:0]
	for i, c := range labels {
		if s := r.sampler.Offer(c); s >= 0 {
			r.rows = append(r.rows, i)
			r.slots = append(r.slots, s)
		}
	}
	if r.track != nil {
		r.track.admitted(len(labels), r.rows, r.slots, true)
	}
	return r.rows, r.slots
}

// Admitted is what reaches the estimators of a batch of rows (x, dim
// values each, and their labels) once Admit kept the given rows (nil:
// all): the admitted rows and their labels, and the labels of the others
// as Dropped, as the pipeline passes them (with Admit's slots). It copies
// them into dst's slices, reused from their start.
func Admitted(dst measure.Batch, x []float32, labels []int32, dim int, rows []int) measure.Batch {
	dst.X, dst.Labels, dst.Dropped = dst.X[:0], dst.Labels[:0], dst.Dropped[:0]
	if rows == nil {
		dst.X, dst.Labels = append(dst.X, x...), append(dst.Labels, labels...)
		return dst
	}
	next := 0
	for r, l := range labels {
		if next < len(rows) && rows[next] == r {
			dst.X = append(dst.X, x[r*dim:(r+1)*dim]...)
			dst.Labels = append(dst.Labels, l)
			next++
		} else {
			dst.Dropped = append(dst.Dropped, l)
		}
	}
	return dst
}

// Update adds a batch's activations of layer i: b.X holds the admitted
// rows, b.Slots their slots and b.Dropped the labels of the samples Admit
// dropped (see pipeline.Sink).
func (r *Router) Update(i int, b measure.Batch) error {
	l := r.layers[i]
	if want := len(b.Labels) * l.Dim; len(b.X) != want {
		return fmt.Errorf("layer %q: got %d values for a batch of %d samples, want %d", l.Name, len(b.X), len(b.Labels), want)
	}
	if err := r.update(i, b); err != nil {
		return fmt.Errorf("layer %q: %w", l.Name, err)
	}
	return nil
}

func (r *Router) update(i int, b measure.Batch) error {
	if c := r.checks[i]; c != nil {
		c.hold(b, r.layers[i].Dim, r.checkFrom())
	}
	h := r.held[i]
	if h == nil {
		return r.est[i].Update(b)
	}
	basis := project.BasisRows(r.plan.K)
	h.hold(b, basis)
	if len(h.x)/r.layers[i].Dim < basis {
		return nil
	}
	e, err := r.fit(i)
	if err != nil {
		return err
	}
	r.est[i], r.held[i] = e, nil
	return nil
}

// Estimate reads layer i's estimator.
func (r *Router) Estimate(i int, final bool) (measure.Estimate, error) {
	e, err := r.estimate(i, final)
	if err != nil {
		return e, fmt.Errorf("layer %q: %w", r.layers[i].Name, err)
	}
	return e, nil
}

func (r *Router) estimate(i int, final bool) (measure.Estimate, error) {
	est := r.est[i]
	if r.held[i] != nil {
		// The map is not fitted yet: fit one on the rows held so far, for
		// good at the end, for this reading only before it.
		e, err := r.fit(i)
		if err != nil {
			return measure.Estimate{}, err
		}
		if final {
			r.est[i], r.held[i] = e, nil
		}
		est = e
	}
	// Before the end, a cheaper reading where the estimator has one; at
	// the end, an exact estimator's dense Prim tree under the tie rule.
	if run, ok := est.(measure.Runner); ok && !final {
		return run.Running()
	}
	if p, ok := est.(*n1.ProjectedN1); ok && r.checks[i] != nil {
		return p.CheckedEstimate(r.checks[i].x, r.checks[i].labels, r.checkFrom())
	}
	return est.Estimate()
}

// checkFrom is the first row a projected layer's check holds: past the
// rows a fitted map is fitted to, which its principal directions fit
// better than the others.
func (r *Router) checkFrom() int {
	if r.plan.Projection == plan.ProjectFitted {
		return project.BasisRows(r.plan.K)
	}
	return 0
}

// checkRows are the plan's check rows of a projected layer (at most
// n1.CheckSamples) from a given row of the stream on, as they were before
// the projection, against which its reading is checked
// (n1.ProjectedN1.CheckedEstimate).
type checkRows struct {
	rows   int // rows to hold
	seen   int // rows offered so far
	x      []float32
	labels []int32
}

func (c *checkRows) hold(b measure.Batch, dim, from int) {
	lo := max(0, from-c.seen) // the batch's first row to hold
	c.seen += len(b.Labels)
	take := min(len(b.Labels)-lo, c.rows-len(c.labels))
	if take <= 0 {
		return
	}
	if c.x == nil {
		c.x = make([]float32, 0, c.rows*dim)
	}
	c.x = append(c.x, b.X[lo*dim:(lo+take)*dim]...)
	c.labels = append(c.labels, b.Labels[lo:lo+take]...)
}
