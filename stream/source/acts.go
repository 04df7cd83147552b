package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Part is one layer of a Layered source.
type Part struct {
	Name  string // the layer name: the file stem, e.g. "conv1" for conv1.npy
	Path  string // the file it is read from
	Shape []int  // per-sample shape
	Dim   int    // product of Shape
	Off   int    // where the part starts within a sample of the source
	// Padded reports a part of sequences of different lengths (a Parquet
	// list column), zero-padded to Shape[0].
	Padded bool
	// Int reports a part stored as integers (an NPY file of an integer
	// dtype, a Parquet list of integers), which may feed an integer input.
	Int bool
}

// Integral is a source that says whether its samples are stored as
// integers, and so may feed a model input declared as integers (token
// ids). A source that is not Integral holds floats.
type Integral interface {
	Integers() bool
}

// Layered is a source of activations that were extracted beforehand,
// several layers side by side: each sample of the source is the
// concatenation of its parts, in order, so that SampleShape is [Dim()]
// and part p of sample i is X[i*Dim()+p.Off : i*Dim()+p.Off+p.Dim].
// Such a source is measured without a model, one layer per part.
type Layered interface {
	Source
	Parts() []Part
}

// ActsLabels is the labels file of an activations folder.
const ActsLabels = "labels.npy"

// ActsManifest, if present in an activations folder, lists the layer
// order: one file stem per line, blank lines and '#' comments ignored.
const ActsManifest = "layers.txt"

// actsSource reads several NPY files of samples in lockstep, one batch of
// each at a time, with one shared NPY file of labels.
type actsSource struct {
	name    string
	parts   []Part
	classes []string
	srcs    []*npySource
	dim     int
	n       int
	pos     int
	tmp     Batch // one part's batch, reused
	err     error // sticky
}

// OpenActivations opens the activations folder dir: every *.npy file in
// it but labels.npy is one layer, named by its file stem, and labels.npy
// holds the labels. The layers come in the order listed by the file
// layers.txt in dir if there is one (every listed file must exist and
// every *.npy file but the labels must be listed), otherwise in natural
// order of their names ("layer2" before "layer10").
//
// Every file read must be a regular file (a symlink to one will do), and
// the folder may hold at most MaxLayers layer files.
func OpenActivations(dir string, opt Options) (Source, error) {
	name := "acts:" + dir
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: %s is %s, not a folder; write acts:DIR for a folder of .npy files, or npy:X.npy,y.npy for one", name, dir, fileKind(st.Mode()))
	}
	stems, hasLabels, err := actsStems(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if !hasLabels {
		return nil, fmt.Errorf("%s: no %s in the folder; save the labels there with np.save(%q, y)", name, ActsLabels, filepath.Join(dir, ActsLabels))
	}
	if len(stems) == 0 {
		return nil, fmt.Errorf("%s: no .npy files of activations besides %s", name, ActsLabels)
	}
	order, err := readManifest(filepath.Join(dir, ActsManifest), stems)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if order == nil {
		order = slices.Clone(stems)
		slices.SortFunc(order, NaturalCompare)
	}
	paths := make([]string, len(order))
	for i, s := range order {
		paths[i] = filepath.Join(dir, s+".npy")
	}
	return openLayers(name, paths, filepath.Join(dir, ActsLabels), opt)
}

// actsStems lists the stems of the layer files in dir and whether it
// holds the labels file. It reads the folder in chunks and stops at
// MaxLayers layer files, so that a folder of a million files is refused
// before their names are held.
func actsStems(dir string) (stems []string, hasLabels bool, err error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, false, err
	}
	defer d.Close()
	for {
		ents, err := d.ReadDir(256)
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".npy") {
				continue
			}
			if e.Name() == ActsLabels {
				hasLabels = true
				continue
			}
			if len(stems) == MaxLayers {
				return nil, false, fmt.Errorf("%s holds more than %d .npy files of activations, the most layers cxray reads at once; move some into another folder", dir, MaxLayers)
			}
			stems = append(stems, strings.TrimSuffix(e.Name(), ".npy"))
		}
		if errors.Is(err, io.EOF) {
			return stems, hasLabels, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}

// OpenLayers opens the NPY files paths, one layer each named by its file
// stem, with the labels in the NPY file yPath.
func OpenLayers(paths []string, yPath string, opt Options) (Source, error) {
	return openLayers("npy:"+strings.Join(paths, "+")+","+yPath, paths, yPath, opt)
}

