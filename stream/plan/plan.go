package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"cxray/stream/measure/mst"
	"cxray/stream/measure/n1"
	"cxray/stream/measure/project"
)

// DefaultK is the projection dimension used when projection is needed
// and the caller did not choose one.
const DefaultK = 256

// MinK is the narrowest projection Options.PreferAccuracy goes down to.
const MinK = 64

// GCHeadroom is the share of the budget (1/8) that passes leave free for
// the garbage collector: with the live heap at the heap's limit, every
// allocation would start a collection. One pass that fits exactly uses
// the whole budget only if it leaves that share free too; otherwise the
// plan prefers passes.
const GCHeadroom = 8

// Kinds of projection (Options.Projection).
const (
	// ProjectFitted fits each layer's map to its first 2K points: their
	// principal directions plus a Johnson–Lindenstrauss map of the rest
	// (project.Fit). The default.
	ProjectFitted = "pca"
	// ProjectJL draws a plain sparse Johnson–Lindenstrauss map
	// (project.New), independent of the data.
	ProjectJL = "jl"
)

// MaxAutoSample caps the reservoir plan chooses by itself. Past it, more
// points cost time (the sampled estimator builds an exact tree on all of
// them, and the pipeline runs the forward pass on every sample the
// reservoir admits) for little accuracy: the estimator's error at this
// size is dominated by its extrapolation, not by the sample. --sample
// sets a larger reservoir explicitly.
const MaxAutoSample = 10000

// Options bound and steer the plan.
type Options struct {
	// Budget is the memory, in bytes, for the estimators' state plus the
	// workspace of one layer's tree.
	Budget int64
	// Sample forces a reservoir of this many points per layer (0: only if
	// needed; negative: never sample).
	Sample int
	// Project forces projection of layers wider than Project to Project
	// dimensions (0: DefaultK if needed; negative: never project).
	Project int
	// Projection is ProjectFitted or ProjectJL. Empty is ProjectFitted,
	// or ProjectJL when the budget is too small for fitting.
	Projection string
	// PreferAccuracy halves the projection dimension, down to MinK,
	// before it samples: every point is kept, at the price of exact trees
	// over all of them (minutes rather than seconds at 60000 images).
	PreferAccuracy bool
	// Seed seeds the reservoir and the projections.
	Seed uint64
	// Classes is the number of classes, for the stratified reservoir.
	Classes int
	// Forward is the memory of the forward pass at a batch size: the
	// runtime's buffers and the batches in flight between the stages of
	// the pipeline. It is taken from the budget before the estimators'
	// share. Nil counts nothing (a caller that runs no pipeline).
	Forward func(batch int) int64
	// ForwardOf is Forward when the pipeline taps only some of the layers
	// (indices into the dims given to Make): the memory of a pass that
	// measures them. Nil counts nothing.
	ForwardOf func(batch int, layers []int) int64
	// MaxPasses caps the passes over the data (0: as many as needed; 1:
	// one pass, which projects and samples to fit).
	MaxPasses int
	// Batch is the batch size asked for, DefaultBatch when 0. Unless
	// BatchFixed, the plan lowers it until the forward pass takes at most
	// MaxForwardShare of the budget; a fixed batch may take up to half of
	// the budget, and the plan fails beyond that.
	Batch      int
	BatchFixed bool
	// Ties is the tie rule of the trees. Under mst.Total the plan does not
	// sample: the sampled estimator's pool keeps DCoL's rule.
	Ties mst.TieRule
}

// Plan says how every layer of a run is measured.
type Plan struct {
	N int // samples the source yields
	M int // reservoir size per layer; 0 keeps every sample
	K int // projection dimension; 0 projects nothing
	// Projection is the kind of map: ProjectFitted or ProjectJL.
	Projection string
	Seed       uint64 // seed of the reservoir and the projections
	Ties       mst.TieRule
	Methods    []string // per layer: exact, projected, sampled or sampled+projected
	Dims       []int    // per layer: the dimension stored (K for projected layers)
	// Checks is, per layer of a plan in passes, the rows a projected
	// layer holds unprojected for its check (0 for others): fewer than
	// n1.CheckSamples when more do not fit its pass. See CheckRows.
	Checks []int
	// Passes is the number of passes over the data (0 or 1: one), and
	// Pass the pass of each layer when there are several (see PassPlan).
	Passes    int
	Pass      []int
	passBytes [][3]int64 // per pass: forward, state, workspace

	Budget     int64 // Options.Budget
	ExactBytes int64 // what exact N1 on every layer would need
	StateBytes int64 // the estimators' state under this plan (the largest of a pass)
	Workspace  int64 // the largest per-layer workspace under this plan

	// Batch is the batch size of the forward pass, and ForwardBytes its
	// memory (Options.Forward); the estimators get the rest of Budget.
	Batch        int
	ForwardBytes int64
}

