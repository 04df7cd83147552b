package tap

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/linear"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/neighbour"
	"cxray/stream/measure/repr"
	"cxray/stream/measure/survey"
)

// Row is one measure's value on a layer, with the params to store.
type Row struct {
	Measure string
	Value   float64
	Params  map[string]any
}

// Limits on what Extra computes, so that one wide layer cannot take the
// run's memory or hours of work.
const (
	// maxComoments bounds the per-class d×d co-moments that F1v, T3 and T4
	// need (k·d² float64); wider layers skip those three.
	maxComoments = 256 << 20
	// maxF1vWork bounds F1v's work, a d×d pseudo-inverse for each of the
	// k(k−1)/2 class pairs (about pairs·d³ flops): 10 classes at d = 1176
	// would take minutes.
	maxF1vWork = 1e10
)

// basis is what measure m is computed from in Extra: N1, which the
// streaming estimators compute otherwise, from the neighbour structure.
func basis(m string) survey.Basis {
	if m == "N1" {
		return survey.Neighbours
	}
	sm, _ := survey.Lookup(m)
	return sm.Basis
}

// Extra computes the measures names other than the streamed N1 on layer
// i's points, and N1 too when o.NeighbourN1(). Only exact estimators hold
// the points; other layers, and measures a layer is too wide for, are
// listed in skipped with the reason, as are measures whose preconditions
// the points do not meet. Each group of measures shares one computation:
// the class moments, the neighbour structure, the pairwise SVMs.
func (r *Router) Extra(i int, names []string, o Options) (rows []Row, skipped []string) {
	want := slices.Clone(names)
	if !o.NeighbourN1() {
		want = slices.DeleteFunc(want, func(m string) bool { return m == "N1" })
	}
	if len(want) == 0 {
		return nil, nil
	}
	e, ok := r.est[i].(*n1.ExactN1)
	if !ok {
		return nil, []string{strings.Join(want, ", ") + ": only for exactly measured layers"}
	}
	l := r.layers[i]
	x, labels := e.Points()
	c := &layerCalc{r: r, i: i, l: l, x: x, labels: labels, o: o}
	c.classes = len(slices.Compact(slices.Sorted(slices.Values(labels))))
	want, skipped = c.feasible(want)
	for _, m := range want {
		v, params, err := c.value(m)
		if err != nil {
			// A measure's own precondition (two points per class for
			// the SVMs, say) costs that measure, not the run.
			skipped = append(skipped, fmt.Sprintf("%s: %v", m, err))
			continue
		}
		if params == nil {
			skipped = append(skipped, m+": "+c.why)
			continue
		}
		rows = append(rows, NewRow(m, v, params))
	}
	return rows, skipped
}

// NewRow is measure m's row of value v: params, plus the measure's
// definition and reference, and the normalisation (none) unless params
// has one.
func NewRow(m string, v float64, params map[string]any) Row {
	sm, _ := survey.Lookup(m)
	params["definition"] = sm.Definition
	params["reference"] = sm.Reference
	if _, ok := params["normalize"]; !ok {
		// Only distances are taken on rescaled features; the other
		// measures see the points as they are (F1-F4 are invariant to a
		// per-feature scale anyway).
		params["normalize"] = measure.NormNone.String()
	}
	return Row{Measure: m, Value: v, Params: params}
}

// layerCalc computes one layer's measures, building each shared structure
// on first use.
type layerCalc struct {
	r       *Router
	i       int
	l       Layer
	x       []float32
	labels  []int32
	classes int
	o       Options

	fm  *feature.Moments
	nb  *neighbour.Neighbours
	lin *linear.Result
	t34 *[2]float64 // T3 and T4, once computed
	why string      // why the last value returned no params
}

// NeighbourBytes bounds the memory of the neighbour structure of n points
// beyond the points (package neighbour): 80 bytes per point, 12 per
// local-set member (at most n²/2) and 12 per directed edge of the ε-graph
// (at most 2·0.15·n²), and two workers' scratch. It grows as n², so a
// large exact set can exceed the budget that its points fit in.
func NeighbourBytes(n int) int64 {
	nn := int64(n) * int64(n)
	return 80*int64(n) + 6*nn + 12*(3*nn/10) + 2*(16*int64(n)+8*16*int64(n))
}

