package importer

import "fmt"

// DataType is an ONNX element type, numbered as TensorProto.DataType in
// onnx.proto.
type DataType int32

// The ONNX element types. TypeNotTensor is cxray's: a value declared as a
// sequence, map, optional or sparse tensor rather than a dense tensor.
const (
	TypeUndefined      DataType = 0
	TypeFloat          DataType = 1
	TypeUint8          DataType = 2
	TypeInt8           DataType = 3
	TypeUint16         DataType = 4
	TypeInt16          DataType = 5
	TypeInt32          DataType = 6
	TypeInt64          DataType = 7
	TypeString         DataType = 8
	TypeBool           DataType = 9
	TypeFloat16        DataType = 10
	TypeDouble         DataType = 11
	TypeUint32         DataType = 12
	TypeUint64         DataType = 13
	TypeComplex64      DataType = 14
	TypeComplex128     DataType = 15
	TypeBFloat16       DataType = 16
	TypeFloat8E4M3FN   DataType = 17
	TypeFloat8E4M3FNUZ DataType = 18
	TypeFloat8E5M2     DataType = 19
	TypeFloat8E5M2FNUZ DataType = 20
	TypeUint4          DataType = 21
	TypeInt4           DataType = 22
	TypeFloat4E2M1     DataType = 23
	TypeFloat8E8M0     DataType = 24
	TypeUint2          DataType = 25
	TypeInt2           DataType = 26

	TypeNotTensor DataType = -1
)

var typeNames = [...]string{
	"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
	"STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64",
	"COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
	"FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2",
}

// String is the ONNX name of the type, e.g. "FLOAT" or "INT64".
func (t DataType) String() string {
	if t == TypeNotTensor {
		return "not a tensor (a sequence, map, optional or sparse value)"
	}
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("unknown element type %d", int32(t))
}

// IsFloat reports the floating-point types cxray reads into Tensor.Float
// as float32: FLOAT, DOUBLE, FLOAT16 and BFLOAT16.
func (t DataType) IsFloat() bool {
	switch t {
	case TypeFloat, TypeDouble, TypeFloat16, TypeBFloat16:
		return true
	}
	return false
}

// IsInt reports the integer and boolean types cxray reads into
// Tensor.Int as int64: INT8 to INT64, UINT8 to UINT64 and BOOL (0 or 1).
func (t DataType) IsInt() bool {
	switch t {
	case TypeInt8, TypeInt16, TypeInt32, TypeInt64,
		TypeUint8, TypeUint16, TypeUint32, TypeUint64, TypeBool:
		return true
	}
	return false
}

// rawSize is the bytes per element in raw_data (and in external data) of
// the types cxray reads; 0 for the others.
func (t DataType) rawSize() int {
	switch t {
	case TypeInt8, TypeUint8, TypeBool:
		return 1
	case TypeInt16, TypeUint16, TypeFloat16, TypeBFloat16:
		return 2
	case TypeFloat, TypeInt32, TypeUint32:
		return 4
	case TypeDouble, TypeInt64, TypeUint64:
		return 8
	}
	return 0
}

// decodedSize is the bytes per element cxray holds: 4 for float32, 8 for
// int64.
func (t DataType) decodedSize() int64 {
	if t.IsFloat() {
		return 4
	}
	return 8
}
