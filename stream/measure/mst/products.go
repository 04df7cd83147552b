package mst

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// preferBLAS makes dotStrip and gatherDots use blas32.Gemm even when the
// assembly kernel could run: set by the openblas build, whose Sgemm is
// faster.
var preferBLAS = false

// dot12 is dot6x2 on rows of y of stride ld holding dim features, at the
// offsets a and b0, b1: the kernel takes the first ld/8·8 features (all of
// them in a zero-padded row), the rest are added in Go. Every order of
// summation keeps lower's bound (its depth stays below dim+2).
func dot12(y []float32, ld, dim int, a *[6]int, b0, b1 int, res *[12]float32) {
	k8 := ld / 8
	dot6x2(&y[a[0]], &y[a[1]], &y[a[2]], &y[a[3]], &y[a[4]], &y[a[5]], &y[b0], &y[b1], k8, res)
	for f := 8 * k8; f < dim; f++ {
		v0, v1 := y[b0+f], y[b1+f]
		for q, o := range a {
			res[2*q] += y[o+f] * v0
			res[2*q+1] += y[o+f] * v1
		}
	}
}

// dotStrip sets out[(u-r0)·c1+v] = y_u·y_v for u in [r0, r1), v in [0, c1),
// where row u of y starts at u·ld and holds d values. Any order of
// summation is fine for the callers: their error bounds hold for all.
func dotStrip(y []float32, ld, d, r0, r1, c1 int, out []float32) {
	if !haveKernel || preferBLAS || d < 8 {
		a := blas32.General{Rows: r1 - r0, Cols: d, Stride: ld, Data: y[r0*ld : (r1-1)*ld+d]}
		b := blas32.General{Rows: c1, Cols: d, Stride: ld, Data: y[:(c1-1)*ld+d]}
		c := blas32.General{Rows: r1 - r0, Cols: c1, Stride: c1, Data: out}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, c)
		return
	}
	// Blocks of 64 columns (64 rows of y, 200 kB at d = 784) stay in L2
	// while every 6-row group of the strip sweeps them; the 6 rows stay in
	// L1 across a block. Missing rows and columns at the edges repeat the
	// last one and their results are dropped.
	const nb = 64
	var res [12]float32
	var a [6]int
	for jb := 0; jb < c1; jb += nb {
		je := min(c1, jb+nb)
		for i := r0; i < r1; i += 6 {
			for q := range a {
				a[q] = min(i+q, r1-1) * ld
			}
			rows := min(6, r1-i)
			for j := jb; j < je; j += 2 {
				j1 := min(j+1, je-1)
				dot12(y, ld, d, &a, j*ld, j1*ld, &res)
				o := (i-r0)*c1 + j
				if rows == 6 && j1 > j {
					put6x2(out[o:o+5*c1+2], c1, &res)
					continue
				}
				for q := range rows {
					out[o+q*c1] = res[2*q]
				}
				if j1 > j {
					for q := range rows {
						out[o+q*c1+1] = res[2*q+1]
					}
				}
			}
		}
	}
}

// put6x2 stores a full tile of dot12 into out, rows c1 apart.
func put6x2(out []float32, c1 int, res *[12]float32) {
	_ = out[5*c1+1]
	for q := range 6 {
		o := q * c1
		out[o], out[o+1] = res[2*q], res[2*q+1]
	}
}

// gramStrip sets out[(u-r0)·c1+v] = y_u·y_v for u in [r0, r1), v in [0, c1).
func gramStrip(p *points, r0, r1, c1 int, out []float32) {
	dotStrip(p.y, p.stride, p.dim, r0, r1, c1, out)
}

// gatherDots sets out[i·len(cols)+j] = y_rows[i]·y_cols[j].
func gatherDots(p *points, rows []int32, cols []int, out []float32) {
	ld, y, lc := p.stride, p.y, len(cols)
	if len(rows) == 0 || lc == 0 {
		return
	}
	if !haveKernel || preferBLAS {
		gatherDotsBLAS(p, rows, cols, out)
		return
	}
	// As in gramStrip: blocks of 64 columns stay in L2 while every group
	// of 6 rows sweeps them.
	const nb = 64
	var res [12]float32
	var a [6]int
	for jb := 0; jb < lc; jb += nb {
		je := min(lc, jb+nb)
		for i := 0; i < len(rows); i += 6 {
			for q := range a {
				a[q] = int(rows[min(i+q, len(rows)-1)]) * ld
			}
			nr := min(6, len(rows)-i)
			for j := jb; j < je; j += 2 {
				j1 := min(j+1, je-1)
				dot12(y, ld, p.dim, &a, cols[j]*ld, cols[j1]*ld, &res)
				o := i*lc + j
				for q := range nr {
					out[o+q*lc] = res[2*q]
				}
				if j1 > j {
					for q := range nr {
						out[o+q*lc+1] = res[2*q+1]
					}
				}
			}
		}
	}
}

// gatherDotsBLAS is gatherDots through blas32.Gemm on gathered copies of
// the rows and of blocks of columns.
func gatherDotsBLAS(p *points, rows []int32, cols []int, out []float32) {
	const nb = 256
	ld, lc := p.stride, len(cols)
	d := p.dim
	a := make([]float32, len(rows)*d)
	for i, v := range rows {
		copy(a[i*d:i*d+d], p.y[int(v)*ld:])
	}
	b := make([]float32, min(nb, lc)*d)
	A := blas32.General{Rows: len(rows), Cols: d, Stride: d, Data: a}
	for jb := 0; jb < lc; jb += nb {
		je := min(lc, jb+nb)
		for j := jb; j < je; j++ {
			copy(b[(j-jb)*d:(j-jb)*d+d], p.y[cols[j]*ld:])
		}
		B := blas32.General{Rows: je - jb, Cols: d, Stride: d, Data: b[:(je-jb)*d]}
		C := blas32.General{Rows: len(rows), Cols: je - jb, Stride: lc, Data: out[jb : (len(rows)-1)*lc+je]}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, A, B, 0, C)
	}
}
