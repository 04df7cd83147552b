package shard

import (
	"encoding"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"

	"cxray/stream/measure"
	"cxray/stream/measure/feature"
	"cxray/stream/measure/repr"
	"cxray/stream/measure/survey"
	"cxray/stream/tap"
)

// maxNC1State bounds the d×d within-class scatter of NC1's state
// (repr.NC1Moments), d² float64: wider layers skip NC1 in a sharded run.
const maxNC1State = 256 << 20

// ckaStream separates the order of CKA's minibatches from other streams
// of the seed ("cka", as tap's).
const ckaStream = 0x636b61

// layerStates returns the kinds of state the extract tasks write for
// layer li, whether its moments keep co-moments, and the measures the
// layer skips, each with its reason, as cxray analyze would skip them.
func (m *Manifest) layerStates(li int) (kinds []string, comoments bool, skipped []string) {
	classes, dim := len(m.Classes), m.Layers[li].Dim
	moments := false
	for _, name := range m.measures() {
		sm, _ := survey.Lookup(name)
		why := ""
		switch {
		case sm.Basis == survey.Moments || sm.Basis == survey.Comoments:
			if why = tap.MomentLimit(name, classes, dim); why == "" {
				moments = true
				comoments = comoments || sm.Basis == survey.Comoments
			}
		case name == "NC1":
			if b := 8 * int64(dim) * int64(dim); b > maxNC1State {
				why = fmt.Sprintf("across shards NC1 keeps a %d×%d within-class scatter, %d MB", dim, dim, b>>20)
			} else {
				kinds = append(kinds, stateNC1)
			}
		case name == "CKA_prev" && li == 0, name == "CKA_input" && li == 0 && m.Layers[0].OpType == "Input":
			why = "no earlier layer"
		case name == "CKA_input" && m.Layers[0].OpType != "Input":
			why = "layer 0 is not the input"
		case name == "CKA_prev":
			kinds = append(kinds, stateCKAPrev)
		case name == "CKA_input":
			kinds = append(kinds, stateCKAInput)
		}
		if why != "" {
			skipped = append(skipped, name+": "+why)
		}
	}
	if moments {
		kinds = append([]string{stateMoments}, kinds...)
	}
	return kinds, comoments, skipped
}

// ckaPartner is the layer a CKA state of layer li compares it with.
func ckaPartner(kind string, li int) int {
	if kind == stateCKAInput {
		return 0
	}
	return li - 1
}

// streamStates are the states an extract task updates batch by batch: a
// layer's moments and NC1's.
type streamStates struct {
	moments *feature.Moments
	nc1     *repr.NC1Moments
}

// newStreamStates returns the streamed states of every layer of m.
func (m *Manifest) newStreamStates() []streamStates {
	out := make([]streamStates, len(m.Layers))
	for li, l := range m.Layers {
		kinds, comoments, _ := m.layerStates(li)
		if slices.Contains(kinds, stateMoments) {
			out[li].moments = feature.NewMoments(l.Dim, comoments)
		}
		if slices.Contains(kinds, stateNC1) {
			out[li].nc1 = repr.NewNC1Moments(l.Dim)
		}
	}
	return out
}

// update adds a batch of the layer's points.
func (s *streamStates) update(b measure.Batch) error {
	if s.moments != nil {
		if err := s.moments.Update(b); err != nil {
			return err
		}
	}
	if s.nc1 != nil {
		return s.nc1.Update(b)
	}
	return nil
}

