//go:build !unix

package source

import "os"

// blocking does nothing where there is no O_NONBLOCK to clear.
func blocking(*os.File) error { return nil }
