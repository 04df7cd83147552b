package importer

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto),
// for the fields cxray reads or writes.
const (
	modelIRVersion       = 1
	modelProducerName    = 2
	modelProducerVersion = 3
	modelGraph           = 7
	modelOpsetImport     = 8

	opsetDomain  = 1
	opsetVersion = 2

	graphNode              = 1
	graphName              = 2
	graphInitializer       = 5
	graphInput             = 11
	graphOutput            = 12
	graphSparseInitializer = 15

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
	nodeDomain    = 7

	attrName          = 1
	attrF             = 2
	attrI             = 3
	attrS             = 4
	attrT             = 5
	attrG             = 6
	attrFloats        = 7
	attrInts          = 8
	attrStrings       = 9
	attrTensors       = 10
	attrGraphs        = 11
	attrTypeProto     = 14
	attrTypeProtos    = 15
	attrType          = 20
	attrSparseTensor  = 22
	attrSparseTensors = 23

	valueName = 1
	valueType = 2

	typeTensor   = 1 // TypeProto.tensor_type
	typeElemType = 1 // TypeProto.Tensor.elem_type
	tensorShape  = 2 // TypeProto.Tensor.shape
	shapeDim     = 1
	dimValue     = 1
	dimParam     = 2

	tensorDims         = 1
	tensorDataType     = 2
	tensorSegment      = 3
	tensorFloatData    = 4
	tensorInt32Data    = 5
	tensorStringData   = 6
	tensorInt64Data    = 7
	tensorName         = 8
	tensorRawData      = 9
	tensorDoubleData   = 10
	tensorUint64Data   = 11
	tensorExternalData = 13
	tensorDataLocation = 14

	sparseValues = 1 // SparseTensorProto.values, whose name is the tensor's

	entryKey   = 1 // StringStringEntryProto
	entryValue = 2

	locationExternal = 1 // TensorProto.DataLocation.EXTERNAL
)

// AttributeProto.AttributeType values.
const (
	attrTypeFloat         = 1
	attrTypeInt           = 2
	attrTypeString        = 3
	attrTypeTensor        = 4
	attrTypeGraph         = 5
	attrTypeFloats        = 6
	attrTypeInts          = 7
	attrTypeStrings       = 8
	attrTypeTensors       = 9
	attrTypeGraphs        = 10
	attrTypeSparseTensor  = 11
	attrTypeSparseTensors = 12
	attrTypeTypeProto     = 13
	attrTypeTypeProtos    = 14
)

var errWire = errors.New("malformed protobuf")

// field is one field of a message as walk hands it over: for
// length-delimited fields b holds the bytes, for varints and fixed-size
// scalars x holds the value.
type field struct {
	num protowire.Number
	typ protowire.Type
	b   []byte
	x   uint64
}

// walk calls fn for every field of the message b, in order. It never
// allocates: b's bytes are handed over in place. Groups (deprecated in
// proto2, absent from onnx.proto) are skipped.
func walk(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errWire
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.x = uint64(v)
		case protowire.Fixed64Type:
			f.x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errWire
		}
		b = b[n:]
		if typ == protowire.StartGroupType {
			continue
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// scalarKind is the wire form of a repeated scalar field: varints, or
// fixed 4- or 8-byte values.
type scalarKind int

const (
	varints scalarKind = iota
	fixed32s
	fixed64s
)

// count returns how many values a repeated scalar field occurrence holds:
// one when unpacked, the number of values in the payload when packed
// (protobuf parsers must accept both forms).
func (k scalarKind) count(f field) (int64, error) {
	want := [...]protowire.Type{varints: protowire.VarintType, fixed32s: protowire.Fixed32Type, fixed64s: protowire.Fixed64Type}[k]
	switch f.typ {
	case want:
		return 1, nil
	case protowire.BytesType:
		switch k {
		case fixed32s, fixed64s:
			size := 4 << (k - fixed32s)
			if len(f.b)%size != 0 {
				return 0, fmt.Errorf("field %d: a packed list of %d bytes is not a whole number of %d-byte values", f.num, len(f.b), size)
			}
			return int64(len(f.b) / size), nil
		}
		// A varint ends at each byte whose high bit is clear.
		n := int64(0)
		for _, c := range f.b {
			if c < 0x80 {
				n++
			}
		}
		if len(f.b) > 0 && f.b[len(f.b)-1] >= 0x80 {
			return 0, errWire
		}
		return n, nil
	}
	return 0, fmt.Errorf("field %d has wire type %d, not a list of scalars", f.num, f.typ)
}

// each calls fn with every value of a repeated scalar field occurrence,
// packed or not.
func (k scalarKind) each(f field, fn func(x uint64)) error {
	if f.typ != protowire.BytesType {
		fn(f.x)
		return nil
	}
	b := f.b
	for len(b) > 0 {
		var x uint64
		var n int
		switch k {
		case varints:
			x, n = protowire.ConsumeVarint(b)
		case fixed32s:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			x = uint64(v)
		default:
			x, n = protowire.ConsumeFixed64(b)
		}
		if n < 0 {
			return errWire
		}
		fn(x)
		b = b[n:]
	}
	return nil
}

// wantBytes refuses a field that should be length-delimited (a string or
// a message) but is not.
func wantBytes(f field) error {
	if f.typ != protowire.BytesType {
		return fmt.Errorf("field %d has wire type %d, not a string or message", f.num, f.typ)
	}
	return nil
}
