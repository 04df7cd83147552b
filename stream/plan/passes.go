package plan

import (
	"fmt"
	"strings"

	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
)

// Several passes. When the layers' exact states do not fit the budget
// together, the plan groups them into passes over the data: each pass runs
// the forward pass over every sample, taps only its group of layers and
// measures them, and frees their state before the next. A layer whose
// exact state does not fit even alone is projected to K dimensions in its
// pass. The forward pass costs little next to the trees of N1, so passes
// buy exact values for the price of rerunning it.
//
// Passes are not planned when Options.MaxPasses is 1, nor above
// MaxAutoSample samples unless PreferAccuracy or one pass cannot be made
// at all: there the trees of N1 over every sample cost more than a
// reservoir's, and one pass samples.

// passPlan groups the layers into passes, each within the budget at one
// batch size. It returns a *WideLayerError when some layer does not fit
// alone even projected, and nil when more than Options.MaxPasses passes
// would be needed (0: any number).
func passPlan(dims []int, n int, o Options) (*Plan, error) {
	widest := 0
	for i, d := range dims {
		if d > dims[widest] {
			widest = i
		}
	}
	// The batch: the forward pass tapping the widest layer alone within
	// the share of the budget a pass's forward may take.
	one := o
	if o.ForwardOf != nil {
		one.Forward = func(b int) int64 { return o.ForwardOf(b, []int{widest}) }
	}
	batch, _, err := ChooseBatch(one, n)
	if err != nil {
		return nil, err
	}
	p := &Plan{N: n, Seed: o.Seed, Budget: o.Budget, Ties: o.Ties, Batch: batch, Projection: ProjectFitted}
	if o.Projection != "" {
		p.Projection = o.Projection
	}
	k := DefaultK
	if o.Project > 0 {
		k = o.Project
	}
	p.ExactBytes, _ = need(dims, n, n, 0, p.Projection, false)
	// kOf is the dimension layer i is projected to: a hashed map's cost
	// does not grow with it (see HashedK).
	kOf := func(i int) int {
		if o.Project == 0 && p.Projection == ProjectJL && project.StoredBytes(dims[i], HashedK) == 0 {
			return HashedK
		}
		return k
	}
	// cost is the memory of a pass over the layers of g, with the layers
	// in check projected and holding that many rows for their check.
	cost := func(g []int, check map[int]int) (fwd, state, ws int64) {
		for _, i := range g {
			kk := 0
			if _, ok := check[i]; ok {
				kk = kOf(i)
			}
			s, w := needChecked([]int{dims[i]}, n, n, kk, p.Projection, true, check[i])
			state += s
			ws = max(ws, w)
		}
		if o.ForwardOf != nil {
			fwd = o.ForwardOf(batch, g)
		}
		return fwd, state, ws
	}
	packed := o.Budget - o.Budget/GCHeadroom
	fits := func(g []int, check map[int]int) bool {
		f, s, w := cost(g, check)
		return f+s+w <= packed
	}
	check := map[int]int{} // the projected layers, and their check rows
	for i, d := range dims {
		if fits([]int{i}, nil) {
			continue
		}
		// Projected, with as many check rows as fit (the default if it
		// does): a layer whose points take most of a pass holds fewer.
		c := largest(defaultCheck(n), func(c int) bool {
			return d > kOf(i) && worthProjecting(d, n, kOf(i), p.Projection, c) && fits([]int{i}, map[int]int{i: c})
		})
		if c < min(n1.MinCheckSamples, n) {
			// This layer needs sampling, which one pass does.
			f, s, w := cost([]int{i}, nil)
			if projects(d, n, k, p.Projection, false) {
				f, s, w = cost([]int{i}, map[int]int{i: defaultCheck(n)})
			}
			return nil, &WideLayerError{Layer: i, Dim: d, Need: f + s + w, Usable: packed}
		}
		check[i] = c
		p.K = max(p.K, kOf(i))
	}
	// Consecutive layers, greedily: a pass takes layers while they fit.
	var group []int
	pass := 0
	p.Pass = make([]int, len(dims))
	for i := range dims {
		if len(group) > 0 && !fits(append(group, i), check) {
			pass, group = pass+1, nil
		}
		group = append(group, i)
		p.Pass[i] = pass
	}
	p.Passes = pass + 1
	if o.MaxPasses > 0 && p.Passes > o.MaxPasses {
		return nil, nil
	}
	for i, d := range dims {
		method, sd, c := "exact", d, 0
		if rows, ok := check[i]; ok {
			method, sd, c = "projected", kOf(i), rows
		}
		p.Methods = append(p.Methods, method)
		p.Dims = append(p.Dims, sd)
		p.Checks = append(p.Checks, c)
	}
	for q := range p.Passes {
		f, s, w := cost(p.layersOf(q), check)
		p.passBytes = append(p.passBytes, [3]int64{f, s, w})
		p.ForwardBytes = max(p.ForwardBytes, f)
		p.StateBytes = max(p.StateBytes, s)
		p.Workspace = max(p.Workspace, w)
	}
	return p, nil
}

