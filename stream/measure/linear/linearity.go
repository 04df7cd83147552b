package linear

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"cxray/stream/measure/internal/numeric"
)

// Scaling says how each one-vs-one pair is scaled before its SVM is trained.
type Scaling int

const (
	// ScaleZScore centres every feature on the pair's mean and divides it
	// by the pair's sample standard deviation (R's scale()); a feature
	// constant on the pair becomes 0. It is e1071's scale=TRUE whenever no
	// feature is constant.
	ScaleZScore Scaling = iota
	// ScaleE1071 is e1071::svm(scale=TRUE) exactly: as ScaleZScore, except
	// that when any feature is constant on the pair no feature is scaled
	// (e1071 warns "constant. Cannot scale data." and trains on the raw
	// values).
	ScaleE1071
	// ScaleNone trains on the raw values.
	ScaleNone
)

func (s Scaling) String() string {
	switch s {
	case ScaleZScore:
		return "zscore"
	case ScaleE1071:
		return "e1071"
	case ScaleNone:
		return "none"
	}
	return fmt.Sprintf("Scaling(%d)", int(s))
}

// DefaultTol is the default SMO stopping tolerance: the maximal violation
// of the KKT conditions, max_{I_up} −y_i G_i − min_{I_low} −y_j G_j, must
// fall below it. It is far below libsvm's 1e-3, so that the solution is the
// optimum to about 1e-11 relative (iris) and does not depend on the path SMO takes.
const DefaultTol = 1e-10

// LibsvmTol is libsvm's (and e1071's and scikit-learn's) default
// tolerance, under which the solution is the iterate where SMO stopped.
const LibsvmTol = 1e-3

// Options configures Linearity. The zero value is not valid; start from
// DefaultOptions or ECoLOptions.
type Options struct {
	// Cost is the C of the C-SVC (e1071's cost; default 1).
	Cost float64
	// Tol is the SMO stopping tolerance (DefaultTol or LibsvmTol).
	Tol float64
	// Float32Q rounds Q_ij to float32 as libsvm stores its kernel cache
	// (Qfloat); the diagonal and the decision values stay float64, as in
	// libsvm. Needed only to take libsvm's very steps.
	Float32Q bool
	// Scaling of each pair.
	Scaling Scaling
	// Seed seeds the generator of L3's interpolated points.
	Seed uint64
	// MaxIter caps the SMO iterations per pair; 0 means libsvm's
	// max(10⁷, 100·n).
	MaxIter int
	// Workers computing the kernel matrices; 0 means GOMAXPROCS.
	Workers int
}

// DefaultOptions returns cxray's settings: C = 1, tolerance DefaultTol,
// float64 Q, ScaleZScore, seed 1.
func DefaultOptions() Options {
	return Options{Cost: 1, Tol: DefaultTol, Scaling: ScaleZScore, Seed: 1}
}

// ECoLOptions returns the settings that reproduce ECoL (e1071 → libsvm):
// C = 1, tolerance 1e-3, float32 Q, e1071's scaling rule. Only the seeded
// generator of L3 differs (see the package documentation).
func ECoLOptions() Options {
	return Options{Cost: 1, Tol: LibsvmTol, Float32Q: true, Scaling: ScaleE1071, Seed: 1}
}

// Conventions describes the options as key=value pairs, for storing with
// every value.
func (o Options) Conventions() string {
	return fmt.Sprintf("classifier=libsvm-c-svc kernel=linear decomposition=one-vs-one summary=mean cost=%g tol=%g qfloat=%v scaling=%s l3_rng=pcg seed=%d",
		o.Cost, o.Tol, o.Float32Q, o.Scaling, o.Seed)
}

// Pair is the result on one pair of classes.
type Pair struct {
	// Pos and Neg are the two labels, Pos < Neg. (libsvm's +1 class is the
	// one that appears first among the pair's points.)
	Pos, Neg int32
	// N is the number of points of the pair.
	N int
	// Errors is the number of the pair's points its SVM misclassifies.
	Errors int
	// DistSum is Σ|f(x)| over the misclassified points, f the decision
	// value in the scaled space.
	DistSum float64
	// L1 = s/(1+s) with s = DistSum/N, L2 = Errors/N, L3 the error on N
	// interpolated points.
	L1, L2, L3 float64
	// SupportVectors is the number of α_i > 0, Iter the SMO iterations,
	// Converged whether the tolerance was met before MaxIter, Scaled
	// whether the pair was scaled (false under ScaleE1071 with a constant
	// feature).
	SupportVectors int
	Iter           int
	Converged      bool
	Scaled         bool
}