// Left is the budget left beside the estimators' state and the forward
// pass: the workspace of reading an estimate, and of the measures beyond
// N1, one layer at a time.
func (p *Plan) Left() int64 { return p.Budget - p.ForwardBytes - p.StateBytes }

// ReadBytes is the workspace a layer's reading may take (mst maps it
// outside the Go heap and returns it when done): the plan's workspace, or
// half of what is left beside the state and the forward pass if that is
// more. The Go heap gets the rest of the budget (HeapBytes), so that the
// two together stay within it.
func (p *Plan) ReadBytes() int64 { return max(p.Workspace, p.Left()/2) }

// HeapBytes is the Go heap the plan needs beside the reading's workspace:
// the forward pass, the estimators' state and the slack ReadBytes leaves.
func (p *Plan) HeapBytes() int64 { return p.Budget - p.ReadBytes() }

// CheckRows is the number of rows projected layer i holds unprojected
// for its check (n1.ProjectedN1.CheckedEstimate).
func (p *Plan) CheckRows(i int) int {
	if p.Checks != nil {
		return p.Checks[i]
	}
	return defaultCheck(p.N)
}

// Exact reports whether every layer is measured exactly.
func (p *Plan) Exact() bool { return p.M == 0 && p.K == 0 }

// Make plans the measurement of layers of the given dimensions over n
// samples: exact N1 of every layer in one pass if it fits the budget;
// else several passes, each measuring a group of layers exactly (or
// projected, for a layer too large alone); else, or when passes are not
// wanted, one pass that projects and samples as far as needed.
func Make(dims []int, n int, o Options) (*Plan, error) {
	if n < 2 || len(dims) == 0 {
		return nil, fmt.Errorf("plan: need at least 2 samples and 1 layer (have %d, %d)", n, len(dims))
	}
	single, err := onePass(dims, n, o)
	roomy := err == nil && single.ForwardBytes+single.StateBytes+single.Workspace <= o.Budget-o.Budget/GCHeadroom
	// Above MaxAutoSample one pass samples rather than build exact trees
	// over every sample, unless it cannot be made at all.
	large := n > MaxAutoSample && !o.PreferAccuracy
	if err == nil && (single.Exact() && roomy || large) || o.MaxPasses == 1 || o.Sample != 0 || o.Project != 0 {
		return single, err
	}
	if o.Projection != "" && o.Projection != ProjectFitted && o.Projection != ProjectJL {
		return single, err
	}
	multi, perr := passPlan(dims, n, o)
	var wide *WideLayerError
	if o.Projection == "" && errors.As(perr, &wide) {
		// A fitted map's matrix and basis rows cost d·3K values; a plain
		// map of a very wide layer is hashed and costs none.
		jl := o
		jl.Projection = ProjectJL
		// Its error, if any, names the layer that fits no pass even so.
		multi, perr = passPlan(dims, n, jl)
	}
	var fe *ForwardError
	switch {
	case perr == nil && multi != nil && (err != nil || multi.Passes > 1 || !single.Exact()):
		return multi, nil
	case err != nil && errors.As(perr, &fe):
		// The forward pass of one layer at a time does not fit either:
		// say which batch would.
		return nil, perr
	case errors.As(err, &fe) && errors.As(perr, &wide):
		// One pass cannot tap every layer at once, and passes cannot take
		// the widest layer: both reasons, and what changes them.
		return nil, forwardError("%s; in passes, %v: raise --memory or leave the widest layers out (--layers, see cxray layers)",
			strings.TrimSuffix(fe.msg, "; raise --memory or choose fewer --layers"), wide)
	}
	return single, err
}

