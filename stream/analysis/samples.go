package analysis

import (
	"context"
	"fmt"

	"cxray/sql"
	"cxray/stream/measure/n1"
	"cxray/stream/source"
	"cxray/stream/tap"
)

// SamplesMode says when the per-sample rows are written.
type SamplesMode int

const (
	// SamplesOff writes none.
	SamplesOff SamplesMode = iota
	// SamplesAuto writes them for datasets of at most SamplesAutoMax
	// samples, under the Euclidean distance.
	SamplesAuto
	// SamplesOn writes them.
	SamplesOn
)

// SamplesAutoMax is the largest dataset for which SamplesAuto writes the
// per-sample rows: 100000 samples make 1.3 million rows over 13 layers,
// about 50 MB in DuckDB, and their neighbours cost about what the layers'
// trees cost.
const SamplesAutoMax = 100_000

// ParseSamplesMode reads auto, on or off.
func ParseSamplesMode(s string) (SamplesMode, error) {
	switch s {
	case "auto":
		return SamplesAuto, nil
	case "on":
		return SamplesOn, nil
	case "off":
		return SamplesOff, nil
	}
	return SamplesOff, fmt.Errorf("%q: want auto, on or off", s)
}

// String is the mode's name in the flag.
func (m SamplesMode) String() string {
	return [...]string{"off", "auto", "on"}[m]
}

// resolveSamples decides whether the job writes per-sample rows.
func (j *Job) resolveSamples() error {
	s := j.spec
	switch {
	case s.Samples == SamplesOn && s.Options.NeighbourN1():
		other := fmt.Sprintf("--distance %s", s.Options.Neighbour.Distance)
		if s.Conventions == "ecol" {
			other = "--conventions ecol"
		}
		return fmt.Errorf("--samples on: the per-sample rows are each sample's part in cxray's Euclidean tree; %s measures N1 on another: drop one of them", other)
	case s.Samples == SamplesOn:
		j.Samples = true
	case s.Samples == SamplesAuto:
		j.Samples = j.Source.Len() <= SamplesAutoMax && !s.Options.NeighbourN1()
	}
	return nil
}

// samplesPerCall bounds the rows of one AddSamples call: the layers are
// written together (one transaction costs about 0.1 s), as many as make
// up to this many rows (about 80 bytes each while they wait).
const samplesPerCall = 1 << 18

// writeSamples writes every layer's per-sample rows and class pairs, from
// the trees of the final readings, computed one layer at a time and
// written a few layers per transaction.
func (j *Job) writeSamples(ctx context.Context, run *sql.Run, router *tap.Router, layers []tap.Layer, r Reporter) error {
	classes := j.Source.Classes()
	flips, _ := j.Source.(source.Noisy)
	var batch []sql.LayerSamples
	rows := 0
	flush := func() error {
		err := run.AddSamples(ctx, batch)
		batch, rows = batch[:0], 0
		return err
	}
	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, keys, skipped, err := router.Samples(i)
		if err != nil {
			return err
		}
		if s == nil {
			r.Warnf("layer %d %s: %s", l.Index, l.Name, skipped)
			continue
		}
		if rows > 0 && rows+s.N() > samplesPerCall {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, sql.LayerSamples{Epoch: j.spec.Epoch, LayerIndex: l.Index,
			Samples: sampleRows(s, keys, classes, flips), Pairs: classPairs(s, classes)})
		rows += s.N()
	}
	if len(batch) == 0 {
		return nil
	}
	return flush()
}

// sampleRows are the samples rows of s.
func sampleRows(s *n1.Samples, keys, classes []string, flips source.Noisy) []sql.Sample {
	rows := make([]sql.Sample, s.N())
	for k := range rows {
		row := sql.Sample{
			Index: s.Index[k], Label: classes[s.Labels[k]], OnBoundary: s.OnBoundary[k],
			N2Ratio: s.N2Ratio(k), NNOther: s.NNOther[k], Method: s.Method,
		}
		if keys != nil {
			row.Key = keys[k]
		}
		if flips != nil {
			f := flips.Flipped(s.Index[k])
			row.Flipped = &f
		}
		rows[k] = row
	}
	return rows
}

// classPairs are the class_pairs rows of s.
func classPairs(s *n1.Samples, classes []string) []sql.ClassPair {
	count := make([]int64, len(classes))
	for _, c := range s.Labels {
		count[c]++
	}
	pairs := make([]sql.ClassPair, len(s.Pairs))
	for k, p := range s.Pairs {
		pairs[k] = sql.ClassPair{A: classes[p.A], B: classes[p.B], NA: count[p.A], NB: count[p.B], CrossEdges: int64(p.Edges)}
	}
	return pairs
}
