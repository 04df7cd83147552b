package runtime

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"cxray/internal/bytesize"
)

// Limits bound the memory of an Executor's own buffers whose size grows
// with the batch: node outputs and kernel scratch. The input batch and the
// graph's initializers belong to the caller and are not counted, and the
// copies of constant weights packed for the matrix kernel, whose size
// does not depend on the batch, are tallied apart (PackedWeightBytes).
type Limits struct {
	// Bytes caps what those buffers may hold together; 0 means no cap. It
	// is checked before every allocation, in Run and in the shape step
	// (OutputShapes) alike, so a model that asks for more fails with a
	// *BudgetError instead of allocating.
	Bytes int64
	// Name labels the budget in errors, for example "--memory".
	Name string
}

// BudgetError reports a buffer that would take an executor past its
// Limits. The message names the node, its op, the buffer and its shape,
// the bytes it needs, what is already held and the budget.
type BudgetError struct {
	Node, Op string // the node, quoted, and its operator
	What     string // "output", or the kernel scratch that was asked for
	Shape    []int  // the buffer's shape (a scratch buffer: its length)
	Batch    int    // the batch size of the run
	Need     int64  // bytes of the buffer (math.MaxInt64 when its size overflows)
	Held     int64  // bytes the executor's other buffers hold or need
	Limit    int64
	Name     string // Limits.Name
}

func (e *BudgetError) Error() string {
	var b strings.Builder
	if e.Node != "" {
		fmt.Fprintf(&b, "node %s (%s) ", e.Node, e.Op)
	}
	dims := make([]string, len(e.Shape))
	for i, d := range e.Shape {
		dims[i] = strconv.Itoa(d)
	}
	fmt.Fprintf(&b, "%s %s needs ", e.What, strings.Join(dims, "×"))
	if e.Need == math.MaxInt64 {
		b.WriteString("more than 8 EB (its size overflows)")
	} else {
		b.WriteString(bytesize.Format(e.Need))
	}
	switch e.Batch {
	case 0:
	case 1:
		b.WriteString(" for one sample")
	default:
		fmt.Fprintf(&b, " for a batch of %d", e.Batch)
	}
	if e.Held > 0 {
		fmt.Fprintf(&b, " beside the %s of the buffers before it", bytesize.Format(e.Held))
	}
	if e.Limit > 0 {
		budget := "budget"
		if e.Name != "" {
			budget = e.Name + " budget"
		}
		fmt.Fprintf(&b, ", over the %s %s", bytesize.Format(e.Limit), budget)
	}
	return b.String()
}

// errDry ends a kernel's run once its outputs and scratch are accounted
// for, in a step that the shape step does not compute (see meter.dry).
var errDry = errors.New("runtime: shapes only")

// meter accounts for the bytes of an executor's buffers. Every buffer the
// executor owns grows through reserve, which checks the size (overflow
// included) against the limit before allocating.
//
// Two tallies are kept. held is what the buffers hold now: the capacity
// of everything allocated, over all runs so far. run is what this run
// asked for: per buffer, the largest size requested, summed; it is the
// memory a fresh executor would hold after running this batch size, which
// is what ForwardBytes reports. A shape-step run (dry) fills run without
// allocating the buffers of steps that depend on the input's values.
//
// Buffers of constant weights packed for a kernel grow through
// reserveFor with weights instead, into a third tally, weights: per
// buffer, the largest size asked for in any run or at build time, dry or
// not. They are copies of the model, as large at every batch size, so
// they are neither in held or run nor checked against the limit.
type meter struct {
	limit int64
	name  string

	held  int64 // bytes allocated and kept
	fixed int64 // of held, allocated when the executor was built
	run   int64 // bytes asked for in this run
	asked map[any]int64

	weights int64 // bytes of constant weights packed for a kernel
	perPack map[any]int64

	inRun bool // between beginRun and the end of the run
	dry   bool // the current step is computed for its shapes only
	check bool // check run (not held) against the limit: a dry run that enforces the budget
}

// beginRun resets the per-run tally.
func (m *meter) beginRun(check bool) {
	m.inRun, m.run, m.check = true, 0, check
	clear(m.asked)
	if m.asked == nil {
		m.asked = map[any]int64{}
	}
}

func (m *meter) endRun() { m.inRun, m.dry = false, false }

// countWeights raises the weights tally to bytes for the packed buffer
// key, if it asked for fewer before.
func (m *meter) countWeights(key any, bytes int64) {
	if m.perPack == nil {
		m.perPack = map[any]int64{}
	}
	if prev := m.perPack[key]; bytes > prev {
		m.perPack[key] = bytes
		m.weights += bytes - prev
	}
}

// forward is the bytes a fresh executor holds after the last run.
func (m *meter) forward() int64 { return m.fixed + m.run }

// reserve returns (*buf)[:n], growing *buf when it is short, after
// checking n elements against the budget; what and shape name the buffer
// in a BudgetError. In a dry step it returns nil and allocates nothing:
// the kernel must not touch the slice, and returns errDry at its next
// setFloat or setInt. m may be nil (kernels run outside an executor, as in
// tests): the allocation is then only checked for overflow.
func reserve[T any](m *meter, buf *[]T, n int, what string, shape []int) ([]T, error) {
	return reserveFor(m, buf, n, what, shape, false)
}

// reserveFor is reserve; with weights, the buffer holds constant weights
// (an initializer) packed for a kernel: its bytes count in the meter's
// weights tally, once per buffer, dry step or not, and are not checked
// against the limit.
func reserveFor[T any](m *meter, buf *[]T, n int, what string, shape []int, weights bool) ([]T, error) {
	var zero T
	size := int64(unsafe.Sizeof(zero))
	bytes := int64(-1)
	if n >= 0 && int64(n) <= math.MaxInt64/size {
		bytes = int64(n) * size
	}
	fail := func(held, limit int64) error {
		need := bytes
		if need < 0 {
			need = math.MaxInt64
		}
		if shape == nil {
			shape = []int{n}
		}
		return &BudgetError{What: what, Shape: append([]int(nil), shape...), Need: need, Held: held, Limit: limit}
	}
	if bytes < 0 {
		var limit int64
		if m != nil {
			limit = m.limit
		}
		return nil, fail(0, limit)
	}
	if weights && m != nil {
		m.countWeights(buf, bytes)
		if m.dry {
			return nil, nil
		}
	}
	if m == nil || weights {
		if cap(*buf) < n {
			*buf = make([]T, n)
		}
		*buf = (*buf)[:n]
		return *buf, nil
	}
	if m.inRun {
		prev := m.asked[buf]
		if bytes > prev {
			m.asked[buf] = bytes
			m.run += bytes - prev
			if m.check && m.limit > 0 && m.fixed+m.run > m.limit {
				return nil, fail(m.fixed+m.run-bytes, m.limit)
			}
		}
	}
	if m.dry {
		return nil, nil
	}
	if have := int64(cap(*buf)) * size; bytes > have {
		if m.limit > 0 && m.held-have+bytes > m.limit {
			return nil, fail(m.held-have, m.limit)
		}
		*buf = make([]T, n)
		m.held += bytes - have
		if !m.inRun {
			m.fixed += bytes - have
		}
	}
	*buf = (*buf)[:n]
	return *buf, nil
}

// checkedNumel is the number of elements of shape, or -1 for a negative
// dimension or a product past the largest int.
func checkedNumel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 || d != 0 && n > math.MaxInt/d {
			return -1
		}
		n *= d
	}
	return n
}
