package importer

import (
	"fmt"
	"math"

	"cxray/internal/bytesize"
)

// Limits bound what loading a model may allocate. A file states its own
// sizes (dims, lengths, counts), and every one of them is checked against
// these limits before anything is allocated for it, so that a small
// hostile file cannot make the loader allocate more.
type Limits struct {
	// FileBytes caps the size of the model file, which Load reads whole.
	FileBytes int64
	// DecodedBytes caps what decoding allocates: every tensor as cxray
	// holds it (float32 or int64, external data included) plus the graph's
	// structure, at a fixed estimate per node, name, attribute value and
	// dimension (see the cost constants in decode.go).
	DecodedBytes int64
}

// LimitsFor returns the limits under a memory budget of budget bytes
// (cxray's --memory): the file and the decoded model may each take the
// budget, so loading peaks at about twice the budget, and the weights
// then stay, as the README's memory bound states.
func LimitsFor(budget int64) Limits {
	return Limits{FileBytes: budget, DecodedBytes: budget}
}

// DefaultLimits are the limits of Load and Decode: those of cxray's
// default --memory of 1 GiB.
func DefaultLimits() Limits { return LimitsFor(1 << 30) }

// LimitError reports a model that needs more than a limit allows.
type LimitError struct {
	What  string // the thing that did not fit, e.g. `initializer "w" (FLOAT 1000×1000)`
	Need  int64  // bytes it needs (math.MaxInt64 when its size overflows)
	Used  int64  // bytes already taken by what was decoded before it
	Limit int64
	Kind  string // "file size" or "decoded size"
}

func (e *LimitError) Error() string {
	need := "more than 8 EB (its size overflows int64)"
	if e.Need < math.MaxInt64 {
		need = bytesize.Format(e.Need)
	}
	if e.Limit <= 0 {
		return fmt.Sprintf("%s needs %s", e.What, need)
	}
	if e.Used > 0 {
		return fmt.Sprintf("%s needs %s, and what was decoded before it takes %s: over the %s limit on the model's %s",
			e.What, need, bytesize.Format(e.Used), bytesize.Format(e.Limit), e.Kind)
	}
	return fmt.Sprintf("%s needs %s, over the %s limit on the model's %s", e.What, need, bytesize.Format(e.Limit), e.Kind)
}

// quota counts the bytes decoding allocates against Limits.DecodedBytes.
type quota struct {
	limit int64 // 0: no limit
	used  int64
}

// take charges n bytes for what (called only on failure, to name it);
// n < 0 means the size overflowed, which no limit allows.
func (q *quota) take(n int64, what func() string) error {
	if n < 0 {
		n = math.MaxInt64
	}
	if n == math.MaxInt64 || q.limit > 0 && (n > q.limit || q.used > q.limit-n) {
		return &LimitError{What: what(), Need: n, Used: q.used, Limit: q.limit, Kind: "decoded size"}
	}
	if n < math.MaxInt64 {
		q.used += n
	}
	return nil
}

// mulCheck returns a·b, or -1 when a or b is negative or the product
// overflows int64.
func mulCheck(a, b int64) int64 {
	if a < 0 || b < 0 {
		return -1
	}
	if a != 0 && b > math.MaxInt64/a {
		return -1
	}
	return a * b
}

// numel is the number of elements of dims, or an error for a negative
// dimension or a product that overflows int64.
func numel(dims []int64) (int64, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("dims %s include a negative dimension", dimsString(dims))
		}
		if n = mulCheck(n, d); n < 0 {
			return 0, fmt.Errorf("dims %s hold more than 2^63 elements", dimsString(dims))
		}
	}
	return n, nil
}

// dimsString formats dims as "3×224×224"; "scalar" for none. Long lists
// are cut.
func dimsString(dims []int64) string {
	if len(dims) == 0 {
		return "scalar"
	}
	s := ""
	for i, d := range dims {
		if i == 8 && len(dims) > 10 {
			return s + fmt.Sprintf("×… (%d dims)", len(dims))
		}
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}
