package source

import (
	"fmt"
	"slices"
	"strings"
)

// Batch is a block of samples in row-major order. A Source reuses the
// slices of the Batch it is given, so a caller that keeps data across
// calls to Next must copy it.
type Batch struct {
	X      []float32 // N*Dim values, sample i at X[i*Dim:(i+1)*Dim]
	Labels []int32   // N class ids, 0..len(Classes())-1
	N      int
	// Keys names each sample, for the sources whose samples have names:
	// MNIST's give the image's index in its split ("17"); an image
	// folder's give each image's path relative to the folder,
	// slash-separated ("cat/001.png"); a Parquet image column's give
	// "FILE row R"; CSV and Parquet give the value of the column
	// Options.ID. Other sources leave it empty.
	Keys []string
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
	b.Keys = b.Keys[:0]
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
	Label   string // CSV or Parquet label column name; "" means "label"
	DataDir string // folder with the MNIST IDX files; "" means find them
	// Features chooses the feature columns of a Parquet source (see
	// OpenParquet); "" means every numeric column but the label.
	Features string
	// Image names the image column of a Parquet source; "" means the one
	// column that holds images, if there is exactly one (see OpenParquet).
	Image string
	// ID names a column of a CSV or Parquet (feature) source that names
	// each row (Batch.Keys); it is not a feature. "" means none.
	ID string
	// Transform is the preprocessing of the model's input: the image
	// sources apply its image steps as they decode each image, and the
	// others refuse them. Transformed applies the rest.
	Transform Transform
}

// Open opens the source named by spec:
//
//	mnist                  the MNIST digits (Options.Split)
//	csv:PATH               a CSV file with a header row
//	parquet:PATH           Parquet file(s); PATH may be a glob
//	npy:X.npy,y.npy        samples X and labels y, measured as layer "input"
//	npy:A.npy+B.npy,y.npy  activations, one layer per file (name = stem)
//	acts:DIR               activations, one layer per DIR/*.npy file but
//	                       DIR/labels.npy, which holds the labels
//	imagefolder:DIR        PNG and JPEG images, one sub-folder per class
//
// The npy:A+B and acts: sources are Layered.
func Open(spec string, opt Options) (Source, error) {
	parquet := strings.HasPrefix(spec, "parquet:")
	images := parquet || strings.HasPrefix(spec, "imagefolder:")
	switch {
	case opt.Features != "" && !parquet:
		return nil, fmt.Errorf("--features %q chooses Parquet columns; it does not apply to --data %s", opt.Features, spec)
	case opt.Image != "" && !parquet:
		return nil, fmt.Errorf("--image %q chooses a Parquet column; it does not apply to --data %s", opt.Image, spec)
	case opt.ID != "" && !parquet && !strings.HasPrefix(spec, "csv:"):
		return nil, fmt.Errorf("--id %q names a CSV or Parquet column; --data %s names its samples itself, or not at all", opt.ID, spec)
	case opt.Transform.imageSteps() && !images:
		return nil, fmt.Errorf("--resize and --center-crop preprocess images (imagefolder:DIR, or a Parquet image column); --data %s holds none", spec)
	}
	switch {
	case spec == "mnist":
		return OpenMNIST(opt)
	case strings.HasPrefix(spec, "csv:"):
		path := strings.TrimPrefix(spec, "csv:")
		if path == "" {
			return nil, fmt.Errorf("source %q has no path: write csv:PATH", spec)
		}
		return OpenCSV(path, opt)
	case strings.HasPrefix(spec, "parquet:"):
		path := strings.TrimPrefix(spec, "parquet:")
		if path == "" {
			return nil, fmt.Errorf("source %q has no path: write parquet:PATH (PATH may be a glob such as dir/*.parquet)", spec)
		}
		return OpenParquet(path, opt)
	case strings.HasPrefix(spec, "acts:"):
		dir := strings.TrimPrefix(spec, "acts:")
		if dir == "" {
			return nil, fmt.Errorf("source %q has no folder: write acts:DIR", spec)
		}
		return OpenActivations(dir, opt)
	case strings.HasPrefix(spec, "npy:"):
		paths := strings.Split(strings.TrimPrefix(spec, "npy:"), ",")
		if len(paths) != 2 || paths[0] == "" || paths[1] == "" {
			return nil, fmt.Errorf("source %q needs two files: write npy:X.npy,y.npy (samples, then labels), or npy:A.npy+B.npy,y.npy for activations, one layer per file", spec)
		}
		if !strings.Contains(paths[0], "+") {
			return OpenNPY(paths[0], paths[1], opt)
		}
		layers := strings.Split(paths[0], "+")
		if slices.Contains(layers, "") {
			return nil, fmt.Errorf("source %q has an empty file name between '+' signs: write npy:A.npy+B.npy,y.npy", spec)
		}
		return OpenLayers(layers, paths[1], opt)
	case strings.HasPrefix(spec, "imagefolder:"):
		dir := strings.TrimPrefix(spec, "imagefolder:")
		if dir == "" {
			return nil, fmt.Errorf("source %q has no folder: write imagefolder:DIR", spec)
		}
		return OpenImageFolder(dir, opt)
	}
	return nil, fmt.Errorf("unknown source %q: use \"mnist\", \"csv:PATH\", \"parquet:PATH\", \"npy:X.npy,y.npy\", \"npy:A.npy+B.npy,y.npy\", \"acts:DIR\" or \"imagefolder:DIR\"", spec)
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

// notFinite and outOfRange are the errors every source gives for a
// feature value it cannot measure: NaN or an infinity would poison every
// distance it enters, and a number beyond float32 would become one. where
// names the file, the row (counted from 0, as numpy, pandas and DuckDB's
// file_row_number count) and the column.
func notFinite(where string, v any) error {
	return fmt.Errorf("%s: %v is not a finite number; remove or impute it", where, v)
}

func outOfRange(where string, v any) error {
	return fmt.Errorf("%s: %v is out of the float32 range; rescale the data", where, v)
}

// beyondExact is the error for an integer value that float32 cannot carry
// exactly (see MaxExactInt).
func beyondExact(where, v string) error {
	return fmt.Errorf("%s: %s is beyond ±2^24, the integers cxray carries exactly; token ids and other integer inputs must lie within ±%d", where, v, MaxExactInt)
}

// tooManyClasses is the error for a label column of more than MaxClasses
// distinct values; where names the file, and the row that went over, and
// fix says what to check.
func tooManyClasses(where, fix string) error {
	return fmt.Errorf("%s: more than %d distinct labels, the most classes cxray takes; %s", where, MaxClasses, fix)
}
