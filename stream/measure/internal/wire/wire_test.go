package wire

import (
	"math"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter("test.T", 2, 0)
	w.Bool(true)
	w.Int(-7)
	w.F64(math.Copysign(0, -1))
	w.F32s([]float32{1, float32(math.NaN())})
	w.I32s([]int32{-1, 5})
	w.Sym([]float64{1, 2, 2, 3}, 2)
	w.Blob([]byte("xy"))
	b := w.Bytes()
	if Tag(b) != "test.T" {
		t.Fatalf("Tag = %q", Tag(b))
	}
	r, v, err := NewReader(b, "test.T", 2)
	if err != nil || v != 2 {
		t.Fatal(v, err)
	}
	if !r.Bool() || r.Int("n", -10, 10) != -7 || !math.Signbit(r.F64()) {
		t.Fatal("scalars")
	}
	if f := r.F32s(2); f[0] != 1 || !math.IsNaN(float64(f[1])) {
		t.Fatal(f)
	}
	if i := r.I32s(-1); i[0] != -1 || i[1] != 5 {
		t.Fatal(i)
	}
	if s := r.Sym(2); s[1] != 2 || s[2] != 2 || s[3] != 3 {
		t.Fatal(s)
	}
	if string(r.Blob()) != "xy" {
		t.Fatal("blob")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// Every prefix of a state and every count beyond its bytes is an error,
// not a panic or an allocation of what the count claims.
func TestHostile(t *testing.T) {
	w := NewWriter("test.T", 1, 0)
	w.F64s([]float64{1, 2, 3})
	b := w.Bytes()
	for n := range len(b) {
		r, _, err := NewReader(b[:n], "test.T", 1)
		if err == nil {
			r.F64s(-1)
			err = r.Close()
		}
		if err == nil {
			t.Errorf("prefix of %d bytes: no error", n)
		}
	}
	huge := NewWriter("test.T", 1, 0)
	huge.U64(1 << 62)
	r, _, _ := NewReader(huge.Bytes(), "test.T", 1)
	if r.F64s(-1) != nil || r.Err() == nil || !strings.Contains(r.Err().Error(), "count") {
		t.Errorf("a count of 2^62: %v", r.Err())
	}
	if _, _, err := NewReader(b, "other.T", 1); err == nil || !strings.Contains(err.Error(), "test.T state, not a other.T") {
		t.Errorf("wrong tag: %v", err)
	}
	if _, _, err := NewReader(NewWriter("test.T", 3, 0).Bytes(), "test.T", 2); err == nil {
		t.Error("a newer version: no error")
	}
	r, _, _ = NewReader(append(b, 0), "test.T", 1)
	r.F64s(3)
	if r.Close() == nil {
		t.Error("a trailing byte: no error")
	}
}
