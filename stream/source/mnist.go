package source

import (
	"fmt"
	"io"
	"strconv"
)

// pixel maps a byte to its float32 value v/255. A table is faster than
// dividing and gives exactly the same numbers.
var pixel = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(v) / 255
	}
	return t
}()

var digitClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// mnist streams one split of MNIST. Its labels are read whole at Open
// (10 kB for the test split); its images are read one batch at a time.
type mnist struct {
	name   string
	images *idxReader
	labels []byte
	shape  []int
	dim    int
	n      int // samples to yield, after Limit
	pos    int
	raw    []byte // one batch of image bytes, reused
	err    error  // sticky: once Next failed it keeps failing
}

// OpenMNIST opens the MNIST split opt.Split ("test" by default), finding
// the files as described in the package documentation.
func OpenMNIST(opt Options) (Source, error) {
	split := opt.Split
	if split == "" {
		split = "test"
	}
	if _, ok := mnistBase[split]; !ok {
		return nil, fmt.Errorf("mnist: split %q is unknown; use \"train\" or \"test\"", split)
	}
	name := "mnist/" + split
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all samples", name, opt.Limit)
	}
	imgPath, lblPath, err := newMNISTFinder().find(opt.DataDir, split)
	if err != nil {
		return nil, err
	}
	return openMNISTFiles(name, imgPath, lblPath, opt.Limit)
}

func openMNISTFiles(name, imgPath, lblPath string, limit int) (*mnist, error) {
	labels, err := readMNISTLabels(lblPath)
	if err != nil {
		return nil, err
	}
	img, err := openIDX(imgPath, 3)
	if err != nil {
		return nil, err
	}
	if img.dims[0] != len(labels) {
		img.Close()
		return nil, fmt.Errorf("%s: %s has %d images but %s has %d labels; use the two files of one split",
			name, imgPath, img.dims[0], lblPath, len(labels))
	}
	n, err := checkLimit(name, limit, len(labels))
	if err != nil {
		img.Close()
		return nil, err
	}
	return &mnist{
		name:   name,
		images: img,
		labels: labels[:n],
		shape:  []int{1, img.dims[1], img.dims[2]},
		dim:    img.item,
		n:      n,
	}, nil
}

func readMNISTLabels(path string) ([]byte, error) {
	r, err := openIDX(path, 1)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	labels, err := r.readAll()
	if err != nil {
		return nil, err
	}
	if err := r.checkEnd(); err != nil {
		return nil, err
	}
	for i, l := range labels {
		if int(l) >= len(digitClasses) {
			return nil, fmt.Errorf("%s: label %d at index %d is not a digit 0-9", path, l, i)
		}
	}
	return labels, nil
}

func (m *mnist) Name() string       { return m.name }
func (m *mnist) SampleShape() []int { return append([]int(nil), m.shape...) }
func (m *mnist) Dim() int           { return m.dim }
func (m *mnist) Len() int           { return m.n }
func (m *mnist) Classes() []string  { return append([]string(nil), digitClasses...) }

func (m *mnist) Next(b *Batch, max int) error {
	if m.err != nil {
		return m.err
	}
	if err := checkMax(m.name, max); err != nil {
		return err
	}
	if m.images == nil {
		return fmt.Errorf("%s: Next called after Close", m.name)
	}
	if m.pos >= m.n {
		return io.EOF
	}
	// A gzipped file's header is only checked against its data as the
	// data is read, so bound what one batch allocates up front.
	k := min(max, m.n-m.pos, maxBatchBytes/m.dim)
	if k < 1 {
		k = 1
	}
	if cap(m.raw) < k*m.dim {
		m.raw = make([]byte, k*m.dim)
	}
	m.raw = m.raw[:k*m.dim]
	if err := m.images.read(m.raw); err != nil {
		m.err = err
		return err
	}
	b.resize(k, m.dim)
	for i, v := range m.raw {
		b.X[i] = pixel[v]
	}
	for i, l := range m.labels[m.pos : m.pos+k] {
		b.Labels[i] = int32(l)
		b.Keys = append(b.Keys, strconv.Itoa(m.pos+i))
	}
	m.pos += k
	if m.images.taken == m.images.dims[0] {
		// Reading past the last image makes gzip check its checksum.
		if err := m.images.checkEnd(); err != nil {
			m.err = err
			return err
		}
	}
	return nil
}

func (m *mnist) Close() error {
	if m.images == nil {
		return nil
	}
	err := m.images.Close()
	m.images = nil
	return err
}
