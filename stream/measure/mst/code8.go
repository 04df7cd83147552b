package mst

import "math"

// code8 stores a lower bound on a non-negative number in one byte.
//
// The bit pattern of a positive float64 grows with its value, so dropping
// its low 48 bits rounds it down: a code keeps 4 of the 52 mantissa bits (a
// relative step of 1/16) over the 16 binades below the largest value the
// scale has to hold. Code 0 means 0; anything below the range also becomes
// 0, which is still a lower bound. Decoding a code never gives more than the
// number it was made from, which is all the tree builders need to skip a
// comparison safely.
//
// One byte is enough: a comparison the coarse code cannot settle costs one
// exact distance, and on MNIST pixels 4 mantissa bits add about 45% exact
// distances over 11 bits (16 bits a code) while halving the memory and
// letting the matrix be stored whole, so that Prim reads it row by row.
type code8 struct {
	base uint64 // decode(k) = float64frombits(base + k<<48) for k ≥ 1
}

const (
	code8Shift = 48
	code8Max   = 1<<8 - 1
	// codeNever is a threshold no code reaches.
	codeNever = 1 << 8
)

// newCode8 returns the scale whose top code is max (rounded down).
func newCode8(max float64) code8 {
	if !(max < math.MaxFloat64) {
		max = math.MaxFloat64
	}
	top := math.Float64bits(max)
	var c code8
	if top > code8Max<<code8Shift {
		c.base = top - code8Max<<code8Shift
	}
	return c
}

// encode returns a code whose decoded value is ≤ lb. NaN and +Inf, which
// no bound can be, give 0.
func (c code8) encode(lb float64) uint8 {
	if !(lb > 0) || lb > math.MaxFloat64 {
		return 0
	}
	b := math.Float64bits(lb)
	if b < c.base+1<<code8Shift {
		return 0
	}
	k := (b - c.base) >> code8Shift
	if k > code8Max {
		k = code8Max
	}
	return uint8(k)
}

// decode returns the value a code stands for.
func (c code8) decode(k uint8) float64 {
	if k == 0 {
		return 0
	}
	return math.Float64frombits(c.base + uint64(k)<<code8Shift)
}

// atLeast returns the smallest code k with decode(k) ≥ t, or codeNever when
// there is none, so that a stored code k proves "bound ≥ t" exactly when
// k ≥ atLeast(t): the hot loop then compares integers.
func (c code8) atLeast(t float64) uint16 {
	if !(t > 0) {
		if t != t { // NaN: nothing is ≥ it
			return codeNever
		}
		return 0
	}
	if t > c.decode(code8Max) {
		return codeNever
	}
	b := math.Float64bits(t)
	if b <= c.base {
		return 1
	}
	k := (b - c.base + 1<<code8Shift - 1) >> code8Shift
	return uint16(max(k, 1))
}
