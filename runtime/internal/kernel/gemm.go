package kernel

import "fmt"

// MR and NR are the rows and columns of the register tile.
const (
	MR = 6
	NR = 16
)

// RoundUp returns n rounded up to a multiple of m.
func RoundUp(n, m int) int { return (n + m - 1) / m * m }

// PackA packs the m×k matrix A (row stride lda; with trans, A is stored
// transposed: element (i, l) at a[l*lda+i]) into dst as RoundUp(m, MR)/MR
// panels, each k columns of MR values, zero-padded past row m. dst is
// grown when short and returned.
func PackA(dst, a []float32, m, k, lda int, trans bool) []float32 {
	mp := RoundUp(m, MR)
	if cap(dst) < mp*k {
		dst = make([]float32, mp*k)
	}
	dst = dst[:mp*k]
	for p := 0; p < mp; p += MR {
		panel := dst[p*k : (p+MR)*k]
		rows := min(MR, m-p)
		if trans {
			for l := 0; l < k; l++ {
				col := panel[l*MR : (l+1)*MR]
				copy(col, a[l*lda+p:l*lda+p+rows])
				clear(col[rows:])
			}
			continue
		}
		if rows == MR {
			// Six rows of A read side by side, the panel written in order.
			a0, a1, a2 := a[p*lda:p*lda+k], a[(p+1)*lda:(p+1)*lda+k], a[(p+2)*lda:(p+2)*lda+k]
			a3, a4, a5 := a[(p+3)*lda:(p+3)*lda+k], a[(p+4)*lda:(p+4)*lda+k], a[(p+5)*lda:(p+5)*lda+k]
			a1, a2, a3, a4, a5 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)], a4[:len(a0)], a5[:len(a0)]
			panel = panel[:len(a0)*MR]
			for l := range a0 {
				col := (*[MR]float32)(panel[l*MR : (l+1)*MR])
				col[0], col[1], col[2], col[3], col[4], col[5] = a0[l], a1[l], a2[l], a3[l], a4[l], a5[l]
			}
			continue
		}
		clear(panel)
		for r := 0; r < rows; r++ {
			src := a[(p+r)*lda : (p+r)*lda+k]
			for l, v := range src {
				panel[l*MR+r] = v
			}
		}
	}
	return dst
}

// PackB packs the k×n matrix B (row stride ldb; with trans, B is stored
// transposed: element (l, j) at b[j*ldb+l]) into dst as RoundUp(n, NR)/NR
// panels, each k rows of NR values, zero-padded past column n, for
// GemmPacked. dst is grown when short and returned.
func PackB(dst, b []float32, k, n, ldb int, trans bool) []float32 {
	np := RoundUp(n, NR)
	if cap(dst) < np*k {
		dst = make([]float32, np*k)
	}
	dst = dst[:np*k]
	for p := 0; p < np; p += NR {
		panel := dst[p*k : (p+NR)*k]
		cols := min(NR, n-p)
		if trans {
			if cols < NR {
				clear(panel)
			}
			for c := 0; c < cols; c++ {
				src := b[(p+c)*ldb : (p+c)*ldb+k]
				for l, v := range src {
					panel[l*NR+c] = v
				}
			}
			continue
		}
		for l := 0; l < k; l++ {
			row := panel[l*NR : (l+1)*NR]
			copy(row, b[l*ldb+p:l*ldb+p+cols])
			clear(row[cols:])
		}
	}
	return dst
}

// kc is the depth of GemmPacked's blocks: a block of a B panel (kc×NR,
// 16 kB) stays in L1 while every row panel of A passes over it, and the
// matching block of all of A (a batch of 64: 66×kc, 67 kB) in L2.
const kc = 256

// stepNR are the row offsets of a packed B panel.
var stepNR = Strided(nil, kc, NR)

// GemmPacked stores A·B in C, for A (mp×k) packed by PackA and B (k×np)
// packed by PackB; C is mp×np with row stride ldc. Only the column panels
// [j0, j1) are computed. Packed B reads each panel sequentially, which
// is what keeps the kernel fed when k is in the hundreds (a Linear layer).
//
// GemmPacked checks every bound before the unchecked inner loop runs and
// panics on a violation.
func GemmPacked(mp, np, k int, ap, bp []float32, c []float32, ldc int, j0, j1 int) {
	GemmPackedAdd(mp, np, k, ap, bp, c, ldc, j0, j1, false)
}

// GemmPackedAdd is GemmPacked, adding A·B to C when add is set.
func GemmPackedAdd(mp, np, k int, ap, bp []float32, c []float32, ldc int, j0, j1 int, add bool) {
	if mp%MR != 0 || np%NR != 0 || j0 < 0 || j1 > np/NR || ldc < np {
		panic(fmt.Sprintf("kernel: bad GemmPacked shape mp=%d np=%d ldc=%d panels [%d,%d)", mp, np, ldc, j0, j1))
	}
	if mp == 0 || j0 >= j1 {
		return
	}
	if len(ap) < mp*k || len(bp) < np*k || len(c) < (mp-1)*ldc+np {
		panic(fmt.Sprintf("kernel: GemmPacked buffers too short: A %d < %d, B %d < %d or C %d < %d",
			len(ap), mp*k, len(bp), np*k, len(c), (mp-1)*ldc+np))
	}
	if k == 0 {
		for i := 0; i < mp && !add; i++ {
			clear(c[i*ldc+j0*NR : i*ldc+j1*NR])
		}
		return
	}
	for jp := j0; jp < j1; {
		// With AVX-512, two column panels at a time (see tile12x32).
		panels := 1
		if haveAVX512 && jp+1 < j1 {
			panels = 2
		}
		for l0 := 0; l0 < k; l0 += kc {
			d := min(kc, k-l0)
			var bs [2][]float32
			for q := range panels {
				bs[q] = bp[(jp+q)*NR*k+l0*NR : (jp+q+1)*NR*k]
			}
			tiles(d, mp, ap, k, l0, bs[:panels], stepNR, c[jp*NR:], ldc, add || l0 > 0)
		}
		jp += panels
	}
}

