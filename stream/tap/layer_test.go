package tap_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"cxray/importer"
	"cxray/runtime"
	"cxray/stream/measure"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

func leNetLayers(t *testing.T) []tap.Layer {
	t.Helper()
	g, err := importer.Load("../../fixtures/models/lenet5_op9.onnx")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := runtime.New(g)
	if err != nil {
		t.Fatal(err)
	}
	sample := []int{1, 28, 28}
	shapes, err := ex.OutputShapes(sample)
	if err != nil {
		t.Fatal(err)
	}
	return tap.FromGraph(g, [][]int{sample}, shapes)
}

func TestFromGraph(t *testing.T) {
	ls := leNetLayers(t)
	// input, 2×(Conv, Relu, MaxPool), Flatten, 3 Gemm, 2 Relu.
	if len(ls) != 13 {
		t.Fatalf("%d layers, want 13: %v", len(ls), ls)
	}
	if ls[0].Name != "input" || ls[0].OpType != "Input" || ls[0].Dim != 784 {
		t.Errorf("layer 0 = %+v", ls[0])
	}
	for i, l := range ls {
		if l.Index != i {
			t.Errorf("layer %q has index %d at position %d", l.Name, l.Index, i)
		}
	}
	if l := ls[1]; l.OpType != "Conv" || l.ShapeString() != "6×28×28" || l.Dim != 4704 {
		t.Errorf("layer 1 = %+v", l)
	}
	if l := ls[len(ls)-1]; l.Name != "output" || l.Dim != 10 {
		t.Errorf("last layer = %+v", l)
	}
}

func TestSelect(t *testing.T) {
	ls := leNetLayers(t)
	got, err := tap.Select(ls, "output, 0,3")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Index != 0 || got[1].Index != 3 || got[2].Name != "output" {
		t.Errorf("Select kept %v, want layers 0, 3 and output in graph order", got)
	}
	if all, _ := tap.Select(ls, "all"); len(all) != len(ls) {
		t.Errorf("all selected %d of %d", len(all), len(ls))
	}
	for _, empty := range []string{"", " ", "0,,3", "0,"} {
		if _, err := tap.Select(ls, empty); err == nil {
			t.Errorf("Select(%q) chose layers; want an error", empty)
		}
	}
	if _, err := tap.Select(ls, "0,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown layer: %v", err)
	}
}

