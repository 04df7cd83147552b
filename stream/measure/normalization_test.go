package measure

import (
	"strconv"
	"testing"
)

func formatG(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func TestParseNormalization(t *testing.T) {
	for _, n := range []Normalization{NormNone, NormMinMax, NormZScore} {
		got, err := ParseNormalization(n.String())
		if err != nil || got != n {
			t.Errorf("ParseNormalization(%q) = %v, %v", n.String(), got, err)
		}
	}
	if got, err := ParseNormalization(" MinMax "); err != nil || got != NormMinMax {
		t.Errorf("ParseNormalization(MinMax) = %v, %v", got, err)
	}
	if _, err := ParseNormalization("l2"); err == nil {
		t.Error("ParseNormalization(l2): no error")
	}
}
