package importer

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// onnx-go decodes tensors, attributes and the graph's edges, but it does
// not hand a backend the node names, the opset or symbolic dimensions such
// as the batch axis. Those few header fields are read here straight from
// the protobuf wire format, using the field numbers of onnx.proto.
const (
	modelProducerName    = 2
	modelProducerVersion = 3
	modelGraph           = 7
	modelOpsetImport     = 8

	opsetDomain  = 1
	opsetVersion = 2

	graphNode        = 1
	graphInitializer = 5
	graphInput       = 11
	graphOutput      = 12

	nodeInput  = 1
	nodeOutput = 2
	nodeName   = 3
	nodeOpType = 4
	nodeDomain = 7

	valueName = 1
	valueType = 2

	typeTensor  = 1
	tensorShape = 2
	shapeDim    = 1
	dimValue    = 1
	dimParam    = 2

	tensorName = 8
)

// header is what cxray reads from the file besides onnx-go's decoding.
type header struct {
	opset        int64
	producer     string
	nodes        []Node // names, op types and tensor names; no attributes
	inputs       []ValueInfo
	outputs      []ValueInfo
	initializers map[string]bool
}

var errWire = errors.New("malformed protobuf")

// walk calls fn for every field of the message b. For length-delimited
// fields v holds the bytes; for varints x holds the value.
func walk(b []byte, fn func(num protowire.Number, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errWire
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errWire
		}
		b = b[n:]
		if err := fn(num, v, x); err != nil {
			return err
		}
	}
	return nil
}

func readHeader(b []byte) (*header, error) {
	h := &header{initializers: map[string]bool{}, opset: -1}
	var producer, version string
	var graph []byte
	err := walk(b, func(num protowire.Number, v []byte, x uint64) error {
		switch num {
		case modelProducerName:
			producer = string(v)
		case modelProducerVersion:
			version = string(v)
		case modelGraph:
			graph = v
		case modelOpsetImport:
			var domain string
			var ver int64
			if err := walk(v, func(num protowire.Number, v []byte, x uint64) error {
				switch num {
				case opsetDomain:
					domain = string(v)
				case opsetVersion:
					ver = int64(x)
				}
				return nil
			}); err != nil {
				return err
			}
			if domain == "" || domain == "ai.onnx" {
				h.opset = ver
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.producer = producer
	if version != "" {
		h.producer += " " + version
	}
	if graph == nil {
		return nil, errors.New("the file has no graph")
	}
	err = walk(graph, func(num protowire.Number, v []byte, x uint64) error {
		switch num {
		case graphNode:
			n, err := readNode(v)
			if err != nil {
				return err
			}
			h.nodes = append(h.nodes, n)
		case graphInput, graphOutput:
			vi, err := readValueInfo(v)
			if err != nil {
				return err
			}
			if num == graphInput {
				h.inputs = append(h.inputs, vi)
			} else {
				h.outputs = append(h.outputs, vi)
			}
		case graphInitializer:
			return walk(v, func(num protowire.Number, v []byte, x uint64) error {
				if num == tensorName {
					h.initializers[string(v)] = true
				}
				return nil
			})
		}
		return nil
	})
	return h, err
}

func readNode(b []byte) (Node, error) {
	var n Node
	var domain string
	err := walk(b, func(num protowire.Number, v []byte, x uint64) error {
		switch num {
		case nodeInput:
			n.Inputs = append(n.Inputs, string(v))
		case nodeOutput:
			n.Outputs = append(n.Outputs, string(v))
		case nodeName:
			n.Name = string(v)
		case nodeOpType:
			n.OpType = string(v)
		case nodeDomain:
			domain = string(v)
		}
		return nil
	})
	if domain != "" && domain != "ai.onnx" {
		n.OpType = domain + "." + n.OpType
	}
	return n, err
}

func readValueInfo(b []byte) (ValueInfo, error) {
	var vi ValueInfo
	err := walk(b, func(num protowire.Number, v []byte, x uint64) error {
		switch num {
		case valueName:
			vi.Name = string(v)
		case valueType:
			return walk(v, func(num protowire.Number, v []byte, x uint64) error {
				if num != typeTensor {
					return nil
				}
				return walk(v, func(num protowire.Number, v []byte, x uint64) error {
					if num != tensorShape {
						return nil
					}
					return walk(v, func(num protowire.Number, v []byte, x uint64) error {
						if num != shapeDim {
							return nil
						}
						d := Dim{Value: -1}
						err := walk(v, func(num protowire.Number, v []byte, x uint64) error {
							switch num {
							case dimValue:
								d.Value = int64(x)
							case dimParam:
								d.Param = string(v)
							}
							return nil
						})
						vi.Dims = append(vi.Dims, d)
						return err
					})
				})
			})
		}
		return nil
	})
	if err != nil {
		return vi, fmt.Errorf("value %q: %w", vi.Name, err)
	}
	return vi, nil
}