func TestRouterChecksBatchSize(t *testing.T) {
	layers := []tap.Layer{tap.InputLayer("input", []int{2})}
	p, err := plan.Make([]int{2}, 4, plan.Options{Budget: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
	labels := []int32{0, 1}
	if err := r.Update(0, measure.Batch{X: []float32{1, 2, 3}, Labels: labels}); err == nil || !strings.Contains(err.Error(), "input") {
		t.Errorf("3 values for 2 samples of dim 2: %v", err)
	}
	if rows, slots := r.Admit(labels); rows != nil || slots != nil {
		t.Errorf("an exact plan admitted rows %v slots %v, want all (nil)", rows, slots)
	}
	for _, x := range [][]float32{{0, 0, 1, 1}, {0, 1, 1, 0}} {
		if err := r.Update(0, measure.Batch{X: x, Labels: labels}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := r.Estimate(0, true)
	if err != nil {
		t.Fatal(err)
	}
	// Four corners of the unit square, labels 0, 1, 0, 1 at (0,0), (1,1),
	// (0,1), (1,0). Dense Prim from vertex 0 builds 0–2, 2–1, 0–3 (ties
	// go to the lower index and the earlier parent); the cross edges 2–1
	// and 0–3 touch all four vertices.
	if e.N != 4 || e.Value != 1 || e.Method != "exact" {
		t.Errorf("estimate %+v, want N1 = 1 over 4 points", e)
	}
}

// With a reservoir, one sampler decides for every layer.
func TestRouterSharesTheReservoir(t *testing.T) {
	layers := []tap.Layer{tap.InputLayer("input", []int{3}), {Index: 1, Name: "h", Dim: 300}}
	p, err := plan.Make([]int{3, 300}, 1000, plan.Options{Budget: 1 << 30, Sample: 100, Classes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
	labels := make([]int32, 1000)
	for i := range labels {
		labels[i] = int32(i % 2)
	}
	rows, slots := r.Admit(labels)
	if len(rows) < 100 || len(rows) != len(slots) {
		t.Fatalf("admitted %d rows with %d slots", len(rows), len(slots))
	}
	for _, s := range slots {
		if s < 0 || s >= 100 {
			t.Fatalf("slot %d outside the reservoir of 100", s)
		}
	}
}

// A layer projected by a fitted map waits for its first 2K rows, fits
// the map on them and replays them: the result is that of an estimator
// given the fitted map from the start. A reading before the fit uses a
// map fitted on the rows so far.
func TestRouterFitsProjection(t *testing.T) {
	const n, dim, k, batch = 100, 40, 8, 10
	layers := []tap.Layer{tap.InputLayer("input", []int{3}), {Index: 1, Name: "h", Dim: dim}}
	x, labels := twoClasses(n, dim, 5)
	for _, sample := range []int{0, 50} {
		p, err := plan.Make([]int{3, dim}, n, plan.Options{Budget: 1 << 30, Project: k, Sample: sample, Classes: 2, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
		for at := 0; at < n; at += batch {
			ys, xs := labels[at:at+batch], x[at*dim:(at+batch)*dim]
			rows, slots := r.Admit(ys)
			// As the pipeline: only the admitted rows go on.
			b := tap.Admitted(measure.Batch{Slots: slots}, xs, ys, dim, rows)
			if err := r.Update(1, b); err != nil {
				t.Fatal(err)
			}
			b.X = make([]float32, len(b.Labels)*3)
			if err := r.Update(0, b); err != nil {
				t.Fatal(err)
			}
			if at == 0 {
				e, err := r.Estimate(1, false)
				if err != nil || e.Params["basis_points"] != batch {
					t.Fatalf("sample %d: reading before the fit: %v, params %v", sample, err, e.Params)
				}
			}
		}
		got, err := r.Estimate(1, true)
		if err != nil {
			t.Fatal(err)
		}
		// The fit takes the whole batches that reach 2K rows.
		basis := (project.BasisRows(k) + batch - 1) / batch * batch
		if got.Params["projection"] != project.PCAJL || got.Params["basis_points"] != basis {
			t.Errorf("sample %d: params %v, want a fitted map on %d points", sample, got.Params, basis)
		}
		if sample > 0 {
			if got.Method != measure.EstimateSampledProjected {
				t.Errorf("method %q, want %q", got.Method, measure.EstimateSampledProjected)
			}
			continue
		}
		proj, err := project.Fit(x, basis, dim, k, got.Params["projection_seed"].(uint64))
		if err != nil {
			t.Fatal(err)
		}
		direct := n1.NewProjectedN1(dim, proj, measure.NormNone)
		if err := direct.Update(measure.Batch{X: x, Labels: labels}); err != nil {
			t.Fatal(err)
		}
		// The router checks its reading against the rows past the fit's
		// as they were.
		from := project.BasisRows(k)
		want, err := direct.CheckedEstimate(x[from*dim:], labels[from:], from)
		if err != nil {
			t.Fatal(err)
		}
		if got.Value != want.Value || got.N != n || got.Params["check_n"] != n-from {
			t.Errorf("routed N1 %v over %d points, want %v over %d", got.Value, got.N, want.Value, n)
		}
	}
}

// A layer of a pass that holds fewer check rows than n1.CheckSamples is
// checked on that many: its reading is CheckedEstimate on its first rows.
func TestRouterHoldsThePlansCheckRows(t *testing.T) {
	const n, dim, k, batch, rows = 100, 40, 8, 10, 35
	layers := []tap.Layer{{Index: 1, Name: "h", Dim: dim}}
	x, labels := twoClasses(n, dim, 7)
	p := &plan.Plan{N: n, K: k, Projection: plan.ProjectJL, Seed: 3, Methods: []string{"projected"}, Dims: []int{k}, Checks: []int{rows}}
	r := tap.NewRouter(layers, p, measure.NormNone, 2, 1<<20)
	for at := 0; at < n; at += batch {
		ys := labels[at : at+batch]
		if err := r.Update(0, tap.Admitted(measure.Batch{}, x[at*dim:(at+batch)*dim], ys, dim, nil)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Estimate(0, true)
	if err != nil {
		t.Fatal(err)
	}
	direct := n1.NewProjectedN1(dim, project.New(dim, k, got.Params["projection_seed"].(uint64)), measure.NormNone)
	if err := direct.Update(measure.Batch{X: x, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	want, err := direct.CheckedEstimate(x[:rows*dim], labels[:rows], 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Params["check_n"] != rows || got.Value != want.Value || got.CIHigh != want.CIHigh {
		t.Errorf("routed: N1 %v [%v, %v] on %v check rows; want %v [%v, %v] on %d", got.Value, got.CILow, got.CIHigh, got.Params["check_n"], want.Value, want.CILow, want.CIHigh, rows)
	}
}

// twoClasses returns n standard normal points of dimension dim drawn with
// seed, labelled 0 and 1 in turn.
func twoClasses(n, dim int, seed uint64) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(i % 2)
	}
	return x, labels
}
