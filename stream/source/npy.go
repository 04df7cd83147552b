package source

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// NPY is NumPy's array file format (numpy.lib.format): the magic bytes
// \x93NUMPY, a major and a minor version byte, the length of the header
// (uint16 little-endian in version 1, uint32 in versions 2 and 3), then the
// header itself, a Python dict literal such as
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
//
// padded with spaces and ended by a newline, and then the raw data.

const npyMagic = "\x93NUMPY"

// MaxExactInt is the largest magnitude of an integer sample value: 2^24,
// beyond which float32, which carries every sample, skips integers.
const MaxExactInt = 1 << 24

// npyHeader is the decoded header of an NPY file.
type npyHeader struct {
	kind    byte // 'f', 'i', 'u' or 'b'
	size    int  // bytes per element
	shape   []int
	dataOff int64 // where the data starts in the file
}

// npySource streams the samples of an NPY file X with the labels of an
// NPY file y. The labels are read whole at Open, since their distinct
// values name the classes; the samples are read one batch at a time.
type npySource struct {
	name    string
	xPath   string
	f       *os.File
	r       *bufio.Reader
	elem    int // bytes per element of X: 4 or 8
	hdr     *npyHeader
	shape   []int
	dim     int
	labels  []int32 // class ids of the samples to yield
	classes []string
	n       int // samples to yield, after Limit
	pos     int
	raw     []byte // one batch of X bytes, reused
	err     error  // sticky: once Next failed it keeps failing
}

// OpenNPY opens the samples in the NPY file xPath and their labels in the
// NPY file yPath, as written by numpy.save.
//
// X holds little-endian float32 or float64 values in C order, with shape
// (n, ...); one sample has shape shape[1:], or [1] if X is 1-D. float64
// values are converted to float32 and must fit its range. Integer and
// boolean X (token ids, attention masks) is read as float32 too, exactly:
// its values must lie within ±2^24 (MaxExactInt). y holds n
// labels, shape (n,) or (n, 1), of any integer or boolean dtype, or
// floats with integral values. The classes are the sorted distinct label
// values of the whole of y, named by their decimal form, so class ids do
// not change with opt.Limit.
//
// X must hold no NaN or infinity. The values of the first opt.Limit
// samples are checked as they are read, so such an error comes from Next.
func OpenNPY(xPath, yPath string, opt Options) (Source, error) {
	name := "npy:" + xPath + "," + yPath
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all samples", name, opt.Limit)
	}
	labels, classes, err := readNPYLabels(yPath)
	if err != nil {
		return nil, err
	}
	f, err := openRegular(xPath)
	if err != nil {
		return nil, err
	}
	s, err := newNPYSource(name, xPath, yPath, f, labels, classes, opt.Limit)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func newNPYSource(name, xPath, yPath string, f *os.File, labels []int32, classes []string, limit int) (*npySource, error) {
	r := bufio.NewReaderSize(f, 1<<16)
	h, err := readNPYHeader(xPath, r)
	if err != nil {
		return nil, err
	}
	switch {
	case h.kind == 'f' && (h.size == 4 || h.size == 8):
	case (h.kind == 'i' || h.kind == 'u') && (h.size == 1 || h.size == 2 || h.size == 4 || h.size == 8):
	case h.kind == 'b' && h.size == 1:
	default:
		return nil, fmt.Errorf("%s: samples must be float32, float64 or integers, not %s; convert them with X.astype(np.float32)", xPath, dtypeName(h))
	}
	if len(h.shape) == 0 {
		return nil, fmt.Errorf("%s: holds a single value (shape ()); samples need shape (n, ...)", xPath)
	}
	shape := h.shape[1:]
	if len(shape) == 0 {
		shape = []int{1}
	}
	dim := 1
	for _, d := range shape {
		if d == 0 {
			return nil, fmt.Errorf("%s: samples of shape %s hold no values", xPath, pyShape(shape))
		}
		if dim > maxItemBytes/h.size/d {
			return nil, fmt.Errorf("%s: samples of shape %s are too large, more than the %d bytes each that cxray reads; the header is probably corrupt", xPath, pyShape(shape), maxItemBytes)
		}
		dim *= d
	}
	if err := checkNPYSize(xPath, f, h); err != nil {
		return nil, err
	}
	if h.shape[0] != len(labels) {
		return nil, fmt.Errorf("%s has %d samples but %s has %d labels; save the X and y of one dataset",
			xPath, h.shape[0], yPath, len(labels))
	}
	n, err := checkLimit(name, limit, len(labels))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: has no samples", xPath)
	}
	return &npySource{
		name:    name,
		xPath:   xPath,
		f:       f,
		r:       r,
		elem:    h.size,
		hdr:     h,
		shape:   shape,
		dim:     dim,
		labels:  labels[:n],
		classes: classes,
		n:       n,
	}, nil
}

