package source

// The caps below bound what a dataset file can make a source allocate or
// open, far above any real dataset, so that a corrupt or hostile file gets
// one line naming it and the cap, checked before the allocation, instead
// of a crash, an endless read or a silent surprise.

// MaxCSVRecord is the longest CSV record, the header included, in bytes
// with its line end: room for MaxColumns cells of 64 characters each.
// A record is one line, or several when a quoted cell holds line breaks;
// without a cap one endless line would be read into memory whole.
const MaxCSVRecord = 64 * MaxColumns

// MaxColumns is the most columns a CSV header may name, or a Parquet
// file hold.
const MaxColumns = 1 << 16

// MaxClasses is the most distinct labels a source accepts. A label column
// with more is almost surely the wrong column (an id, a measurement), and
// the classes are held in memory by the source and counted per class by
// the estimators.
const MaxClasses = 1 << 16

// MaxLayers is the most layer files an activations source (acts:DIR or
// npy:A+B+...) opens: each is an open file with its own read buffer.
const MaxLayers = 1024

// maxNPYHeader is NumPy's own limit on an NPY header (the max_header_size
// of numpy.load, 10000 bytes); a plain numeric array's header is about
// 120 bytes.
const maxNPYHeader = 10000

// maxNPYDim bounds each dimension of an NPY shape, far above any real
// array, so that products of dimensions cannot overflow an int64.
const maxNPYDim = 1 << 40

// maxItemBytes bounds the size of one sample, in the file's own encoding,
// so that a corrupt header cannot make us allocate gigabytes for a single
// batch.
const maxItemBytes = 1 << 28

// maxBatchBytes bounds the raw bytes one call to Next reads, so that Next
// may return fewer samples than asked for when they are very large.
const maxBatchBytes = 1 << 26

// maxDeflateRatio is the most that DEFLATE, gzip's compression, can
// expand data: 258 bytes from a few bits, 1032 to 1 at best. A gzipped
// file whose header declares more than that many times its own size cannot
// hold what it declares.
const maxDeflateRatio = 1032

// MaxImages is the most images an image folder lists: its list takes
// about the length of each path plus 12 bytes an image.
const MaxImages = 1 << 25
