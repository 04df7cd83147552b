// Package runtime executes a cxray graph (package importer) batch by batch
// with cxray's own float32 kernels, and exposes every node output as a
// tap.
//
// # Why its own kernels
//
// onnx-go's gorgonia backend keeps its nodes behind unexported fields and
// runs some operators in place, so intermediate activations cannot be read
// reliably. Package importer decodes the file; this package runs the graph
// and hands each node's output to a callback as soon as it is computed.
//
// # Conventions
//
//   - Tensors are dense and row-major; images are NCHW. Activations are
//     float32 (Tensor.Data); shape arithmetic (Shape, Gather on shapes,
//     Concat of shapes, Reshape targets) is int64 (Tensor.Int). Only float
//     outputs are taps.
//   - A graph has one or more data inputs (Executor.Inputs), fed in one
//     call (RunInputs): float32 ones as Tensor.Data, those declared with
//     an integer type or BOOL (token ids, attention masks) as Tensor.Int.
//     An integer input flows through the integer paths of the kernels
//     (Gather's indices, Cast, Equal, Where, ...) as shape arithmetic
//     does.
//   - The first axis of every input is the batch axis and is dynamic: each
//     call to Executor.Run may use another batch size. The other axes a
//     model declares symbolic (a sequence length) may change from call to
//     call as well; OutputShapesOf takes the per-sample shapes. This holds for
//     models exported with a fixed batch size B too (torch.onnx.export
//     without dynamic_axes): a Reshape target that starts with B, applied
//     to an activation whose first dimension is not B, keeps that first
//     dimension, which is what x.view(x.size(0), -1) meant before tracing
//     froze it.
//   - Both opset 9 and opset 13 semantics are implemented where they
//     differ: Squeeze/Unsqueeze axes (attribute before 13, input from 13),
//     Softmax/LogSoftmax (2-D coercion at axis, default 1, before 13; one
//     axis, default -1, from 13), Clip bounds (attributes before 11,
//     inputs from 11) and Dropout's ratio (attribute before 12, input from
//     12). Dropout and Identity are the identity: this is inference only.
//   - New validates every node once: unsupported operators (all of them in
//     one error, with the model's opset and the supported list),
//     attributes outside what the kernels implement, and the wiring of
//     inputs. Run reports a bad input shape as an error that names the
//     node, the operator and the shapes involved; kernels never panic on
//     bad shapes, and a panic that still happens is returned as an error.
//
// # Memory bounds
//
// A model declares its shapes, and a hostile one declares shapes no
// machine holds (a Pad of 100000 on each side, Conv pads as large, an
// input of 3×100000×100000). Every buffer an Executor owns, node outputs
// and kernel scratch alike (im2col and zero-bordered planes per worker,
// the packed operands of the matrix product, pooling rows, Pad's index
// maps, packed weights), grows through one meter (budget.go). Before a
// buffer of n elements is made, n is computed with overflow checks
// (checkedNumel; kernels whose scratch sizes are products of pads and
// planes first check those products fit with room to spare) and n × size
// is checked against Limits.Bytes together with what the other buffers
// hold; past it the kernel returns a *BudgetError that names the node, the
// operator, the buffer's shape, its bytes, the batch and the budget, and
// nothing is allocated. recover cannot catch a failed huge allocation (it
// is a fatal error), so the check must come first, and it does.
//
// The copies of initializers packed for the matrix kernel (Conv and
// ConvTranspose weights, packed when the executor is built; the constant
// B of Gemm, MatMul and the recurrent operators, packed on the first
// batch) are the exception: they are the model's weights again, as large
// at every batch size, and about as large as the file for a model made of
// such layers. The meter counts them apart, once per buffer
// (PackedWeightBytes), and does not check them against Limits.Bytes, which
// caps what grows with the batch; the caller counts them with the weights.
//
// The shape step (OutputShapes) runs the graph at batch size 1 without
// computing it. A step depends on the input's values when one of its
// inputs does (the input does; Shape's output does not, since it reads
// only the shape). Those steps run "dry": each kernel validates shapes,
// computes its output shape, reserves its scratch and output through the
// meter, which counts them without allocating, and stops (errDry). The
// other steps, shape arithmetic on Shape's output and constants, run for
// real, since later shapes are computed from their values (a Reshape
// target, say); their buffers are small and metered too. A shape that
// depends on the input's values cannot be known this way and is an error.
// So the shape step allocates nothing that scales with the declared shapes,
// and refuses a model whose buffers for one sample exceed the budget.
//
// Each run (dry or real) also records, per buffer, the largest size it
// asked for; their sum is what a fresh executor holds after a run of that
// batch size, beside its packed weights. ForwardBytes(b) is
// that sum for a dry run at batch b: exact, since the dry run goes through
// the same size computations as Run (TestForwardBytesMatchesRun checks it
// against the meter after a real Run and against runtime.MemStats at
// batches 64 and 256). It excludes the input batch, the initializers and
// the taps' copies, which belong to the caller, and the packed weights.
// The shape step counts every packed copy without making it, so
// PackedWeightBytes is complete once it has run.
//
// Nodes whose inputs are all constants are folded when the executor is
// built: computed once, they are constants for later nodes and not layers.
//
// # Memory and speed
//
// Each node output has a buffer, allocated the first time and grown only
// when a larger batch needs it; a stream of equal batches runs without
// allocating. Outputs whose lifetimes do not overlap (from the step that
// computes one to the last step that reads it) share a buffer, assigned
// best-fit by size once the shape step has run (share.go), and all
// convolutions share their per-worker scratch, since steps run one at a
// time: the forward pass holds about the outputs alive at once. The tensors passed to the tap callback are only
// valid during the call, and shape-only operators (Identity, Dropout,
// Reshape, Flatten, Squeeze, Unsqueeze, and Pad with all-zero pads, which
// is how PyTorch exports AvgPool2d) share their input's buffer.
//
// Conv, Gemm and MatMul run on one register-tiled matrix kernel (package
// runtime/internal/kernel: a 6×16 block of the product stays in AVX2
// registers for the whole inner dimension), not on a BLAS. For the small
// products of a batch it measured within 5% of OpenBLAS and 4 to 5 times
// as fast as gonum's pure-Go Sgemm, needs no cgo, and gives the same
// numbers whatever the build tags. A stride-1 Conv reads its receptive fields in place, as
// shifted views of the zero-bordered input, instead of copying them
// (im2col); strided ones use im2col. Conv splits the batch across
// GOMAXPROCS workers, Gemm and MatMul their row or column panels. ReLU,
// the 2×2 MaxPool and Conv's bias run with AVX as well; pools and
// activations split large tensors across workers.
//
// An Executor is not safe for concurrent use.
package runtime
