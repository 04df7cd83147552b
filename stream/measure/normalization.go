package measure

import (
	"fmt"
	"strings"
)

// Normalization selects the per-feature rescaling applied to the points
// before distances are measured. It is computed over the whole set, so an
// estimator applies it when its result is read, not when points arrive.
type Normalization int

const (
	// NormNone measures distances on the raw features.
	NormNone Normalization = iota
	// NormMinMax maps every feature to (x-min)/(max-min); a feature with a
	// zero range becomes 0.
	NormMinMax
	// NormZScore maps every feature to (x-mean)/std with the population
	// standard deviation; a feature with a zero std becomes 0.
	NormZScore
)

// String returns the name ParseNormalization accepts.
func (n Normalization) String() string {
	switch n {
	case NormNone:
		return "none"
	case NormMinMax:
		return "minmax"
	case NormZScore:
		return "zscore"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// ParseNormalization parses "none", "minmax" or "zscore" (case-insensitive;
// the empty string means none).
func ParseNormalization(s string) (Normalization, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return NormNone, nil
	case "minmax", "min-max":
		return NormMinMax, nil
	case "zscore", "z-score":
		return NormZScore, nil
	}
	return 0, fmt.Errorf("measure: unknown normalization %q (want none, minmax or zscore)", s)
}

// Valid reports whether n is one of the normalisations.
func (n Normalization) Valid() bool { return n >= NormNone && n <= NormZScore }
