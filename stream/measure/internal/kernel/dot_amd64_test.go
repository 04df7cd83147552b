package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Dot6x2 must agree with a float64 dot product within the float32 bound
// γ_d·Σ|a_i·b_i|, for lengths from 0 to a few hundred, on each kernel the
// machine can run.
func TestDot6x2(t *testing.T) {
	if !Available {
		t.Skip("skipping: no AVX2+FMA")
	}
	t.Run("AVX2", func(t *testing.T) { testDot6x2(t, false) })
	if !Has512 {
		t.Log("no AVX-512 here: its kernel is not tested")
		return
	}
	t.Run("AVX512", func(t *testing.T) { testDot6x2(t, true) })
}

func testDot6x2(t *testing.T, wide bool) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k8 := range []int{0, 1, 2, 3, 4, 7, 98, 99} {
		d := k8 * 8
		rows := make([][]float32, 8)
		for i := range rows {
			rows[i] = make([]float32, d+8) // the kernel must not read past k8·8
			for j := range rows[i] {
				rows[i][j] = float32(rng.NormFloat64() * 10)
			}
			for j := d; j < d+8; j++ {
				rows[i][j] = float32(math.NaN())
			}
		}
		var out [12]float32
		dot6x2(&rows[0][0], &rows[1][0], &rows[2][0], &rows[3][0], &rows[4][0], &rows[5][0], &rows[6][0], &rows[7][0], k8, wide, &out)
		gamma := float64(d) * 0x1p-24 / (1 - float64(d)*0x1p-24)
		for r := range 6 {
			for c := range 2 {
				var s, abs float64
				for j := range d {
					p := float64(rows[r][j]) * float64(rows[6+c][j])
					s += p
					abs += math.Abs(p)
				}
				got := float64(out[2*r+c])
				if math.Abs(got-s) > gamma*abs || math.IsNaN(got) {
					t.Errorf("k8=%d row %d col %d: got %v, want %v ± %v", k8, r, c, got, s, gamma*abs)
				}
			}
		}
	}
}
