//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sql

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// releasesBetweenCalls says that a writer releases DuckDB's lock between
// calls: the writer lock, not DuckDB's, keeps a second writer out.
const releasesBetweenCalls = true

// writerLock is an exclusive flock(2) on FILE.lock, held by a writer
// Store from Open to Close. The kernel drops it when the process ends,
// however it ends, so "the lock is held" means "a live writer holds it".
type writerLock struct {
	f    *os.File
	path string
}

// lockWriter takes the writer lock of the database file db, or fails at
// once, naming the holder, when another process (or another open file of
// this one) holds it.
func lockWriter(db string) (*writerLock, error) {
	path := db + lockSuffix
	// A holder that releases removes the file; one opened just before
	// that is stale once locked, and is dropped for the new one.
	for range 100 {
		// O_NONBLOCK: opening a named pipe planted there must not hang.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o666)
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("writer lock %q of database file %q is a symbolic link; remove it", path, db)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot create the writer lock %q of database file %q: %w; writing needs a directory you can write", path, db, unwrapPath(err))
		}
		fi, err := f.Stat()
		if err == nil && !fi.Mode().IsRegular() {
			err = fmt.Errorf("it is %s, not a regular file; remove it", fileKind(fi.Mode()))
		}
		if err == nil {
			err = flock(f, unix.LOCK_EX|unix.LOCK_NB)
		}
		if errors.Is(err, unix.EWOULDBLOCK) {
			holder := readHolder(f)
			f.Close()
			return nil, &busyError{path: db, holder: holder}
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("writer lock %q of database file %q: %w", path, db, err)
		}
		if cur, err := os.Lstat(path); err != nil || !os.SameFile(fi, cur) {
			f.Close()
			continue
		}
		// The description is a courtesy; the lock is what counts.
		if f.Truncate(0) == nil {
			f.WriteAt([]byte(holderLine()), 0)
		}
		return &writerLock{f: f, path: path}, nil
	}
	return nil, fmt.Errorf("writer lock %q of database file %q keeps being replaced; is another program removing it?", path, db)
}

func flock(f *os.File, how int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = unix.Flock(int(fd), how) }); err != nil {
		return err
	}
	return ferr
}

// readHolder returns the holder's line of a lock file.
func readHolder(f *os.File) string {
	b := make([]byte, 512)
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return printable(string(b[:n]))
}

// release removes the lock file while still holding it, then lets go.
func (l *writerLock) release() error {
	rerr := os.Remove(l.path)
	if errors.Is(rerr, os.ErrNotExist) {
		rerr = nil
	}
	return errors.Join(rerr, l.f.Close())
}
