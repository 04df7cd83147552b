package project

import (
	"math"
	"slices"

	"cxray/stream/measure/internal/wire"
)

const (
	mapTag     = "project.Map"
	mapVersion = 1
	maxDim     = 1 << 28
)

// MarshalBinary writes the map: its dimensions, seed and kind, a fitted
// map's basis (directions, points, captured variance), and the matrix,
// so that an estimator's state carries the exact map its points were
// projected by.
func (p *Map) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(mapTag, mapVersion, 4*len(p.r)+64)
	w.Int(p.d)
	w.Int(p.k)
	w.U64(p.seed)
	w.Bool(p.kind == PCAJL)
	w.Int(p.pcaDims)
	w.Int(p.basisRows)
	w.F64(p.captured)
	w.F32s(p.r)
	return w.Bytes(), nil
}

// UnmarshalBinary replaces p with the map MarshalBinary wrote. A map is
// read-only once made: unmarshal into a new Map (new(Map)), not into one
// in use.
func (p *Map) UnmarshalBinary(data []byte) error {
	r, _, err := wire.NewReader(data, mapTag, mapVersion)
	if err != nil {
		return err
	}
	got := Map{d: r.Int("input dimension", 1, maxDim), k: r.Int("output dimension", 1, maxDim), seed: r.U64(), kind: JL}
	if r.Bool() {
		got.kind = PCAJL
	}
	got.pcaDims = r.Int("principal directions", 0, got.k)
	got.basisRows = r.Int("basis points", 0, math.MaxInt32)
	got.captured = r.F64()
	if r.Err() == nil && got.kind == JL && (got.pcaDims != 0 || got.basisRows != 0 || got.captured != 0) {
		r.Fail("a plain map with a fitted basis")
	}
	if r.Err() == nil && !(got.captured >= 0 && got.captured <= 1) {
		r.Fail("captured variance %v outside [0, 1]", got.captured)
	}
	if got.kind == JL && hashed(got.d, got.k) {
		got.kind = HashedJL // New's map of that size: no matrix follows
	}
	if r.Err() == nil && got.kind != HashedJL && int64(got.d)*int64(got.k) > int64(len(data)) {
		r.Fail("a %d×%d matrix in %d bytes", got.d, got.k, len(data))
	}
	if r.Err() == nil {
		want := got.d * got.k
		if got.kind == HashedJL {
			want = 0
		}
		if got.r = r.F32s(want); len(got.r) == 0 {
			got.r = nil
		}
	}
	for i, v := range got.r {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			r.Fail("matrix entry %d is %v", i, v)
			break
		}
	}
	if err := r.Close(); err != nil {
		return err
	}
	*p = got
	return nil
}

// Equal reports whether p and o are the same map: the same dimensions,
// seed, kind and basis, and the same matrix bit for bit.
func (p *Map) Equal(o *Map) bool {
	if p == nil || o == nil {
		return p == o
	}
	return p.d == o.d && p.k == o.k && p.seed == o.seed && p.kind == o.kind && p.pcaDims == o.pcaDims &&
		p.basisRows == o.basisRows && math.Float64bits(p.captured) == math.Float64bits(o.captured) &&
		slices.EqualFunc(p.r, o.r, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) })
}
