package n1

import (
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/oracle"
	"cxray/stream/measure/mst"
)

// The first 2000 MNIST test images (pixels k/255 in float32): N1 must equal
// the fixture reference, run now on the same float32 data, exactly — with
// every method, and with min-max normalisation too.
func TestMNISTMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs the Python reference on 2000×784 points")
	}
	oracle.NeedPython(t)
	x, y := oracle.MNIST(t, "t10k", 2000)
	for _, norm := range []measure.Normalization{measure.NormNone, measure.NormMinMax} {
		ref := oracle.ReferenceOnArrays(t, x, y, 784, "--normalize", norm.String())
		if ref.N != 2000 || ref.N1 <= 0 {
			t.Fatalf("reference: %+v", ref)
		}
		if ref.NearTies != nil {
			t.Logf("%v: reference N1 %v, %d near ties within 1e-5", norm, ref.N1, *ref.NearTies)
		}
		methods := allMethods
		if norm != measure.NormNone {
			methods = []mst.Method{mst.Auto}
		}
		for _, m := range methods {
			e := NewExactN1(784, norm)
			e.Method = m
			if err := e.Update(measure.Batch{X: x, Labels: y}); err != nil {
				t.Fatal(err)
			}
			got := value(t, e)
			if got != ref.N1 {
				t.Errorf("%v %v: N1 = %v, reference %v", norm, m, got, ref.N1)
			}
			if c := int(got*2000 + 0.5); c != ref.CrossVertices {
				t.Errorf("%v %v: %d cross vertices, reference %d", norm, m, c, ref.CrossVertices)
			}
			t.Logf("%v %v: N1 %v, %d exact distances", norm, m, got, e.Stats().ExactEvals)
		}
	}
}
