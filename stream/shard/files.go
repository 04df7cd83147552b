package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Kinds of task, the folders of their outputs in the work folder.
const (
	KindExtract = "extract"
	KindPairs   = "pairs"
	KindCovers  = "covers"
)

// Marker is a task's done marker: written last, it lists every file of the
// task's folder with its size and SHA-256.
type Marker struct {
	Kind  string          `json:"kind"`
	Task  int             `json:"task"`
	Files map[string]File `json:"files"`
}

// File is one output file's size and checksum.
type File struct {
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// taskName is the folder name of task t: zero-padded, so that a listing
// sorts in task order.
func taskName(t int) string { return fmt.Sprintf("%05d", t) }

// TaskDir is the folder of task t of the given kind under the work folder.
func TaskDir(dir, kind string, t int) string { return filepath.Join(dir, kind, taskName(t)) }

// markerPath is the done marker of task t.
func markerPath(dir, kind string, t int) string { return TaskDir(dir, kind, t) + ".done" }

// stage is a task's output folder while it is written: a temporary folder
// beside the final one, published by Commit.
type stage struct {
	dir, kind string
	task      int
	tmp       string
	files     map[string]File
}

// newStage creates the temporary folder of task t.
func newStage(dir, kind string, t int) (*stage, error) {
	parent := filepath.Join(dir, kind)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return nil, fmt.Errorf("work folder %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+taskName(t)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("work folder %s: %w", dir, err)
	}
	return &stage{dir: dir, kind: kind, task: t, tmp: tmp, files: map[string]File{}}, nil
}

// create opens a new file of the stage; close it with closeFile.
func (s *stage) create(name string) (*hashedFile, error) {
	f, err := os.OpenFile(filepath.Join(s.tmp, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, err
	}
	return &hashedFile{f: f, h: sha256.New(), name: name, s: s}, nil
}

// hashedFile is a stage file whose bytes are counted and hashed as they
// are written.
type hashedFile struct {
	f    *os.File
	h    hash.Hash
	n    int64
	name string
	s    *stage
}

func (h *hashedFile) Write(p []byte) (int, error) {
	n, err := h.f.Write(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// Close syncs and closes the file and records it for the marker.
func (h *hashedFile) Close() error {
	err := h.f.Sync()
	if cerr := h.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	h.s.files[h.name] = File{Bytes: h.n, SHA256: hex.EncodeToString(h.h.Sum(nil))}
	return nil
}

// adopt records a file written into the stage by someone else (DuckDB's
// COPY), reading it back for its checksum.
func (s *stage) adopt(name string) error {
	f, err := sumFile(filepath.Join(s.tmp, name))
	if err != nil {
		return err
	}
	s.files[name] = f
	return nil
}

// Commit publishes the stage: the folder is renamed into place (replacing
// an earlier run's), then the marker is written. A crash before the
// marker leaves the task undone; merge then names it.
func (s *stage) Commit() error {
	final := TaskDir(s.dir, s.kind, s.task)
	if err := os.Remove(markerPath(s.dir, s.kind, s.task)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	if err := syncDir(s.tmp); err != nil {
		return err
	}
	if err := os.Rename(s.tmp, final); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return err
	}
	b, err := json.MarshalIndent(Marker{Kind: s.kind, Task: s.task, Files: s.files}, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(markerPath(s.dir, s.kind, s.task), append(b, '\n'))
}

// runStage runs task t of kind: write fills a new stage, which is then
// committed, or removed if either fails.
func runStage(dir, kind string, t int, write func(*stage) error) error {
	st, err := newStage(dir, kind, t)
	if err != nil {
		return err
	}
	if err := write(st); err != nil {
		st.Abort()
		return fmt.Errorf("%s task %d: %w", kind, t, err)
	}
	if err := st.Commit(); err != nil {
		st.Abort()
		return fmt.Errorf("%s task %d: %w", kind, t, err)
	}
	return nil
}

// Abort removes the stage.
func (s *stage) Abort() { os.RemoveAll(s.tmp) }

// Check reports whether task t of kind is done and whole: its marker
// exists and every file it lists has its size and checksum. With full
// false only the sizes are compared, not the checksums.
func Check(dir, kind string, t int, full bool) error {
	b, err := readRegular(markerPath(dir, kind, t), 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return errMissing
	}
	if err != nil {
		return err
	}
	var m Marker
	if err := json.Unmarshal(b, &m); err != nil || m.Kind != kind || m.Task != t {
		return fmt.Errorf("marker of %s task %d is not this task's", kind, t)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Files)) {
		want := m.Files[name]
		path := filepath.Join(TaskDir(dir, kind, t), name)
		if !full {
			fi, err := os.Stat(path)
			if err != nil || fi.Size() != want.Bytes {
				return fmt.Errorf("%s is missing or has another size than its marker says", path)
			}
			continue
		}
		got, err := sumFile(path)
		if err != nil || got != want {
			return fmt.Errorf("%s does not match its marker's size and checksum", path)
		}
	}
	return nil
}

// errMissing is a task whose marker does not exist.
var errMissing = errors.New("not done")

// Missing lists the tasks of kind among 0..n-1 that are not done and
// whole, with why, in task order.
func Missing(dir, kind string, n int, full bool) (tasks []int, why []error) {
	for t := range n {
		if err := Check(dir, kind, t, full); err != nil {
			tasks, why = append(tasks, t), append(why, err)
		}
	}
	return tasks, why
}

// Ranges formats task indices as Slurm's array syntax: "0-3,7,9-10".
func Ranges(ts []int) string {
	var b []byte
	for i := 0; i < len(ts); {
		j := i
		for j+1 < len(ts) && ts[j+1] == ts[j]+1 {
			j++
		}
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(ts[i]), 10)
		if j > i {
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(ts[j]), 10)
		}
		i = j + 1
	}
	return string(b)
}

func sumFile(path string) (File, error) {
	f, err := openRegular(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// openRegular opens path for reading if it is a regular file.
func openRegular(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return os.Open(path)
}

// readRegular reads a regular file of at most max bytes.
func readRegular(path string, max int64) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}

// writeAtomic writes b to path through a temporary file, synced and
// renamed into place.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
