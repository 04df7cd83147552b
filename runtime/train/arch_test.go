package train

import (
	"strings"
	"testing"
)

func TestParseArch(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"lenet5", "conv6@5x5p2 relu maxpool2 conv16@5x5p0 relu maxpool2 dense120 relu dense84 relu dense10"},
		{"mlp:256,128", "dense256 relu dense128 relu dense10"},
		{"mlp: 8", "dense8 relu dense10"},
		{"cnn:16,32/64", "conv16@3x3p1 relu maxpool2 conv32@3x3p1 relu maxpool2 dense64 relu dense10"},
		{"cnn:8", "conv8@3x3p1 relu maxpool2 dense10"},
		{"cnn:8/", "conv8@3x3p1 relu maxpool2 dense10"},
		{"cnn:1,1,1,1", "conv1@3x3p1 relu maxpool2 conv1@3x3p1 relu maxpool2 conv1@3x3p1 relu maxpool2 conv1@3x3p1 relu maxpool2 dense10"},
	} {
		a, err := ParseArch(c.spec)
		if err != nil {
			t.Errorf("ParseArch(%q): %v", c.spec, err)
			continue
		}
		if got := a.String(); got != c.want {
			t.Errorf("ParseArch(%q) = %s, want %s", c.spec, got, c.want)
		}
	}
}

func TestParseArchErrors(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"resnet", `unknown architecture "resnet"`},
		{"", `unknown architecture ""`},
		{"mlp", "mlp needs its widths"},
		{"mlp:", `size "" is not`},
		{"mlp:256,x", `size "x" is not`},
		{"mlp:0", `size "0" is not`},
		{"lenet5:3", "lenet5 takes no arguments"},
		{"cnn", "cnn needs its channels"},
		{"cnn:/64", `size "" is not`},
		{"cnn:8/64,-1", `size "-1" is not`},
		{"cnn:1,1,1,1,1", "5 conv blocks pool"},
	} {
		_, err := ParseArch(c.spec)
		if err == nil {
			t.Errorf("ParseArch(%q) succeeded", c.spec)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, Grammar) || strings.Contains(msg, "\n") {
			t.Errorf("ParseArch(%q): %q; want one line with %q and the grammar", c.spec, msg, c.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	a := mustArch(t, "mlp:4")
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Optimizer: "rmsprop"}, `optimizer "rmsprop" is unknown`},
		{Config{Batch: -1}, "batch size -1"},
		{Config{LR: -1}, "learning rate -1"},
		{Config{Optimizer: "sgd", Momentum: 1}, "momentum 1 must be"},
		{Config{Momentum: 0.9}, "momentum is an sgd option"},
	} {
		if _, err := New(a, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v): %v; want %q", c.cfg, err, c.want)
		}
	}
}
