//go:build unix

package mst

import "syscall"

// allocBytes returns n zeroed bytes mapped outside the Go heap, and a
// function that unmaps them. The large workspace of Gram (the n²
// byte matrix) lives there so that their memory goes
// back to the system the moment the tree is built instead of waiting for
// the garbage collector: estimators of several layers calling Value one
// after another would otherwise hold several workspaces at once. The slice
// must not be used after the function is called.
func allocBytes(n int) ([]byte, func()) {
	if n == 0 {
		return nil, func() {}
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return make([]byte, n), func() {}
	}
	return b, func() { syscall.Munmap(b) }
}
