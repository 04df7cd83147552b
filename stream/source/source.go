package source

import (
	"fmt"
	"strings"
)

// Batch is a block of samples in row-major order. A Source reuses the
// slices of the Batch it is given, so a caller that keeps data across
// calls to Next must copy it.
type Batch struct {
	X      []float32 // N*Dim values, sample i at X[i*Dim:(i+1)*Dim]
	Labels []int32   // N class ids, 0..len(Classes())-1
	N      int
}

// resize makes b hold n samples of dim values, reusing its slices when
// they are large enough so that a loop over a source does not allocate.
func (b *Batch) resize(n, dim int) {
	if cap(b.X) < n*dim {
		b.X = make([]float32, n*dim)
	}
	b.X = b.X[:n*dim]
	if cap(b.Labels) < n {
		b.Labels = make([]int32, n)
	}
	b.Labels = b.Labels[:n]
	b.N = n
}

// Source is a dataset read batch by batch.
type Source interface {
	// Name identifies the source, e.g. "mnist/test" or "csv:iris.csv".
	Name() string
	// SampleShape is the shape of one sample: [1 28 28] for MNIST,
	// [d] for a CSV file with d feature columns.
	SampleShape() []int
	// Dim is the product of SampleShape.
	Dim() int
	// Len is the number of samples the source yields, after Limit.
	Len() int
	// Classes names the classes by id.
	Classes() []string
	// Next fills b with up to max samples, max >= 1, and returns io.EOF
	// once all samples have been read. A nil error means b.N > 0.
	Next(b *Batch, max int) error
	// Close releases the files the source holds.
	Close() error
}

// Options configures Open. The zero value reads all of the MNIST test
// split, or all of a CSV file whose label column is named "label".
type Options struct {
	Split   string // "train" or "test" (MNIST only); "" means "test"
	Limit   int    // take the first Limit samples; 0 means all
	Label   string // CSV label column name; "" means "label"
	DataDir string // folder with the MNIST IDX files; "" means find them
}

// Open opens the source named by spec: "mnist", "csv:PATH" or
// "npy:X.npy,y.npy".
func Open(spec string, opt Options) (Source, error) {
	switch {
	case spec == "mnist":
		return OpenMNIST(opt)
	case strings.HasPrefix(spec, "csv:"):
		path := strings.TrimPrefix(spec, "csv:")
		if path == "" {
			return nil, fmt.Errorf("source %q has no path: write csv:PATH", spec)
		}
		return OpenCSV(path, opt)
	case strings.HasPrefix(spec, "npy:"):
		paths := strings.Split(strings.TrimPrefix(spec, "npy:"), ",")
		if len(paths) != 2 || paths[0] == "" || paths[1] == "" {
			return nil, fmt.Errorf("source %q needs two files: write npy:X.npy,y.npy (samples, then labels)", spec)
		}
		return OpenNPY(paths[0], paths[1], opt)
	}
	return nil, fmt.Errorf("unknown source %q: use \"mnist\", \"csv:PATH\" or \"npy:X.npy,y.npy\"", spec)
}

// checkLimit returns how many of avail samples to yield under limit.
func checkLimit(name string, limit, avail int) (int, error) {
	switch {
	case limit < 0:
		return 0, fmt.Errorf("%s: limit %d is negative; use 0 for all samples", name, limit)
	case limit > avail:
		return 0, fmt.Errorf("%s: limit %d is more than the %d samples available", name, limit, avail)
	case limit == 0:
		return avail, nil
	}
	return limit, nil
}

func checkMax(name string, max int) error {
	if max < 1 {
		return fmt.Errorf("%s: Next needs max >= 1, got %d", name, max)
	}
	return nil
}
