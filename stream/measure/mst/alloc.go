package mst

// newBuffer returns n zeroed values for a tree builder's workspace, and a
// function to call when the workspace is no longer needed. The buffers
// live on the Go heap; the caller (cxray's CLI) sets the runtime's memory
// limit from the user's budget, so the collector returns them before the
// heap grows past it.
func newBuffer[T int32 | float32 | float64](n int) ([]T, func()) {
	return make([]T, n), func() {}
}
