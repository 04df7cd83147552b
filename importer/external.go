package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// external is an open external data file and the span a tensor reads.
type external struct {
	f              *os.File
	offset, length int64
}

// openExternal opens the file a tensor's external_data names and checks
// the span before anything is allocated: the location must be a relative
// path inside the model's folder (no absolute path, no "..", no symlink
// that resolves outside it), the file regular, and offset and length
// inside the file with length equal to the want bytes the dims ask for.
func (d *decoder) openExternal(tf *tensorFields, want int64) (*external, error) {
	loc := string(tf.location)
	switch {
	case d.dir == "":
		return nil, errors.New("its data is in an external file, which only a model loaded from its own file can name (use importer.Load)")
	case loc == "":
		return nil, errors.New("its external_data names no location")
	case filepath.IsAbs(loc) || strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, `\`):
		return nil, fmt.Errorf("its external data location %q is an absolute path; cxray reads external data only from the model's folder", loc)
	case !filepath.IsLocal(loc):
		return nil, fmt.Errorf("its external data location %q leaves the model's folder; cxray reads external data only from inside it", loc)
	}
	// A symlink that resolves outside the folder is refused by name here,
	// and by os.Root below whatever races happen in between.
	if dir, err := filepath.EvalSymlinks(d.dir); err == nil {
		if p, err := filepath.EvalSymlinks(filepath.Join(d.dir, loc)); err == nil {
			if rel, err := filepath.Rel(dir, p); err != nil || !filepath.IsLocal(rel) {
				return nil, fmt.Errorf("its external data location %q is a symlink to %s, outside the model's folder; cxray reads external data only from inside it", loc, p)
			}
		}
	}
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, fmt.Errorf("external data: %w", err)
	}
	defer root.Close()
	info, err := root.Stat(loc)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("its external data file %q is missing (looked for %s)", loc, filepath.Join(d.dir, loc))
		}
		return nil, fmt.Errorf("external data file %q: %w", loc, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("its external data %q is %s, not a regular file", loc, fileKind(info.Mode()))
	}
	// O_NONBLOCK: should the name turn into a FIFO after the check, the
	// open returns at once instead of waiting for a writer.
	f, err := root.OpenFile(loc, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("external data file %q: %w", loc, err)
	}
	e := &external{f: f}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("its external data %q is not a regular file", loc)
	}
	size := info.Size()
	if e.offset, err = externalInt(tf.offset, "offset", 0); err == nil {
		e.length, err = externalInt(tf.length, "length", -1)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if e.length < 0 {
		e.length = max(size-e.offset, 0)
	}
	switch {
	case e.offset > size || e.length > size-e.offset:
		err = fmt.Errorf("its external data asks for %d bytes at offset %d of %q, which holds %d", e.length, e.offset, loc, size)
	case e.length != want:
		err = fmt.Errorf("its external data in %q is %d bytes long, but its dims need %d", loc, e.length, want)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

// externalInt parses an external_data offset or length (a decimal string).
func externalInt(b []byte, key string, def int64) (int64, error) {
	if b == nil {
		return def, nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("its external data %s %q is not a byte count", key, b)
	}
	return v, nil
}

// read converts the span into t, a chunk at a time, so that no copy of
// the raw bytes is held beside the tensor.
func (e *external) read(dt DataType, t *Tensor) error {
	const chunk = 1 << 20 // a multiple of every element size
	buf := make([]byte, min(chunk, e.length))
	r := io.NewSectionReader(e.f, e.offset, e.length)
	at := 0
	for left := e.length; left > 0; {
		b := buf[:min(int64(len(buf)), left)]
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("reading external data: %w", err)
		}
		if err := fromRaw(dt, b, t, at); err != nil {
			return err
		}
		at += len(b) / dt.rawSize()
		left -= int64(len(b))
	}
	return nil
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "not a regular file"
}