// onePass plans the measurement of every layer in one pass over the data.
func onePass(dims []int, n int, o Options) (*Plan, error) {
	batch, fwd, err := ChooseBatch(o, n)
	if err != nil {
		return nil, err
	}
	total := o.Budget
	o.Budget -= fwd
	p, err := makeFor(dims, n, o)
	if err != nil {
		return nil, err
	}
	p.Budget, p.Batch, p.ForwardBytes, p.Ties = total, batch, fwd, o.Ties
	if o.Ties == mst.Total && p.M > 0 {
		return nil, fmt.Errorf("--ties total keeps every sample in an exact tree, but --memory %s holds only %d of the %d samples per layer; raise --memory, choose fewer --layers or a smaller --limit, or project (--project K)",
			FormatBytes(total), p.M, n)
	}
	return p, nil
}

// makeFor is Make with the whole budget for the estimators.
func makeFor(dims []int, n int, o Options) (*Plan, error) {
	switch o.Projection {
	case "":
		// A fitted map holds its basis points and needs a workspace to
		// fit; under a budget too small for those, a plain map.
		p, err := makeWith(dims, n, o, ProjectFitted)
		if err != nil {
			if q, errJL := makeWith(dims, n, o, ProjectJL); errJL == nil && q.K > 0 {
				return q, nil
			}
		}
		return p, err
	case ProjectFitted, ProjectJL:
		return makeWith(dims, n, o, o.Projection)
	default:
		return nil, fmt.Errorf("unknown --projection %q: use %s (principal directions of the first points, plus Johnson–Lindenstrauss) or %s (Johnson–Lindenstrauss only)", o.Projection, ProjectFitted, ProjectJL)
	}
}

// makeWith is Make with projections of the given kind.
func makeWith(dims []int, n int, o Options, projection string) (*Plan, error) {
	p := &Plan{N: n, Seed: o.Seed, Budget: o.Budget, Projection: projection}
	cost := func(dims []int, m, k int) int64 {
		state, ws := need(dims, m, n, k, p.Projection, o.Project > 0)
		return state + ws
	}
	p.ExactBytes = cost(dims, n, 0)
	kc := o.Project
	if kc == 0 {
		kc = DefaultK
	}
	wide := false
	for _, d := range dims {
		wide = wide || d > kc
	}
	m := n
	if o.Sample > 0 {
		m = min(o.Sample, n)
	}
	// Forced choices first; then projection, then sampling, only as needed.
	if o.Project > 0 && wide {
		p.K = kc
	}
	if cost(dims, m, p.K) > o.Budget && o.Project == 0 && wide {
		p.K = kc
	}
	if o.PreferAccuracy && o.Project == 0 && o.Sample == 0 && p.K > 0 {
		// Narrower projections keep every point; a reservoir would drop
		// some, and N1 of a sample must be extrapolated.
		for k := p.K / 2; cost(dims, m, p.K) > o.Budget && k >= MinK; k /= 2 {
			p.K = k
		}
	}
	if cost(dims, m, p.K) > o.Budget {
		if o.Sample != 0 {
			return nil, fmt.Errorf("--memory %s is too small for %d points per layer over %d layers (%s needed); raise --memory, lower --sample or choose fewer --layers",
				FormatBytes(o.Budget), m, len(dims), FormatBytes(cost(dims, m, p.K)))
		}
		m = min(largestSample(cost, dims, n, p.K, o.Budget), MaxAutoSample)
		if floor := 10 * max(o.Classes, 1); m < floor {
			return nil, fmt.Errorf("--memory %s holds only %d samples per layer for %d layers (need at least %d); raise --memory or choose fewer --layers",
				FormatBytes(o.Budget), m, len(dims), floor)
		}
	}
	if m < n {
		p.M = m
	}
	pts := n
	if p.M > 0 {
		pts = p.M
	}
	for _, d := range dims {
		method, sd := "exact", d
		if projects(d, n, p.K, p.Projection, o.Project > 0) {
			method, sd = "projected", p.K
		}
		if p.M > 0 {
			if method == "projected" {
				method = "sampled+projected"
			} else {
				method = "sampled"
			}
		}
		p.Methods = append(p.Methods, method)
		p.Dims = append(p.Dims, sd)
	}
	if !slices.ContainsFunc(p.Methods, func(m string) bool { return strings.Contains(m, "projected") }) {
		p.K = 0 // no layer is worth projecting: each is cheaper as it is
	}
	p.StateBytes, p.Workspace = need(dims, pts, n, p.K, p.Projection, o.Project > 0)
	return p, nil
}

