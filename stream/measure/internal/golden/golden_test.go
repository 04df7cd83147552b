package golden

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"cxray/internal/fixture"
	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/linear"
	"cxray/stream/measure/mst"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/neighbour"
	"cxray/stream/measure/project"
	"cxray/stream/measure/reservoir"
	"cxray/stream/measure/survey"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

var update = flag.Bool("update", false, "rewrite fixtures/golden/measures.json with this build's values")

const goldenPath = "fixtures/golden/measures.json"

// set is one fixture: labelled points.
type set struct {
	name string
	x    []float32
	y    []int32
	dim  int
}

func (s set) n() int { return len(s.y) }

// prefix returns the first n points of s.
func (s set) prefix(n int) set {
	return set{name: s.name, x: s.x[:n*s.dim], y: s.y[:n], dim: s.dim}
}

func iris(t *testing.T) set {
	x, y, dim, err := fixture.CSV("fixtures/iris.csv", "species", 32)
	if err != nil {
		t.Fatal(err)
	}
	return set{"iris", fixture.Float32(x), y, dim}
}

// ties is a set with many duplicate points and tied distances: 400 points
// of 3 integer coordinates in 0..3, 3 classes.
func ties() set {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, dim = 400, 3
	x, y := make([]float32, n*dim), make([]int32, n)
	for i := range n {
		y[i] = int32(rng.IntN(3))
		for j := range dim {
			x[i*dim+j] = float32(rng.IntN(4))
		}
	}
	return set{"ties", x, y, dim}
}

