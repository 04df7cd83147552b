package source

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path for reading if it is a regular file. A symlink
// is followed: a link to a dataset is common, and what matters is its
// target. Anything else is refused with one line naming path: a named
// pipe (FIFO) can block the open, or the reads, forever; a device such
// as /dev/zero never ends; a folder or a socket holds no dataset.
//
// The path is checked before it is opened, and the open file again:
// O_NONBLOCK makes the open of a FIFO that took the file's place in
// between return at once instead of waiting for a writer, and the second
// check then refuses it. The flag is cleared once the file is known to be
// a regular file.
func openRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err // *PathError names the path
	}
	if err := checkRegular(path, st); err != nil {
		return nil, err
	}
	return openChecked(path)
}

// openChecked opens path without waiting for a FIFO's writer, and keeps
// the file only if the open file is a regular file.
func openChecked(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil {
		err = checkRegular(path, st)
	}
	if err == nil {
		err = blocking(f)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkRegular refuses a file that is not a regular file, saying what it
// is instead.
func checkRegular(path string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s is %s, not a regular file; cxray reads datasets from regular files only", path, fileKind(st.Mode()))
}

// fileKind names the kind of file mode describes, with its article.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "a regular file"
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