// linearBytes bounds the memory of the pairwise SVMs of package linear:
// per pair its points in float64 and its kernel matrix, two pairs at once.
func linearBytes(labels []int32, dim int) int64 {
	count := map[int32]int64{}
	for _, l := range labels {
		count[l]++
	}
	var first, second int64 // the two largest classes make the largest pair
	for _, c := range count {
		if c > first {
			first, second = c, first
		} else if c > second {
			second = c
		}
	}
	pair := first + second
	return 2 * 12 * pair * (int64(dim) + pair)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// feasible drops the measures the layer is too wide or too large for.
func (c *layerCalc) feasible(want []string) (keep, skipped []string) {
	drop := func(b survey.Basis, why string) {
		want = slices.DeleteFunc(want, func(m string) bool {
			if basis(m) == b {
				skipped = append(skipped, m+": "+why)
				return true
			}
			return false
		})
	}
	if b := NeighbourBytes(len(c.labels)); b > c.r.workspace {
		drop(survey.Neighbours, fmt.Sprintf("the neighbour structure of %d points may need %s, over the %s left by --memory", len(c.labels), mb(b), mb(c.r.workspace)))
	}
	if b := linearBytes(c.labels, c.l.Dim); b > c.r.workspace {
		drop(survey.SVMs, fmt.Sprintf("the pairwise SVMs may need %s, over the %s left by --memory", mb(b), mb(c.r.workspace)))
	}
	want = slices.DeleteFunc(want, func(m string) bool {
		if why := MomentLimit(m, c.classes, c.l.Dim); why != "" {
			skipped = append(skipped, m+": "+why)
			return true
		}
		return false
	})
	return want, skipped
}

// MomentLimit is why measure m is not computed on a layer of dim features
// with the given number of classes, or "": the co-moments of F1v, T3 and
// T4 (classes·dim² float64) must fit maxComoments, and F1v's
// pseudo-inverses maxF1vWork.
func MomentLimit(m string, classes, dim int) string {
	d := int64(dim)
	if co := int64(classes) * d * d * 8; basis(m) == survey.Comoments && co > maxComoments {
		return fmt.Sprintf("%d×%d co-moments per class would take %d MB", d, d, co>>20)
	}
	if pairs := float64(classes * (classes - 1) / 2); m == "F1v" && pairs*float64(d*d*d) > maxF1vWork {
		return fmt.Sprintf("%g class pairs × a %d×%d pseudo-inverse is too much work", pairs, d, d)
	}
	return ""
}

func (c *layerCalc) moments(co bool) (*feature.Moments, error) {
	if c.fm == nil || (co && !c.fm.HasComoments()) {
		fm := feature.NewMoments(c.l.Dim, co)
		if err := fm.Update(measure.Batch{X: c.x, Labels: c.labels}); err != nil {
			return nil, err
		}
		c.fm = fm
	}
	return c.fm, nil
}

func (c *layerCalc) neighbours() (*neighbour.Neighbours, error) {
	if c.nb == nil {
		x := feature.Rescaled(c.x, len(c.labels), c.l.Dim, c.o.Norm)
		opt := c.o.Neighbour
		nb, err := neighbour.Build(x, c.l.Dim, c.labels, &opt)
		if err != nil {
			return nil, err
		}
		c.nb = nb
	}
	return c.nb, nil
}

func (c *layerCalc) linearity() (*linear.Result, error) {
	if c.lin == nil {
		res, err := linear.Linearity(c.x, c.l.Dim, c.labels, c.o.Linear)
		if err != nil {
			return nil, err
		}
		c.lin = &res
	}
	return c.lin, nil
}

// value computes measure m. A nil params with a nil error means the
// measure does not apply to this layer, for the reason in c.why.
func (c *layerCalc) value(m string) (float64, map[string]any, error) {
	switch b := basis(m); {
	case b == survey.Moments || b == survey.Comoments:
		fm, err := c.moments(b == survey.Comoments)
		if err != nil {
			return 0, nil, err
		}
		return momentValue(m, fm, c.o.Summary, &c.t34), map[string]any{"summary": c.o.Summary.String()}, nil
	case m == "F3" || m == "F4":
		pairs := feature.F3Pairs
		if m == "F4" {
			pairs = feature.F4Pairs
		}
		v, err := pairs(c.x, c.labels, c.l.Dim)
		if err != nil {
			return 0, nil, err
		}
		return c.o.Summary.reduce(v, true), map[string]any{"summary": c.o.Summary.String()}, nil
	case b == survey.Neighbours:
		nb, err := c.neighbours()
		if err != nil {
			return 0, nil, err
		}
		params := nb.Options().Params()
		params["normalize"] = c.o.Norm.String()
		return c.neighbourValue(m, nb), params, nil
	case b == survey.SVMs:
		res, err := c.linearity()
		if err != nil {
			return 0, nil, err
		}
		v := make([]float64, len(res.Pairs))
		for k, p := range res.Pairs {
			switch m {
			case "L1":
				v[k] = p.L1
			case "L2":
				v[k] = p.L2
			default:
				v[k] = p.L3
			}
		}
		return c.o.Summary.reduce(v, true), map[string]any{"summary": c.o.Summary.String(), "classifier": c.o.Linear.Conventions()}, nil
	case m == "GDV":
		v, err := repr.GDV(c.x, c.l.Dim, c.labels)
		return v, map[string]any{}, err
	case m == "NC1":
		v, err := repr.NC1(c.x, c.l.Dim, c.labels)
		return v, map[string]any{"rcond": repr.NC1RCond}, err
	case m == "Probe":
		res, err := linear.LinearProbe(c.x, c.l.Dim, c.labels, c.o.Probe)
		return res.Accuracy, map[string]any{"probe": c.o.Probe.Conventions(), "n_train": res.NTrain, "n_test": res.NTest, "status": res.Status}, err
	case m == "CKA_prev" || m == "CKA_input":
		return c.ckaValue(m)
	}
	return 0, nil, fmt.Errorf("no such measure")
}

// momentValue is measure m (of basis Moments or Comoments) read from fm,
// summarised by s; t34 keeps T3 and T4, which share one PCA.
func momentValue(m string, fm *feature.Moments, s Summary, t34 **[2]float64) float64 {
	switch m {
	case "F1":
		return s.reduce(feature.F1Features(fm), false)
	case "F1v":
		return feature.F1v(fm)
	case "F2":
		return s.reduce(feature.F2Pairs(fm), true)
	case "C1":
		return feature.C1(fm.Counts())
	case "C2":
		return feature.C2(fm.Counts())
	case "T2":
		return feature.T2(fm)
	}
	if *t34 == nil {
		t3, t4 := feature.T3T4(fm)
		*t34 = &[2]float64{t3, t4}
	}
	if m == "T3" {
		return (*t34)[0]
	}
	return (*t34)[1]
}

// MomentRows returns the rows of the measures among names that are read
// from class moments (F1, F1v, F2, T2, T3, T4, C1, C2), from fm, as Extra
// writes them. fm must keep co-moments for F1v, T3 and T4, which are
// skipped otherwise.
func MomentRows(fm *feature.Moments, names []string, o Options) []Row {
	var rows []Row
	var t34 *[2]float64
	for _, m := range names {
		b := basis(m)
		if b != survey.Moments && (b != survey.Comoments || !fm.HasComoments()) {
			continue
		}
		rows = append(rows, NewRow(m, momentValue(m, fm, o.Summary, &t34), map[string]any{"summary": o.Summary.String()}))
	}
	return rows
}

func (c *layerCalc) neighbourValue(m string, nb *neighbour.Neighbours) float64 {
	switch m {
	case "N1":
		return nb.N1()
	case "N2":
		return nb.N2()
	case "N3":
		return nb.N3()
	case "N4":
		return nb.N4()
	case "T1":
		return nb.T1()
	case "LSC":
		return nb.LSC()
	case "Density":
		return nb.Density()
	case "ClsCoef":
		return nb.ClsCoef()
	case "Hubs":
		return nb.Hubs()
	}
	v, err := nb.TwoNN()
	if err != nil {
		return math.NaN()
	}
	return v
}

// ckaValue is linear CKA between this layer and the previous routed layer
// (CKA_prev) or layer 0 when it is the model's input (CKA_input). Every
// exact layer holds the same points in the same order, so rows match;
// they are visited in one seeded order, because minibatch CKA depends on
// the batches and data sets often come sorted by class.
func (c *layerCalc) ckaValue(m string) (float64, map[string]any, error) {
	j := c.i - 1
	if m == "CKA_input" {
		j = 0
		if c.r.layers[0].OpType != "Input" {
			c.why = "layer 0 is not the input"
			return 0, nil, nil
		}
	}
	if c.i == 0 || j < 0 {
		c.why = "no earlier layer"
		return 0, nil, nil
	}
	other, ok := c.r.est[j].(*n1.ExactN1)
	if !ok {
		c.why = fmt.Sprintf("layer %q is not measured exactly", c.r.layers[j].Name)
		return 0, nil, nil
	}
	y, _ := other.Points()
	dx, dy, n := c.l.Dim, c.r.layers[j].Dim, len(c.labels)
	order := rand.New(rand.NewPCG(c.o.Seed, 0x636b61)).Perm(n) // "cka"
	cka := repr.NewCKA(dx, dy)
	var bx, by []float32
	var bl []int32
	for _, b := range repr.Batches(n, repr.DefaultBatch) {
		bx, by, bl = bx[:0], by[:0], bl[:0]
		for _, row := range order[b[0]:b[1]] {
			bx = append(bx, c.x[row*dx:(row+1)*dx]...)
			by = append(by, y[row*dy:(row+1)*dy]...)
			bl = append(bl, c.labels[row])
		}
		if err := cka.Update(measure.Batch{X: bx, Y: by, Labels: bl}); err != nil {
			return 0, nil, err
		}
	}
	return cka.Value(), map[string]any{"with_layer": c.r.layers[j].Name, "batch": repr.DefaultBatch, "order_seed": c.o.Seed}, nil
}
