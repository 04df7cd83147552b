package linear

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/optimize"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
)

// ProbeOptions configures LinearProbe. The zero value gives the defaults.
type ProbeOptions struct {
	// TestFraction of every class held out for testing (default 0.25).
	TestFraction float64
	// Lambda is the L2 penalty on the weights (not the biases); 0 means
	// 1/n_train, which makes the objective scikit-learn's
	// LogisticRegression(C=1) divided by n_train.
	Lambda float64
	// MaxIter caps the L-BFGS iterations (default 100).
	MaxIter int
	// Seed seeds the split.
	Seed uint64
}

func (o ProbeOptions) withDefaults() ProbeOptions {
	if o.TestFraction == 0 {
		o.TestFraction = 0.25
	}
	if o.MaxIter == 0 {
		o.MaxIter = 100
	}
	return o
}

// Conventions describes the probe's settings as key=value pairs.
func (o ProbeOptions) Conventions() string {
	o = o.withDefaults()
	lam := "1/n_train"
	if o.Lambda > 0 {
		lam = fmt.Sprintf("%g", o.Lambda)
	}
	return fmt.Sprintf("probe=softmax optimizer=lbfgs standardize=train_zscore split=stratified_holdout test_fraction=%g lambda=%s max_iter=%d seed=%d",
		o.TestFraction, lam, o.MaxIter, o.Seed)
}

// ProbeResult is the outcome of LinearProbe.
type ProbeResult struct {
	// Accuracy on the held-out points, TrainAccuracy on the training ones.
	Accuracy, TrainAccuracy float64
	NTrain, NTest           int
	// Loss is the final objective, Iterations the L-BFGS iterations,
	// Status gonum's termination status.
	Loss       float64
	Iterations int
	Status     string
}

// LinearProbe trains a multinomial logistic regression (softmax) on the
// points and reports its held-out accuracy: how linearly decodable the
// labels are from the layer.
//
//   - Split: per class, the points are shuffled with a PCG seeded by Seed
//     and round(TestFraction·n_c) of them are held out (stratified; a class
//     of one point stays in training).
//   - Features are z-scored with the training points' mean and population
//     standard deviation (a constant feature becomes 0).
//   - Objective: (1/n_train) Σ −log softmax(W z_i + b)_{y_i} + (λ/2)‖W‖²,
//     λ = Lambda or 1/n_train; minimised from zero by gonum's L-BFGS for at
//     most MaxIter iterations, or until the gradient norm drops below 1e-6.
//   - Accuracy: the fraction of held-out points whose largest logit is
//     their label (the lowest class index on a tie).
//
// Deterministic for a seed on one machine and build (evaluations are
// sequential; the BLAS products sum in an order fixed by their blocking,
// which OpenBLAS may choose by the number of threads).
// Work: 2·n_train·dim·K multiply-adds per evaluation, as two BLAS matrix
// products. Memory: the standardised points in float64, 8·n·dim bytes,
// plus O(K·dim + n·K).
func LinearProbe(x []float32, dim int, labels []int32, opt ProbeOptions) (ProbeResult, error) {
	opt = opt.withDefaults()
	n := len(labels)
	if dim < 1 || len(x) != n*dim {
		return ProbeResult{}, fmt.Errorf("linear: %d values for %d points of dimension %d", len(x), n, dim)
	}
	if !(opt.TestFraction > 0 && opt.TestFraction < 1) {
		return ProbeResult{}, errors.New("linear: TestFraction must be in (0, 1)")
	}
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return ProbeResult{}, errors.New("linear: NaN or infinite coordinate")
		}
	}
	byClass := map[int32][]int{}
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	labs := make([]int32, 0, len(byClass))
	for l := range byClass {
		labs = append(labs, l)
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i] < labs[j] })
	K := len(labs)
	if K < 2 {
		return ProbeResult{}, errors.New("linear: the probe needs at least two classes")
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x70726f6265)) // "probe"
	var train, test []int
	var ytr, yte []int
	for c, l := range labs {
		idx := append([]int(nil), byClass[l]...)
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		nt := int(math.Round(opt.TestFraction * float64(len(idx))))
		if nt >= len(idx) {
			nt = len(idx) - 1
		}
		for r, i := range idx {
			if r < nt {
				test = append(test, i)
				yte = append(yte, c)
			} else {
				train = append(train, i)
				ytr = append(ytr, c)
			}
		}
	}
	if len(test) == 0 {
		return ProbeResult{}, errors.New("linear: no point left for testing")
	}
	// Standardisation from the training points: their mean, and 1/σ with
	// the population σ (0 for a constant feature).
	cols := feature.OfRows(x, dim, train, feature.Spread)
	mu, sc := cols.Mean, cols.Weights(measure.NormZScore)
	lambda := opt.Lambda
	if lambda <= 0 {
		lambda = 1 / float64(len(train))
	}
	p := &softmax{dim: dim, k: K, y: ytr, lambda: lambda, mu: mu, sc: sc}
	p.xs = p.standardised(x, train)
	prob := optimize.Problem{
		Func: func(w []float64) float64 { return p.eval(w, nil) },
		Grad: func(g, w []float64) { p.eval(w, g) },
	}
	settings := &optimize.Settings{MajorIterations: opt.MaxIter, GradientThreshold: 1e-6}
	w0 := make([]float64, K*(dim+1))
	res, err := optimize.Minimize(prob, w0, settings, &optimize.LBFGS{})
	if err != nil && res == nil {
		return ProbeResult{}, fmt.Errorf("linear: probe optimisation: %w", err)
	}
	out := ProbeResult{NTrain: len(train), NTest: len(test), Loss: res.F, Iterations: res.Stats.MajorIterations, Status: res.Status.String()}
	out.TrainAccuracy = p.accuracy(res.X, p.xs, ytr)
	out.Accuracy = p.accuracy(res.X, p.standardised(x, test), yte)
	return out, nil
}

