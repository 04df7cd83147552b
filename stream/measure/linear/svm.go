package linear

import "math"

// tau is libsvm's TAU: the curvature used when a pair's quad_coef is not
// positive (two identical points), so that the step stays finite.
const tau = 1e-12

// svc is libsvm's C-SVC dual (Chang and Lin 2011, §4.1.1),
//
//	min_α ½ αᵀQα − eᵀα   subject to   yᵀα = 0,  0 ≤ α_i ≤ C,
//
// Q_ij = y_i y_j K_ij, solved on a precomputed n×n kernel matrix by SMO
// with libsvm's working-set selection (WSS 2 of Fan, Chen and Lin 2005,
// second-order) and libsvm's bound clipping, so that with the same
// tolerance and Qfloat rounding it takes libsvm's steps. libsvm's shrinking
// heuristic is not implemented: it only drops bounded variables that the
// selection would not pick, and on the iris pairs it gives the same
// iterates (checked against libsvm through scikit-learn with shrinking on
// and off).
type svc struct {
	n    int
	q    []float64 // n×n matrix Q_ij = y_i y_j K_ij, row-major, float64
	qf   []float32 // Q rounded to float32 (libsvm's Qfloat), or nil
	y    []float64 // ±1
	c    float64
	eps  float64
	max  int
	qd   []float64 // K_ii, never rounded (libsvm's QD is double)
	g    []float64 // gradient Qα − e
	a    []float64 // α
	rowi []float64 // scratch rows of Q
	rowj []float64
}

// svcResult is the solution: α, libsvm's ρ (the decision function is
// f(x) = Σ_i α_i y_i K(x_i, x) − ρ), the number of SMO iterations and
// whether the stopping rule was met before the iteration cap.
type svcResult struct {
	alpha     []float64
	rho       float64
	iter      int
	converged bool
}

// newSVC takes the kernel matrix k and turns it into Q in place
// (K_ij = y_i y_j Q_ij: the signs flip exactly, so K is not lost).
func newSVC(k []float64, n int, y []float64, c, eps float64, qfloat bool, maxIter int) *svc {
	for i := range n {
		for j := range n {
			if y[i] != y[j] {
				k[i*n+j] = -k[i*n+j]
			}
		}
	}
	s := &svc{n: n, q: k, y: y, c: c, eps: eps, max: maxIter}
	if qfloat {
		s.qf = make([]float32, n*n)
		for i := range n {
			for j := range n {
				s.qf[i*n+j] = float32(k[i*n+j])
			}
		}
	}
	s.qd = make([]float64, n)
	for i := range n {
		s.qd[i] = k[i*n+i]
	}
	if s.max <= 0 {
		// libsvm: max(10⁷, 100·l).
		s.max = max(10000000, 100*n)
	}
	s.rowi = make([]float64, n)
	s.rowj = make([]float64, n)
	return s
}

// row returns row i of Q: the float64 row itself, or the float32 row
// widened into dst.
func (s *svc) row(i int, dst []float64) []float64 {
	n := s.n
	if s.qf == nil {
		return s.q[i*n : (i+1)*n]
	}
	for j, v := range s.qf[i*n : (i+1)*n] {
		dst[j] = float64(v)
	}
	return dst
}

func (s *svc) upper(i int) bool { return s.a[i] >= s.c }
func (s *svc) lower(i int) bool { return s.a[i] <= 0 }

