package importer

import (
	"encoding/binary"
	"fmt"
	"math"
)

// decodedTensor is a TensorProto read by decoder.tensor: t, or, for an
// element type cxray does not compute with, skip says why and t is nil.
type decodedTensor struct {
	name string
	t    *Tensor
	skip string
}

// tensorFields is what the first pass over a TensorProto finds; values
// stay in the file's bytes until the sizes are checked.
type tensorFields struct {
	name     []byte
	dims     []int64
	dtype    DataType
	raw      []byte
	hasRaw   bool
	segment  bool
	external bool
	location []byte
	offset   []byte
	length   []byte
	counts   map[int64]int64 // typed data field -> number of values
}

// dataField is the typed field that holds a type's values when raw_data
// is not used, and its wire form.
func dataField(t DataType) (int64, scalarKind) {
	switch t {
	case TypeFloat:
		return tensorFloatData, fixed32s
	case TypeDouble:
		return tensorDoubleData, fixed64s
	case TypeInt64:
		return tensorInt64Data, varints
	case TypeUint32, TypeUint64:
		return tensorUint64Data, varints
	}
	return tensorInt32Data, varints // the 8- and 16-bit types, INT32, BOOL, FLOAT16, BFLOAT16
}

var scalarFields = map[int64]scalarKind{
	tensorFloatData: fixed32s, tensorInt32Data: varints, tensorInt64Data: varints,
	tensorDoubleData: fixed64s, tensorUint64Data: varints,
}

// tensor decodes a TensorProto; role names it in errors ("initializer",
// `attribute "value"`). The number of elements is computed from dims with
// overflow checks, the bytes it will take as float32 or int64 are charged
// to the quota, and the data (raw, typed or external) must hold exactly
// that many elements, all before anything is allocated for the values.
func (d *decoder) tensor(b []byte, role string) (decodedTensor, error) {
	tf := tensorFields{counts: map[int64]int64{}}
	var nDims int64
	werr := walk(b, func(f field) error {
		switch f.num {
		case tensorDims:
			n, err := varints.count(f)
			nDims += n
			return err
		case tensorDataType:
			tf.dtype = DataType(int32(f.x))
		case tensorSegment:
			tf.segment = true
		case tensorName:
			tf.name = f.b
		case tensorRawData:
			tf.raw, tf.hasRaw = f.b, true
		case tensorDataLocation:
			tf.external = f.x == locationExternal
		case tensorExternalData:
			var key, value []byte
			if err := walk(f.b, func(f field) error {
				switch f.num {
				case entryKey:
					key = f.b
				case entryValue:
					value = f.b
				}
				return nil
			}); err != nil {
				return err
			}
			switch string(key) {
			case "location":
				tf.location = value
			case "offset":
				tf.offset = value
			case "length":
				tf.length = value
			}
		default:
			if k, ok := scalarFields[int64(f.num)]; ok {
				n, err := k.count(f)
				tf.counts[int64(f.num)] += n
				return err
			}
		}
		return nil
	})
	out := decodedTensor{}
	who := role
	if len(tf.name) > 0 {
		var err error
		if out.name, err = d.str(tf.name, role); err != nil {
			return out, err
		}
		who = fmt.Sprintf("%s %q", role, out.name)
	}
	if werr != nil {
		return out, fmt.Errorf("%s: %w", who, werr)
	}
	if err := d.q.take(nDims*costValue, func() string { return who + "'s dims" }); err != nil {
		return out, err
	}
	tf.dims = make([]int64, 0, nDims)
	walk(b, func(f field) error { // already checked by the first pass
		if f.num == tensorDims {
			varints.each(f, func(x uint64) { tf.dims = append(tf.dims, int64(x)) })
		}
		return nil
	})
	switch {
	case tf.dtype == TypeUndefined:
		return out, fmt.Errorf("%s has no data_type", who)
	case !tf.dtype.IsFloat() && !tf.dtype.IsInt():
		out.skip = fmt.Sprintf("a %s tensor (cxray computes with float32 and int64 tensors; it reads FLOAT, DOUBLE, FLOAT16, BFLOAT16, the integer types and BOOL)", tf.dtype)
		return out, nil
	case tf.segment:
		return out, fmt.Errorf("%s is stored in segments, which cxray does not read", who)
	}
	n, err := numel(tf.dims)
	if err != nil {
		return out, fmt.Errorf("%s: %v", who, err)
	}
	desc := fmt.Sprintf("%s (%s %s)", who, tf.dtype, dimsString(tf.dims))
	if err := d.q.take(mulCheck(n, tf.dtype.decodedSize()), func() string { return desc }); err != nil {
		return out, err
	}
	t := &Tensor{Shape: make([]int, len(tf.dims))}
	for i, v := range tf.dims {
		t.Shape[i] = int(v)
	}
	// The source of the values, checked to hold exactly n of them.
	dataNum, kind := dataField(tf.dtype)
	size := int64(tf.dtype.rawSize())
	want := mulCheck(n, size)
	var ext *external
	switch {
	case want < 0:
		return out, fmt.Errorf("%s: its byte size overflows int64", desc)
	case tf.external:
		if ext, err = d.openExternal(&tf, want); err != nil {
			return out, fmt.Errorf("%s: %w", desc, err)
		}
		defer ext.f.Close()
	case tf.hasRaw:
		if int64(len(tf.raw)) != want {
			return out, fmt.Errorf("%s: raw_data holds %d bytes, but %d elements of %d bytes need %d", desc, len(tf.raw), n, size, want)
		}
	case tf.counts[dataNum] != n:
		return out, fmt.Errorf("%s: holds %d values, but its dims say %d", desc, tf.counts[dataNum], n)
	}
	if tf.dtype.IsFloat() {
		t.Float = make([]float32, n)
	} else {
		t.Int = make([]int64, n)
	}
	out.t = t
	switch {
	case tf.external:
		err = ext.read(tf.dtype, t)
	case tf.hasRaw:
		err = fromRaw(tf.dtype, tf.raw, t, 0)
	default:
		at := 0
		err = walk(b, func(f field) error {
			if int64(f.num) != dataNum {
				return nil
			}
			return kind.each(f, func(x uint64) {
				if int64(at) < n { // the first pass counted them; this only guards
					setTyped(tf.dtype, t, at, x)
				}
				at++
			})
		})
		if err == nil && int64(at) != n {
			err = fmt.Errorf("holds %d values, but its dims say %d", at, n)
		}
	}
	if err != nil {
		return out, fmt.Errorf("%s: %w", desc, err)
	}
	if tf.dtype == TypeUint64 {
		for i, v := range t.Int {
			if v < 0 {
				return out, fmt.Errorf("%s: element %d, %d, does not fit the int64 cxray computes with", desc, i, uint64(v))
			}
		}
	}
	return out, nil
}