// softmax evaluates the probe's objective on the standardised training
// points. The parameters are K rows of dim weights followed by K biases.
// The two products of an evaluation, the logits Z = Xs·Wᵀ and the gradient
// Zᵀ·Xs, are BLAS matrix products (gonum's, or OpenBLAS with -tags
// openblas), which is where the time goes on wide layers.
type softmax struct {
	xs     []float64 // n_train × dim standardised training points
	dim, k int
	y      []int
	mu, sc []float64
	lambda float64
}

// standardised returns the rows of x z-scored with the training mean and
// scale, as a row-major float64 matrix.
func (p *softmax) standardised(x []float32, rows []int) []float64 {
	d := p.dim
	out := make([]float64, len(rows)*d)
	for r, i := range rows {
		o := out[r*d : (r+1)*d]
		for f, v := range x[i*d : (i+1)*d] {
			o[f] = (float64(v) - p.mu[f]) * p.sc[f]
		}
	}
	return out
}

// logits returns Z = X·Wᵀ + b for the n rows of the standardised xs.
func (p *softmax) logits(w, xs []float64) []float64 {
	d, K := p.dim, p.k
	n := len(xs) / d
	z := make([]float64, n*K)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: n, Cols: d, Stride: d, Data: xs},
		blas64.General{Rows: K, Cols: d, Stride: d, Data: w[:K*d]},
		0, blas64.General{Rows: n, Cols: K, Stride: K, Data: z})
	for r := range n {
		for k := range K {
			z[r*K+k] += w[K*d+k]
		}
	}
	return z
}

// eval returns the objective at w and, when g is not nil, stores its
// gradient in g.
func (p *softmax) eval(w, g []float64) float64 {
	d, K := p.dim, p.k
	n := len(p.y)
	z := p.logits(w, p.xs)
	var loss float64
	// z becomes the residual softmax − onehot, scaled by 1/n.
	for r := range n {
		zr := z[r*K : (r+1)*K]
		m := math.Inf(-1)
		for _, v := range zr {
			m = math.Max(m, v)
		}
		var s float64
		for _, v := range zr {
			s += math.Exp(v - m)
		}
		lse := m + math.Log(s)
		loss += lse - zr[p.y[r]]
		for k := range zr {
			zr[k] = math.Exp(zr[k]-lse) / float64(n)
		}
		zr[p.y[r]] -= 1 / float64(n)
	}
	loss /= float64(n)
	var pen float64
	for _, v := range w[:K*d] {
		pen += v * v
	}
	loss += p.lambda / 2 * pen
	if g == nil {
		return loss
	}
	// ∂/∂W = Zᵀ·Xs + λW, ∂/∂b_k = Σ_r z_rk.
	copy(g[:K*d], w[:K*d])
	blas64.Gemm(blas.Trans, blas.NoTrans, 1,
		blas64.General{Rows: n, Cols: K, Stride: K, Data: z},
		blas64.General{Rows: n, Cols: d, Stride: d, Data: p.xs},
		p.lambda, blas64.General{Rows: K, Cols: d, Stride: d, Data: g[:K*d]})
	for k := range K {
		var s float64
		for r := range n {
			s += z[r*K+k]
		}
		g[K*d+k] = s
	}
	return loss
}

// accuracy returns the fraction of the standardised rows xs whose largest
// logit is their class y.
func (p *softmax) accuracy(w, xs []float64, y []int) float64 {
	K := p.k
	z := p.logits(w, xs)
	right := 0
	for r := range y {
		best := 0
		for k := 1; k < K; k++ {
			if z[r*K+k] > z[r*K+best] {
				best = k
			}
		}
		if best == y[r] {
			right++
		}
	}
	return float64(right) / float64(len(y))
}