// layersOf lists the layers of pass q.
func (p *Plan) layersOf(q int) []int {
	var out []int
	for i, pass := range p.Pass {
		if pass == q {
			out = append(out, i)
		}
	}
	return out
}

// PassPlan returns the layers (indices into the plan's layers) that pass
// q measures, and the plan of that pass alone: the same choices, over
// those layers, with the memory of that pass.
func (p *Plan) PassPlan(q int) ([]int, *Plan) {
	if p.Passes <= 1 {
		all := make([]int, len(p.Methods))
		for i := range all {
			all[i] = i
		}
		return all, p
	}
	layers := p.layersOf(q)
	sub := *p
	sub.Passes, sub.Pass, sub.passBytes = 1, nil, nil
	sub.ForwardBytes, sub.StateBytes, sub.Workspace = p.passBytes[q][0], p.passBytes[q][1], p.passBytes[q][2]
	sub.Methods, sub.Dims, sub.Checks = nil, nil, nil
	for _, i := range layers {
		sub.Methods = append(sub.Methods, p.Methods[i])
		sub.Dims = append(sub.Dims, p.Dims[i])
		sub.Checks = append(sub.Checks, p.Checks[i])
	}
	return layers, &sub
}

// passSummary describes the passes: how many, and the layers of each by
// their positions among the chosen layers.
func (p *Plan) passSummary() string {
	var groups []string
	for q := range p.Passes {
		l := p.layersOf(q)
		if len(l) == 1 {
			groups = append(groups, fmt.Sprint(l[0]))
		} else {
			groups = append(groups, fmt.Sprintf("%d–%d", l[0], l[len(l)-1]))
		}
	}
	return fmt.Sprintf("%d passes over the data, each measuring a group of the chosen layers (%s)", p.Passes, strings.Join(groups, ", "))
}

// WideLayerError says that a layer does not fit a pass of its own even
// projected: only one pass that samples can measure it.
type WideLayerError struct {
	Layer, Dim   int   // the layer's index among the dims planned, its values per sample
	Need, Usable int64 // the bytes of its pass, exact or projected; the bytes a pass may use
}

func (e *WideLayerError) Error() string {
	return fmt.Sprintf("layer %d (%d values per sample) needs %s in a pass of its own, even projected, over the %s a pass may use",
		e.Layer, e.Dim, FormatBytes(e.Need), FormatBytes(e.Usable))
}

// HashedK is the dimension a layer is projected to, in passes, by a plain
// map that is hashed rather than stored (project.StoredBytes is 0): the
// map costs two hashes and 8 additions per input value whatever its
// dimension, and n points of HashedK dimensions are little next to the
// check rows of a layer this wide, so it keeps 8 times DefaultK: the
// distortion of squared distances falls from about 9% to 3%.
const HashedK = 2048

// largest is the largest c in [0, hi] for which ok holds, ok being true
// up to some c and false beyond; 0 if it holds for none above 0.
func largest(hi int, ok func(int) bool) int {
	lo := 0
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
