package source

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// IDX is the format of the MNIST files: the magic bytes 00 00 TYPE NDIMS,
// NDIMS big-endian uint32 sizes, then the items in row-major order.
const idxUint8 = 0x08 // the only data type MNIST uses

// idxReader streams the items of one IDX file, raw or gzipped. It reads
// only as many bytes as the caller asks for, so images can be decoded
// one batch at a time.
type idxReader struct {
	path  string
	f     *os.File
	gz    *gzip.Reader // nil for a raw file
	r     io.Reader    // the bytes after the header
	dims  []int        // dims[0] is the number of items
	item  int          // bytes per item: the product of dims[1:]
	taken int          // items read so far
}

// openIDX opens path, which must be a regular file, and reads its
// header, which must declare unsigned bytes in ndims dimensions. Gzip is
// detected by its magic bytes, not by the file name, since files get
// renamed and unpacked.
func openIDX(path string, ndims int) (*idxReader, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	x := &idxReader{path: path, f: f}
	if err := x.readHeader(ndims); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *idxReader) readHeader(ndims int) error {
	br := bufio.NewReaderSize(x.f, 1<<16)
	x.r = br
	head, err := br.Peek(2)
	if err != nil {
		return fmt.Errorf("%s: file is too short to be an IDX file", x.path)
	}
	gzipped := head[0] == 0x1f && head[1] == 0x8b
	if gzipped {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: starts like gzip but its gzip header is bad: %v", x.path, err)
		}
		x.gz, x.r = zr, zr
	}

	var magic [4]byte
	if _, err := io.ReadFull(x.r, magic[:]); err != nil {
		return fmt.Errorf("%s: truncated: file ends inside the IDX header", x.path)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return fmt.Errorf("%s: not an IDX file: magic bytes % x, want 00 00 08 %02x", x.path, magic, ndims)
	}
	if magic[2] != idxUint8 {
		return fmt.Errorf("%s: IDX data type 0x%02x is not supported; only 0x08 (unsigned byte) is", x.path, magic[2])
	}
	if int(magic[3]) != ndims {
		return fmt.Errorf("%s: IDX file has %d dimensions, want %d", x.path, magic[3], ndims)
	}
	sizes := make([]uint32, ndims)
	if err := binary.Read(x.r, binary.BigEndian, sizes); err != nil {
		return fmt.Errorf("%s: truncated: file ends inside the IDX header", x.path)
	}
	x.dims = make([]int, ndims)
	x.item = 1
	for i, s := range sizes {
		x.dims[i] = int(s)
		if i == 0 {
			continue
		}
		if s == 0 {
			return fmt.Errorf("%s: IDX dimension %d is zero", x.path, i)
		}
		x.item *= int(s)
		if x.item > maxItemBytes {
			return fmt.Errorf("%s: IDX items of %v bytes are too large; the header is probably corrupt", x.path, sizes[1:])
		}
	}

	// A raw file's size is known up front, so check it now: that turns a
	// truncated download into an error at Open instead of mid-run. A
	// gzipped file can only be checked exactly as it is read, but it
	// cannot hold more than DEFLATE's best ratio times its own size.
	st, err := x.f.Stat()
	if err != nil {
		return err
	}
	header := int64(4 + 4*ndims)
	want := header + int64(x.dims[0])*int64(x.item)
	if gzipped && want > maxDeflateRatio*st.Size() {
		return fmt.Errorf("%s: its header declares %d items that need %d bytes, more than gzip can unpack from a file of %d bytes (at most %d times its size); the file is corrupt",
			x.path, x.dims[0], want, st.Size(), maxDeflateRatio)
	}
	if !gzipped {
		if st.Size() < want {
			return fmt.Errorf("%s: truncated: %d bytes, but its header declares %d items that need %d; download it again",
				x.path, st.Size(), x.dims[0], want)
		}
		if st.Size() > want {
			return fmt.Errorf("%s: %d bytes, more than the %d that its header's %d items need; the file is corrupt",
				x.path, st.Size(), want, x.dims[0])
		}
	}
	return nil
}

// read fills dst, whose length is a multiple of the item size, with the
// next items.
func (x *idxReader) read(dst []byte) error {
	k := len(dst) / x.item
	if x.taken+k > x.dims[0] {
		return fmt.Errorf("%s: asked for items %d..%d, but the file has %d", x.path, x.taken, x.taken+k-1, x.dims[0])
	}
	got, err := io.ReadFull(x.r, dst)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s: truncated: file ends inside item %d of the %d its header declares; download it again",
				x.path, x.taken+got/x.item, x.dims[0])
		}
		return fmt.Errorf("%s: %v", x.path, err)
	}
	x.taken += k
	return nil
}

// readAll reads every item left. It grows its buffer as data arrives
// rather than trusting the header's count, so a corrupt gzipped header
// cannot cause a huge allocation.
func (x *idxReader) readAll() ([]byte, error) {
	want := int64(x.dims[0]-x.taken) * int64(x.item)
	b, err := io.ReadAll(io.LimitReader(x.r, want))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", x.path, err)
	}
	if int64(len(b)) < want {
		return nil, fmt.Errorf("%s: truncated: file ends inside item %d of the %d its header declares; download it again",
			x.path, x.taken+len(b)/x.item, x.dims[0])
	}
	x.taken = x.dims[0]
	return b, nil
}

// checkEnd reports an error if data follows the last item. For a gzipped
// file, reading to the end is also what makes gzip verify its checksum.
func (x *idxReader) checkEnd() error {
	var one [1]byte
	n, err := io.ReadFull(x.r, one[:])
	switch {
	case n > 0:
		return fmt.Errorf("%s: has data after the %d items its header declares; the file is corrupt", x.path, x.dims[0])
	case errors.Is(err, io.EOF):
		return nil
	}
	return fmt.Errorf("%s: %v", x.path, err)
}

func (x *idxReader) Close() error {
	if x.f == nil {
		return nil
	}
	if x.gz != nil {
		x.gz.Close()
	}
	err := x.f.Close()
	x.f = nil
	return err
}
