package wire

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Magic opens every state.
const Magic = "CXST"

// Format is the version of the header and of the encodings of this
// package.
const Format = 1

// Writer appends a state to a byte slice.
type Writer struct {
	b []byte
}

// NewWriter starts a state of the type tag at its layout version, with
// room for about size bytes.
func NewWriter(tag string, version uint16, size int) *Writer {
	w := &Writer{b: make([]byte, 0, max(size, 0)+len(Magic)+5+len(tag))}
	w.b = append(w.b, Magic...)
	w.U16(Format)
	w.U8(uint8(len(tag)))
	w.b = append(w.b, tag...)
	w.U16(version)
	return w
}

// Bytes returns the state written so far.
func (w *Writer) Bytes() []byte { return w.b }

// U8 writes one byte.
func (w *Writer) U8(v uint8) { w.b = append(w.b, v) }

// Bool writes 1 or 0.
func (w *Writer) Bool(v bool) {
	if v {
		w.U8(1)
	} else {
		w.U8(0)
	}
}

// U16 writes v.
func (w *Writer) U16(v uint16) { w.b = binary.LittleEndian.AppendUint16(w.b, v) }

// U32 writes v.
func (w *Writer) U32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }

// U64 writes v.
func (w *Writer) U64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }

// I64 writes v.
func (w *Writer) I64(v int64) { w.U64(uint64(v)) }

// Int writes v as an int64.
func (w *Writer) Int(v int) { w.I64(int64(v)) }

// F64 writes v's bits.
func (w *Writer) F64(v float64) { w.U64(math.Float64bits(v)) }

// F32s writes a count and the values' bits.
func (w *Writer) F32s(v []float32) {
	w.U64(uint64(len(v)))
	for _, f := range v {
		w.U32(math.Float32bits(f))
	}
}

// F64s writes a count and the values' bits.
func (w *Writer) F64s(v []float64) {
	w.U64(uint64(len(v)))
	for _, f := range v {
		w.F64(f)
	}
}

// I32s writes a count and the values.
func (w *Writer) I32s(v []int32) {
	w.U64(uint64(len(v)))
	for _, x := range v {
		w.U32(uint32(x))
	}
}

// I64s writes a count and the values.
func (w *Writer) I64s(v []int64) {
	w.U64(uint64(len(v)))
	for _, x := range v {
		w.I64(x)
	}
}

// Ints writes a count and the values as int64.
func (w *Writer) Ints(v []int) {
	w.U64(uint64(len(v)))
	for _, x := range v {
		w.Int(x)
	}
}

// Blob writes a count and the bytes: a nested state.
func (w *Writer) Blob(v []byte) {
	w.U64(uint64(len(v)))
	w.b = append(w.b, v...)
}

// Reader reads a state, checking every count against the bytes left.
type Reader struct {
	b   []byte
	off int
	tag string
	err error
}

// Tag returns the type tag of the state in data, or "" when data does not
// start with a header.
func Tag(data []byte) string {
	h := len(Magic) + 2
	if len(data) < h+1 || string(data[:len(Magic)]) != Magic {
		return ""
	}
	n := int(data[h])
	if len(data) < h+1+n {
		return ""
	}
	return string(data[h+1 : h+1+n])
}

// NewReader checks the header of data: the magic, the format, the type
// tag and a type version at most version. It returns the reader of the
// payload and the state's type version.
func NewReader(data []byte, tag string, version uint16) (*Reader, uint16, error) {
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, 0, fmt.Errorf("%s state: the bytes are not a cxray estimator state", tag)
	}
	r := &Reader{b: data, off: len(Magic), tag: tag}
	if f := r.U16(); r.err == nil && f != Format {
		return nil, 0, fmt.Errorf("%s state: layout format %d, this cxray reads %d", tag, f, Format)
	}
	n := int(r.U8())
	got := string(r.take(n))
	if r.err != nil {
		return nil, 0, r.err
	}
	if got != tag {
		return nil, 0, fmt.Errorf("the bytes hold a %s state, not a %s", got, tag)
	}
	v := r.U16()
	if r.err != nil {
		return nil, 0, r.err
	}
	if v == 0 || v > version {
		return nil, 0, fmt.Errorf("%s state: version %d, this cxray reads 1 to %d", tag, v, version)
	}
	return r, v, nil
}

// Fail records err (the first one sticks), for a value the type rejects.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s state: "+format, append([]any{r.tag}, args...)...)
	}
}

// Err returns the first error.
func (r *Reader) Err() error { return r.err }

// Left is the number of bytes not read yet.
func (r *Reader) Left() int { return len(r.b) - r.off }