// Result holds L1, L2, L3 (the means over the pairs) and the pairs, in
// ECoL's order (utils::combn over the sorted labels).
type Result struct {
	L1, L2, L3 float64
	Pairs      []Pair
}

// Linearity computes L1, L2 and L3 (Lorena et al. 2019, §3.3, as ECoL
// computes them) of n = len(labels) points of dim features stored row by
// row in x. For every pair of classes a linear C-SVC is trained on the
// pair's points (one-vs-one); per pair
//
//	L1 = s/(1+s),  s = Σ_{x misclassified} |f(x)| / n_pair,
//	L2 = (misclassified training points) / n_pair,
//	L3 = error on n_pair points interpolated between random same-class pairs,
//
// and each measure is the mean over the pairs. Every class needs at least
// two points (as in ECoL) and there must be two classes.
//
// Memory: per pair, the pair's points in float64 and its n_pair×n_pair
// kernel matrix (1.5 times with Float32Q): 8·n_pair·(dim+n_pair) bytes,
// for as many pairs at a time as Workers. Time: n_pair²·dim/2 multiply-adds per pair for the kernel
// (spread over Workers), plus SMO, O(n_pair) per iteration.
func Linearity(x []float32, dim int, labels []int32, opt Options) (Result, error) {
	return linearity(x, dim, labels, opt)
}

// Linearity64 is Linearity on float64 coordinates. With ECoLOptions it
// takes libsvm's very steps on data that R holds in double, such as the
// iris oracle: rounding iris to float32 moves libsvm's stopping point at
// tolerance 1e-3 (see the package documentation).
func Linearity64(x []float64, dim int, labels []int32, opt Options) (Result, error) {
	return linearity(x, dim, labels, opt)
}

func linearity[T float32 | float64](x []T, dim int, labels []int32, opt Options) (Result, error) {
	n := len(labels)
	if dim < 1 || len(x) != n*dim {
		return Result{}, fmt.Errorf("linear: %d values for %d points of dimension %d", len(x), n, dim)
	}
	if !(opt.Cost > 0) || !(opt.Tol > 0) {
		return Result{}, errors.New("linear: Options need Cost > 0 and Tol > 0 (use DefaultOptions)")
	}
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Result{}, errors.New("linear: NaN or infinite coordinate")
		}
	}
	byClass := map[int32][]int{}
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	classes := make([]int32, 0, len(byClass))
	for l, idx := range byClass {
		if len(idx) < 2 {
			return Result{}, fmt.Errorf("linear: class %d has %d point; every class needs at least 2", l, len(idx))
		}
		classes = append(classes, l)
	}
	if len(classes) < 2 {
		return Result{}, errors.New("linear: need at least two classes")
	}
	sort.Slice(classes, func(i, j int) bool { return classes[i] < classes[j] })
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var res Result
	for a := 0; a < len(classes); a++ {
		for b := a + 1; b < len(classes); b++ {
			res.Pairs = append(res.Pairs, Pair{Pos: classes[a], Neg: classes[b]})
		}
	}
	// With at least as many pairs as workers, every worker takes whole
	// pairs; otherwise each pair's kernel matrix uses all workers. Every
	// pair draws its L3 points
	// from its own generator, PCG(Seed, index of the pair), so the result
	// does not depend on the scheduling.
	inner := 1
	if len(res.Pairs) < workers {
		inner = workers
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(res.Pairs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range next {
				p := &res.Pairs[q]
				rng := rand.New(rand.NewPCG(opt.Seed, uint64(q)))
				r := pair(x, dim, labels, byClass[p.Pos], byClass[p.Neg], opt, inner, rng)
				r.Pos, r.Neg = p.Pos, p.Neg
				*p = r
			}
		}()
	}
	for q := range res.Pairs {
		next <- q
	}
	close(next)
	wg.Wait()
	for _, p := range res.Pairs {
		res.L1 += p.L1
		res.L2 += p.L2
		res.L3 += p.L3
	}
	np := float64(len(res.Pairs))
	res.L1 /= np
	res.L2 /= np
	res.L3 /= np
	return res, nil
}

