package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"

	"cxray/stream/analysis"
	"cxray/stream/measure"
)

// MaxArrayTasks is the most tasks of one kind a plan makes by default:
// Slurm's MaxArraySize defaults to 1001, so array indices 0..1000.
const MaxArrayTasks = 1000

// Plan checks spec as cxray analyze would (the dataset, the model and the
// layers) and splits the run into shards extract tasks and at most
// maxTasks pairs tasks. Sharded runs are exact under the total tie
// order: they do not project, sample or normalize. Beside N1 they
// compute the measures spec.Measures names that merge across shards
// (spec.Options gives their summary and CKA's seed), and refuse the
// others in one line.
func Plan(spec analysis.Spec, shards, maxTasks int, version string) (*Manifest, error) {
	measures := spec.Measures
	if len(measures) == 0 {
		measures = []string{"N1"}
	}
	if err := checkMeasures(measures); err != nil {
		return nil, err
	}
	if spec.Normalize != measure.NormNone {
		return nil, fmt.Errorf("--normalize %s needs statistics of the whole dataset before any distance; sharded runs measure raw distances: use --normalize none", spec.Normalize)
	}
	if spec.Every > 0 || spec.Count > 0 {
		return nil, fmt.Errorf("--every and windows do not apply to sharded runs")
	}
	job, err := analysis.Open(spec)
	if err != nil {
		return nil, err
	}
	defer job.Close()
	src := job.Source
	m := &Manifest{
		Version: Version, Cxray: version, Data: spec.Data, Source: spec.Source, Transform: spec.Transform,
		Name: src.Name(), N: src.Len(), Classes: slices.Clone(src.Classes()), Ties: TiesTotal, Batch: spec.Batch,
		Summary: spec.Options.Summary.String(), Seed: spec.Options.Seed,
	}
	if len(measures) > 1 {
		m.Measures = measures
	}
	if m.Bounds, m.Pairs, m.PairsPerTask, err = Split(m.N, shards, maxTasks); err != nil {
		return nil, err
	}
	for _, l := range job.Layers {
		m.Layers = append(m.Layers, Layer{Index: l.Index, Name: l.Name, NodeName: l.NodeName, OpType: l.OpType, Shape: l.Shape, Dim: l.Dim})
	}
	if job.Model != nil {
		sum, err := fileSHA256(job.Model.Path)
		if err != nil {
			return nil, err
		}
		m.Model = &ModelRef{Path: job.Model.Path, SHA256: sum}
	}
	return m, nil
}

func fileSHA256(path string) (string, error) {
	f, err := openRegular(path)
	if err != nil {
		return "", fmt.Errorf("model %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("model %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
