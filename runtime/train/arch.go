package train

import (
	"fmt"
	"strconv"
	"strings"
)

// Grammar is the architecture grammar, shown in parse errors.
const Grammar = `architectures: "mlp:W1,W2,..." (Dense W + ReLU per width, then Dense to the classes), ` +
	`"lenet5" (conv 6@5x5 pad 2, ReLU, maxpool 2; conv 16@5x5, ReLU, maxpool 2; Dense 120, 84 with ReLU; Dense to the classes), ` +
	`"cnn:C1,C2,.../D1,D2,..." (conv C@3x3 pad 1, ReLU, maxpool 2 per C; then Dense D + ReLU per D; then Dense to the classes; the "/D..." part may be omitted)`

// Input is the shape of one sample, [channels, height, width]: MNIST's.
var Input = [3]int{1, 28, 28}

// Classes is the number of classes: MNIST's ten digits.
const Classes = 10

// Kind is a layer type.
type Kind int

const (
	Conv    Kind = iota // 2-D convolution, stride 1
	MaxPool             // max-pooling, no padding
	Dense               // fully connected; flattens its input first
)

func (k Kind) String() string {
	switch k {
	case Conv:
		return "conv"
	case MaxPool:
		return "maxpool"
	case Dense:
		return "dense"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Layer is one layer of an Arch.
type Layer struct {
	Kind   Kind
	Out    int  // Conv: output channels; Dense: units
	Kernel int  // Conv, MaxPool: square kernel size
	Pad    int  // Conv: zero padding on each side
	Stride int  // MaxPool: stride (Conv always has stride 1)
	ReLU   bool // a ReLU follows
}

// Arch is a parsed architecture: its layers from the input to the logits.
// The last layer is always the Dense layer to the Classes, without ReLU.
type Arch struct {
	Spec   string // as given to ParseArch
	Layers []Layer
}

// ParseArch parses an architecture spec; see Grammar.
func ParseArch(spec string) (Arch, error) {
	a := Arch{Spec: spec}
	head, args, hasArgs := strings.Cut(strings.TrimSpace(spec), ":")
	bad := func(format string, v ...any) (Arch, error) {
		return Arch{}, fmt.Errorf("train: architecture %q: %s; %s", spec, fmt.Sprintf(format, v...), Grammar)
	}
	convBlock := func(out, k, pad int) {
		a.Layers = append(a.Layers,
			Layer{Kind: Conv, Out: out, Kernel: k, Pad: pad, ReLU: true},
			Layer{Kind: MaxPool, Kernel: 2, Stride: 2})
	}
	switch head {
	case "lenet5":
		if hasArgs {
			return bad("lenet5 takes no arguments")
		}
		convBlock(6, 5, 2)
		convBlock(16, 5, 0)
		a.Layers = append(a.Layers, Layer{Kind: Dense, Out: 120, ReLU: true}, Layer{Kind: Dense, Out: 84, ReLU: true})
	case "mlp":
		if !hasArgs {
			return bad("mlp needs its widths, e.g. mlp:256,128")
		}
		ws, err := widths(args)
		if err != nil {
			return bad("%v", err)
		}
		for _, w := range ws {
			a.Layers = append(a.Layers, Layer{Kind: Dense, Out: w, ReLU: true})
		}
	case "cnn":
		if !hasArgs {
			return bad("cnn needs its channels, e.g. cnn:16,32/64")
		}
		cs, ds, _ := strings.Cut(args, "/")
		chans, err := widths(cs)
		if err != nil {
			return bad("%v", err)
		}
		var dws []int
		if strings.TrimSpace(ds) != "" {
			if dws, err = widths(ds); err != nil {
				return bad("%v", err)
			}
		}
		side := Input[1]
		for _, c := range chans {
			if side/2 < 1 {
				return bad("%d conv blocks pool the %dx%d input below 1x1; use at most 4", len(chans), Input[1], Input[2])
			}
			side /= 2
			convBlock(c, 3, 1)
		}
		for _, d := range dws {
			a.Layers = append(a.Layers, Layer{Kind: Dense, Out: d, ReLU: true})
		}
	default:
		return bad("unknown architecture %q", head)
	}
	a.Layers = append(a.Layers, Layer{Kind: Dense, Out: Classes})
	return a, nil
}

// widths parses a comma-separated list of positive sizes.
func widths(s string) ([]int, error) {
	var out []int
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		n, err := strconv.Atoi(tok)
		if err != nil || n < 1 || n > 1<<16 {
			return nil, fmt.Errorf("size %q is not an integer from 1 to 65536", tok)
		}
		out = append(out, n)
	}
	return out, nil
}

// String formats the layers, e.g. "conv6@5x5p2 relu maxpool2 ... dense10".
func (a Arch) String() string {
	var parts []string
	for _, l := range a.Layers {
		switch l.Kind {
		case Conv:
			parts = append(parts, fmt.Sprintf("conv%d@%dx%dp%d", l.Out, l.Kernel, l.Kernel, l.Pad))
		case MaxPool:
			parts = append(parts, fmt.Sprintf("maxpool%d", l.Kernel))
		case Dense:
			parts = append(parts, fmt.Sprintf("dense%d", l.Out))
		}
		if l.ReLU {
			parts = append(parts, "relu")
		}
	}
	return strings.Join(parts, " ")
}
