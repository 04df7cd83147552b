package repr

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"cxray/internal/fixture"
	"cxray/stream/measure"
)

// The Go measures match the float64 numpy/scipy reference to 1e-9 relative.
func TestReference(t *testing.T) {
	ref, _ := loadRef(t)
	ix, iy, il := loadIris(t)
	sx, sy, sl := synth()
	// The synthetic set is the script's, bit for bit.
	var xs, ys float64
	for _, v := range sx {
		xs += float64(v)
	}
	for _, v := range sy {
		ys += float64(v)
	}
	counts := make([]int, 4)
	for _, l := range sl {
		counts[l]++
	}
	if !relClose(xs, ref.Checksum.XSum, 1e-12) || !relClose(ys, ref.Checksum.YSum, 1e-9) || !reflect.DeepEqual(counts, ref.Checksum.Labels) {
		t.Fatalf("synthetic set differs from the script's: sums %v %v counts %v, want %v %v %v", xs, ys, counts, ref.Checksum.XSum, ref.Checksum.YSum, ref.Checksum.Labels)
	}
	for _, c := range []struct {
		name   string
		x, y   []float32
		labels []int32
		want   refSet
	}{
		{"iris", ix, iy, il, ref.Iris},
		{"synth", sx, sy, sl, ref.Synth},
	} {
		n, dx, dy := c.want.N, c.want.DX, c.want.DY
		const tol = 1e-9
		g, err := GDV(c.x, dx, c.labels)
		if err != nil || !relClose(g, c.want.GDV, tol) {
			t.Errorf("%s: GDV = %.17g, %v; want %.17g", c.name, g, err, c.want.GDV)
		}
		v, err := NC1(c.x, dx, c.labels)
		if err != nil || !relClose(v, c.want.NC1, tol) {
			t.Errorf("%s: NC1 = %.17g, %v; want %.17g", c.name, v, err, c.want.NC1)
		}
		// The streaming state, fed in batches of 7, reads the same.
		nm := NewNC1Moments(dx)
		for lo := 0; lo < n; lo += 7 {
			hi := min(lo+7, n)
			if err := nm.Update(measure.Batch{X: c.x[lo*dx : hi*dx], Labels: c.labels[lo:hi]}); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := nm.Value(); err != nil || !relClose(got, c.want.NC1, tol) {
			t.Errorf("%s: NC1Moments.Value = %.17g, %v; want %.17g", c.name, got, err, c.want.NC1)
		}
		full, err := LinearCKA(c.x, dx, c.y, dy, n, n)
		if err != nil || !relClose(full, c.want.CKAFull, tol) {
			t.Errorf("%s: full-batch CKA = %.17g, %v; want %.17g", c.name, full, err, c.want.CKAFull)
		}
		xx, err := LinearCKA(c.x, dx, c.x, dx, n, n)
		if err != nil || !relClose(xx, c.want.CKAXX, tol) {
			t.Errorf("%s: CKA(X, X) = %.17g, %v; want %.17g", c.name, xx, err, c.want.CKAXX)
		}
		for bs, want := range c.want.CKABatch {
			b, _ := strconv.Atoi(bs)
			got, err := LinearCKA(c.x, dx, c.y, dy, n, b)
			if err != nil || !relClose(got, want, tol) {
				t.Errorf("%s: CKA batch %d = %.17g, %v; want %.17g", c.name, b, got, err, want)
			}
		}
		t.Logf("%s: GDV %.6f NC1 %.6f CKA full %.6f", c.name, g, v, full)
	}
}

// The committed JSON is what the script prints now.
func TestReferenceCurrent(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy, scipy").Run(); err != nil {
		t.Skipf("skipping: the reference needs %s with numpy and scipy: %v", python, err)
	}
	script := filepath.Join(fixture.Root(), "fixtures", "reference", "repr_reference.py")
	var stderr bytes.Buffer
	cmd := exec.Command(python, script)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	got := parseRef(t, out)
	want, _ := loadRef(t)
	// numpy's last bits vary with the machine's BLAS kernel and threads;
	// a stale file differs by far more than fixture.ReferenceRTol.
	cmp := func(name string, a, b float64) {
		if !fixture.CloseRel(a, b, fixture.ReferenceRTol) {
			t.Errorf("%s: script prints %.17g, committed %.17g: regenerate repr_reference.json", name, a, b)
		}
	}
	for _, s := range []struct {
		name string
		a, b refSet
	}{{"iris", got.Iris, want.Iris}, {"synth", got.Synth, want.Synth}} {
		cmp(s.name+" gdv", s.a.GDV, s.b.GDV)
		cmp(s.name+" nc1", s.a.NC1, s.b.NC1)
		cmp(s.name+" cka_full", s.a.CKAFull, s.b.CKAFull)
		if len(s.a.CKABatch) != len(s.b.CKABatch) {
			t.Errorf("%s: batch sizes %v, committed %v", s.name, s.a.CKABatch, s.b.CKABatch)
		}
		for k, v := range s.b.CKABatch {
			cmp(s.name+" cka_batch "+k, s.a.CKABatch[k], v)
		}
	}
}