// need is the state of every layer with m of the stream's n samples,
// projected to k when k > 0, with the projection matrices (and, for
// fitted ones, the leading points held until the fit), and the largest
// workspace of one layer: its tree, its fit, and with sampling (m < n)
// the sampled estimator's distance matrix over at most
// n1.DefaultMaxPool points.
func need(dims []int, m, n, k int, projection string, force bool) (state, ws int64) {
	return needChecked(dims, m, n, k, projection, force, defaultCheck(n))
}

// needChecked is need with check rows held unprojected for the check of
// each projected layer when every sample is kept.
func needChecked(dims []int, m, n, k int, projection string, force bool, check int) (state, ws int64) {
	for _, d := range dims {
		sd := d
		if projects(d, n, k, projection, force) {
			sd = k
			state += mapBytes(d, k, projection)
			if projection == ProjectFitted {
				ws = max(ws, project.FitBytes(d, k))
			}
			if m == n {
				// The check's rows, unprojected, and their exact tree.
				state += int64(check) * int64(d) * 4
				ws = max(ws, workspace(check, d))
			}
		}
		state += int64(m) * (int64(sd)*4 + 4)
		ws = max(ws, workspace(m, sd))
	}
	if m < n {
		pool := int64(min(m, n1.DefaultMaxPool))
		ws = max(ws, pool*pool*4)
	}
	return state, ws
}

// defaultCheck is the number of rows a projected layer of a stream of n
// holds unprojected for its check, unless the plan holds fewer.
func defaultCheck(n int) int { return min(n1.CheckSamples, n) }

// mapBytes is the memory of a layer's map from d to k dimensions: a
// fitted map's matrix and the basis rows it is fitted to, or a plain
// map's matrix (none when it is hashed, project.StoredBytes).
func mapBytes(d, k int, projection string) int64 {
	if projection == ProjectFitted {
		return int64(k+project.BasisRows(k)) * int64(d) * 4
	}
	return project.StoredBytes(d, k)
}

// projects reports whether a layer of dimension d over a stream of n
// points is projected to k > 0 dimensions: when it is wider than k and
// cheaper projected (worthProjecting with the default check). Below
// about k + 2k + n1.CheckSamples points for a fitted map a projection
// costs more than the points it replaces, and the layer is kept as it is.
// It depends on n, not on a reservoir's m, so that the plan's cost grows
// with m. force (--project K) projects every layer wider than k.
func projects(d, n, k int, projection string, force bool) bool {
	if k <= 0 || d <= k {
		return false
	}
	return force || worthProjecting(d, n, k, projection, defaultCheck(n))
}

// worthProjecting reports whether the n projected points of a layer of
// dimension d, with its map and check rows held unprojected, take less
// memory than its n points.
func worthProjecting(d, n, k int, projection string, check int) bool {
	projected := int64(n)*int64(k)*4 + mapBytes(d, k, projection) + int64(check)*int64(d)*4
	return projected < int64(n)*int64(d)*4
}

// workspace is the memory the exact tree of n points of dimension d needs
// besides the points. Its fast paths (mst's Lazy and Stepwise) centre the
// points into a float32 copy, n·d·4 bytes, plus O(n) bookkeeping, and
// more when it fits: the estimator gets the rest of the budget as its
// workspace limit. Without the copy mst computes every pairwise distance
// exactly (Dense), n²·d/2 multiply-adds; the plan counts on that, and
// leaves the copy out, when the work is at most DenseWork. A few hundred
// samples of the widest layers of a ViT-B/16 (605,184 values) are then
// one layer to a pass instead of a layer too wide for any pass.
func workspace(n, d int) int64 {
	ws := int64(n) * 64
	if float64(n)*float64(n)*float64(d)/2 > DenseWork {
		ws += int64(n) * int64(d) * 4
	}
	return ws
}