// selectPair is libsvm's Solver::select_working_set: i maximises −y_i G_i
// over I_up, j minimises the second-order decrease over I_low; ties go to
// the later index, as libsvm's >= and <= comparisons do. It reports done
// when the maximal violation Gmax + Gmax2 is below eps.
func (s *svc) selectPair() (int, int, bool) {
	gmax, gmax2 := math.Inf(-1), math.Inf(-1)
	gi, gj := -1, -1
	objMin := math.Inf(1)
	for t := range s.n {
		if s.y[t] == 1 {
			if !s.upper(t) && -s.g[t] >= gmax {
				gmax, gi = -s.g[t], t
			}
		} else if !s.lower(t) && s.g[t] >= gmax {
			gmax, gi = s.g[t], t
		}
	}
	i := gi
	var qi []float64
	if i != -1 {
		qi = s.row(i, s.rowi)
	}
	for j := range s.n {
		if s.y[j] == 1 {
			if s.lower(j) {
				continue
			}
			diff := gmax + s.g[j]
			if s.g[j] >= gmax2 {
				gmax2 = s.g[j]
			}
			if diff > 0 {
				quad := s.qd[i] + s.qd[j] - 2*s.y[i]*qi[j]
				var obj float64
				if quad > 0 {
					obj = -(diff * diff) / quad
				} else {
					obj = -(diff * diff) / tau
				}
				if obj <= objMin {
					gj, objMin = j, obj
				}
			}
		} else {
			if s.upper(j) {
				continue
			}
			diff := gmax - s.g[j]
			if -s.g[j] >= gmax2 {
				gmax2 = -s.g[j]
			}
			if diff > 0 {
				quad := s.qd[i] + s.qd[j] + 2*s.y[i]*qi[j]
				var obj float64
				if quad > 0 {
					obj = -(diff * diff) / quad
				} else {
					obj = -(diff * diff) / tau
				}
				if obj <= objMin {
					gj, objMin = j, obj
				}
			}
		}
	}
	if gmax+gmax2 < s.eps || gj == -1 {
		return 0, 0, true
	}
	return gi, gj, false
}

// solve runs SMO from α = 0 (G = −e) to the stopping rule.
func (s *svc) solve() svcResult {
	n := s.n
	s.a = make([]float64, n)
	s.g = make([]float64, n)
	for i := range s.g {
		s.g[i] = -1
	}
	iter := 0
	converged := false
	for iter < s.max {
		i, j, done := s.selectPair()
		if done {
			converged = true
			break
		}
		iter++
		qi, qj := s.row(i, s.rowi), s.row(j, s.rowj)
		a, g, c := s.a, s.g, s.c
		oldI, oldJ := a[i], a[j]
		if s.y[i] != s.y[j] {
			quad := s.qd[i] + s.qd[j] + 2*qi[j]
			if quad <= 0 {
				quad = tau
			}
			delta := (-g[i] - g[j]) / quad
			diff := a[i] - a[j]
			a[i] += delta
			a[j] += delta
			if diff > 0 {
				if a[j] < 0 {
					a[j] = 0
					a[i] = diff
				}
			} else if a[i] < 0 {
				a[i] = 0
				a[j] = -diff
			}
			if diff > 0 { // C_i − C_j = 0
				if a[i] > c {
					a[i] = c
					a[j] = c - diff
				}
			} else if a[j] > c {
				a[j] = c
				a[i] = c + diff
			}
		} else {
			quad := s.qd[i] + s.qd[j] - 2*qi[j]
			if quad <= 0 {
				quad = tau
			}
			delta := (g[i] - g[j]) / quad
			sum := a[i] + a[j]
			a[i] -= delta
			a[j] += delta
			if sum > c {
				if a[i] > c {
					a[i] = c
					a[j] = sum - c
				}
			} else if a[j] < 0 {
				a[j] = 0
				a[i] = sum
			}
			if sum > c {
				if a[j] > c {
					a[j] = c
					a[i] = sum - c
				}
			} else if a[i] < 0 {
				a[i] = 0
				a[j] = sum
			}
		}
		di, dj := a[i]-oldI, a[j]-oldJ
		for k := range g {
			g[k] += qi[k]*di + qj[k]*dj
		}
	}
	return svcResult{alpha: s.a, rho: s.rho(), iter: iter, converged: converged}
}

// rho is libsvm's Solver::calculate_rho: the mean of y_i G_i over the free
// variables, or the midpoint of the interval the bounded ones allow when
// no variable is free.
func (s *svc) rho() float64 {
	ub, lb := math.Inf(1), math.Inf(-1)
	free, sum := 0, 0.0
	for i := range s.n {
		yg := s.y[i] * s.g[i]
		switch {
		case s.upper(i):
			if s.y[i] == -1 {
				ub = math.Min(ub, yg)
			} else {
				lb = math.Max(lb, yg)
			}
		case s.lower(i):
			if s.y[i] == 1 {
				ub = math.Min(ub, yg)
			} else {
				lb = math.Max(lb, yg)
			}
		default:
			free++
			sum += yg
		}
	}
	if free > 0 {
		return sum / float64(free)
	}
	return (ub + lb) / 2
}