// readNPYLabels reads the label file at path and maps its values to
// class ids 0..C-1 in increasing order of value. It reads the file twice,
// in chunks: once for the distinct values, once for the ids, so that it
// holds 4 bytes per label whatever the file's dtype.
func readNPYLabels(path string) (ids []int32, classes []string, err error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	h, err := readNPYHeader(path, r)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case h.kind == 'f' && (h.size == 4 || h.size == 8):
	case (h.kind == 'i' || h.kind == 'u') && (h.size == 1 || h.size == 2 || h.size == 4 || h.size == 8):
	case h.kind == 'b' && h.size == 1:
	default:
		return nil, nil, fmt.Errorf("%s: labels must be integers, not %s; convert them with y.astype(np.int64)", path, dtypeName(h))
	}
	if len(h.shape) != 1 && !(len(h.shape) == 2 && h.shape[1] == 1) {
		return nil, nil, fmt.Errorf("%s: labels have shape %v; want one label per sample, shape (n,)", path, pyShape(h.shape))
	}
	if h.shape[0] == 0 {
		return nil, nil, fmt.Errorf("%s: has no labels", path)
	}
	// The size check bounds the allocations below by the file's size.
	if err := checkNPYSize(path, f, h); err != nil {
		return nil, nil, err
	}
	n := h.shape[0]
	seen := map[int64]bool{}
	err = eachNPYLabel(path, r, h, func(i int, v int64) error {
		if !seen[v] && len(seen) == MaxClasses {
			return tooManyClasses(fmt.Sprintf("%s label %d", path, i), "does it hold the labels?")
		}
		seen[v] = true
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	distinct := slices.Sorted(maps.Keys(seen))
	classes = make([]string, len(distinct))
	id := make(map[int64]int32, len(distinct))
	for i, v := range distinct {
		classes[i] = strconv.FormatInt(v, 10)
		id[v] = int32(i)
	}
	if _, err := f.Seek(h.dataOff, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	r.Reset(f)
	ids = make([]int32, n)
	err = eachNPYLabel(path, r, h, func(i int, v int64) error {
		c, ok := id[v]
		if !ok {
			return fmt.Errorf("%s: label %d changed while the file was being read", path, i)
		}
		ids[i] = c
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ids, classes, nil
}

// eachNPYLabel decodes the labels h declares from r, in chunks, and calls
// fn with each.
func eachNPYLabel(path string, r io.Reader, h *npyHeader, fn func(i int, v int64) error) error {
	n := h.shape[0]
	chunk := make([]byte, min(n, 1<<13)*h.size)
	for i := 0; i < n; {
		k := min(n-i, len(chunk)/h.size)
		raw := chunk[:k*h.size]
		if _, err := io.ReadFull(r, raw); err != nil {
			return fmt.Errorf("%s: truncated: file ends inside the labels; save it again", path)
		}
		for j := range k {
			v, err := npyLabel(raw[j*h.size:(j+1)*h.size], h)
			if err != nil {
				return fmt.Errorf("%s: label %d %v", path, i+j, err)
			}
			if err := fn(i+j, v); err != nil {
				return err
			}
		}
		i += k
	}
	return nil
}

// npyLabel decodes one little-endian label of the type h declares.
func npyLabel(b []byte, h *npyHeader) (int64, error) {
	le := binary.LittleEndian
	switch h.kind {
	case 'b':
		if b[0] > 1 {
			return 0, fmt.Errorf("is the byte %d, not a boolean", b[0])
		}
		return int64(b[0]), nil
	case 'i':
		switch h.size {
		case 1:
			return int64(int8(b[0])), nil
		case 2:
			return int64(int16(le.Uint16(b))), nil
		case 4:
			return int64(int32(le.Uint32(b))), nil
		}
		return int64(le.Uint64(b)), nil
	case 'u':
		switch h.size {
		case 1:
			return int64(b[0]), nil
		case 2:
			return int64(le.Uint16(b)), nil
		case 4:
			return int64(le.Uint32(b)), nil
		}
		v := le.Uint64(b)
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("is %d, too large for a class label", v)
		}
		return int64(v), nil
	}
	var v float64
	if h.size == 4 {
		v = float64(math.Float32frombits(le.Uint32(b)))
	} else {
		v = math.Float64frombits(le.Uint64(b))
	}
	// 2^63 is the first float64 above the int64 range.
	if v != math.Trunc(v) || v < math.MinInt64 || v >= 1<<63 {
		return 0, fmt.Errorf("is %v, not an integer; class labels must be integers", v)
	}
	return int64(v), nil
}

// checkNPYSize compares the file's size with what its header declares,
// which turns a truncated file into an error at Open.
func checkNPYSize(path string, f *os.File, h *npyHeader) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	// Each dimension is at most 2^40, but their product may still
	// overflow; the header offset is below 2^21.
	count, limit := int64(1), (math.MaxInt64-h.dataOff)/int64(h.size)
	for _, d := range h.shape {
		if d != 0 && count > limit/int64(d) {
			return fmt.Errorf("%s: shape %s is too large; the header is probably corrupt", path, pyShape(h.shape))
		}
		count *= int64(d)
	}
	want := h.dataOff + count*int64(h.size)
	switch {
	case st.Size() < want:
		return fmt.Errorf("%s: truncated: %d bytes, but its header declares shape %s that needs %d; save it again",
			path, st.Size(), pyShape(h.shape), want)
	case st.Size() > want:
		return fmt.Errorf("%s: %d bytes, more than the %d that its header's shape %s needs; the file is corrupt",
			path, st.Size(), want, pyShape(h.shape))
	}
	return nil
}

// readNPYHeader reads and checks the header of an NPY file from r.
func readNPYHeader(path string, r io.Reader) (*npyHeader, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("%s: file is too short to be an NPY file", path)
	}
	if string(pre[:6]) != npyMagic {
		return nil, fmt.Errorf("%s: not an NPY file: it starts with % x, want 93 4e 55 4d 50 59 (\\x93NUMPY); save it with np.save", path, pre[:6])
	}
	major := pre[6]
	var hlen, off int
	switch major {
	case 1:
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("%s: truncated: file ends inside the NPY header", path)
		}
		hlen, off = int(binary.LittleEndian.Uint16(l[:])), 10
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("%s: truncated: file ends inside the NPY header", path)
		}
		hlen, off = int(binary.LittleEndian.Uint32(l[:])), 12
	default:
		return nil, fmt.Errorf("%s: NPY format version %d.%d is not supported; versions 1.0, 2.0 and 3.0 are", path, major, pre[7])
	}
	if hlen > maxNPYHeader {
		return nil, fmt.Errorf("%s: NPY header of %d bytes is longer than the %d that numpy.load accepts; the file is probably corrupt", path, hlen, maxNPYHeader)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("%s: truncated: file ends inside the NPY header", path)
	}
	h, err := parseNPYHeader(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	h.dataOff = int64(off + hlen)
	return h, nil
}

