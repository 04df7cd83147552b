package train

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"cxray/stream/source"
)

// sampleLen is the number of pixels of one sample.
const sampleLen = 28 * 28

// Dataset is a set of MNIST images kept as bytes, 784 per sample in the
// IDX file's row-major order: 47 MB for the 60000 training images, a
// quarter of their float32 size. Batches are converted to float32 as they
// are used, with pixel/255 exactly as cxray/stream/source reads MNIST, so
// that a trained model sees the same numbers when analyze re-measures it.
type Dataset struct {
	Name   string  // e.g. "mnist/train"
	Pixels []uint8 // Len()*784 bytes
	Labels []uint8 // class ids 0-9
}

// Len is the number of samples.
func (d *Dataset) Len() int { return len(d.Labels) }

// pixel maps a byte to the float32 value cxray/stream/source gives it.
var pixel = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(v) / 255
	}
	return t
}()

// fill writes samples idx of d into x as float32 and their labels into y.
func (d *Dataset) fill(x []float32, y []int32, idx []int) {
	for i, s := range idx {
		row := x[i*sampleLen : (i+1)*sampleLen]
		for j, v := range d.Pixels[s*sampleLen : (s+1)*sampleLen] {
			row[j] = pixel[v]
		}
		y[i] = int32(d.Labels[s])
	}
}

// Float returns samples [lo, hi) as float32, as the analyze path reads them.
func (d *Dataset) Float(lo, hi int) []float32 {
	x := make([]float32, (hi-lo)*sampleLen)
	for i, v := range d.Pixels[lo*sampleLen : hi*sampleLen] {
		x[i] = pixel[v]
	}
	return x
}

// LoadMNIST reads the MNIST split "train" or "test" with
// cxray/stream/source, which finds the files (dataDir, CXRAY_DATA, or the
// GoMNIST module; see its documentation). dataDir may be "".
func LoadMNIST(split, dataDir string) (*Dataset, error) {
	src, err := source.OpenMNIST(source.Options{Split: split, DataDir: dataDir})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if src.Dim() != sampleLen {
		return nil, fmt.Errorf("train: %s has samples of %d values, want %d", src.Name(), src.Dim(), sampleLen)
	}
	d := &Dataset{Name: src.Name(), Pixels: make([]uint8, 0, src.Len()*sampleLen), Labels: make([]uint8, 0, src.Len())}
	var b source.Batch
	for {
		err := src.Next(&b, 1000)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, v := range b.X {
			// Exact: v is float32(p)/255, and the nearest byte is p.
			d.Pixels = append(d.Pixels, uint8(v*255+0.5))
		}
		for _, l := range b.Labels {
			d.Labels = append(d.Labels, uint8(l))
		}
	}
	return d, nil
}

// Subset returns n samples of d, as equally many of each class as
// possible, chosen with seed, in their order in d. n = d.Len() returns
// all of d. The result shares no memory with d.
func (d *Dataset) Subset(n int, seed uint64) (*Dataset, error) {
	if n < 1 || n > d.Len() {
		return nil, fmt.Errorf("train: a subset of %d samples is not possible: %s has %d", n, d.Name, d.Len())
	}
	byClass := make([][]int, Classes)
	for i, l := range d.Labels {
		if int(l) >= Classes {
			return nil, fmt.Errorf("train: %s: label %d at index %d is not a class 0-%d", d.Name, l, i, Classes-1)
		}
		byClass[l] = append(byClass[l], i)
	}
	// Water-filling: classes in order of size take an equal share (rounded
	// down) of what is left, so that small classes give their unused share
	// to the others and, when n does not divide, the larger classes take
	// one more.
	order := make([]int, Classes)
	for c := range order {
		order[c] = c
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(byClass[a]) - len(byClass[b]) })
	quota := make([]int, Classes)
	left := n
	for i, c := range order {
		share := left / (Classes - i)
		quota[c] = min(len(byClass[c]), share)
		left -= quota[c]
	}
	rng := rand.New(rand.NewPCG(seed, 0x737562736574)) // "subset"
	var keep []int
	for c, idx := range byClass {
		idx = slices.Clone(idx)
		shuffle(rng, idx)
		keep = append(keep, idx[:quota[c]]...)
	}
	slices.Sort(keep)
	out := &Dataset{Name: fmt.Sprintf("%s[%d]", d.Name, n), Pixels: make([]uint8, 0, n*sampleLen), Labels: make([]uint8, 0, n)}
	for _, i := range keep {
		out.Pixels = append(out.Pixels, d.Pixels[i*sampleLen:(i+1)*sampleLen]...)
		out.Labels = append(out.Labels, d.Labels[i])
	}
	return out, nil
}

// shuffle is Fisher-Yates on the raw PCG output, so that a seed gives the
// same order whatever the Go version's choice of bounded-integer method.
func shuffle(rng *rand.Rand, idx []int) {
	for i := len(idx) - 1; i > 0; i-- {
		j := int(rng.Uint64() % uint64(i+1))
		idx[i], idx[j] = idx[j], idx[i]
	}
}
