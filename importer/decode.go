package importer

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Estimated bytes of the Go structures decoding builds, charged to
// Limits.DecodedBytes before each is built so that a file of many tiny
// messages (a few bytes each) cannot make the graph outgrow the limit.
const (
	costNode  = 256 // a Node, its slices and attribute map
	costName  = 32  // a string header and slice slot, plus the string's bytes
	costAttr  = 96  // an attribute's map entry and boxed value
	costValue = 16  // one element of a list attribute or dimension list
	costEntry = 128 // an initializer's map entry and Tensor
)

// decoder reads one ModelProto. Every allocation it makes is charged to
// q first.
type decoder struct {
	dir string // the model's folder, for external data; "" when decoding bytes
	q   quota

	opset       int64
	producer    string
	hasGraph    bool
	nodes       []Node
	inputs      []ValueInfo
	outputs     []ValueInfo
	inits       map[string]*Tensor
	unsupported map[string]string // tensor name -> why cxray cannot use it
}

func newDecoder(dir string, lim Limits) *decoder {
	return &decoder{
		dir: dir, q: quota{limit: lim.DecodedBytes}, opset: -1,
		inits: map[string]*Tensor{}, unsupported: map[string]string{},
	}
}

// str charges and copies a string field.
func (d *decoder) str(b []byte, what string) (string, error) {
	if err := d.q.take(costName+int64(len(b)), func() string { return what }); err != nil {
		return "", err
	}
	return string(b), nil
}