// writeStates writes every layer's states into the stage of extract task
// t: the streamed ones, then CKA's, computed from the points the task
// wrote (two layers of the shard at a time), in a seeded order cut into
// minibatches of repr.DefaultBatch.
func (m *Manifest) writeStates(st *stage, t int, streamed []streamStates) error {
	n := m.ShardLen(t)
	order := rand.New(rand.NewPCG(m.Seed, ckaStream)).Perm(n)
	for li, l := range m.Layers {
		kinds, _, _ := m.layerStates(li)
		for _, kind := range kinds {
			var state encoding.BinaryMarshaler
			switch kind {
			case stateMoments:
				state = streamed[li].moments
			case stateNC1:
				state = streamed[li].nc1
			default:
				j := ckaPartner(kind, li)
				cka, err := shardCKA(st, li, l.Dim, j, m.Layers[j].Dim, order)
				if err != nil {
					return err
				}
				state = cka
			}
			b, err := state.MarshalBinary()
			if err != nil {
				return fmt.Errorf("layer %q: %w", l.Name, err)
			}
			f, err := st.create(StateFile(li, kind))
			if err != nil {
				return err
			}
			_, err = f.Write(b)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// shardCKA is CKA between layers li and j of the shard whose points the
// stage holds, in the given order of its rows.
func shardCKA(st *stage, li, dx, j, dy int, order []int) (*repr.CKA, error) {
	n := len(order)
	x, y := make([]float32, n*dx), make([]float32, n*dy)
	if err := readFloats(filepath.Join(st.tmp, PointsFile(li)), x, ""); err != nil {
		return nil, err
	}
	if err := readFloats(filepath.Join(st.tmp, PointsFile(j)), y, ""); err != nil {
		return nil, err
	}
	cka := repr.NewCKA(dx, dy)
	labels := make([]int32, repr.DefaultBatch+3) // CKA does not read them
	var bx, by []float32
	for _, b := range repr.Batches(n, repr.DefaultBatch) {
		bx, by = bx[:0], by[:0]
		for _, row := range order[b[0]:b[1]] {
			bx = append(bx, x[row*dx:(row+1)*dx]...)
			by = append(by, y[row*dy:(row+1)*dy]...)
		}
		if err := cka.Update(measure.Batch{X: bx, Y: by, Labels: labels[:b[1]-b[0]]}); err != nil {
			return nil, err
		}
	}
	return cka, nil
}

// mergedRows reads layer li's states from every extract task, merges
// them shard by shard, and returns the rows of the measures beyond N1
// with the reasons of those the layer skips.
func (m *Manifest) mergedRows(dir string, li int) ([]tap.Row, []string, error) {
	kinds, _, skipped := m.layerStates(li)
	o, err := m.options()
	if err != nil {
		return nil, nil, err
	}
	var rows []tap.Row
	for _, kind := range kinds {
		switch kind {
		case stateMoments:
			fm, err := mergeState(dir, m, li, kind, func() *feature.Moments { return new(feature.Moments) })
			if err != nil {
				return nil, nil, err
			}
			rows = append(rows, tap.MomentRows(fm, computed(m.measures(), skipped), o)...)
		case stateNC1:
			nc1, err := mergeState(dir, m, li, kind, func() *repr.NC1Moments { return new(repr.NC1Moments) })
			if err != nil {
				return nil, nil, err
			}
			v, err := nc1.Value()
			if err != nil {
				skipped = append(skipped, "NC1: "+err.Error())
				continue
			}
			rows = append(rows, tap.NewRow("NC1", v, map[string]any{"rcond": repr.NC1RCond}))
		default:
			cka, err := mergeState(dir, m, li, kind, func() *repr.CKA { return new(repr.CKA) })
			if err != nil {
				return nil, nil, err
			}
			name := "CKA_prev"
			if kind == stateCKAInput {
				name = "CKA_input"
			}
			rows = append(rows, tap.NewRow(name, cka.Value(), map[string]any{
				"with_layer": m.Layers[ckaPartner(kind, li)].Name, "batch": repr.DefaultBatch, "order_seed": m.Seed,
				"order": fmt.Sprintf("seeded within each of %d shards", m.Shards()),
			}))
		}
	}
	// In the order of the registry, as cxray analyze writes them.
	slices.SortStableFunc(rows, func(a, b tap.Row) int {
		return slices.Index(survey.Names(), a.Measure) - slices.Index(survey.Names(), b.Measure)
	})
	return rows, skipped, nil
}

// mergeState reads the state of the given kind of layer li from every
// extract task, each into zero(), and merges them in shard order.
func mergeState[S measure.Merger[S]](dir string, m *Manifest, li int, kind string, zero func() S) (S, error) {
	var merged S
	for s := range m.Shards() {
		path := filepath.Join(TaskDir(dir, KindExtract, s), StateFile(li, kind))
		bad := func(err error) (S, error) {
			return merged, fmt.Errorf("%s: %v; run extract task %d again", path, err, s)
		}
		b, err := readRegular(path, maxStateBytes)
		if err != nil {
			return bad(err)
		}
		part := zero()
		if err := part.UnmarshalBinary(b); err != nil {
			return bad(err)
		}
		if s == 0 {
			merged = part
		} else if err := merged.Merge(part); err != nil {
			return bad(err)
		}
	}
	return merged, nil
}

// maxStateBytes bounds a state file: the co-moments of maxComoments, or
// NC1's scatter, and the rest.
const maxStateBytes = 1 << 30

// computed are the names not among skipped ("name: why").
func computed(names, skipped []string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		return slices.ContainsFunc(skipped, func(s string) bool { return strings.HasPrefix(s, n+": ") })
	})
}
