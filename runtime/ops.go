package runtime

import (
	"fmt"
	"sort"
	"strings"
)

// opSpec describes one supported operator: how many inputs it takes and
// how many outputs it produces, the group it is listed under, the first
// opset whose meaning the kernel implements, and the opset-dependent
// details worth stating. Outputs beyond outs (Dropout's mask, MaxPool's
// indices, the training statistics of the normalizations) are accepted
// only when no node reads them.
type opSpec struct {
	minIn, maxIn int
	outs         int
	build        func(c *nodeCtx) (kernel, error)
	group        string
	since        int64
	notes        string
}

// The groups of the README's table, in its order.
const (
	grpElementwise = "elementwise arithmetic and logic"
	grpActivation  = "activations and elementwise math"
	grpMatrix      = "matrix products, convolution and pooling"
	grpNorm        = "normalization and reductions"
	grpRecurrent   = "recurrent"
	grpShape       = "shape and tensor manipulation"
)

var groupOrder = []string{grpMatrix, grpRecurrent, grpNorm, grpActivation, grpElementwise, grpShape}

var ops = map[string]opSpec{
	// Elementwise, broadcasting as numpy does.
	"Add":            {2, 2, 1, buildBinary(opAdd), grpElementwise, 7, "float32 and int64"},
	"Sub":            {2, 2, 1, buildBinary(opSub), grpElementwise, 7, "float32 and int64"},
	"Mul":            {2, 2, 1, buildBinary(opMul), grpElementwise, 7, "float32 and int64"},
	"Div":            {2, 2, 1, buildBinary(opDiv), grpElementwise, 7, "float32 and int64 (truncating)"},
	"Pow":            {2, 2, 1, buildBinary(opPow), grpElementwise, 7, "an int64 exponent of a float32 base too"},
	"Mod":            {2, 2, 1, buildMod, grpElementwise, 10, "fmod=0 (integers, sign of the divisor) and fmod=1"},
	"PRelu":          {2, 2, 1, buildBinary(opPRelu), grpElementwise, 9, "slope broadcast to X"},
	"Equal":          {2, 2, 1, buildBinary(opEqual), grpElementwise, 7, "bools are int64 0/1"},
	"Less":           {2, 2, 1, buildBinary(opLess), grpElementwise, 7, ""},
	"LessOrEqual":    {2, 2, 1, buildBinary(opLessEq), grpElementwise, 12, ""},
	"Greater":        {2, 2, 1, buildBinary(opGreater), grpElementwise, 7, ""},
	"GreaterOrEqual": {2, 2, 1, buildBinary(opGreaterEq), grpElementwise, 12, ""},
	"And":            {2, 2, 1, buildBinary(opAnd), grpElementwise, 7, ""},
	"Or":             {2, 2, 1, buildBinary(opOr), grpElementwise, 7, ""},
	"Xor":            {2, 2, 1, buildBinary(opXor), grpElementwise, 7, ""},
	"Not":            {1, 1, 1, buildUnary(unNot), grpElementwise, 1, ""},
	"Where":          {3, 3, 1, buildWhere, grpElementwise, 9, ""},
	"Sum":            {1, 1 << 20, 1, buildVariadic(varSum), grpElementwise, 8, "any number of inputs"},
	"Mean":           {1, 1 << 20, 1, buildVariadic(varMean), grpElementwise, 8, "any number of inputs"},
	"Max":            {1, 1 << 20, 1, buildVariadic(varMax), grpElementwise, 8, "any number of inputs"},
	"Min":            {1, 1 << 20, 1, buildVariadic(varMin), grpElementwise, 8, "any number of inputs"},

	// Activations and elementwise math, float32 (computed in float64
	// where a function is transcendental).
	"Relu":        {1, 1, 1, buildUnary(unRelu), grpActivation, 6, ""},
	"LeakyRelu":   {1, 1, 1, buildUnary(unLeakyRelu), grpActivation, 6, ""},
	"Sigmoid":     {1, 1, 1, buildUnary(unSigmoid), grpActivation, 6, ""},
	"Tanh":        {1, 1, 1, buildUnary(unTanh), grpActivation, 6, ""},
	"HardSigmoid": {1, 1, 1, buildUnary(unHardSigmoid), grpActivation, 6, ""},
	"HardSwish":   {1, 1, 1, buildUnary(unHardSwish), grpActivation, 14, ""},
	"Elu":         {1, 1, 1, buildUnary(unElu), grpActivation, 6, ""},
	"Selu":        {1, 1, 1, buildUnary(unSelu), grpActivation, 6, ""},
	"Celu":        {1, 1, 1, buildUnary(unCelu), grpActivation, 12, ""},
	"Softplus":    {1, 1, 1, buildUnary(unSoftplus), grpActivation, 1, ""},
	"Softsign":    {1, 1, 1, buildUnary(unSoftsign), grpActivation, 1, ""},
	"Gelu":        {1, 1, 1, buildUnary(unGelu), grpActivation, 20, "approximate none and tanh"},
	"Erf":         {1, 1, 1, buildUnary(unErf), grpActivation, 9, ""},
	"Exp":         {1, 1, 1, buildUnary(unExp), grpActivation, 6, ""},
	"Log":         {1, 1, 1, buildUnary(unLog), grpActivation, 6, ""},
	"Sqrt":        {1, 1, 1, buildUnary(unSqrt), grpActivation, 6, ""},
	"Reciprocal":  {1, 1, 1, buildUnary(unReciprocal), grpActivation, 6, ""},
	"Neg":         {1, 1, 1, buildUnary(unNeg), grpActivation, 6, "float32 and int64"},
	"Abs":         {1, 1, 1, buildUnary(unAbs), grpActivation, 6, "float32 and int64"},
	"Floor":       {1, 1, 1, buildUnary(unFloor), grpActivation, 6, ""},
	"Ceil":        {1, 1, 1, buildUnary(unCeil), grpActivation, 6, ""},
	"Round":       {1, 1, 1, buildUnary(unRound), grpActivation, 11, "half to even"},
	"Sign":        {1, 1, 1, buildUnary(unSign), grpActivation, 9, ""},
	"Sin":         {1, 1, 1, buildUnary(unSin), grpActivation, 7, ""},
	"Cos":         {1, 1, 1, buildUnary(unCos), grpActivation, 7, ""},
	"Clip":        {1, 3, 1, buildClip, grpActivation, 6, "bounds as attributes before 11, inputs from 11"},
	"Softmax":     {1, 1, 1, buildSoftmax(false), grpActivation, 1, "2-D coercion at axis before 13, one axis from 13"},
	"LogSoftmax":  {1, 1, 1, buildSoftmax(true), grpActivation, 1, "as Softmax"},

	// Matrix products, convolution and pooling.
	"Gemm":              {2, 3, 1, buildGemm, grpMatrix, 7, ""},
	"MatMul":            {2, 2, 1, buildMatMul, grpMatrix, 1, "leading axes broadcast"},
	"Conv":              {2, 3, 1, buildConv, grpMatrix, 1, "1-D, 2-D and 3-D; groups, dilations, auto_pad"},
	"ConvTranspose":     {2, 3, 1, buildConvTranspose, grpMatrix, 1, "1-D, 2-D and 3-D; output_padding, output_shape, groups, dilations"},
	"MaxPool":           {1, 1, 1, buildPool(maxPool), grpMatrix, 1, "1-D, 2-D and 3-D; ceil_mode, dilations; the Indices output is not computed"},
	"AveragePool":       {1, 1, 1, buildPool(avgPool), grpMatrix, 7, "1-D, 2-D and 3-D; ceil_mode, count_include_pad; no dilations (19)"},
	"GlobalAveragePool": {1, 1, 1, buildGlobalPool(avgPool), grpMatrix, 1, ""},
	"GlobalMaxPool":     {1, 1, 1, buildGlobalPool(maxPool), grpMatrix, 1, ""},
	"Resize":            {1, 4, 1, buildResize(false), grpMatrix, 10, "nearest, linear, cubic; every coordinate mode but tf_crop_and_resize; axes (18); no antialias"},
	"Upsample":          {1, 2, 1, buildResize(true), grpMatrix, 7, "scales as an attribute before 9, an input from 9"},

	// Recurrent.
	"LSTM": {3, 8, 3, buildRNN(rnnLSTM), grpRecurrent, 7, "forward, reverse, bidirectional; peepholes, clip, layout (14); full-length sequences"},
	"GRU":  {3, 6, 2, buildRNN(rnnGRU), grpRecurrent, 7, "as LSTM; linear_before_reset 0 and 1"},
	"RNN":  {3, 6, 2, buildRNN(rnnPlain), grpRecurrent, 7, "as LSTM"},

	// Normalization and reductions.
	"BatchNormalization":    {5, 5, 1, buildBatchNorm, grpNorm, 7, "inference"},
	"LayerNormalization":    {2, 3, 1, buildLayerNorm, grpNorm, 17, "Y only"},
	"InstanceNormalization": {3, 3, 1, buildInstanceNorm, grpNorm, 6, ""},
	"GroupNormalization":    {3, 3, 1, buildGroupNorm, grpNorm, 18, "scale per group before 21, per channel from 21"},
	"ReduceSum":             {1, 2, 1, buildReduce(redSum), grpNorm, 1, "axes as an attribute before 13, an input from 13"},
	"ReduceMean":            {1, 2, 1, buildReduce(redMean), grpNorm, 1, "axes as an attribute before 18, an input from 18"},
	"ReduceMax":             {1, 2, 1, buildReduce(redMax), grpNorm, 1, "as ReduceMean"},
	"ReduceMin":             {1, 2, 1, buildReduce(redMin), grpNorm, 1, "as ReduceMean"},
	"ReduceProd":            {1, 2, 1, buildReduce(redProd), grpNorm, 1, "as ReduceMean"},
	"ReduceL1":              {1, 2, 1, buildReduce(redL1), grpNorm, 1, "as ReduceMean"},
	"ReduceL2":              {1, 2, 1, buildReduce(redL2), grpNorm, 1, "as ReduceMean"},
	"ReduceSumSquare":       {1, 2, 1, buildReduce(redSumSquare), grpNorm, 1, "as ReduceMean"},

	// Shape and tensor manipulation, on float32 activations and on the
	// int64 shape arithmetic of exported graphs alike.
	"Flatten":         {1, 1, 1, buildFlatten, grpShape, 1, ""},
	"Reshape":         {1, 2, 1, buildReshape, grpShape, 5, "allowzero (14)"},
	"Transpose":       {1, 1, 1, buildTranspose, grpShape, 1, ""},
	"Identity":        {1, 1, 1, buildIdentity, grpShape, 1, ""},
	"Dropout":         {1, 3, 1, buildDropout, grpShape, 7, "the identity; ratio an attribute before 12, an input from 12"},
	"Shape":           {1, 1, 1, buildShape, grpShape, 1, "start and end (15)"},
	"Gather":          {2, 2, 1, buildGather, grpShape, 1, ""},
	"Unsqueeze":       {1, 2, 1, buildUnsqueeze, grpShape, 1, "axes as an attribute before 13, an input from 13"},
	"Squeeze":         {1, 2, 1, buildSqueeze, grpShape, 1, "as Unsqueeze"},
	"Concat":          {1, 1 << 20, 1, buildConcat, grpShape, 4, ""},
	"Cast":            {1, 1, 1, buildCast, grpShape, 6, "to the float and integer types and BOOL, computed as float32 and int64"},
	"Pad":             {1, 4, 1, buildPad, grpShape, 2, "constant, reflect, edge; pads as attributes before 11, inputs from 11; axes (18)"},
	"Slice":           {1, 5, 1, buildSlice, grpShape, 1, "attributes before 10, inputs (with steps) from 10"},
	"Split":           {1, 2, 1 << 20, buildSplit, grpShape, 2, "split as an attribute before 13, an input from 13; num_outputs (18)"},
	"Expand":          {2, 2, 1, buildExpand, grpShape, 8, ""},
	"Tile":            {2, 2, 1, buildTile, grpShape, 6, ""},
	"ConstantOfShape": {1, 1, 1, buildConstantOfShape, grpShape, 9, ""},
	"Range":           {3, 3, 1, buildRange, grpShape, 11, ""},
	"ScatterND":       {3, 3, 1, buildScatterND, grpShape, 11, "reduction (16)"},
}

// SupportedOps returns the ONNX operators the executor runs, sorted.
func SupportedOps() []string {
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// opTable is the README's table of the supported operators: one row per
// group, each operator with the first opset it runs at, then the notes.
func opTable() string {
	var b strings.Builder
	b.WriteString("| group | operators (the first opset each implements) | opset-dependent details |\n|---|---|---|\n")
	for _, grp := range groupOrder {
		var names, notes []string
		for _, name := range SupportedOps() {
			spec := ops[name]
			if spec.group != grp {
				continue
			}
			names = append(names, fmt.Sprintf("%s %d", name, spec.since))
			if spec.notes != "" {
				notes = append(notes, fmt.Sprintf("%s: %s", name, spec.notes))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", grp, strings.Join(names, ", "), strings.Join(notes, "; "))
	}
	return b.String()
}