// DenseWork is the most multiply-adds (n²·d/2) of an exact tree that
// computes every pairwise distance, about 10 s on two cores, for which
// the plan budgets no copy of the points (see workspace).
const DenseWork = 1 << 35

// largestSample is the largest reservoir that fits the budget.
func largestSample(cost func(dims []int, m, k int) int64, dims []int, n, k int, budget int64) int {
	return largest(n, func(m int) bool { return cost(dims, m, k) <= budget })
}

// Summary explains the plan to the user in a few lines.
func (p *Plan) Summary() string {
	var b strings.Builder
	if p.Passes > 1 {
		fmt.Fprintf(&b, "exact N1 on every layer would need %s for %d samples at once, over --memory %s; %s", FormatBytes(p.ExactBytes), p.N, FormatBytes(p.Budget), p.passSummary())
		var proj []string
		for i, m := range p.Methods {
			if m != "exact" {
				proj = append(proj, fmt.Sprint(i))
			}
		}
		if len(proj) > 0 {
			how := fmt.Sprintf("principal directions of the first %d samples plus Johnson–Lindenstrauss, seed %d", project.BasisRows(p.K), p.Seed)
			if p.Projection == ProjectJL {
				how = fmt.Sprintf("Johnson–Lindenstrauss, seed %d, a matrix over %s hashed rather than stored", p.Seed, FormatBytes(4*project.MaxStored))
			}
			fmt.Fprintf(&b, "; projecting the %d layers too large to be measured exactly even alone (%s) to %d dimensions (%s), each checked on %s of its samples held unprojected", len(proj), strings.Join(proj, ", "), p.K, how, p.checkSummary())
		} else {
			b.WriteString("; every layer exact")
		}
		fmt.Fprintf(&b, "; up to %s of state and workspace in a pass", FormatBytes(p.StateBytes+p.Workspace))
		b.WriteString(p.forwardSummary())
		return b.String()
	}
	if p.Exact() {
		fmt.Fprintf(&b, "exact N1 on every layer: %s of estimator state for %d samples (budget %s)", FormatBytes(p.ExactBytes), p.N, FormatBytes(p.Budget))
		b.WriteString(p.forwardSummary())
		return b.String()
	}
	fmt.Fprintf(&b, "exact N1 on every layer would need %s for %d samples, over --memory %s; ", FormatBytes(p.ExactBytes), p.N, FormatBytes(p.Budget))
	var parts []string
	if p.K > 0 {
		n := 0
		for _, m := range p.Methods {
			if strings.Contains(m, "projected") {
				n++
			}
		}
		how := fmt.Sprintf("principal directions of the first %d samples plus Johnson–Lindenstrauss, seed %d", project.BasisRows(p.K), p.Seed)
		if p.Projection == ProjectJL {
			how = fmt.Sprintf("Johnson–Lindenstrauss, seed %d", p.Seed)
		}
		parts = append(parts, fmt.Sprintf("projecting the %d layers wider than %d to %d dimensions (%s)", n, p.K, p.K, how))
	}
	if p.M > 0 {
		parts = append(parts, fmt.Sprintf("keeping a class-stratified reservoir of %d of the %d samples (seed %d), the same in every layer", p.M, p.N, p.Seed))
	}
	fmt.Fprintf(&b, "%s: %s of state and workspace", strings.Join(parts, " and "), FormatBytes(p.StateBytes+p.Workspace))
	b.WriteString(p.forwardSummary())
	return b.String()
}

// checkSummary says how many rows the projected layers' checks hold: "512"
// or a range such as "59 to 512".
func (p *Plan) checkSummary() string {
	lo, hi := 0, 0
	for i, m := range p.Methods {
		if m == "projected" {
			c := p.CheckRows(i)
			if lo == 0 || c < lo {
				lo = c
			}
			hi = max(hi, c)
		}
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

// forwardSummary says what the forward pass takes, when it is counted.
func (p *Plan) forwardSummary() string {
	if p.ForwardBytes == 0 {
		return ""
	}
	return fmt.Sprintf("; forward pass at batch %d: %s", p.Batch, FormatBytes(p.ForwardBytes))
}
