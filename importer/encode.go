package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// encodedGraphName is the GraphProto name Encode writes: Graph has no
// name, and onnx.checker requires a non-empty one.
const encodedGraphName = "cxray"

// Encode serializes g as an ONNX ModelProto that onnx.checker accepts
// (full_check included) and that Decode reads back into an equal Graph.
//
// The file declares IR version 7 for opsets up to 13 and the version
// onnx pairs with the opset above that (8 for opsets 14 to 18), one
// opset_import for the default domain (g.Opset) plus version 1 of any
// other domain a node uses (an OpType "domain.Op", as Decode spells it),
// producer_name "cxray" and, when g.Producer is set, producer_version
// g.Producer without a leading "cxray " (so Decode gives back
// "cxray "+version). Initializers, constants included, are written as
// TensorProtos with raw_data, little-endian: FLOAT for Float tensors and
// INT64 for Int tensors (a tensor with Int non-nil is an integer one). The
// data input and the outputs are declared with their ValueInfo.Type (FLOAT
// when undeclared), a dim_value per fixed dimension and a dim_param per
// symbolic one. g.Inputs is not written: Encode writes graphs of one data
// input, g.Input. No value_info is written.
//
// g is validated first; the first problem found is returned as one error:
// a node that reads a tensor that is neither the output of an earlier
// node, an initializer nor the graph input; an empty op_type; a tensor
// whose shape does not match its number of values; a tensor name written
// twice; an input or output without a declared shape; an attribute of a
// type Attributes does not document. Encode does not check that the
// operators exist or that shapes agree; onnx.checker does. The graph is
// named "cxray".
//
// The output is deterministic: initializers are written sorted by name and
// attributes sorted by name, so equal graphs give equal bytes.
func Encode(g *Graph) ([]byte, error) {
	if err := validate(g); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	var graph []byte
	for i := range g.Nodes {
		n, err := encodeNode(&g.Nodes[i])
		if err != nil {
			return nil, fmt.Errorf("encode: %w", err)
		}
		graph = protowire.AppendTag(graph, graphNode, protowire.BytesType)
		graph = protowire.AppendBytes(graph, n)
	}
	graph = appendString(graph, graphName, encodedGraphName)
	for _, name := range sortedKeys(g.Initializers) {
		graph = protowire.AppendTag(graph, graphInitializer, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeTensor(name, g.Initializers[name]))
	}
	graph = protowire.AppendTag(graph, graphInput, protowire.BytesType)
	graph = protowire.AppendBytes(graph, encodeValueInfo(g.Input))
	for _, o := range g.Outputs {
		graph = protowire.AppendTag(graph, graphOutput, protowire.BytesType)
		graph = protowire.AppendBytes(graph, encodeValueInfo(o))
	}

	var m []byte
	m = appendInt(m, modelIRVersion, irVersion(g.Opset))
	m = appendString(m, modelProducerName, "cxray")
	if v := producerVersion(g.Producer); v != "" {
		m = appendString(m, modelProducerVersion, v)
	}
	m = protowire.AppendTag(m, modelGraph, protowire.BytesType)
	m = protowire.AppendBytes(m, graph)
	m = appendOpset(m, "", g.Opset)
	for _, d := range domains(g) {
		m = appendOpset(m, d, 1)
	}
	return m, nil
}

