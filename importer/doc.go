// Package importer decodes ONNX models into cxray's graph IR, and writes
// that IR back as ONNX (Encode, for training checkpoints).
//
// # Decoding
//
// The ModelProto is read straight from the protobuf wire format with
// google.golang.org/protobuf/encoding/protowire, using the field numbers of
// onnx.proto (proto.go): the opset, the producer, the nodes with their
// names and attributes, the initializers, the graph inputs and outputs with
// their element types and shapes. Fields cxray has no use for (doc
// strings, functions, training info, value_info, graph-valued attributes)
// are skipped without being decoded.
//
// Tensors of every element type are read: FLOAT, DOUBLE, FLOAT16 and
// BFLOAT16 become float32 (Tensor.Float), the integer types and BOOL
// become int64 (Tensor.Int; BOOL as 0 and 1; a UINT64 past 2^63 is an
// error). Values may come from raw_data (fixed-width little-endian), from
// the typed fields, packed or not, or from external data. STRING, complex,
// 8- and 4-bit float and sparse tensors are not decoded; a node that reads
// one is an error naming it, one that does not is unaffected.
//
// # Bounds
//
// A file is untrusted, and it states its own sizes. Nothing is allocated
// for a size before it is checked:
//
//   - Load refuses anything but a regular file, opening it with O_NONBLOCK
//     so that a FIFO never blocks, and a file over Limits.FileBytes.
//   - A tensor's element count is the product of its dims, computed with
//     overflow checks (a negative dim or a product past 2^63 is an error).
//     Its data must hold exactly that many elements: raw_data exactly
//     count × element size bytes, a typed field exactly count values
//     (counted in place, without decoding them), external data a span of
//     exactly that length inside its file.
//   - The bytes it will take decoded, count × 4 (float32) or × 8 (int64),
//     are charged to Limits.DecodedBytes, with everything decoded before
//     it. So are the graph's structures, at fixed estimates per node,
//     name (plus its length), attribute, list element and dimension (the
//     cost constants of decode.go), so that a file of many tiny messages
//     cannot inflate into a graph many times its size.
//
// Decoding therefore allocates at most Limits.DecodedBytes beyond the file
// (plus a 1 MiB buffer while external data is read); Load's peak is the
// file plus that. LimitsFor derives both limits from cxray's --memory.
// An error that a limit causes is a *LimitError.
//
// External data is read only from the model's own folder: the location
// must be a relative path (filepath.IsLocal: no absolute path, no ".."),
// it may not be a symlink that resolves outside the folder, and the file
// must be regular. It is opened through os.Root, which enforces the
// folder whatever races happen after the checks, with O_NONBLOCK.
//
// # Folding
//
// Constant nodes are folded: their values join Graph.Initializers and the
// nodes are dropped. So are Identity nodes whose input is a constant:
// torch exports taken at initialization share identical parameters
// (BatchNorm weights that are all ones, say) through Identity(initializer)
// nodes, whose outputs are constants, not activations. Other nodes whose
// inputs are all constants are folded by package runtime, which has the
// kernels.
//
// # Inputs
//
// Graph.Inputs lists every graph input that is not an initializer, with
// its declared element type; Graph.Input is the first, the one cxray
// feeds. The importer does not judge them; runtime.New refuses several, or
// one declared other than float32.
//
// Bad input never panics: a missing or non-regular file, a truncated or
// non-ONNX file, a size that lies or exceeds a limit, an unsupported
// tensor that a node reads or a graph that is not in topological order
// each give one error that names the model and the problem.
package importer
