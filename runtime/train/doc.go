// Package train trains small image classifiers on MNIST natively, on
// gorgonia, and exports them as the importer.Graph that cxray/runtime runs,
// so that cxray can measure the data complexity of every layer as a
// network learns.
//
// # Architectures
//
// ParseArch reads a small grammar (see Grammar):
//
//	mlp:W1,W2,...        Flatten; per width W: Dense W, ReLU; Dense 10
//	lenet5               Conv 6@5×5 pad 2, ReLU, MaxPool 2×2/2;
//	                     Conv 16@5×5, ReLU, MaxPool 2×2/2; Flatten;
//	                     Dense 120, ReLU; Dense 84, ReLU; Dense 10
//	cnn:C1,C2,.../D1,... per C: Conv C@3×3 pad 1, ReLU, MaxPool 2×2/2;
//	                     Flatten; per D: Dense D, ReLU; Dense 10
//
// lenet5 is the LeNet-5 of fixtures/torchmodels.py (the one cxray's
// fixtures train in PyTorch). Inputs are 1×28×28, outputs 10 logits.
//
// # Model
//
// A layer computes, per sample, with PyTorch's and ONNX's conventions:
//
//	Dense:   y = W·x + b,  W [out, in]
//	Conv:    y[o,i,j] = b[o] + Σ_c Σ_u Σ_v W[o,c,u,v]·x[c, i+u−p, j+v−p]
//	         (cross-correlation, stride 1, zero padding p)
//	MaxPool: y[c,i,j] = max over the 2×2 window at (2i, 2j), floor mode
//	ReLU:    y = max(x, 0)
//
// and the loss is the softmax cross-entropy averaged over the batch:
// L = (1/B) Σ_i (log Σ_k exp z_ik − z_i,y_i). The gradients are written out
// in the file of each layer.
//
// Weights are initialized as PyTorch initializes nn.Linear and nn.Conv2d:
// every weight and bias is drawn from U(−1/√fan_in, 1/√fan_in), fan_in being
// the inputs of one unit (in, or C·k·k), which is kaiming_uniform_ with
// a = √5 (He et al. 2015). The draws come from a PCG generator seeded with
// Config.Seed, layer by layer, weight then bias.
//
// The optimizers follow torch.optim's formulas:
//
//	adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
//	      w ← w − η/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε), β = (0.9, 0.999), ε = 1e-8
//	      (Kingma & Ba 2015)
//	sgd:  b ← μb + g (b = g at the first step), w ← w − ηb; μ = 0 is plain SGD
//
// Defaults: adam, η = 2e-3, batch 64 (sgd: η = 0.05). With them, on a
// class-balanced 10000-image subset of the training split (seed 1) and
// measured on the 10000 test images, lenet5 reaches 97.1% after 3
// epochs and mlp:256,128 95.3% after 5 (η = 1e-3 gave 95.97% and 94.8%).
// TestQuality checks this when CXRAY_TRAIN_QUALITY is set.
//
// # How gorgonia is used
//
// Each layer is a gorgonia.Op that also implements gorgonia.SDOp: a node
// of a gorgonia.ExprGraph, differentiated by gorgonia.Grad into gradient
// nodes of the same kind, and the whole graph run by a tape machine built
// with gorgonia.BindDualValues on the weights, whose gradients are then
// read with Node.Grad. Only the public API is used. The graph has a fixed
// batch size, so a model keeps one graph per batch size it meets (the
// training batch, a smaller last batch, and the evaluation batches).
//
// No value is read off an intermediate node: the tape machine may run ops
// in place. Instead the loss op copies the logits and the trainer reads
// them there; the weights are slices the graph binds without copying.
//
// Why not gorgonia's own Conv2d, MaxPool2D and Rectify: on two cores its
// LeNet-5 trained at 2070 samples/s, using 1.25 cores. The CPU profile
// showed a fifth of the time in clearing freshly allocated memory (each
// op allocates its output each step), a fifth in im2col, and a tenth in
// the transpose that its Conv2d needs because it multiplies columns by
// filters rather than filters by columns. The ops here own their
// buffers, lay out im2col so that no transpose is needed, and split the
// batch over the cores.
//
// # Speed
//
// Throughput of a training step (forward, backward, optimizer) at batch
// 64 on the 2-core machine, in samples/s, against PyTorch 1.13 with 2
// threads (scripts/train/torch_train_bench.py, best of its runs); both
// measured while other jobs shared the machine, so ±20%:
//
//	               this package             PyTorch     ratio (gonum / openblas)
//	               gonum       openblas
//	lenet5 adam    3900-4300   6100-8300     7100        0.57 / 1.0
//	lenet5 sgd     4100-4300   7400-8200     8100        0.52 / 0.96
//	mlp adam       9500-9900   32400         11800       0.82 / 2.7
//	mlp sgd        10600-10900 40600-40900   20700       0.52 / 2.0
//
// (mlp is mlp:256,128; sgd with momentum 0.9.) Measure with
//
//	go test [-tags openblas] ./runtime/train/ -run XXX -bench Train -benchtime 150x
//
// The default build uses gonum's pure-Go BLAS. Built with -tags openblas
// (cgo, Debian's libopenblas-dev), the package makes gorgonia and itself
// use OpenBLAS through gonum.org/v1/netlib, which about doubles lenet5.
//
// # Determinism
//
// The same Seed, Config, data and shuffle seeds give bitwise-identical
// weights and losses (TestDeterminism), also on a different number of
// cores: work split over the cores is either independent per sample, or a
// sum over the batch, which is cut into a fixed number of chunks
// (reduceChunks) whose partial sums are added in chunk order. What could
// still change the numbers:
//
//   - The BLAS. gonum's Sgemm splits C into blocks and runs each block's
//     inner products in one goroutine, in a fixed order; OpenBLAS splits
//     over rows and columns of C, not over the inner dimension, for these
//     sizes. Another BLAS, another version, or another CPU (FMA or not,
//     other SIMD widths) may round differently: weights are then
//     reproducible on one machine and build, not across them.
//   - The Go version, for math.Exp and math.Log in the loss (kept in
//     float64) and for the float32 arithmetic the compiler may fuse.
//
// Shuffles and subsets use PCG output directly (not rand.IntN), so they
// do not depend on the Go version.
//
// # References
//
//   - Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, Gradient-based learning
//     applied to document recognition, Proc. IEEE 86(11), 1998.
//   - K. He, X. Zhang, S. Ren, J. Sun, Delving deep into rectifiers, ICCV 2015.
//   - D. P. Kingma, J. Ba, Adam: a method for stochastic optimization, ICLR 2015.
//   - K. Chellapilla, S. Puri, P. Simard, High performance convolutional
//     neural networks for document processing, 2006 (im2col).
package train
