package repr

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// NC1RCond is the relative cut-off of the pseudo-inverse in NC1: an
// eigenvalue of Σ_B at or below NC1RCond times the largest is taken as 0.
// Σ_B has rank at most K−1 (the centred class means, weighted by class
// size, sum to zero), so one eigenvalue is zero up to rounding, about
// 1e-16 of the largest; numpy's default pinv cut-off, 1e-15, sits too close
// to it to remove it reliably.
const NC1RCond = 1e-10

// NC1 returns the within-class variability collapse of Papyan, Han and
// Donoho (2020) of n = len(labels) points of dim features stored row by
// row in x:
//
//	NC1 = Tr(Σ_W Σ_B⁺) / K,
//	Σ_W = (1/n) Σ_i (h_i − μ_c(i))(h_i − μ_c(i))ᵀ,
//	Σ_B = (1/K) Σ_c (μ_c − μ_G)(μ_c − μ_G)ᵀ,
//
// with μ_c the class means, μ_G the mean of all points and K the number of
// classes; ⁺ is the Moore–Penrose pseudo-inverse with the cut-off NC1RCond.
// Smaller is more collapsed. Every class counts once in Σ_B, every point
// once in Σ_W (Papyan et al. take balanced classes, where the two agree).
//
// No dim×dim matrix is formed. With M = [μ_1−μ_G … μ_K−μ_G] (dim×K) and
// the eigen-decomposition G = MᵀM = V Λ Vᵀ (K×K), Σ_B⁺ = K·U Λ⁻¹ Uᵀ with
// U = M V Λ^{-1/2}, so with p_i = Mᵀ(h_i − μ_c(i)) (K numbers per point)
//
//	NC1 = (1/n) Σ_{k: λ_k > NC1RCond·λ_max} (Vᵀ A V)_kk / λ_k²,   A = Σ_i p_i p_iᵀ.
//
// Two passes over the points: the means, then the p_i. Work O(n·dim·K);
// memory O(K·dim + K²) beyond the points. It needs two classes; NaN when
// all class means coincide.
func NC1(x []float32, dim int, labels []int32) (float64, error) {
	if err := check(x, dim, labels); err != nil {
		return math.NaN(), err
	}
	n := len(labels)
	_, of, counts := classes(labels)
	K := len(counts)
	if K < 2 {
		return math.NaN(), errors.New("repr: NC1 needs at least two classes")
	}
	// Pass 1: class means and the grand mean, in float64.
	mu := make([]float64, K*dim)
	for i := range n {
		m := mu[of[i]*dim : (of[i]+1)*dim]
		for f, v := range x[i*dim : (i+1)*dim] {
			m[f] += float64(v)
		}
	}
	grand := make([]float64, dim)
	for c := range K {
		m := mu[c*dim : (c+1)*dim]
		for f := range m {
			grand[f] += m[f]
			m[f] /= float64(counts[c])
		}
	}
	for f := range grand {
		grand[f] /= float64(n)
	}
	// M (stored as K rows of dim) and G = MᵀM.
	M := make([]float64, K*dim)
	for c := range K {
		for f := range dim {
			M[c*dim+f] = mu[c*dim+f] - grand[f]
		}
	}
	G := mat.NewSymDense(K, nil)
	for a := range K {
		for b := 0; b <= a; b++ {
			G.SetSym(a, b, dot64(M[a*dim:(a+1)*dim], M[b*dim:(b+1)*dim]))
		}
	}
	// Pass 2: A = Σ p pᵀ, p = Mᵀ(h − μ_c).
	A := make([]float64, K*K)
	p := make([]float64, K)
	e := make([]float64, dim)
	for i := range n {
		m := mu[of[i]*dim : (of[i]+1)*dim]
		for f, v := range x[i*dim : (i+1)*dim] {
			e[f] = float64(v) - m[f]
		}
		for a := range K {
			p[a] = dot64(M[a*dim:(a+1)*dim], e)
		}
		for a := range K {
			for b := range K {
				A[a*K+b] += p[a] * p[b]
			}
		}
	}
	return nc1Of(G, A, K, n)
}

// nc1Of is NC1 from G = MᵀM (K×K) and A = Mᵀ S_W M (K×K row-major, S_W the
// within-class scatter summed over the n points, not yet divided by n).
func nc1Of(G *mat.SymDense, A []float64, K, n int) (float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(G, true) {
		return math.NaN(), errors.New("repr: NC1: eigen-decomposition failed")
	}
	lambda := eig.Values(nil)
	var V mat.Dense
	eig.VectorsTo(&V)
	lmax := 0.0
	for _, l := range lambda {
		lmax = math.Max(lmax, l)
	}
	if !(lmax > 0) {
		return math.NaN(), nil
	}
	Am := mat.NewDense(K, K, A)
	var sum float64
	v := make([]float64, K)
	av := mat.NewVecDense(K, nil)
	for k, l := range lambda {
		if !(l > NC1RCond*lmax) {
			continue
		}
		mat.Col(v, k, &V)
		av.MulVec(Am, mat.NewVecDense(K, v))
		sum += mat.Dot(mat.NewVecDense(K, v), av) / (l * l)
	}
	return sum / float64(n), nil
}

// dot64 is Σ a_i b_i in index order.
func dot64(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += float64(v * b[i])
	}
	return s
}