// parseNPYHeader decodes the dict literal of an NPY header and checks
// that it describes a C-ordered little-endian numeric array.
func parseNPYHeader(text string) (*npyHeader, error) {
	p := &pyParser{s: strings.TrimRight(text, " \t\r\n\x00")}
	v, err := p.value(0)
	if err != nil {
		return nil, fmt.Errorf("bad NPY header: %v", err)
	}
	if p.skipSpace(); p.i != len(p.s) {
		return nil, fmt.Errorf("bad NPY header: unexpected %q after the dict", p.rest())
	}
	d, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("bad NPY header: it is not a dict")
	}
	h := &npyHeader{}

	descr, ok := d["descr"].(string)
	if !ok {
		if _, structured := d["descr"].([]any); structured {
			return nil, fmt.Errorf("the array has a structured dtype; save a plain numeric array")
		}
		return nil, fmt.Errorf("bad NPY header: no 'descr' string")
	}
	if err := h.parseDescr(descr); err != nil {
		return nil, err
	}

	fortran, ok := d["fortran_order"].(bool)
	if !ok {
		return nil, fmt.Errorf("bad NPY header: no 'fortran_order' True or False")
	}
	if fortran {
		return nil, fmt.Errorf("the array is Fortran-ordered; save it with np.save(path, np.ascontiguousarray(a))")
	}

	shape, ok := d["shape"].([]any)
	if !ok {
		return nil, fmt.Errorf("bad NPY header: no 'shape' tuple")
	}
	h.shape = make([]int, len(shape))
	for i, s := range shape {
		n, ok := s.(int64)
		if !ok || n < 0 || n > maxNPYDim {
			return nil, fmt.Errorf("bad NPY header: shape entry %s is not a valid dimension", pyRepr(s))
		}
		h.shape[i] = int(n)
	}
	return h, nil
}