// setTyped stores element i from its typed-field value x.
func setTyped(dt DataType, t *Tensor, i int, x uint64) {
	switch dt {
	case TypeFloat:
		t.Float[i] = math.Float32frombits(uint32(x))
	case TypeDouble:
		t.Float[i] = float32(math.Float64frombits(x))
	case TypeFloat16:
		t.Float[i] = halfToFloat(uint16(x))
	case TypeBFloat16:
		t.Float[i] = math.Float32frombits(uint32(uint16(x)) << 16)
	case TypeBool:
		t.Int[i] = b2i(x != 0)
	case TypeUint8, TypeUint16, TypeUint32:
		t.Int[i] = int64(uint32(x))
	case TypeInt8, TypeInt16, TypeInt32:
		t.Int[i] = int64(int32(x)) // int32_data holds them sign-extended
	default: // INT64, UINT64 (checked for values past 2^63 by tensor)
		t.Int[i] = int64(x)
	}
}

// fromRaw converts raw (little-endian, fixed-width elements, as onnx.proto
// specifies raw_data) into t from element at on.
func fromRaw(dt DataType, raw []byte, t *Tensor, at int) error {
	le := binary.LittleEndian
	size := dt.rawSize()
	if len(raw)%size != 0 {
		return fmt.Errorf("%d bytes are not a whole number of %d-byte elements", len(raw), size)
	}
	for i := 0; i < len(raw)/size; i++ {
		b := raw[i*size:]
		switch dt {
		case TypeFloat:
			t.Float[at+i] = math.Float32frombits(le.Uint32(b))
		case TypeDouble:
			t.Float[at+i] = float32(math.Float64frombits(le.Uint64(b)))
		case TypeFloat16:
			t.Float[at+i] = halfToFloat(le.Uint16(b))
		case TypeBFloat16:
			t.Float[at+i] = math.Float32frombits(uint32(le.Uint16(b)) << 16)
		case TypeBool:
			t.Int[at+i] = b2i(b[0] != 0)
		case TypeUint8:
			t.Int[at+i] = int64(b[0])
		case TypeInt8:
			t.Int[at+i] = int64(int8(b[0]))
		case TypeUint16:
			t.Int[at+i] = int64(le.Uint16(b))
		case TypeInt16:
			t.Int[at+i] = int64(int16(le.Uint16(b)))
		case TypeUint32:
			t.Int[at+i] = int64(le.Uint32(b))
		case TypeInt32:
			t.Int[at+i] = int64(int32(le.Uint32(b)))
		default: // INT64, UINT64
			t.Int[at+i] = int64(le.Uint64(b))
		}
	}
	return nil
}

// halfToFloat converts an IEEE 754 half-precision value, subnormals,
// infinities and NaN included.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0: // zero or subnormal: mant · 2^-24
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