// Close returns the first error, or an error if bytes are left over.
func (r *Reader) Close() error {
	if r.err == nil && r.off != len(r.b) {
		r.Fail("%d bytes after the end at offset %d", len(r.b)-r.off, r.off)
	}
	return r.err
}

// take returns the next n bytes, or nil and a sticky error if fewer are
// left.
func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.Fail("truncated at offset %d: %d bytes wanted, %d left", r.off, n, len(r.b)-r.off)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

// U8 reads one byte.
func (r *Reader) U8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

// Bool reads a byte that must be 0 or 1.
func (r *Reader) Bool() bool {
	v := r.U8()
	if v > 1 {
		r.Fail("flag %d at offset %d is not 0 or 1", v, r.off-1)
	}
	return v == 1
}

// U16 reads a uint16.
func (r *Reader) U16() uint16 {
	if p := r.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

// U32 reads a uint32.
func (r *Reader) U32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

// U64 reads a uint64.
func (r *Reader) U64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// I64 reads an int64.
func (r *Reader) I64() int64 { return int64(r.U64()) }

// Int reads an int64 that must lie in [lo, hi].
func (r *Reader) Int(what string, lo, hi int) int {
	at := r.off
	v := r.I64()
	if r.err != nil {
		return 0
	}
	if v < int64(lo) || v > int64(hi) {
		r.Fail("%s %d at offset %d outside [%d, %d]", what, v, at, lo, hi)
		return 0
	}
	return int(v)
}

// F64 reads a float64.
func (r *Reader) F64() float64 { return math.Float64frombits(r.U64()) }

// count reads a slice's count of elements of size bytes each and checks
// that the bytes left hold them; want ≥ 0 also requires that count.
func (r *Reader) count(size, want int) int {
	at := r.off
	n := r.U64()
	if r.err != nil {
		return 0
	}
	left := uint64(len(r.b) - r.off)
	if n > left/uint64(size) {
		r.Fail("count %d at offset %d needs %d bytes of %d-byte elements, %d left", n, at, n*uint64(size), size, left)
		return 0
	}
	if want >= 0 && n != uint64(want) {
		r.Fail("count %d at offset %d, want %d", n, at, want)
		return 0
	}
	return int(n)
}

// F32s reads a slice of float32; want ≥ 0 requires that many.
func (r *Reader) F32s(want int) []float32 {
	n := r.count(4, want)
	if r.err != nil {
		return nil
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(r.U32())
	}
	return v
}

// F64s reads a slice of float64; want ≥ 0 requires that many.
func (r *Reader) F64s(want int) []float64 {
	n := r.count(8, want)
	if r.err != nil {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = r.F64()
	}
	return v
}

// I32s reads a slice of int32; want ≥ 0 requires that many.
func (r *Reader) I32s(want int) []int32 {
	n := r.count(4, want)
	if r.err != nil {
		return nil
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(r.U32())
	}
	return v
}

// I64s reads a slice of int64; want ≥ 0 requires that many.
func (r *Reader) I64s(want int) []int64 {
	n := r.count(8, want)
	if r.err != nil {
		return nil
	}
	v := make([]int64, n)
	for i := range v {
		v[i] = r.I64()
	}
	return v
}

// Ints reads a slice of int64 as ints, each in [lo, hi]; want ≥ 0
// requires that many.
func (r *Reader) Ints(want, lo, hi int) []int {
	n := r.count(8, want)
	if r.err != nil {
		return nil
	}
	v := make([]int, n)
	for i := range v {
		v[i] = r.Int("value", lo, hi)
	}
	return v
}

// Count reads the count of a sequence of items of at least size bytes
// each, written item by item, and checks that the bytes left can hold
// them.
func (r *Reader) Count(size int) int { return r.count(max(size, 1), -1) }

// Blob reads a nested state. It aliases the reader's bytes.
func (r *Reader) Blob() []byte {
	n := r.count(1, -1)
	return r.take(n)
}

// Sym writes the upper triangle of the symmetric d×d row-major matrix c,
// row by row: d(d+1)/2 values after their count.
func (w *Writer) Sym(c []float64, d int) {
	w.U64(uint64(d) * uint64(d+1) / 2)
	for i := range d {
		for j := i; j < d; j++ {
			w.F64(c[i*d+j])
		}
	}
}

// Sym reads what Writer.Sym wrote into a full d×d row-major matrix.
func (r *Reader) Sym(d int) []float64 {
	if r.count(8, d*(d+1)/2); r.err != nil {
		return nil
	}
	c := make([]float64, d*d)
	for i := range d {
		for j := i; j < d; j++ {
			v := r.F64()
			c[i*d+j], c[j*d+i] = v, v
		}
	}
	return c
}