// pair trains the SVM of one pair and measures it.
func pair[T float32 | float64](x []T, dim int, labels []int32, ia, ib []int, opt Options, workers int, rng *rand.Rand) Pair {
	// The pair's points in data order, as R's subset() keeps them.
	idx := make([]int, 0, len(ia)+len(ib))
	i, j := 0, 0
	for i < len(ia) || j < len(ib) {
		if j == len(ib) || (i < len(ia) && ia[i] < ib[j]) {
			idx = append(idx, ia[i])
			i++
		} else {
			idx = append(idx, ib[j])
			j++
		}
	}
	n := len(idx)
	// libsvm's +1 is the label met first.
	first := labels[idx[0]]
	y := make([]float64, n)
	for r, k := range idx {
		if labels[k] == first {
			y[r] = 1
		} else {
			y[r] = -1
		}
	}
	z, scaled := scalePair(x, dim, idx, opt.Scaling)
	k := numeric.Gram(z, n, dim, workers)
	s := newSVC(k, n, y, opt.Cost, opt.Tol, opt.Float32Q, opt.MaxIter)
	r := s.solve()

	p := Pair{N: n, Iter: r.iter, Converged: r.converged, Scaled: scaled}
	// Decision values of the training points from the float64 kernel, as
	// libsvm's svm_predict_values computes them: Σ_i α_i y_i K_it − ρ,
	// with K_it = y_i y_t Q_it (newSVC turned k into Q).
	coef := make([]float64, n)
	for t := range n {
		coef[t] = r.alpha[t] * y[t]
		if r.alpha[t] > 0 {
			p.SupportVectors++
		}
	}
	for t := range n {
		var sum float64
		qt := k[t*n : (t+1)*n]
		for i, c := range coef {
			if c != 0 {
				sum += c * (y[i] * y[t] * qt[i])
			}
		}
		f := sum - r.rho
		// libsvm predicts the first label when f > 0, the other otherwise.
		if (f > 0) != (y[t] > 0) {
			p.Errors++
			p.DistSum += math.Abs(f)
		}
	}
	sd := p.DistSum / float64(n)
	p.L1 = 1 - 1/(sd+1)
	p.L2 = float64(p.Errors) / float64(n)

	// L3: w = Σ α_i y_i z_i, then n interpolated points. ECoL's
	// c.interpolation: a class drawn as sample(class, 1) (so in proportion
	// to its size), two distinct points of it, one u ~ U(0,1), the point
	// x1 + (x2 − x1)·u. Interpolating scaled points is scaling the
	// interpolated point: the scaling is affine.
	w := make([]float64, dim)
	for t, c := range coef {
		if c == 0 {
			continue
		}
		zt := z[t*dim : (t+1)*dim]
		for f, v := range zt {
			w[f] += c * v
		}
	}
	pos, neg := []int{}, []int{}
	for t := range n {
		if y[t] > 0 {
			pos = append(pos, t)
		} else {
			neg = append(neg, t)
		}
	}
	wrong := 0
	for range n {
		t := rng.IntN(n)
		cls, want := neg, -1.0
		if y[t] > 0 {
			cls, want = pos, 1.0
		}
		u1 := rng.IntN(len(cls))
		u2 := rng.IntN(len(cls) - 1)
		if u2 >= u1 {
			u2++
		}
		z1 := z[cls[u1]*dim : (cls[u1]+1)*dim]
		z2 := z[cls[u2]*dim : (cls[u2]+1)*dim]
		u := rng.Float64()
		var f float64
		for q := range dim {
			f += w[q] * (z1[q] + (z2[q]-z1[q])*u)
		}
		f -= r.rho
		if (f > 0) != (want > 0) {
			wrong++
		}
	}
	p.L3 = float64(wrong) / float64(n)
	return p
}
