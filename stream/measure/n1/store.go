package n1

import "slices"

// pointStore is the growable float32 storage of an estimator's points.
// A growing slice leaves its old copies as garbage; the caller bounds the
// heap with the runtime's memory limit (see cli), so they are collected
// before the heap outgrows the user's budget.
type pointStore struct {
	data []float32 // len: the values stored
}

// values returns the stored values. The slice is valid until the next
// append.
func (s *pointStore) values() []float32 { return s.data }

// append adds v.
func (s *pointStore) append(v []float32) { s.data = append(s.data, v...) }

// grow makes room for n more values, so that appending them copies
// nothing: a store that grows by append alone copies its points about
// four times over and leaves each old copy to the collector.
func (s *pointStore) grow(n int) { s.data = slices.Grow(s.data, n) }
