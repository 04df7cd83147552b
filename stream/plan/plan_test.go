package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cxray/stream/measure/n1"
)

// LeNet-5's 13 layers, input first.
var lenet = []int{784, 4704, 4704, 1176, 1600, 1600, 400, 400, 120, 120, 84, 84, 10}

func TestExactWhenItFits(t *testing.T) {
	p, err := Make(lenet, 2000, Options{Budget: 512 << 20, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Exact() || p.ExactBytes > 512<<20 {
		t.Errorf("plan %+v, want exact", p)
	}
	for _, m := range p.Methods {
		if m != "exact" {
			t.Errorf("method %s", m)
		}
	}
}

func TestProjectThenSample(t *testing.T) {
	// 60000 samples: exact needs ~4 GB. Projection alone still needs
	// 13 layers × 60000 × ≤256 dims; sampling has to follow.
	p, err := Make(lenet, 60000, Options{Budget: 512 << 20, Classes: 10, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if p.K != DefaultK || p.M == 0 || p.M >= 60000 {
		t.Fatalf("plan K=%d M=%d, want projection and sampling", p.K, p.M)
	}
	if got := p.StateBytes + p.Workspace; got > 512<<20 {
		t.Errorf("plan uses %d bytes, over the budget", got)
	}
	if p.M != MaxAutoSample {
		t.Errorf("M=%d, want the cap %d (a larger reservoir fits)", p.M, MaxAutoSample)
	}
	p64, err := Make(lenet, 60000, Options{Budget: 64 << 20, Classes: 10})
	if err != nil || p64.M >= MaxAutoSample || p64.StateBytes+p64.Workspace > 64<<20 {
		t.Errorf("64 MB: plan %+v, %v; want a reservoir within the budget", p64, err)
	} else if state, ws := need(lenet, p64.M+1, 60000, p64.K, p64.Projection, false); state+ws <= 64<<20 {
		t.Errorf("64 MB: M = %d, but %d fits", p64.M, p64.M+1)
	}
	want := map[int]string{0: "sampled+projected", 12: "sampled", 9: "sampled"}
	for i, m := range want {
		if p.Methods[i] != m {
			t.Errorf("layer %d (dim %d): %s, want %s", i, lenet[i], p.Methods[i], m)
		}
	}
	if s := p.Summary(); !strings.Contains(s, "reservoir") || !strings.Contains(s, "256") {
		t.Errorf("summary %q", s)
	}
}

func TestProjectionAloneWhenEnough(t *testing.T) {
	p, err := Make(lenet, 10000, Options{Budget: 256 << 20, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if p.K != DefaultK || p.M != 0 || p.Methods[1] != "projected" || p.Methods[12] != "exact" {
		t.Errorf("plan %+v, want projection only", p)
	}
}

func TestForcedAndImpossible(t *testing.T) {
	p, err := Make(lenet, 2000, Options{Budget: 1 << 30, Sample: 1000, Project: 256, Classes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if p.M != 1000 || p.K != 256 || p.Methods[0] != "sampled+projected" {
		t.Errorf("forced plan %+v", p)
	}
	if _, err := Make(lenet, 60000, Options{Budget: 1 << 20, Classes: 10}); err == nil || !strings.Contains(err.Error(), "--memory") {
		t.Errorf("1 MB budget: %v", err)
	}
	if _, err := Make(lenet, 60000, Options{Budget: 64 << 20, Sample: 50000, Classes: 10}); err == nil {
		t.Error("a forced reservoir over the budget must be an error")
	}
}

// When the layers do not fit together but each fits alone, the plan makes
// passes over the data, each measuring consecutive layers exactly within
// the budget, the forward pass of the layers it taps included.
func TestPasses(t *testing.T) {
	// 50 layers of a ResNet-18 at 64×64, 1000 samples: about 5 GB exact.
	var dims []int
	for _, c := range []struct{ n, d int }{{1, 12288}, {4, 65536}, {12, 65536}, {10, 32768}, {10, 16384}, {10, 8192}, {2, 512}, {1, 1000}} {
		for range c.n {
			dims = append(dims, c.d)
		}
	}
	var of func(b int, layers []int) int64
	of = func(b int, layers []int) int64 {
		tapped := 0
		for _, i := range layers {
			tapped += dims[i]
		}
		return int64(b) * (20<<20 + int64(tapped)*4*7)
	}
	all := make([]int, len(dims))
	for i := range all {
		all[i] = i
	}
	o := Options{Budget: 1 << 30, Classes: 10, ForwardOf: of, Forward: func(b int) int64 { return of(b, all) }}
	p, err := Make(dims, 1000, o)
	if err != nil {
		t.Fatal(err)
	}
	if p.Passes < 2 || !p.Exact() || p.Batch < 1 {
		t.Fatalf("plan %+v, want several exact passes", p)
	}
	seen := 0
	for q := range p.Passes {
		layers, sub := p.PassPlan(q)
		if len(layers) == 0 || layers[0] != seen || layers[len(layers)-1] != seen+len(layers)-1 {
			t.Fatalf("pass %d measures %v, want consecutive layers from %d", q, layers, seen)
		}
		seen += len(layers)
		var sd []int
		for _, i := range layers {
			sd = append(sd, dims[i])
		}
		state, ws := need(sd, 1000, 1000, 0, ProjectFitted, false)
		if fwd := of(p.Batch, layers); fwd+state+ws > o.Budget || sub.StateBytes != state || sub.ForwardBytes != fwd || len(sub.Methods) != len(layers) {
			t.Errorf("pass %d: forward %d + state %d + workspace %d over %d, or sub-plan %+v", q, fwd, state, ws, o.Budget, sub)
		}
		if q+1 < p.Passes {
			// The next layer would not have fitted.
			next := append(slices.Clone(layers), seen)
			sd = append(sd, dims[seen])
			state, ws := need(sd, 1000, 1000, 0, ProjectFitted, false)
			if of(p.Batch, next)+state+ws <= o.Budget-o.Budget/GCHeadroom {
				t.Errorf("pass %d stops before layer %d, which fits", q, seen)
			}
		}
	}
	if seen != len(dims) {
		t.Errorf("passes cover %d of %d layers", seen, len(dims))
	}
	if s := p.Summary(); !strings.Contains(s, fmt.Sprintf("%d passes over the data", p.Passes)) || !strings.Contains(s, "every layer exact") {
		t.Errorf("summary %q", s)
	}
	// In one pass, with 1000 samples a projection costs more than the
	// points it replaces (its matrix, basis and check rows): the plan keeps
	// a reservoir of them instead.
	o.MaxPasses = 1
	if p, err := Make(dims, 1000, o); err != nil || p.K != 0 || p.M == 0 {
		t.Errorf("one pass: %v, plan K=%d M=%d; want a reservoir and no projection", err, p.K, p.M)
	}
	// A layer too large even projected alone: no passes either.
	o.MaxPasses = 0
	huge := append(slices.Clone(dims), 1<<24)
	if p, err := Make(huge, 1000, Options{Budget: 1 << 30, Classes: 10}); err == nil {
		t.Errorf("a layer of 2^24 values: plan %+v, want an error", p)
	}
	// Many wide layers (a ViT-B/16's 605184-value MLP layers).
	vit := slices.Repeat([]int{151296, 605184}, 40)
	dimsOf := func(layers []int) (t int) {
		for _, i := range layers {
			t += vit[i]
		}
		return t
	}
	vo := Options{Budget: 1 << 30, Classes: 10,
		ForwardOf: func(b int, layers []int) int64 { return int64(b) * (70<<20 + int64(dimsOf(layers))*4*7) },
		Forward:   func(b int) int64 { return int64(b) * (70<<20 + int64(dimsOf(nil)+40*(151296+605184))*4*7) }}
	// At 200 samples a wide layer's points (484 MB) fit a pass alone, as
	// its tree computes every distance rather than copy them: every layer
	// exact, one wide layer to a pass at most.
	p, err = Make(vit, 200, vo)
	if err != nil || !p.Exact() || p.Passes < 40 {
		t.Fatalf("ViT layers at 200 samples: %v; want exact passes", err)
	}
	for q := range p.Passes {
		layers, sub := p.PassPlan(q)
		wide := 0
		for _, i := range layers {
			wide += vit[i] / 605184
		}
		if wide > 1 || sub.ForwardBytes+sub.StateBytes+sub.Workspace > vo.Budget-vo.Budget/GCHeadroom {
			t.Errorf("pass %d: %d wide layers, %d bytes", q, wide, sub.ForwardBytes+sub.StateBytes+sub.Workspace)
		}
	}
	// At 400 they do not: they are projected by hashed maps, which store
	// nothing, to HashedK dimensions, each checked on as many rows as its
	// pass holds beside it.
	p, err = Make(vit, 400, vo)
	if err != nil || p.Projection != ProjectJL || p.K != HashedK {
		t.Fatalf("ViT layers at 400 samples: %v; want plain projections", err)
	}
	for i, d := range vit {
		projected := p.Methods[i] == "projected"
		if c := p.CheckRows(i); projected != (d == 605184) || projected && (c < n1.MinCheckSamples || c >= 400 || p.Dims[i] != HashedK) || !projected && c != 0 {
			t.Errorf("layer %d of %d values: %s, %d check rows", i, d, p.Methods[i], c)
		}
	}
	// A layer of 2^23 values at 400 samples: one pass cannot tap every
	// layer at once, passes cannot take it alone even projected (32 check
	// rows would take 1 GB), and the refusal gives both reasons.
	vit = append(vit, 1<<23)
	_, err = Make(vit, 400, vo)
	var fe *ForwardError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "one sample's activations") ||
		!strings.Contains(err.Error(), "in passes, layer 80 (8388608 values per sample)") || strings.Count(err.Error(), "raise --memory") != 1 {
		t.Errorf("wide layers: %v; want one line with both reasons", err)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MB": 512 << 20, "1.5GiB": 3 << 29, "800m": 800 << 20, "1048576": 1 << 20, " 2 GB ": 2 << 30} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-5MB", "0"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) accepted", in)
		}
	}
}

// The fitted map by default; a plain one when the budget cannot hold the
// basis points and the fit; an unknown kind is an error naming the flag.
func TestProjectionKind(t *testing.T) {
	p, err := Make(lenet, 60000, Options{Budget: 512 << 20, Classes: 10})
	if err != nil || p.Projection != ProjectFitted {
		t.Errorf("512 MB: %v, projection %q, want %q", err, p.Projection, ProjectFitted)
	}
	p, err = Make(lenet, 60000, Options{Budget: 64 << 20, Classes: 10})
	if err != nil || p.Projection != ProjectJL || p.StateBytes+p.Workspace > 64<<20 {
		t.Errorf("64 MB: %v, plan %+v, want %q within the budget", err, p, ProjectJL)
	}
	if _, err := Make(lenet, 60000, Options{Budget: 64 << 20, Classes: 10, Projection: ProjectFitted}); err == nil {
		t.Error("64 MB with a fitted map forced: no error")
	}
	if _, err := Make(lenet, 100, Options{Budget: 1 << 30, Projection: "pcaa"}); err == nil || !strings.Contains(err.Error(), "--projection") {
		t.Errorf("unknown kind: %v", err)
	}
}

// Preferring accuracy, the plan projects to fewer dimensions before it
// samples: LeNet-5 at 60000 images fits 512 MB at K = 128 with every
// point kept; at 64 MB even K = 64 does not, and it samples.
func TestPreferAccuracy(t *testing.T) {
	p, err := Make(lenet, 60000, Options{Budget: 512 << 20, Classes: 10, PreferAccuracy: true, MaxPasses: 1})
	if err != nil || p.K != 128 || p.M != 0 || p.StateBytes+p.Workspace > 512<<20 {
		t.Errorf("512 MB, one pass: %v, plan K=%d M=%d, want K=128 and no sampling within the budget", err, p.K, p.M)
	}
	// With passes, the layers that fit alone are exact, the others
	// projected to 256.
	p, err = Make(lenet, 60000, Options{Budget: 512 << 20, Classes: 10, PreferAccuracy: true})
	if err != nil || p.Passes < 2 || p.K != DefaultK || p.M != 0 || p.Methods[0] != "exact" || p.Methods[1] != "projected" || p.Methods[12] != "exact" {
		t.Errorf("512 MB: %v, plan %+v, want passes, the input exact and conv1 projected", err, p)
	}
	p, err = Make(lenet, 60000, Options{Budget: 64 << 20, Classes: 10, PreferAccuracy: true})
	if err != nil || p.K != MinK || p.M == 0 {
		t.Errorf("64 MB: %v, plan K=%d M=%d, want K=%d and sampling", err, p.K, p.M, MinK)
	}
	p, err = Make(lenet, 60000, Options{Budget: 512 << 20, Classes: 10, PreferAccuracy: true, Project: 256})
	if err != nil || p.K != 256 || p.M == 0 {
		t.Errorf("forced K: %v, plan K=%d M=%d, want K=256 kept and sampling", err, p.K, p.M)
	}
}

// The forward pass is taken from the budget first: a batch the plan
// chooses is lowered to 1/MaxForwardShare of it, a batch the user fixed
// may take half and fails beyond.
func TestForwardPass(t *testing.T) {
	perSample := int64(63 << 10) // LeNet-5's activations of every layer
	fwd := func(b int) int64 { return int64(b) * perSample * 8 }
	p, err := Make(lenet, 2000, Options{Budget: 512 << 20, Classes: 10, Forward: fwd})
	if err != nil {
		t.Fatal(err)
	}
	if p.Batch != DefaultBatch || p.ForwardBytes != fwd(DefaultBatch) || !p.Exact() {
		t.Errorf("batch %d, forward %d, exact %v; want the default batch, its bytes, exact", p.Batch, p.ForwardBytes, p.Exact())
	}
	if p.StateBytes+p.Workspace+p.ForwardBytes > p.Budget || p.Left() != p.Budget-p.ForwardBytes-p.StateBytes {
		t.Errorf("plan %+v exceeds its budget", p)
	}
	small, err := Make(lenet, 2000, Options{Budget: 64 << 20, Classes: 10, Forward: fwd, Batch: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if small.Batch < 1 || fwd(small.Batch) > 8<<20 || fwd(small.Batch+1) <= 8<<20 {
		t.Errorf("64 MB: batch %d, want the largest whose forward pass fits 8 MB", small.Batch)
	}
	_, err = Make(lenet, 20000, Options{Budget: 256 << 20, Classes: 10, Forward: fwd, Batch: 10000, BatchFixed: true})
	if err == nil || !strings.Contains(err.Error(), "--batch 10000") || !strings.Contains(err.Error(), "at most 260 fits") {
		t.Errorf("fixed batch 10000 under 256 MB: %v", err)
	}
	// One sample's forward pass over 1/8 of the budget: one sample at a
	// time, up to half of it, and beyond that a refusal.
	if one := fwd(1); one <= 1<<20/MaxForwardShare || one > 1<<19 {
		t.Fatalf("the forward pass of one sample takes %d bytes; the test wants 1/8 to 1/2 of 1 MB", one)
	}
	_, err = Make(lenet, 2000, Options{Budget: 1 << 20, Classes: 10, Forward: fwd})
	if err == nil || !strings.Contains(err.Error(), "holds only 0 samples") {
		t.Errorf("1 MB: %v; want the forward pass at batch 1 and too little left for the estimators", err)
	}
	_, err = Make(lenet, 2000, Options{Budget: 1 << 19, Classes: 10, Forward: fwd})
	if err == nil || !strings.Contains(err.Error(), "one sample's activations") {
		t.Errorf("512 KB: %v", err)
	}
}