// parseDescr decodes a simple dtype string such as '<f4' or '|u1'.
func (h *npyHeader) parseDescr(descr string) error {
	if len(descr) >= 2 && descr[1] == 'O' {
		return fmt.Errorf("the array holds Python objects (dtype %q); save a numeric array, e.g. np.asarray(a, dtype=np.float32)", descr)
	}
	if len(descr) < 3 {
		return fmt.Errorf("dtype %q is not supported; save a numeric array", descr)
	}
	order, kind := descr[0], descr[1]
	size, err := strconv.Atoi(descr[2:])
	if err != nil || size < 1 || size > 16 {
		return fmt.Errorf("dtype %q is not supported; save a numeric array", descr)
	}
	switch kind {
	case 'f', 'i', 'u', 'b':
	default:
		return fmt.Errorf("dtype %q is not supported; save a numeric array", descr)
	}
	switch {
	case order == '>' && size > 1:
		return fmt.Errorf("the array is big-endian (dtype %q); save it as little-endian with a.astype(a.dtype.newbyteorder('<'))", descr)
	case order != '<' && order != '|' && order != '>' && order != '=':
		return fmt.Errorf("dtype %q has an unknown byte order", descr)
	}
	h.kind, h.size = kind, size
	return nil
}

// dtypeName is the NumPy name of the dtype h declares.
func dtypeName(h *npyHeader) string {
	switch h.kind {
	case 'f':
		return fmt.Sprintf("float%d", 8*h.size)
	case 'i':
		return fmt.Sprintf("int%d", 8*h.size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*h.size)
	case 'b':
		return "bool"
	}
	return fmt.Sprintf("%c%d", h.kind, h.size)
}

// pyShape writes a shape as Python does: (3,), (3, 4).
func pyShape(shape []int) string {
	if len(shape) == 1 {
		return fmt.Sprintf("(%d,)", shape[0])
	}
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func (s *npySource) Name() string       { return s.name }
func (s *npySource) SampleShape() []int { return append([]int(nil), s.shape...) }
func (s *npySource) Dim() int           { return s.dim }
func (s *npySource) Len() int           { return s.n }
func (s *npySource) Classes() []string  { return append([]string(nil), s.classes...) }

// Integers reports an X of an integer or boolean dtype.
func (s *npySource) Integers() bool { return s.hdr.kind != 'f' }

func (s *npySource) Next(b *Batch, max int) error {
	if s.err != nil {
		return s.err
	}
	if err := checkMax(s.name, max); err != nil {
		return err
	}
	if s.f == nil {
		return fmt.Errorf("%s: Next called after Close", s.name)
	}
	if s.pos >= s.n {
		return io.EOF
	}
	k := min(max, s.n-s.pos, s.batchCap())
	size := k * s.dim * s.elem
	if cap(s.raw) < size {
		s.raw = make([]byte, size)
	}
	s.raw = s.raw[:size]
	if _, err := io.ReadFull(s.r, s.raw); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%s: truncated: file ends inside the %d samples its header declares; the file changed while being read", s.xPath, len(s.labels))
		} else {
			err = fmt.Errorf("%s: %v", s.xPath, err)
		}
		s.err = err
		return err
	}
	b.resize(k, s.dim)
	le := binary.LittleEndian
	switch {
	case s.hdr.kind != 'f':
		for i := range b.X {
			v, err := npyLabel(s.raw[i*s.elem:(i+1)*s.elem], s.hdr)
			if err != nil || v < -MaxExactInt || v > MaxExactInt {
				s.err = s.badValue(s.pos+i/s.dim, i%s.dim)
				return s.err
			}
			b.X[i] = float32(v)
		}
	case s.elem == 4:
		for i := range b.X {
			b.X[i] = math.Float32frombits(le.Uint32(s.raw[4*i:]))
		}
	default:
		for i := range b.X {
			b.X[i] = float32(math.Float64frombits(le.Uint64(s.raw[8*i:])))
		}
	}
	for i, v := range b.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			s.err = s.badValue(s.pos+i/s.dim, i%s.dim)
			return s.err
		}
	}
	copy(b.Labels, s.labels[s.pos:s.pos+k])
	s.pos += k
	return nil
}

