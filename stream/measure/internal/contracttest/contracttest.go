package contracttest

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"cxray/stream/measure"
	"cxray/stream/measure/internal/wire"
)

// Case describes one estimator type, with fixed settings, to the tests.
type Case[S measure.Merger[S]] struct {
	// New returns an empty estimator for part i of a stream (0 also for
	// the whole stream). Estimators that draw random numbers give each
	// part its own stream.
	New func(part int) S
	// Zero returns a zero value, which UnmarshalBinary configures.
	Zero func() S
	// Other, if not nil, returns an estimator of other settings, which
	// must refuse the state and refuse to merge.
	Other func() S
	// Stream returns a random stream as one batch.
	Stream func(rng *rand.Rand) measure.Batch
	// Feed adds a batch to s (nil: s.Update).
	Feed func(s S, b measure.Batch) error
	// Read reads s as numbers, compared after a round trip (bit for bit)
	// and after a merge.
	Read func(s S) ([]float64, error)
	// Tol is the relative tolerance of a merged state's reading against
	// the whole stream's: 0 for bit for bit.
	Tol float64
	// SameBytes also requires the merged state to marshal to the whole
	// stream's bytes.
	SameBytes bool
	// Check, if not nil, replaces the comparison of the merged state with
	// the whole stream's (for a reservoir, equal in distribution only).
	Check func(t *testing.T, merged, whole S, stream measure.Batch)
	// MinBatch is the fewest points a batch may have (repr.CKA needs 4).
	MinBatch int
	// Trials is the number of random streams (default 4).
	Trials int
	// FuzzRead has Fuzz read every state it accepts, which must not
	// panic; leave it off where a reading is too slow to fuzz (a tree).
	FuzzRead bool
}

// Run runs the property tests of c.
func Run[S measure.Merger[S]](t *testing.T, c Case[S]) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	trials := c.Trials
	if trials == 0 {
		trials = 4
	}
	var last []byte
	for trial := range trials {
		stream := c.Stream(rng)
		batches := cut(rng, stream, max(c.MinBatch, 1))
		whole := c.New(0)
		for _, b := range batches {
			c.feed(t, whole, b)
		}
		c.roundTrip(t, whole)
		for k := 1; k <= 5; k++ {
			bounds := split(rng, len(batches), k)
			tree := (trial+k)%2 == 1
			merged := c.mergeParts(t, batches, bounds, tree)
			again := c.mergeParts(t, batches, bounds, tree)
			mb, ab := marshal(t, merged), marshal(t, again)
			if !bytes.Equal(mb, ab) {
				t.Fatalf("trial %d, %d parts: the same merge gave other bytes", trial, k)
			}
			if c.Check != nil {
				c.Check(t, merged, whole, stream)
			} else {
				c.compare(t, merged, whole, trial, k)
			}
			c.roundTrip(t, merged)
		}
		last = marshal(t, whole)
	}
	c.refusals(t, last)
}

// feed adds b to s.
func (c Case[S]) feed(t *testing.T, s S, b measure.Batch) {
	t.Helper()
	var err error
	if c.Feed != nil {
		err = c.Feed(s, b)
	} else {
		err = s.Update(b)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// mergeParts feeds part i the batches [bounds[i], bounds[i+1]) and merges
// the parts in order, one after the other or as a balanced tree; every
// twin must come out of its merge unchanged.
func (c Case[S]) mergeParts(t *testing.T, batches []measure.Batch, bounds []int, tree bool) S {
	t.Helper()
	parts := make([]S, len(bounds)-1)
	for i := range parts {
		parts[i] = c.New(i)
		for _, b := range batches[bounds[i]:bounds[i+1]] {
			c.feed(t, parts[i], b)
		}
	}
	merge := func(a, b S) S {
		before := marshal(t, b)
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, marshal(t, b)) {
			t.Fatal("Merge changed its twin")
		}
		return a
	}
	if !tree {
		for _, p := range parts[1:] {
			parts[0] = merge(parts[0], p)
		}
		return parts[0]
	}
	for len(parts) > 1 {
		var next []S
		for i := 0; i < len(parts); i += 2 {
			if i+1 < len(parts) {
				next = append(next, merge(parts[i], parts[i+1]))
			} else {
				next = append(next, parts[i])
			}
		}
		parts = next
	}
	return parts[0]
}

// compare checks that merged reads as whole.
func (c Case[S]) compare(t *testing.T, merged, whole S, trial, k int) {
	t.Helper()
	got, err := c.Read(merged)
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.Read(whole)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("trial %d, %d parts: merged state reads %d numbers, whole stream %d", trial, k, len(got), len(want))
	}
	for i := range got {
		if !Close(got[i], want[i], c.Tol) {
			t.Fatalf("trial %d, %d parts: number %d of the reading is %v merged, %v over the whole stream (tolerance %g)", trial, k, i, got[i], want[i], c.Tol)
		}
	}
	if c.SameBytes && !bytes.Equal(marshal(t, merged), marshal(t, whole)) {
		t.Fatalf("trial %d, %d parts: the merged state's bytes differ from the whole stream's", trial, k)
	}
}

