package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Dir is an output directory with its staging directory.
type Dir struct {
	path  string // the output directory
	stage string // the staging directory inside it
}

// Create creates the output directory dir if it does not exist and a
// staging directory inside it. It refuses a dir that is a symbolic link,
// or that exists and is not a directory.
func Create(dir string) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("output directory is empty")
	}
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return nil, fmt.Errorf("output directory %q is a symbolic link; cxray does not write through links: give the directory it points to, or another one", dir)
	case err == nil && !fi.IsDir():
		return nil, fmt.Errorf("output directory %q is a file, not a directory", dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return nil, fmt.Errorf("cannot create output directory %q: %w", dir, cause(err))
		}
	case err != nil:
		return nil, fmt.Errorf("output directory %q: %w", dir, cause(err))
	}
	stage, err := os.MkdirTemp(dir, ".cxray-stage-*")
	if err != nil {
		return nil, fmt.Errorf("output directory %q is not writable: %w", dir, cause(err))
	}
	return &Dir{path: dir, stage: stage}, nil
}

// Path returns the output directory.
func (d *Dir) Path() string { return d.path }

// Stage returns the staging directory, where the caller writes the files
// that Publish then moves into the output directory.
func (d *Dir) Stage() string { return d.stage }

// Publish moves the staged files names, in order, into the output
// directory, replacing files of the same names. It first checks every
// name: one that is a symbolic link or a directory in the output
// directory, or that is not a regular file in the staging directory, is
// an error and nothing is moved.
func (d *Dir) Publish(names ...string) error {
	for _, name := range names {
		if name != filepath.Base(name) || name == "." || name == ".." {
			return fmt.Errorf("output file name %q is not a plain name", name)
		}
		if fi, err := os.Lstat(filepath.Join(d.stage, name)); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("output file %q was not written", name)
		}
		dst := filepath.Join(d.path, name)
		fi, err := os.Lstat(dst)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fmt.Errorf("output file %q: %w", dst, cause(err))
		case fi.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("output file %q is a symbolic link; cxray does not write through links: remove it, or choose another output directory", dst)
		case fi.IsDir():
			return fmt.Errorf("output file %q is a directory; remove it, or choose another output directory", dst)
		}
	}
	for _, name := range names {
		// rename replaces the entry at the destination; it never follows it.
		if err := os.Rename(filepath.Join(d.stage, name), filepath.Join(d.path, name)); err != nil {
			return fmt.Errorf("move %s into %q: %w", name, d.path, cause(err))
		}
	}
	return nil
}

// Close removes the staging directory and the files left in it.
func (d *Dir) Close() error {
	return os.RemoveAll(d.stage)
}

// cause returns the cause of a *os.PathError or *os.LinkError, whose paths
// the caller names already.
func cause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
