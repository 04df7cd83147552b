//go:build unix

package source

import (
	"os"
	"syscall"
)

// blocking clears the O_NONBLOCK that openRegular opens a file with: a
// regular file on a local disk ignores it, but a FUSE file system may
// not, and a read would then fail with EAGAIN.
func blocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