// acts returns the layers of fixtures/activations (300 samples of a small
// convolutional network), in graph order.
func acts(t *testing.T) []set {
	lab, _, err := fixture.NPY("fixtures/activations/labels.npy")
	if err != nil {
		t.Fatal(err)
	}
	y := make([]int32, len(lab))
	for i, v := range lab {
		y[i] = int32(v)
	}
	var out []set
	for _, name := range []string{"conv", "relu1", "pool", "flatten", "fc1", "relu2", "fc2"} {
		v, shape, err := fixture.NPY("fixtures/activations/" + name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if shape[0] != len(y) {
			t.Fatalf("%s: %d rows for %d labels", name, shape[0], len(y))
		}
		x := make([]float32, len(v))
		for i, f := range v {
			x[i] = float32(f) // the file's float32, exactly
		}
		out = append(out, set{"acts-" + name, x, y, len(v) / len(y)})
	}
	return out
}

func mnist(t *testing.T, n int) set {
	x, y, err := fixture.MNIST("train", n)
	if err != nil {
		t.Skipf("MNIST: %v", err)
	}
	return set{"mnist", x, y, 784}
}

// book records values by key, as the strings the golden file holds: a
// float64 as its bit pattern and its shortest decimal, an integer, a
// string, or a hash of a vector's bit patterns.
type book map[string]string

func (b book) f(key string, v float64) {
	b[key] = fmt.Sprintf("%016x %s", math.Float64bits(v), strconv.FormatFloat(v, 'g', -1, 64))
}

func (b book) i(key string, v int64) { b[key] = "i " + strconv.FormatInt(v, 10) }

func (b book) s(key, v string) { b[key] = "s " + v }

func (b book) fs(key string, v []float64) {
	h := fnv.New64a()
	for _, f := range v {
		var w [8]byte
		u := math.Float64bits(f)
		for k := range w {
			w[k] = byte(u >> (8 * k))
		}
		h.Write(w[:])
	}
	b[key] = fmt.Sprintf("h %016x len %d", h.Sum64(), len(v))
}

func (b book) f32s(key string, v []float32) {
	w := make([]float64, len(v))
	for i, f := range v {
		w[i] = float64(f)
	}
	b.fs(key, w)
}

func (b book) ints(key string, v []int) {
	w := make([]float64, len(v))
	for i, k := range v {
		w[i] = float64(k)
	}
	b.fs(key, w)
}

// any records a params value: numbers and strings as themselves, slices
// element by element, maps key by key.
func (b book) any(key string, v any) {
	switch v := v.(type) {
	case float64:
		b.f(key, v)
	case float32:
		b.f(key, float64(v))
	case int:
		b.i(key, int64(v))
	case int64:
		b.i(key, v)
	case uint64:
		b.s(key, strconv.FormatUint(v, 10))
	case string:
		b.s(key, v)
	case bool:
		b.s(key, strconv.FormatBool(v))
	case []float64:
		for i, f := range v {
			b.f(fmt.Sprintf("%s/%d", key, i), f)
		}
	case [][2]float64:
		for i, p := range v {
			b.f(fmt.Sprintf("%s/%d/0", key, i), p[0])
			b.f(fmt.Sprintf("%s/%d/1", key, i), p[1])
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			b.any(key+"/"+k, v[k])
		}
	default:
		b.s(key, fmt.Sprintf("%T %v", v, v))
	}
}

func (b book) estimate(key string, e measure.Estimate) {
	b.f(key+"/value", e.Value)
	b.f(key+"/ci_low", e.CILow)
	b.f(key+"/ci_high", e.CIHigh)
	b.i(key+"/n", int64(e.N))
	b.i(key+"/seen", e.Seen)
	b.s(key+"/method", e.Method)
	b.any(key+"/params", e.Params)
}

var norms = []measure.Normalization{measure.NormNone, measure.NormMinMax, measure.NormZScore}

var methods = []mst.Method{mst.Dense, mst.Stepwise, mst.Gram, mst.Lazy, mst.Auto}

// exact records the tree of every method under every normalisation, and
// ExactN1's value.
func exact(t *testing.T, b book, s set) {
	for _, norm := range norms {
		w := feature.Weights(s.x, s.n(), s.dim, norm)
		key := fmt.Sprintf("%s/exact/%s", s.name, norm)
		b.fs(key+"/weights", w)
		b.f32s(key+"/rescaled", feature.Rescaled(s.x, s.n(), s.dim, norm))
		var first *mst.Tree
		for _, m := range methods {
			tr, err := mst.Build(s.x, s.dim, &mst.Options{Weights: w, TieRTol: mst.DefaultTieRTol, Method: m})
			if err != nil {
				t.Fatal(err)
			}
			k := key + "/" + m.String()
			b.ints(k+"/parent", tr.Parent)
			b.fs(k+"/weight", tr.Weight)
			b.ints(k+"/order", tr.Order)
			b.f(k+"/n1", float64(mst.CrossVertices(tr.Parent, s.y))/float64(s.n()))
			if first == nil {
				first = tr
			} else if !slices.Equal(first.Parent, tr.Parent) || !slices.Equal(first.Weight, tr.Weight) {
				t.Errorf("%s: method %v builds another tree than %v", key, m, methods[0])
			}
		}
		e := n1.NewExactN1(s.dim, norm)
		if err := e.Update(measure.Batch{X: s.x, Labels: s.y}); err != nil {
			t.Fatal(err)
		}
		v, err := e.Value()
		if err != nil {
			t.Fatal(err)
		}
		b.f(key+"/value", v)
		b.any(key+"/conventions", e.Conventions().Params())
	}
	// Exact comparisons, no tolerance.
	for _, m := range []mst.Method{mst.Dense, mst.Lazy} {
		tr, err := mst.Build(s.x, s.dim, &mst.Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%s/exact/rtol0/%s", s.name, m)
		b.ints(k+"/parent", tr.Parent)
		b.fs(k+"/weight", tr.Weight)
	}
}

// running records ExactN1's readings after every batch, its insertion
// statistics, the final value, and a merge of two halves.
func running(t *testing.T, b book, s set, batch int, norm measure.Normalization) {
	key := fmt.Sprintf("%s/running/%s", s.name, norm)
	e := n1.NewExactN1(s.dim, norm)
	for lo, k := 0, 0; lo < s.n(); lo, k = lo+batch, k+1 {
		hi := min(lo+batch, s.n())
		if err := e.Update(measure.Batch{X: s.x[lo*s.dim : hi*s.dim], Labels: s.y[lo:hi]}); err != nil {
			t.Fatal(err)
		}
		if hi < 2 {
			continue
		}
		v, err := e.Running()
		if err != nil {
			t.Fatal(err)
		}
		b.f(fmt.Sprintf("%s/%d", key, k), v.Value)
		rs := e.RunningStats()
		b.s(fmt.Sprintf("%s/%d/stats", key, k), fmt.Sprintf("n %d ties %d evals %d", rs.N, rs.Ties, rs.ExactEvals))
	}
	v, err := e.Value()
	if err != nil {
		t.Fatal(err)
	}
	b.f(key+"/value", v)
	b.s(key+"/value_method", e.Stats().Method.String())

	a := halves(t, s, n1.NewExactN1(s.dim, norm), n1.NewExactN1(s.dim, norm))
	if v, err = a.Value(); err != nil {
		t.Fatal(err)
	}
	b.f(key+"/merged", v)
}

// halves feeds the first half of s to a and the rest to b, merges b into
// a and returns a.
func halves[S measure.Merger[S]](t *testing.T, s set, a, b S) S {
	half := s.n() / 2
	if err := a.Update(measure.Batch{X: s.x[:half*s.dim], Labels: s.y[:half]}); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(measure.Batch{X: s.x[half*s.dim:], Labels: s.y[half:]}); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	return a
}

// projected records ProjectedN1 under a plain and a fitted map to k
// dimensions: the projected points, the readings after every batch and
// the final estimate.
func projected(t *testing.T, b book, s set, k, batch int) {
	fitted, err := project.Fit(s.x, project.BasisRows(k), s.dim, k, 11)
	if err != nil {
		t.Fatal(err)
	}
	for _, proj := range []*project.Map{project.New(s.dim, k, 11), fitted} {
		key := fmt.Sprintf("%s/projected/%s/%d", s.name, proj.Kind(), k)
		y := make([]float32, s.n()*k)
		proj.Apply(y, s.x, s.n())
		b.f32s(key+"/points", y)
		b.f(key+"/captured", proj.Captured())
		e := n1.NewProjectedN1(s.dim, proj, measure.NormNone)
		for lo, i := 0, 0; lo < s.n(); lo, i = lo+batch, i+1 {
			hi := min(lo+batch, s.n())
			if err := e.Update(measure.Batch{X: s.x[lo*s.dim : hi*s.dim], Labels: s.y[lo:hi]}); err != nil {
				t.Fatal(err)
			}
			r, err := e.Running()
			if err != nil {
				t.Fatal(err)
			}
			b.estimate(fmt.Sprintf("%s/running/%d", key, i), r)
		}
		r, err := e.Estimate()
		if err != nil {
			t.Fatal(err)
		}
		b.estimate(key+"/final", r)
		b.any(key+"/conventions", e.Conventions().Params())
	}
}

// sampled records SampledN1's estimate on a stratified reservoir of m
// points, every row offered (dropped ones with slot -1).
func sampled(t *testing.T, b book, s set, classes, m, maxPool, batch int, proj *project.Map, norm measure.Normalization, tag string) {
	key := fmt.Sprintf("%s/sampled/%s", s.name, tag)
	sp := reservoir.New(reservoir.StratifiedCapacity(m, classes), 3)
	e := n1.NewSampledN1(s.dim, sp, proj, norm)
	if maxPool > 0 {
		e.MaxPool = maxPool
	}
	var slots, all []int
	for lo := 0; lo < s.n(); lo += batch {
		hi := min(lo+batch, s.n())
		var err error
		if slots, err = sp.OfferBatch(slots, s.y[lo:hi]); err != nil {
			t.Fatal(err)
		}
		all = append(all, slots...)
		if err := e.Update(measure.Batch{X: s.x[lo*s.dim : hi*s.dim], Labels: s.y[lo:hi], Slots: slots}); err != nil {
			t.Fatal(err)
		}
	}
	b.ints(key+"/slots", all)
	r, err := e.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	b.estimate(key, r)
	b.any(key+"/conventions", e.Conventions().Params())
}

// routed runs layers through a tap.Router under the plan options o, as
// the pipeline does (only admitted rows reach the estimators), and
// records every layer's final estimate.
func routed(t *testing.T, b book, tag string, layers []set, classes, batch int, o plan.Options) *tap.Router {
	dims := make([]int, len(layers))
	tl := make([]tap.Layer, len(layers))
	for i, l := range layers {
		dims[i] = l.dim
		tl[i] = tap.Layer{Index: i, Name: l.name, OpType: "Layer", Shape: []int{l.dim}, Dim: l.dim}
	}
	tl[0].OpType = "Input"
	n := layers[0].n()
	p, err := plan.Make(dims, n, o)
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(tl, p, measure.NormNone, classes, 1<<30)
	y := layers[0].y
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		rows, slots := r.Admit(y[lo:hi])
		for i, l := range layers {
			if err := r.Update(i, tap.Admitted(measure.Batch{Slots: slots}, l.x[lo*l.dim:hi*l.dim], y[lo:hi], l.dim, rows)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range layers {
		e, err := r.Estimate(i, true)
		if err != nil {
			t.Fatal(err)
		}
		b.estimate(fmt.Sprintf("%s/routed/%s/%s", layers[i].name, tag, p.Methods[i]), e)
	}
	return r
}

// extra records every measure tap's Extra computes on exactly measured
// layers, under the option sets given.
func extra(t *testing.T, b book, tag string, layers []set, classes int, opts map[string]tap.Options, only []int) {
	r := routed(t, b, tag, layers, classes, 64, plan.Options{Budget: 1 << 40, Sample: -1, Project: -1})
	all, err := survey.Parse("all")
	if err != nil {
		t.Fatal(err)
	}
	for _, on := range slices.Sorted(maps.Keys(opts)) {
		for i := range layers {
			if only != nil && !slices.Contains(only, i) {
				continue
			}
			names := all
			if layers[i].dim > maxF1vDim {
				names = slices.DeleteFunc(slices.Clone(all), func(m string) bool { return m == "F1v" })
			}
			rows, skipped := r.Extra(i, names, opts[on])
			key := fmt.Sprintf("%s/extra/%s/%s", layers[i].name, tag, on)
			for _, row := range rows {
				b.f(key+"/"+row.Measure, row.Value)
				b.any(key+"/"+row.Measure+"/params", row.Params)
			}
			b.s(key+"/skipped", strings.Join(skipped, "; "))
		}
	}
}

// maxF1vDim is the widest set whose F1v is recorded: F1v takes a d×d
// eigendecomposition per pair of classes, seconds each on wide layers.
const maxF1vDim = 100

// features records the class moments (fed in batches, and merged from two
// halves), the measures read from them and those read from the points.
func features(t *testing.T, b book, s set) {
	key := s.name + "/feature"
	whole := feature.NewMoments(s.dim, true)
	for lo := 0; lo < s.n(); lo += 37 {
		hi := min(lo+37, s.n())
		if err := whole.Update(measure.Batch{X: s.x[lo*s.dim : hi*s.dim], Labels: s.y[lo:hi]}); err != nil {
			t.Fatal(err)
		}
	}
	merged := halves(t, s, feature.NewMoments(s.dim, true), feature.NewMoments(s.dim, true))
	plain := feature.NewMoments(s.dim, false)
	if err := plain.Update(measure.Batch{X: s.x, Labels: s.y}); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*feature.Moments{"batched": whole, "merged": merged, "plain": plain} {
		k := key + "/" + name
		b.fs(k+"/f1_features", feature.F1Features(m))
		b.f(k+"/f1", feature.F1(m))
		b.fs(k+"/f2_pairs", feature.F2Pairs(m))
		b.f(k+"/f2", feature.F2(m))
		b.f(k+"/t2", feature.T2(m))
		counts := m.Counts()
		c := make([]int, len(counts))
		for i, v := range counts {
			c[i] = int(v)
		}
		b.ints(k+"/counts", c)
		b.f(k+"/c1", feature.C1(counts))
		b.f(k+"/c2", feature.C2(counts))
		if m.HasComoments() {
			if s.dim <= maxF1vDim {
				b.fs(k+"/f1v_pairs", feature.F1vPairs(m))
				b.f(k+"/f1v", feature.F1v(m))
			}
			t3, t4 := feature.T3T4(m)
			b.f(k+"/t3", t3)
			b.f(k+"/t4", t4)
			b.i(k+"/pca90", int64(feature.PCAComponents(m, 0.9)))
			b.i(k+"/pca50", int64(feature.PCAComponents(m, 0.5)))
		}
	}
	f3, err := feature.F3Pairs(s.x, s.y, s.dim)
	if err != nil {
		t.Fatal(err)
	}
	f4, err := feature.F4Pairs(s.x, s.y, s.dim)
	if err != nil {
		t.Fatal(err)
	}
	b.fs(key+"/f3_pairs", f3)
	b.fs(key+"/f4_pairs", f4)
}

// neighbours records the tree and N1 of package neighbour under its
// distances and zero rules, and the linear measures' per-pair results.
func neighbours(t *testing.T, b book, s set) {
	man := neighbour.DefaultOptions()
	man.Distance = neighbour.Manhattan
	for name, o := range map[string]neighbour.Options{"default": neighbour.DefaultOptions(), "ecol": neighbour.ECoLOptions(), "manhattan": man} {
		nb, err := neighbour.Build(s.x, s.dim, s.y, &o)
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%s/neighbour/%s", s.name, name)
		b.ints(k+"/prim", nb.PrimTree())
		b.f(k+"/n1", nb.N1())
	}
	for name, o := range map[string]linear.Options{"default": linear.DefaultOptions(), "ecol": linear.ECoLOptions()} {
		res, err := linear.Linearity(s.x, s.dim, s.y, o)
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%s/linear/%s", s.name, name)
		for i, p := range res.Pairs {
			b.f(fmt.Sprintf("%s/%d/dist_sum", k, i), p.DistSum)
			b.i(fmt.Sprintf("%s/%d/errors", k, i), int64(p.Errors))
		}
	}
	pr, err := linear.LinearProbe(s.x, s.dim, s.y, linear.ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	k := s.name + "/probe"
	b.f(k+"/accuracy", pr.Accuracy)
	b.f(k+"/train_accuracy", pr.TrainAccuracy)
	b.f(k+"/loss", pr.Loss)
}

// compute fills b with every value; short leaves out the wide layers and
// MNIST.
func compute(t *testing.T, b book, short bool) {
	ir, ti, ac := iris(t), ties(), acts(t)
	conv, flat, fc1 := ac[0], ac[3], ac[4]

	for _, s := range []set{ir, ti, fc1, conv} {
		if short && s.dim > maxF1vDim {
			continue
		}
		exact(t, b, s)
		neighbours(t, b, s)
	}
	for _, s := range []set{ir, ti, fc1, ac[2]} {
		features(t, b, s)
	}
	running(t, b, ir, 25, measure.NormNone)
	running(t, b, ir, 25, measure.NormZScore)
	running(t, b, ti, 40, measure.NormNone)
	running(t, b, fc1, 50, measure.NormMinMax)
	projected(t, b, flat, 16, 50)

	for _, norm := range norms {
		sampled(t, b, ir, 3, 60, 0, 7, nil, norm, "m60/"+norm.String())
		sampled(t, b, ir, 3, 600, 0, 7, nil, norm, "m600/"+norm.String())
	}
	sampled(t, b, ti, 3, 150, 0, 32, nil, measure.NormNone, "m150")
	sampled(t, b, ti, 3, 150, 60, 32, nil, measure.NormMinMax, "m150/pool60/minmax")

	def := tap.DefaultOptions()
	zs := tap.DefaultOptions()
	zs.Norm = measure.NormZScore
	zs.Neighbour.Distance = neighbour.Manhattan
	mean := tap.DefaultOptions()
	mean.Summary = tap.SummaryMean
	mean.Norm = measure.NormMinMax
	opts := map[string]tap.Options{"default": def, "ecol": tap.ECoLOptions(), "zscore": zs, "mean": mean}
	extra(t, b, "iris", []set{ir}, 3, opts, nil)
	extra(t, b, "ties", []set{ti}, 3, opts, nil)
	if short {
		return
	}

	running(t, b, conv, 50, measure.NormNone)
	projected(t, b, conv, 32, 50)
	sampled(t, b, conv, 10, 120, 0, 50, nil, measure.NormNone, "m120")
	sampled(t, b, conv, 10, 120, 0, 50, project.New(conv.dim, 32, 5), measure.NormNone, "m120/jl32")
	fit, err := project.Fit(conv.x, project.BasisRows(32), conv.dim, 32, 5)
	if err != nil {
		t.Fatal(err)
	}
	sampled(t, b, conv, 10, 120, 0, 50, fit, measure.NormNone, "m120/pca32")
	sampled(t, b, conv, 10, 400, 0, 50, fit, measure.NormNone, "m400/pca32")

	routed(t, b, "jl16", ac, 10, 64, plan.Options{Budget: 1 << 40, Sample: -1, Project: 16, Projection: plan.ProjectJL, Seed: 9})
	routed(t, b, "pca16", ac, 10, 64, plan.Options{Budget: 1 << 40, Sample: -1, Project: 16, Seed: 9})
	routed(t, b, "m100", ac, 10, 64, plan.Options{Budget: 1 << 40, Sample: 100, Project: -1, Seed: 9})
	routed(t, b, "m100pca16", ac, 10, 64, plan.Options{Budget: 1 << 40, Sample: 100, Project: 16, Seed: 9})
	extra(t, b, "acts", ac, 10, map[string]tap.Options{"default": def}, nil)
	extra(t, b, "acts", ac, 10, opts, []int{0, 4})

	mn := mnist(t, 1500)
	exact(t, b, mn)
	running(t, b, mn, 100, measure.NormNone)
	projected(t, b, mn, 48, 100)
	sampled(t, b, mn, 10, 600, 0, 100, nil, measure.NormNone, "m600")
	sampled(t, b, mn, 10, 600, 250, 100, nil, measure.NormZScore, "m600/pool250/zscore")
	small := mn.prefix(1000)
	extra(t, b, "mnist", []set{small}, 10, map[string]tap.Options{"default": def}, nil)
	features(t, b, mn.prefix(600))
}

// golden is the file: values the same under every build, and per build
// the values whose last bits depend on its BLAS.
type golden struct {
	Comment string                       `json:"comment"`
	Values  map[string]string            `json:"values"`
	Builds  map[string]map[string]string `json:"builds"`
}

func (g *golden) of(build string) map[string]string {
	out := maps.Clone(g.Values)
	maps.Copy(out, g.Builds[build])
	return out
}

func TestGolden(t *testing.T) {
	short := testing.Short()
	b := book{}
	compute(t, b, short)
	path := fixture.Path(goldenPath)
	var g golden
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &g); err != nil {
			t.Fatalf("%s: %v", goldenPath, err)
		}
	} else if !*update {
		t.Fatalf("%v (generate it with -update)", err)
	}
	if *update {
		if short {
			t.Fatal("-update needs the whole set: drop -short")
		}
		write(t, path, merge(g, b))
		return
	}
	want := g.of(build)
	var bad []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		got, ok := b[k]
		if !ok && short {
			continue // -short computes a subset
		}
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%s: missing (want %s)", k, want[k]))
		case got != want[k]:
			bad = append(bad, fmt.Sprintf("%s: %s, want %s", k, got, want[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if _, ok := want[k]; !ok {
			bad = append(bad, fmt.Sprintf("%s: new value %s", k, b[k]))
		}
	}
	for i, s := range bad {
		if i == 40 {
			t.Errorf("... and %d more", len(bad)-i)
			break
		}
		t.Error(s)
	}
	t.Logf("%d values compared (%s build)", len(b), build)
}

// merge folds this build's values into the file: a value that another
// build recorded differently is kept per build, every other one is common.
func merge(g golden, b book) golden {
	out := golden{
		Comment: "float64 bit patterns of the measure packages' values; see stream/measure/internal/golden",
		Values:  map[string]string{},
		Builds:  map[string]map[string]string{},
	}
	others := map[string]map[string]string{}
	for name := range g.Builds {
		if name != build {
			others[name] = g.of(name)
		}
	}
	if len(others) == 0 && len(g.Values) > 0 && g.Builds[build] == nil {
		// The file so far holds another build's values as common ones.
		others["other"] = g.Values
	}
	for k, v := range b {
		same := true
		for _, o := range others {
			if w, ok := o[k]; ok && w != v {
				same = false
			}
		}
		if same {
			out.Values[k] = v
			continue
		}
		if out.Builds[build] == nil {
			out.Builds[build] = map[string]string{}
		}
		out.Builds[build][k] = v
		for name, o := range others {
			if out.Builds[name] == nil {
				out.Builds[name] = map[string]string{}
			}
			out.Builds[name][k] = o[k]
		}
	}
	return out
}

func write(t *testing.T, path string, g golden) {
	if o, ok := g.Builds["other"]; ok {
		// A first file written by one build, now split: name the other.
		other := "openblas"
		if build == "openblas" {
			other = "gonum"
		}
		g.Builds[other] = o
		delete(g.Builds, "other")
	}
	data, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range g.Builds {
		n += len(m)
	}
	t.Logf("wrote %s: %d common values, %d per build", goldenPath, len(g.Values), n)
}