func openLayers(name string, paths []string, yPath string, opt Options) (Source, error) {
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all samples", name, opt.Limit)
	}
	if len(paths) > MaxLayers {
		return nil, fmt.Errorf("%s: %d layer files, more than the %d cxray reads at once", name, len(paths), MaxLayers)
	}
	seen := map[string]string{}
	for _, p := range paths {
		stem := strings.TrimSuffix(filepath.Base(p), ".npy")
		if q, dup := seen[stem]; dup {
			return nil, fmt.Errorf("%s: %s and %s would both be layer %q; layer names are file stems and must differ", name, q, p, stem)
		}
		seen[stem] = p
	}
	labels, classes, err := readNPYLabels(yPath)
	if err != nil {
		return nil, err
	}
	s := &actsSource{name: name, classes: classes}
	for _, p := range paths {
		f, err := openRegular(p)
		if err != nil {
			s.Close()
			return nil, err
		}
		src, err := newNPYSource(name, p, yPath, f, labels, classes, opt.Limit)
		if err != nil {
			f.Close()
			s.Close()
			return nil, err
		}
		s.parts = append(s.parts, Part{
			Name: strings.TrimSuffix(filepath.Base(p), ".npy"), Path: p,
			Shape: slices.Clone(src.shape), Dim: src.dim, Off: s.dim, Int: src.Integers(),
		})
		s.srcs = append(s.srcs, src)
		s.dim += src.dim
		s.n = src.n
	}
	return s, nil
}

// readManifest returns the layer order listed in path, or nil if there is
// no such file. stems are the layer files present.
func readManifest(path string, stems []string) ([]string, error) {
	f, err := openRegular(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	present := map[string]bool{}
	for _, s := range stems {
		present[s] = true
	}
	var order []string
	listed := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s, _, _ := strings.Cut(sc.Text(), "#")
		s = strings.TrimSuffix(strings.TrimSpace(s), ".npy")
		switch {
		case s == "":
			continue
		case listed[s] > 0:
			return nil, fmt.Errorf("%s line %d: layer %q is listed twice (line %d first)", path, line, s, listed[s])
		case !present[s]:
			return nil, fmt.Errorf("%s line %d: layer %q has no file %s.npy in the folder", path, line, s, s)
		}
		listed[s] = line
		order = append(order, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for _, s := range stems {
		if listed[s] == 0 {
			return nil, fmt.Errorf("%s.npy is not listed in %s; list it, or move it out of the folder", s, path)
		}
	}
	return order, nil
}

// NaturalCompare orders names with their digit runs compared as numbers,
// so that "layer2" comes before "layer10"; names equal that way
// ("layer2", "layer02") are ordered by their bytes.
func NaturalCompare(a, b string) int {
	if c := natural(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func natural(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na := strings.TrimLeft(a[:da], "0")
			nb := strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func (s *actsSource) Name() string       { return s.name }
func (s *actsSource) SampleShape() []int { return []int{s.dim} }
func (s *actsSource) Dim() int           { return s.dim }
func (s *actsSource) Len() int           { return s.n }
func (s *actsSource) Classes() []string  { return slices.Clone(s.classes) }

// Parts returns the layers in order.
func (s *actsSource) Parts() []Part {
	out := slices.Clone(s.parts)
	for i := range out {
		out[i].Shape = slices.Clone(out[i].Shape)
	}
	return out
}

func (s *actsSource) Next(b *Batch, max int) error {
	if s.err != nil {
		return s.err
	}
	if err := checkMax(s.name, max); err != nil {
		return err
	}
	if s.srcs == nil {
		return fmt.Errorf("%s: Next called after Close", s.name)
	}
	if s.pos >= s.n {
		return io.EOF
	}
	k := min(max, s.n-s.pos)
	for _, src := range s.srcs {
		k = min(k, src.batchCap())
	}
	b.resize(k, s.dim)
	for j, src := range s.srcs {
		err := src.Next(&s.tmp, k)
		if err == nil && s.tmp.N != k {
			err = fmt.Errorf("%s: gave %d samples where %d were due", src.xPath, s.tmp.N, k)
		}
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%s: ended after %d samples, before the %d of the labels", src.xPath, s.pos, s.n)
		}
		if err != nil {
			s.err = err
			return err
		}
		p := s.parts[j]
		for i := range k {
			copy(b.X[i*s.dim+p.Off:i*s.dim+p.Off+p.Dim], s.tmp.X[i*p.Dim:(i+1)*p.Dim])
		}
		if j == 0 {
			copy(b.Labels, s.tmp.Labels[:k])
		}
	}
	s.pos += k
	return nil
}

func (s *actsSource) Close() error {
	var err error
	for _, src := range s.srcs {
		err = errors.Join(err, src.Close())
	}
	s.srcs = nil
	return err
}
