package n1

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
