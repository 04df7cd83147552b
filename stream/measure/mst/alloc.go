package mst

import "unsafe"

// newBuffer returns n zeroed values for a tree builder's workspace, and a
// function to call when the workspace is no longer needed, after which the
// slice must not be used. The values are mapped outside the Go heap
// (allocBytes), so that their memory goes back to the system when the
// function is called: on the Go heap it would wait for a collection, and
// with the points of a large layer live, the collector's next goal is
// twice their size, so the process would hold the workspace of the first
// pass, its candidates and the points at once (at 60000 MNIST images,
// 400 MB of RSS instead of 350).
func newBuffer[T int32 | float32 | float64](n int) ([]T, func()) {
	if n == 0 {
		return nil, func() {}
	}
	var zero T
	b, free := allocBytes(n * int(unsafe.Sizeof(zero)))
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n), free
}