// tiles computes the block of C of every row panel of A against one or
// two column panels of B (bs), over the depths [l0, l0+d) of A's k:
// pairs of row panels by two column panels with tile12x32, the rest with
// the 6×16 tile.
func tiles(d, mp int, ap []float32, k, l0 int, bs [][]float32, offs []int, c []float32, ldc int, add bool) {
	i := 0
	if len(bs) == 2 {
		for ; i+2*MR <= mp; i += 2 * MR {
			a0, a1 := ap[i*k+l0*MR:(i+MR)*k], ap[(i+MR)*k+l0*MR:(i+2*MR)*k]
			tile12x32(d, &a0[0], &a1[0], &bs[0][0], &bs[1][0], &offs[0], &c[i*ldc], ldc, add)
		}
	}
	for ; i < mp; i += MR {
		for q, b := range bs {
			tile(d, ap[i*k+l0*MR:(i+MR)*k], b, offs, c[i*ldc+q*NR:], ldc, add)
		}
	}
}

// Strided returns offs[:k] set to the row offsets of a matrix with row
// stride ld, for Gemm; offs is grown when short.
func Strided(offs []int, k, ld int) []int {
	if cap(offs) < k {
		offs = make([]int, k)
	}
	offs = offs[:k]
	for l := range offs {
		offs[l] = l * ld
	}
	return offs
}

// Gemm adds A·B to C, or with add false stores it in C (whose old
// contents are then never read, and may be anything). A is mp×k, packed by PackA. B is k×np: its row l
// is the np values at b[offs[l]:], so that B can be an ordinary row-major
// matrix (offsets from Strided) or a set of shifted views of one buffer,
// which is how Conv avoids copying receptive fields. C is mp×np with row
// stride ldc. mp must be a multiple of MR and np of NR. Only the column
// panels [j0, j1) of NR columns each are computed, so that callers can
// split the columns across goroutines.
//
// Gemm checks every bound before the unchecked inner loop runs and panics
// on a violation.
func Gemm(mp, np, k int, ap, b []float32, offs []int, c []float32, ldc int, add bool, j0, j1 int) {
	if mp%MR != 0 || np%NR != 0 || j0 < 0 || j1 > np/NR || ldc < np {
		panic(fmt.Sprintf("kernel: bad Gemm shape mp=%d np=%d ldc=%d panels [%d,%d)", mp, np, ldc, j0, j1))
	}
	if mp == 0 || j0 >= j1 {
		return
	}
	if len(ap) < mp*k || len(offs) < k || len(c) < (mp-1)*ldc+np {
		panic(fmt.Sprintf("kernel: Gemm buffers too short: A %d < %d, offsets %d < %d or C %d < %d",
			len(ap), mp*k, len(offs), k, len(c), (mp-1)*ldc+np))
	}
	if k == 0 {
		if !add {
			for i := 0; i < mp; i++ {
				clear(c[i*ldc+j0*NR : i*ldc+j1*NR])
			}
		}
		return
	}
	for _, o := range offs[:k] {
		if o < 0 || o+np > len(b) {
			panic(fmt.Sprintf("kernel: Gemm row of B at %d+%d is outside [0, %d)", o, np, len(b)))
		}
	}
	for j := j0 * NR; j < j1*NR; {
		// The k×NR panel of B (two with AVX-512) stays in L1 while every
		// row panel of A sweeps it.
		bs := [2][]float32{b[j:]}
		panels := 1
		if haveAVX512 && j+NR < j1*NR {
			bs[1], panels = b[j+NR:], 2
		}
		tiles(k, mp, ap, k, 0, bs[:panels], offs, c[j:], ldc, add)
		j += panels * NR
	}
}

// tileGo is the portable tile: c[r*ldc+j] (+)= Σ_l a[l*MR+r]·b[offs[l]+j]
// for r < MR, j < NR.
func tileGo(k int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	var acc [MR][NR]float32
	if add {
		for r := range MR {
			copy(acc[r][:], c[r*ldc:r*ldc+NR])
		}
	}
	for l := 0; l < k; l++ {
		bl := (*[NR]float32)(b[offs[l] : offs[l]+NR])
		al := (*[MR]float32)(a[l*MR : l*MR+MR])
		for r, v := range al {
			row := &acc[r]
			for j, w := range bl {
				row[j] += v * w
			}
		}
	}
	for r := range MR {
		copy(c[r*ldc:r*ldc+NR], acc[r][:])
	}
}