func (d *decoder) model(b []byte) error {
	var producer, version string
	var graph []byte
	err := walk(b, func(f field) error {
		var err error
		switch f.num {
		case modelProducerName:
			producer, err = d.str(f.b, "the producer name")
		case modelProducerVersion:
			version, err = d.str(f.b, "the producer version")
		case modelGraph:
			if err = wantBytes(f); err == nil {
				graph = f.b
			}
		case modelOpsetImport:
			if err = wantBytes(f); err != nil {
				return err
			}
			var domain []byte
			var ver int64
			err = walk(f.b, func(f field) error {
				switch f.num {
				case opsetDomain:
					domain = f.b
				case opsetVersion:
					ver = int64(f.x)
				}
				return nil
			})
			if s := string(domain); err == nil && (s == "" || s == "ai.onnx") {
				d.opset = ver
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	d.producer = producer
	if version != "" {
		d.producer += " " + version
	}
	if graph == nil {
		return nil
	}
	d.hasGraph = true
	return d.graph(graph)
}

func (d *decoder) graph(b []byte) error {
	return walk(b, func(f field) error {
		switch f.num {
		case graphNode, graphInitializer, graphSparseInitializer, graphInput, graphOutput:
			if err := wantBytes(f); err != nil {
				return err
			}
		}
		switch f.num {
		case graphNode:
			if err := d.q.take(costNode, func() string { return fmt.Sprintf("node %d", len(d.nodes)) }); err != nil {
				return err
			}
			n, err := d.node(f.b)
			if err != nil {
				return err
			}
			d.nodes = append(d.nodes, n)
		case graphInitializer:
			t, err := d.tensor(f.b, "initializer")
			if err != nil {
				return err
			}
			if err := d.q.take(costEntry, func() string { return fmt.Sprintf("initializer %q", t.name) }); err != nil {
				return err
			}
			if t.skip != "" {
				d.unsupported[t.name] = t.skip
			} else {
				d.inits[t.name] = t.t
			}
		case graphSparseInitializer:
			name, err := d.sparseName(f.b)
			if err != nil {
				return err
			}
			d.unsupported[name] = "a sparse initializer"
		case graphInput, graphOutput:
			vi, err := d.valueInfo(f.b)
			if err != nil {
				return err
			}
			if f.num == graphInput {
				d.inputs = append(d.inputs, vi)
			} else {
				d.outputs = append(d.outputs, vi)
			}
		}
		return nil
	})
}

func (d *decoder) node(b []byte) (Node, error) {
	var n Node
	var domain string
	err := walk(b, func(f field) error {
		var s string
		var err error
		switch f.num {
		case nodeInput, nodeOutput, nodeName, nodeOpType, nodeDomain:
			if s, err = d.str(f.b, fmt.Sprintf("the names of node %d", len(d.nodes))); err != nil {
				return err
			}
		}
		switch f.num {
		case nodeInput:
			n.Inputs = append(n.Inputs, s)
		case nodeOutput:
			n.Outputs = append(n.Outputs, s)
		case nodeName:
			n.Name = s
		case nodeOpType:
			n.OpType = s
		case nodeDomain:
			domain = s
		case nodeAttribute:
			if err := wantBytes(f); err != nil {
				return err
			}
			name, v, err := d.attribute(f.b)
			if err != nil {
				return err
			}
			if v == nil {
				return nil // a kind cxray has no use for (graphs, type protos, ...)
			}
			if n.Attrs == nil {
				n.Attrs = Attributes{}
			}
			n.Attrs[name] = v
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("node %d %q (%s): %w", len(d.nodes), n.Name, n.OpType, err)
	}
	if domain != "" && domain != "ai.onnx" {
		n.OpType = domain + "." + n.OpType
	}
	return n, nil
}

// attribute decodes one AttributeProto to a value of a type Attributes
// documents. Kinds cxray has no use for (graphs, sparse tensors, type
// protos, lists of tensors) give a nil value. A tensor attribute of an
// element type cxray does not compute with gives an unsupportedTensor.
func (d *decoder) attribute(b []byte) (string, any, error) {
	var name string
	typ := int64(-1)
	var has [attrSparseTensors + 1]bool
	var nFloats, nInts, nStrings int64
	err := walk(b, func(f field) error {
		if int(f.num) < len(has) && f.num > 0 {
			has[f.num] = true
		}
		var err error
		var n int64
		switch f.num {
		case attrName:
			name, err = d.str(f.b, "an attribute name")
		case attrType:
			typ = int64(f.x)
		case attrFloats:
			n, err = fixed32s.count(f)
			nFloats += n
		case attrInts:
			n, err = varints.count(f)
			nInts += n
		case attrStrings:
			nStrings++
		}
		return err
	})
	if err != nil {
		return name, nil, err
	}
	if typ < 0 { // files before IR 2 leave type out: infer it
		switch {
		case has[attrFloats]:
			typ = attrTypeFloats
		case has[attrInts]:
			typ = attrTypeInts
		case has[attrStrings]:
			typ = attrTypeStrings
		case has[attrT]:
			typ = attrTypeTensor
		case has[attrS]:
			typ = attrTypeString
		case has[attrI]:
			typ = attrTypeInt
		case has[attrF]:
			typ = attrTypeFloat
		}
	}
	what := func() string { return fmt.Sprintf("attribute %q", name) }
	switch typ {
	case attrTypeFloats:
		if err := d.q.take(costAttr+nFloats*costValue, what); err != nil {
			return name, nil, err
		}
		v := make([]float32, 0, nFloats)
		err = walk(b, func(f field) error {
			if f.num != attrFloats {
				return nil
			}
			return fixed32s.each(f, func(x uint64) { v = append(v, math.Float32frombits(uint32(x))) })
		})
		return name, v, err
	case attrTypeInts:
		if err := d.q.take(costAttr+nInts*costValue, what); err != nil {
			return name, nil, err
		}
		v := make([]int64, 0, nInts)
		err = walk(b, func(f field) error {
			if f.num != attrInts {
				return nil
			}
			return varints.each(f, func(x uint64) { v = append(v, int64(x)) })
		})
		return name, v, err
	case attrTypeStrings:
		if err := d.q.take(costAttr+nStrings*costValue, what); err != nil {
			return name, nil, err
		}
		v := make([]string, 0, nStrings)
		err = walk(b, func(f field) error {
			if f.num != attrStrings {
				return nil
			}
			s, err := d.str(f.b, what())
			v = append(v, s)
			return err
		})
		return name, v, err
	}
	if err := d.q.take(costAttr, what); err != nil {
		return name, nil, err
	}
	if typ == attrTypeSparseTensor {
		return name, unsupportedTensor("a sparse tensor, which cxray does not read"), nil
	}
	var v any
	err = walk(b, func(f field) error {
		var err error
		switch {
		case f.num == attrF && typ == attrTypeFloat:
			if f.typ != protowire.Fixed32Type {
				return fmt.Errorf("attribute %q: the float has wire type %d", name, f.typ)
			}
			v = math.Float32frombits(uint32(f.x))
		case f.num == attrI && typ == attrTypeInt:
			v = int64(f.x)
		case f.num == attrS && typ == attrTypeString:
			v, err = d.str(f.b, what())
		case f.num == attrT && typ == attrTypeTensor:
			if err = wantBytes(f); err != nil {
				return err
			}
			var t decodedTensor
			if t, err = d.tensor(f.b, fmt.Sprintf("attribute %q", name)); err == nil {
				v = t.t
				if t.skip != "" {
					v = unsupportedTensor(t.skip)
				}
			}
		}
		return err
	})
	if err != nil {
		return name, nil, err
	}
	if v == nil {
		// Declared but absent values read as the type's zero, as protobuf
		// defines them; the other kinds are not read.
		switch typ {
		case attrTypeFloat:
			v = float32(0)
		case attrTypeInt:
			v = int64(0)
		case attrTypeString:
			v = ""
		}
	}
	return name, v, nil
}

// unsupportedTensor stands for a tensor attribute whose element type cxray
// does not compute with; it never leaves the importer (see assemble).
type unsupportedTensor string

// sparseName returns the name of a SparseTensorProto's values, which is
// the sparse tensor's name.
func (d *decoder) sparseName(b []byte) (string, error) {
	var name string
	err := walk(b, func(f field) error {
		if f.num != sparseValues {
			return nil
		}
		return walk(f.b, func(f field) error {
			var err error
			if f.num == tensorName {
				name, err = d.str(f.b, "a sparse initializer's name")
			}
			return err
		})
	})
	return name, err
}

func (d *decoder) valueInfo(b []byte) (ValueInfo, error) {
	var vi ValueInfo
	err := walk(b, func(f field) error {
		var err error
		switch f.num {
		case valueName:
			vi.Name, err = d.str(f.b, "a value name")
		case valueType:
			if err = wantBytes(f); err != nil {
				return err
			}
			vi.Type = TypeNotTensor
			err = walk(f.b, func(f field) error {
				if f.num != typeTensor {
					return nil
				}
				vi.Type = TypeUndefined
				return walk(f.b, func(f field) error {
					switch f.num {
					case typeElemType:
						vi.Type = DataType(int32(f.x))
						return nil
					case tensorShape:
						vi.Dims = []Dim{} // a declared shape, possibly a scalar's
						return walk(f.b, func(f field) error {
							if f.num != shapeDim {
								return nil
							}
							if err := d.q.take(costName, func() string { return fmt.Sprintf("the shape of %q", vi.Name) }); err != nil {
								return err
							}
							dim := Dim{Value: -1}
							err := walk(f.b, func(f field) error {
								var err error
								switch f.num {
								case dimValue:
									if v := int64(f.x); v >= 0 {
										dim.Value = v
									}
								case dimParam:
									dim.Param, err = d.str(f.b, "a dimension name")
								}
								return err
							})
							vi.Dims = append(vi.Dims, dim)
							return err
						})
					}
					return nil
				})
			})
		}
		return err
	})
	if err != nil {
		return vi, fmt.Errorf("value %q: %w", vi.Name, err)
	}
	return vi, nil
}