// Close reports whether a and b agree within the relative tolerance tol
// (of the larger magnitude, or absolutely below 1); tol 0 means the same
// bits, and NaN agrees with NaN.
func Close(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if tol == 0 {
		return math.Float64bits(a) == math.Float64bits(b)
	}
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}

// roundTrip checks that s survives its bytes, into a zero value and into
// a configured estimator.
func (c Case[S]) roundTrip(t *testing.T, s S) {
	t.Helper()
	b := marshal(t, s)
	want, err := c.Read(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, into := range []S{c.Zero(), c.New(0)} {
		if err := into.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary of a valid state: %v", err)
		}
		if !bytes.Equal(marshal(t, into), b) {
			t.Fatal("a state read back marshals to other bytes")
		}
		got, err := c.Read(into)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !Close(got[i], want[i], 0) {
				t.Fatalf("number %d of the reading is %v after a round trip, %v before", i, got[i], want[i])
			}
		}
	}
}

// refusals checks the errors: bytes of another type, the proper prefixes
// of a valid state b, and a twin of other settings.
func (c Case[S]) refusals(t *testing.T, b []byte) {
	t.Helper()
	foreign := wire.NewWriter("contracttest.Foreign", 1, 0)
	foreign.U64(0)
	if err := c.Zero().UnmarshalBinary(foreign.Bytes()); err == nil {
		t.Error("UnmarshalBinary of another type's state: no error")
	}
	step := max(1, len(b)/512)
	for n := 0; n < len(b); n += step {
		if err := c.Zero().UnmarshalBinary(b[:n]); err == nil {
			t.Fatalf("UnmarshalBinary of the first %d of %d bytes: no error", n, len(b))
		}
	}
	if c.Other == nil {
		return
	}
	if err := c.Other().UnmarshalBinary(b); err == nil {
		t.Error("UnmarshalBinary into an estimator of other settings: no error")
	}
	s := c.Zero()
	if err := s.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	o := c.Other()
	if err := s.Merge(o); err == nil {
		t.Error("Merge of a twin of other settings: no error")
	}
	if !bytes.Equal(marshal(t, s), b) {
		t.Error("a refused Merge changed the state")
	}
}

// Fuzz seeds f with the states of random streams and checks that any byte
// string either fails to unmarshal, or unmarshals to a state that marshals
// back to the same bytes (and, with FuzzRead, can be read without a
// panic).
func Fuzz[S measure.Merger[S]](f *testing.F, c Case[S]) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3 {
		s := c.New(0)
		for _, b := range cut(rng, c.Stream(rng), max(c.MinBatch, 1)) {
			if c.Feed != nil {
				c.Feed(s, b)
			} else {
				s.Update(b)
			}
		}
		b, err := s.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(marshalOf(f, c.New(0)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := c.Zero()
		if err := s.UnmarshalBinary(data); err != nil {
			return
		}
		if b := marshal(t, s); !bytes.Equal(b, data) {
			t.Fatalf("a state of %d bytes marshals back to %d other bytes", len(data), len(b))
		}
		if c.FuzzRead {
			c.Read(s)
		}
	})
}

func marshal[S measure.Merger[S]](t *testing.T, s S) []byte {
	t.Helper()
	return marshalOf(t, s)
}

func marshalOf[S measure.Merger[S]](t testing.TB, s S) []byte {
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cut cuts the stream into batches of random sizes, at least min points
// each (a shorter tail joins the batch before).
func cut(rng *rand.Rand, s measure.Batch, min int) []measure.Batch {
	n := len(s.Labels)
	if n == 0 {
		return nil
	}
	dx, dy := len(s.X)/n, len(s.Y)/n
	var out []measure.Batch
	for lo := 0; lo < n; {
		hi := lo + min + rng.IntN(3*min+8)
		if n-hi < min {
			hi = n
		}
		b := measure.Batch{X: s.X[lo*dx : hi*dx], Labels: s.Labels[lo:hi]}
		if s.Y != nil {
			b.Y = s.Y[lo*dy : hi*dy]
		}
		out = append(out, b)
		lo = hi
	}
	return out
}

// split returns k+1 bounds cutting n batches into k consecutive parts,
// some possibly empty.
func split(rng *rand.Rand, n, k int) []int {
	b := []int{0}
	for range k - 1 {
		b = append(b, rng.IntN(n+1))
	}
	b = append(b, n)
	for i := 1; i < len(b); i++ { // insertion sort: k ≤ 5
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return b
}