// batchCap is the most samples one call to Next reads: maxBatchBytes of
// them, or one if a sample is larger.
func (s *npySource) batchCap() int {
	return max(1, maxBatchBytes/(s.dim*s.elem))
}

// badValue describes the value at column c of sample row that is not a
// finite float32.
func (s *npySource) badValue(row, c int) error {
	var v float64
	off := ((row-s.pos)*s.dim + c) * s.elem
	where := fmt.Sprintf("%s row %d, column %d", s.xPath, row, c)
	if len(s.shape) > 1 {
		idx := make([]string, len(s.shape))
		for i, cc := len(s.shape)-1, c; i >= 0; i-- {
			idx[i] = strconv.Itoa(cc % s.shape[i])
			cc /= s.shape[i]
		}
		where += " (index [" + strings.Join(idx, ", ") + "] of the sample)"
	}
	if s.hdr.kind != 'f' {
		raw := s.raw[off : off+s.elem]
		if s.hdr.kind == 'u' && s.elem == 8 {
			return beyondExact(where, strconv.FormatUint(binary.LittleEndian.Uint64(raw), 10))
		}
		v, err := npyLabel(raw, s.hdr)
		if err != nil { // a bool byte other than 0 and 1
			return fmt.Errorf("%s %v", where, err)
		}
		return beyondExact(where, strconv.FormatInt(v, 10))
	}
	if s.elem == 4 {
		v = float64(math.Float32frombits(binary.LittleEndian.Uint32(s.raw[off:])))
	} else {
		v = math.Float64frombits(binary.LittleEndian.Uint64(s.raw[off:]))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return notFinite(where, v)
	}
	return outOfRange(where, v)
}

func (s *npySource) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// pyParser reads the Python literals an NPY header uses: dicts with
// string keys, strings, integers, True, False, None, tuples and lists.
type pyParser struct {
	s string
	i int
}

// maxPyDepth bounds nesting so that a hostile header cannot recurse deeply.
const maxPyDepth = 8

func (p *pyParser) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, fmt.Errorf("nested too deeply")
	}
	p.skipSpace()
	if p.i == len(p.s) {
		return nil, fmt.Errorf("ends too early")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '(' || c == '[':
		return p.seq(depth)
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.int()
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q", p.rest())
}

// pyRepr writes a value the parser read as Python would, with strings
// quoted and escaped, so that an error quoting it stays on one line.
func pyRepr(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []any:
		items := make([]string, len(v))
		for i, x := range v {
			items[i] = pyRepr(x)
		}
		return "(" + strings.Join(items, ", ") + ")"
	case map[string]any:
		return "{...}"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	}
	return fmt.Sprint(v)
}

func (p *pyParser) dict(depth int) (any, error) {
	p.i++ // {
	d := map[string]any{}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dict key %s is not a string", pyRepr(k))
		}
		p.skipSpace()
		if p.i == len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("no ':' after key %q", key)
		}
		p.i++
		if d[key], err = p.value(depth + 1); err != nil {
			return nil, err
		}
		if !p.sep('}') {
			return nil, fmt.Errorf("no ',' or '}' after the value of %q", key)
		}
	}
}

func (p *pyParser) seq(depth int) (any, error) {
	end := byte(')')
	if p.s[p.i] == '[' {
		end = ']'
	}
	p.i++
	items := []any{}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return items, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		if !p.sep(end) {
			return nil, fmt.Errorf("no ',' or %q in a sequence", end)
		}
	}
}

// sep consumes a ',' or leaves the closing byte end for the caller; it
// reports false if neither follows.
func (p *pyParser) sep(end byte) bool {
	p.skipSpace()
	if p.i == len(p.s) {
		return false
	}
	if p.s[p.i] == ',' {
		p.i++
		return true
	}
	return p.s[p.i] == end
}

func (p *pyParser) str() (any, error) {
	q := p.s[p.i]
	var b bytes.Buffer
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			c = p.s[p.i]
		}
		b.WriteByte(c)
	}
	return nil, fmt.Errorf("unterminated string")
}

func (p *pyParser) int() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	v, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("bad integer %q", p.s[start:p.i])
	}
	if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
		p.i++
	}
	return v, nil
}
