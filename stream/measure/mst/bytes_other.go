//go:build !unix

package mst

// allocBytes returns n zeroed bytes from the Go heap; see bytes_unix.go.
func allocBytes(n int) ([]byte, func()) { return make([]byte, n), func() {} }