// randomPoints returns n points of dim Gaussian features.
func randomPoints(rng *rand.Rand, n, dim int) []float32 {
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// randomOrthogonal returns a d×d orthogonal matrix (Gram–Schmidt of a
// Gaussian matrix), row-major.
func randomOrthogonal(rng *rand.Rand, d int) []float64 {
	q := make([]float64, d*d)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	for i := range d {
		r := q[i*d : (i+1)*d]
		for j := range i {
			p := q[j*d : (j+1)*d]
			s := dot64(r, p)
			for k := range r {
				r[k] -= s * p[k]
			}
		}
		s := math.Sqrt(dot64(r, r))
		for k := range r {
			r[k] /= s
		}
	}
	return q
}

// transform returns c·x·Qᵀ rounded to float32.
func transform(x []float32, n, d int, q []float64, c float64) []float32 {
	out := make([]float32, n*d)
	for i := range n {
		for j := range d {
			var s float64
			for k := range d {
				s += float64(x[i*d+k]) * q[j*d+k]
			}
			out[i*d+j] = float32(c * s)
		}
	}
	return out
}

func TestCKAProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, dx, dy = 300, 12, 7
	x := randomPoints(rng, n, dx)
	// y depends on x, so CKA is far from 0 and from 1.
	y := make([]float32, n*dy)
	for i := range n {
		for j := range dy {
			y[i*dy+j] = x[i*dx+j]*x[i*dx+j+1] + x[i*dx+j+2] + float32(0.5*rng.NormFloat64())
		}
	}
	base, err := LinearCKA(x, dx, y, dy, n, 64)
	if err != nil {
		t.Fatal(err)
	}
	if !(base > 0.05 && base < 0.95) {
		t.Fatalf("CKA = %v, want a value well inside (0, 1)", base)
	}
	self, _ := LinearCKA(x, dx, x, dx, n, 64)
	if math.Abs(self-1) > 1e-12 {
		t.Errorf("CKA(X, X) = %.17g, want 1", self)
	}
	// Orthogonal transforms and isotropic scales of either side; the float32
	// rounding of the transformed points limits the agreement to ~1e-6.
	q := randomOrthogonal(rng, dx)
	for _, c := range []float64{1, 3.5, 0.01} {
		xt := transform(x, n, dx, q, c)
		got, _ := LinearCKA(xt, dx, y, dy, n, 64)
		if math.Abs(got-base) > 1e-5*base {
			t.Errorf("CKA(%g·XQ, Y) = %.10f, want %.10f", c, got, base)
		}
	}
	// Not invariant to an anisotropic scale: the test can fail.
	xs := append([]float32(nil), x...)
	for i := range n {
		xs[i*dx] *= 10
	}
	if got, _ := LinearCKA(xs, dx, y, dy, n, 64); math.Abs(got-base) < 1e-3 {
		t.Errorf("CKA did not move under an anisotropic scale: %v vs %v", got, base)
	}
	// Merge of two streams equals one stream of the same batches.
	one, a, b := NewCKA(dx, dy), NewCKA(dx, dy), NewCKA(dx, dy)
	labels := make([]int32, n)
	for k, r := range Batches(n, 64) {
		lo, hi := r[0], r[1]
		batch := measure.Batch{X: x[lo*dx : hi*dx], Y: y[lo*dy : hi*dy], Labels: labels[lo:hi]}
		if err := one.Update(batch); err != nil {
			t.Fatal(err)
		}
		dst := a
		if k%2 == 1 {
			dst = b
		}
		if err := dst.Update(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if !relClose(a.Value(), one.Value(), 1e-14) || a.Batches() != one.Batches() || a.N() != n {
		t.Errorf("merged CKA %.17g (%d batches, %d points), one stream %.17g (%d batches)", a.Value(), a.Batches(), a.N(), one.Value(), one.Batches())
	}
	if one.Value() != base {
		t.Errorf("stream %.17g, LinearCKA %.17g", one.Value(), base)
	}
	// Batch size matters.
	if full, _ := LinearCKA(x, dx, y, dy, n, n); full == base {
		t.Errorf("full-batch CKA equals minibatch CKA exactly: %v", full)
	}
}

func TestCKAErrors(t *testing.T) {
	c := NewCKA(2, 1)
	if !math.IsNaN(c.Value()) {
		t.Error("empty CKA is not NaN")
	}
	four := make([]int32, 4)
	if err := c.Update(measure.Batch{X: make([]float32, 6), Y: make([]float32, 3), Labels: four[:3]}); err == nil {
		t.Error("a batch of 3 points was accepted")
	}
	if err := c.Update(measure.Batch{X: []float32{1, 2, 3, 4, 5, 6, 7, float32(math.NaN())}, Y: make([]float32, 4), Labels: four}); err == nil {
		t.Error("NaN accepted")
	}
	if err := c.Update(measure.Batch{X: make([]float32, 8), Y: make([]float32, 4), Labels: four}); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(measure.Batch{X: make([]float32, 12), Y: make([]float32, 4), Labels: four}); err == nil {
		t.Error("another dimension accepted")
	}
	if err := c.Update(measure.Batch{X: make([]float32, 8), Labels: four}); err == nil {
		t.Error("a batch without its second representation accepted")
	}
	if got := Batches(10, 4); !reflect.DeepEqual(got, [][2]int{{0, 4}, {4, 10}}) {
		t.Errorf("Batches(10, 4) = %v", got)
	}
	if got := Batches(12, 4); !reflect.DeepEqual(got, [][2]int{{0, 4}, {4, 8}, {8, 12}}) {
		t.Errorf("Batches(12, 4) = %v", got)
	}
}

// GDV and NC1 see separation: well-separated classes score lower than the
// same points with shuffled labels, and the value does not depend on the
// order of the points.
func TestGDVNC1Separation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, d, k = 400, 20, 4
	x := randomPoints(rng, n, d)
	labels := make([]int32, n)
	for i := range n {
		labels[i] = int32(i % k)
		x[i*d+int(labels[i])] += 4
	}
	shuffled := append([]int32(nil), labels...)
	rng.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	g, _ := GDV(x, d, labels)
	gs, _ := GDV(x, d, shuffled)
	if !(g < -0.05 && math.Abs(gs) < 0.01) {
		t.Errorf("GDV separated %v, shuffled %v", g, gs)
	}
	v, _ := NC1(x, d, labels)
	vs, _ := NC1(x, d, shuffled)
	if !(v < 1 && vs > 10*v) {
		t.Errorf("NC1 separated %v, shuffled %v", v, vs)
	}
	// Reversing the points changes no sum but the order of additions.
	xr := make([]float32, len(x))
	lr := make([]int32, n)
	for i := range n {
		copy(xr[i*d:(i+1)*d], x[(n-1-i)*d:(n-i)*d])
		lr[i] = labels[n-1-i]
	}
	if gr, _ := GDV(xr, d, lr); !relClose(gr, g, 1e-12) {
		t.Errorf("GDV reversed %v, %v", gr, g)
	}
	if vr, _ := NC1(xr, d, lr); !relClose(vr, v, 1e-10) {
		t.Errorf("NC1 reversed %v, %v", vr, v)
	}
	// Errors.
	if _, err := GDV(x, d, make([]int32, n)); err == nil {
		t.Error("GDV of one class accepted")
	}
	if _, err := NC1(x[:d], d, []int32{0}); err == nil {
		t.Error("NC1 of one class accepted")
	}
	if _, err := GDV(x[:3*d], d, []int32{0, 0, 1}); err == nil {
		t.Error("GDV with a single-point class accepted")
	}
}
