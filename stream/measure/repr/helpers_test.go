package repr

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"cxray/internal/fixture"
)

// loadIris reads fixtures/iris.csv as float32 features (labels setosa=0,
// versicolor=1, virginica=2) and builds CKA's second representation of the
// reference script: (a·b, c−d, a+0.5·c), each rounded to float32.
func loadIris(t testing.TB) (x []float32, y []float32, labels []int32) {
	t.Helper()
	raw, labels, _, err := fixture.CSV("fixtures/iris.csv", "species", 64)
	if err != nil {
		t.Fatal(err)
	}
	x = fixture.Float32(raw)
	for i := 0; i < len(x); i += 4 {
		var v [4]float64
		for j := range v {
			v[j] = float64(x[i+j])
		}
		y = append(y, float32(v[0]*v[1]), float32(v[2]-v[3]), float32(v[0]+0.5*v[2]))
	}
	return x, y, labels
}

// splitMix64 is the reference script's generator.
type splitMix64 uint64

func (s *splitMix64) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (s *splitMix64) uniform() float64 { return float64(s.next()>>11) * (1.0 / 9007199254740992.0) }

// synth rebuilds the reference script's synthetic set bit for bit: 600
// points, 4 classes, x of 40 features (the last constant), y of 24.
func synth() (x []float32, y []float32, labels []int32) {
	const n, k, dx, dy = 600, 4, 40, 24
	g := splitMix64(2024)
	x = make([]float32, n*dx)
	y = make([]float32, n*dy)
	labels = make([]int32, n)
	for i := range n {
		c := g.next() % k
		labels[i] = int32(c)
		xi := x[i*dx : (i+1)*dx]
		for j := range dx - 1 {
			center := 0.0
			if uint64(j)%k == c {
				center = 1.5
			}
			xi[j] = float32(center + (g.uniform()-0.5)*2.0)
		}
		xi[dx-1] = 3
		for j := range dy {
			a := float64(xi[(3*j)%39])
			b := float64(xi[(3*j+1)%39])
			y[i*dy+j] = float32(a*b*0.5 + (g.uniform()-0.5)*0.3)
		}
	}
	return x, y, labels
}

type refSet struct {
	N        int                `json:"n"`
	DX       int                `json:"dx"`
	DY       int                `json:"dy"`
	Classes  int                `json:"classes"`
	GDV      float64            `json:"gdv"`
	NC1      float64            `json:"nc1"`
	CKAFull  float64            `json:"cka_full"`
	CKABatch map[string]float64 `json:"cka_batch"`
	CKAXX    float64            `json:"cka_xx_full"`
}

type refFile struct {
	Iris     refSet `json:"iris"`
	Synth    refSet `json:"synth"`
	Checksum struct {
		XSum   float64 `json:"x_sum"`
		YSum   float64 `json:"y_sum"`
		Labels []int   `json:"labels"`
	} `json:"synth_checksum"`
}

func parseRef(t testing.TB, b []byte) refFile {
	t.Helper()
	var r refFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func loadRef(t testing.TB) (refFile, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixture.Root(), "fixtures", "reference", "repr_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	return parseRef(t, b), b
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}