// Save encodes g and writes it to path atomically: the bytes go to a
// temporary file in the same directory, which is synced and then renamed
// over path, so a reader (or a crash mid-write) never sees a partial
// model. The file is created with mode 0644.
func Save(path string, g *Graph) (err error) {
	data, err := Encode(g)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if base == "" {
		return fmt.Errorf("save %s: the path names a directory, not a file", path)
	}
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("save %s: writing %s: %w", path, tmp, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("save %s: syncing %s: %w", path, tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("save %s: closing %s: %w", path, tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	// Make the rename itself durable where the platform allows it.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// irVersion is the IR version that goes with an ai.onnx opset, from
// onnx's docs/Versioning.md. Older opsets get 7 too: onnx 1.7 and later
// read it, and it lets initializers stay out of the graph inputs (IR 4+).
func irVersion(opset int64) int64 {
	switch {
	case opset <= 13:
		return 7
	case opset <= 18:
		return 8
	case opset <= 20:
		return 9
	case opset <= 22:
		return 10
	}
	return 11
}

// producerVersion is what Encode writes as producer_version: g.Producer
// without the "cxray" that producer_name already says.
func producerVersion(p string) string {
	p = strings.TrimSpace(p)
	if p == "cxray" {
		return ""
	}
	return strings.TrimPrefix(p, "cxray ")
}

// splitOp splits Decode's "domain.Op" spelling of a node in a non-default
// domain; "ai.onnx" is the default domain.
func splitOp(op string) (domain, opType string) {
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		domain, op = op[:i], op[i+1:]
	}
	if domain == "ai.onnx" {
		domain = ""
	}
	return domain, op
}

// domains lists the non-default operator domains the nodes use, sorted.
func domains(g *Graph) []string {
	var out []string
	for i := range g.Nodes {
		if d, _ := splitOp(g.Nodes[i].OpType); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describe names a node for error messages.
func describe(i int, n *Node) string {
	name := fmt.Sprintf("node %d", i)
	if n.Name != "" {
		name += fmt.Sprintf(" %q", n.Name)
	}
	if n.OpType != "" {
		name += " (" + n.OpType + ")"
	}
	return name
}

// validate checks what Encode needs and what onnx.checker would reject.
func validate(g *Graph) error {
	if g == nil {
		return errors.New("the graph is nil")
	}
	if g.Opset < 1 {
		return fmt.Errorf("opset %d is not a valid ai.onnx opset version (set Graph.Opset, e.g. 13)", g.Opset)
	}
	if len(g.Nodes) == 0 {
		return errors.New("the graph has no nodes")
	}
	if g.Input.Name == "" {
		return errors.New("the graph input has no name")
	}
	if err := checkDims("graph input", g.Input); err != nil {
		return err
	}
	if len(g.Outputs) == 0 {
		return errors.New("the graph has no outputs")
	}
	// source says where each tensor name comes from.
	source := map[string]string{g.Input.Name: "the graph input"}
	for _, name := range sortedKeys(g.Initializers) {
		t := g.Initializers[name]
		what := fmt.Sprintf("initializer %q", name)
		if name == "" {
			return errors.New("an initializer has an empty name")
		}
		if name == g.Input.Name {
			return fmt.Errorf("%s has the name of the graph input", what)
		}
		if err := checkTensor(what, t); err != nil {
			return err
		}
		source[name] = "an initializer"
	}
	// later[name] is the index of the node that writes name.
	later := map[string]int{}
	for i := range g.Nodes {
		for _, out := range g.Nodes[i].Outputs {
			if _, dup := later[out]; !dup && out != "" {
				later[out] = i
			}
		}
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.OpType == "" {
			return fmt.Errorf("%s has an empty op_type", describe(i, n))
		}
		if dot := strings.LastIndexByte(n.OpType, '.'); dot == 0 || dot == len(n.OpType)-1 {
			return fmt.Errorf("%s: op_type %q is not an operator name or domain.Op", describe(i, n), n.OpType)
		}
		for _, in := range n.Inputs {
			if in == "" {
				continue // an omitted optional input
			}
			if _, ok := source[in]; ok {
				continue
			}
			if j, ok := later[in]; ok {
				return fmt.Errorf("%s reads tensor %q before %s produces it (the nodes are not in topological order)", describe(i, n), in, describe(j, &g.Nodes[j]))
			}
			return fmt.Errorf("%s reads tensor %q, which is neither produced by a node, an initializer nor the graph input %q", describe(i, n), in, g.Input.Name)
		}
		for _, out := range n.Outputs {
			if out == "" {
				continue
			}
			if s, dup := source[out]; dup {
				return fmt.Errorf("%s writes tensor %q, which is already %s (ONNX graphs assign each name once)", describe(i, n), out, s)
			}
			source[out] = fmt.Sprintf("the output of %s", describe(i, n))
		}
		for _, name := range sortedKeys(n.Attrs) {
			if err := checkAttr(name, n.Attrs[name]); err != nil {
				return fmt.Errorf("%s: %w", describe(i, n), err)
			}
		}
	}
	for _, o := range g.Outputs {
		if o.Name == "" {
			return errors.New("a graph output has no name")
		}
		if _, ok := source[o.Name]; !ok {
			return fmt.Errorf("graph output %q is neither produced by a node, an initializer nor the graph input", o.Name)
		}
		if err := checkDims("graph output", o); err != nil {
			return err
		}
	}
	return nil
}

// checkDims requires a declared shape: onnx.checker rejects a graph input
// or output without one, and an empty one would declare a scalar.
func checkDims(what string, v ValueInfo) error {
	if len(v.Dims) == 0 {
		return fmt.Errorf("%s %q has no declared dims; ONNX requires its shape (e.g. Dims [{-1 batch_size} {10}] for a batch of 10 scores)", what, v.Name)
	}
	return nil
}

func checkTensor(what string, t *Tensor) error {
	if t == nil {
		return fmt.Errorf("%s is nil", what)
	}
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("%s has shape %v, with a negative dimension", what, t.Shape)
		}
	}
	if t.Float != nil && t.Int != nil {
		return fmt.Errorf("%s holds both float and integer values; set only one of Float and Int", what)
	}
	if n := len(t.Float) + len(t.Int); n != t.Len() {
		return fmt.Errorf("%s has shape %v (%d values) but holds %d values", what, t.Shape, t.Len(), n)
	}
	return nil
}

func checkAttr(name string, v any) error {
	if name == "" {
		return errors.New("an attribute has an empty name")
	}
	switch v := v.(type) {
	case int64, float32, string, []int64, []float32, []string:
		return nil
	case *Tensor:
		return checkTensor(fmt.Sprintf("tensor attribute %q", name), v)
	}
	return fmt.Errorf("attribute %q has type %T; Attributes values are int64, float32, string, []int64, []float32, []string or *Tensor", name, v)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendInt(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func appendFloat(b []byte, num protowire.Number, v float32) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

func appendOpset(b []byte, domain string, version int64) []byte {
	var o []byte
	if domain != "" {
		o = appendString(o, opsetDomain, domain)
	}
	o = appendInt(o, opsetVersion, version)
	b = protowire.AppendTag(b, modelOpsetImport, protowire.BytesType)
	return protowire.AppendBytes(b, o)
}

// Repeated scalars are written unpacked, as onnx.proto (proto2) declares
// them and as onnx itself serializes them; every protobuf parser accepts
// this form.

func encodeNode(n *Node) ([]byte, error) {
	var b []byte
	for _, in := range n.Inputs {
		b = appendString(b, nodeInput, in)
	}
	for _, out := range n.Outputs {
		b = appendString(b, nodeOutput, out)
	}
	if n.Name != "" {
		b = appendString(b, nodeName, n.Name)
	}
	domain, op := splitOp(n.OpType)
	b = appendString(b, nodeOpType, op)
	for _, name := range sortedKeys(n.Attrs) {
		a, err := encodeAttr(name, n.Attrs[name])
		if err != nil {
			return nil, fmt.Errorf("node %q (%s): %w", n.Name, n.OpType, err)
		}
		b = protowire.AppendTag(b, nodeAttribute, protowire.BytesType)
		b = protowire.AppendBytes(b, a)
	}
	if domain != "" {
		b = appendString(b, nodeDomain, domain)
	}
	return b, nil
}

func encodeAttr(name string, v any) ([]byte, error) {
	b := appendString(nil, attrName, name)
	var typ int64
	switch v := v.(type) {
	case float32:
		b = appendFloat(b, attrF, v)
		typ = attrTypeFloat
	case int64:
		b = appendInt(b, attrI, v)
		typ = attrTypeInt
	case string:
		b = appendString(b, attrS, v)
		typ = attrTypeString
	case *Tensor:
		b = protowire.AppendTag(b, attrT, protowire.BytesType)
		b = protowire.AppendBytes(b, encodeTensor("", v))
		typ = attrTypeTensor
	case []float32:
		for _, x := range v {
			b = appendFloat(b, attrFloats, x)
		}
		typ = attrTypeFloats
	case []int64:
		for _, x := range v {
			b = appendInt(b, attrInts, x)
		}
		typ = attrTypeInts
	case []string:
		for _, x := range v {
			b = appendString(b, attrStrings, x)
		}
		typ = attrTypeStrings
	default:
		return nil, fmt.Errorf("attribute %q has unsupported type %T", name, v)
	}
	return appendInt(b, attrType, typ), nil
}

// encodeTensor writes a TensorProto; name is omitted when empty (tensor
// attributes).
func encodeTensor(name string, t *Tensor) []byte {
	var b []byte
	for _, d := range t.Shape {
		b = appendInt(b, tensorDims, int64(d))
	}
	var raw []byte
	if t.Int != nil {
		b = appendInt(b, tensorDataType, int64(TypeInt64))
		raw = make([]byte, 0, 8*len(t.Int))
		for _, v := range t.Int {
			raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
		}
	} else {
		b = appendInt(b, tensorDataType, int64(TypeFloat))
		raw = make([]byte, 0, 4*len(t.Float))
		for _, v := range t.Float {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
	}
	if name != "" {
		b = appendString(b, tensorName, name)
	}
	b = protowire.AppendTag(b, tensorRawData, protowire.BytesType)
	return protowire.AppendBytes(b, raw)
}

// encodeValueInfo declares a tensor of v's element type (FLOAT when
// undeclared) with v's dims: dim_value for a fixed size, dim_param for a
// symbolic one, neither for an unknown one.
func encodeValueInfo(v ValueInfo) []byte {
	var shape []byte
	for _, d := range v.Dims {
		var dim []byte
		switch {
		case d.Value >= 0:
			dim = appendInt(dim, dimValue, d.Value)
		case d.Param != "":
			dim = appendString(dim, dimParam, d.Param)
		}
		shape = protowire.AppendTag(shape, shapeDim, protowire.BytesType)
		shape = protowire.AppendBytes(shape, dim)
	}
	typ := TypeFloat
	if v.Type > TypeUndefined {
		typ = v.Type
	}
	tt := appendInt(nil, typeElemType, int64(typ))
	tt = protowire.AppendTag(tt, tensorShape, protowire.BytesType)
	tt = protowire.AppendBytes(tt, shape)
	tp := protowire.AppendTag(nil, typeTensor, protowire.BytesType)
	tp = protowire.AppendBytes(tp, tt)
	b := appendString(nil, valueName, v.Name)
	b = protowire.AppendTag(b, valueType, protowire.BytesType)
	return protowire.AppendBytes(b, tp)
}
