package shard

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"cxray/stream/analysis"
	"cxray/stream/measure"
	"cxray/stream/pipeline"
	"cxray/stream/plan"
	"cxray/stream/tap"
)

// LabelsFile is the labels of an extract task's shard: int32 little-endian.
const LabelsFile = "labels.i32"

// PointsFile is the name of layer i's points in an extract task's folder:
// float32 little-endian, row-major, one row per sample of the shard.
func PointsFile(i int) string { return fmt.Sprintf("layer-%04d.f32", i) }

// Extract runs extract task t of the manifest in the work folder dir: the
// forward pass over shard t within memory bytes, writing every layer's
// points and the labels, and the states of the measures beyond N1 that
// the manifest names (StateFile: the layer's class moments and NC1's,
// updated batch by batch, and CKA's, computed from the points written),
// then the task's marker. A task run again replaces its files with the
// same bytes.
func Extract(ctx context.Context, dir string, t int, memory int64) error {
	m, err := Load(dir)
	if err != nil {
		return err
	}
	if t < 0 || t >= m.ExtractTasks() {
		return fmt.Errorf("--task %d: the manifest of %s has extract tasks 0 to %d", t, dir, m.ExtractTasks()-1)
	}
	spec := analysis.Spec{
		Data: m.Data, Source: m.Source, Transform: m.Transform, Layers: m.layerIndices(),
		Offset: m.Bounds[t], Count: m.ShardLen(t),
	}
	if m.Model != nil {
		sum, err := fileSHA256(m.Model.Path)
		if err != nil {
			return err
		}
		if sum != m.Model.SHA256 {
			return fmt.Errorf("model %s has changed since the plan (SHA-256 %s, the manifest says %s); plan again", m.Model.Path, sum[:12], m.Model.SHA256[:12])
		}
		if spec.Model, err = analysis.LoadModel(m.Model.Path, memory); err != nil {
			return err
		}
	}
	job, err := analysis.Open(spec)
	if err != nil {
		return err
	}
	defer job.Close()
	if err := m.matches(job); err != nil {
		return err
	}
	batch, _, err := plan.ChooseBatch(plan.Options{Budget: memory, Batch: m.Batch, Forward: job.Forward}, job.Source.Len())
	if err != nil {
		return err
	}
	return runStage(dir, KindExtract, t, func(st *stage) error {
		sink, err := newFileSink(st, job.Layers, m.newStreamStates())
		if err != nil {
			return err
		}
		_, err = pipeline.Run(ctx, pipeline.Config{
			Source: job.Source, Exec: job.Exec(), Input: job.Input, Shape: job.Shape, Inputs: job.Inputs, Mask: job.Mask, Batch: batch, Sink: sink,
			Checkpoint: func(int64, bool) (bool, error) { return false, nil },
		})
		if cerr := sink.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if sink.rows != m.ShardLen(t) {
			return fmt.Errorf("wrote %d samples, the shard has %d", sink.rows, m.ShardLen(t))
		}
		return m.writeStates(st, t, sink.states)
	})
}

// layerIndices is the manifest's layers as a --layers list of indices.
func (m *Manifest) layerIndices() string {
	s := make([]string, len(m.Layers))
	for i, l := range m.Layers {
		s[i] = strconv.Itoa(l.Index)
	}
	return strings.Join(s, ",")
}

// matches checks that the dataset and the model a task opened are those
// the manifest was planned on.
func (m *Manifest) matches(job *analysis.Job) error {
	if job.Total != m.N || !slices.Equal(job.Source.Classes(), m.Classes) {
		return fmt.Errorf("dataset %s has %d samples and classes %v, but the manifest was planned on %d samples and classes %v; plan again",
			job.Source.Name(), job.Total, job.Source.Classes(), m.N, m.Classes)
	}
	for i, l := range job.Layers {
		if want := m.Layers[i]; l.Name != want.Name || l.Dim != want.Dim {
			return fmt.Errorf("layer %d is %q of dimension %d, but the manifest says %q of dimension %d; plan again", l.Index, l.Name, l.Dim, want.Name, want.Dim)
		}
	}
	return nil
}

// fileSink writes the activations of each layer, and the labels, to the
// stage's files as they stream, and updates the layers' streamed states.
type fileSink struct {
	layers []tap.Layer
	states []streamStates
	files  []*bufio.Writer
	raw    []*hashedFile
	labels *bufio.Writer
	rawLab *hashedFile
	buf    []byte
	rows   int
}

func newFileSink(st *stage, layers []tap.Layer, states []streamStates) (*fileSink, error) {
	s := &fileSink{layers: layers, states: states}
	for i := range layers {
		f, err := st.create(PointsFile(i))
		if err != nil {
			return nil, err
		}
		s.raw = append(s.raw, f)
		s.files = append(s.files, bufio.NewWriterSize(f, 1<<16))
	}
	f, err := st.create(LabelsFile)
	if err != nil {
		return nil, err
	}
	s.rawLab, s.labels = f, bufio.NewWriterSize(f, 1<<16)
	return s, nil
}

func (s *fileSink) Layers() []tap.Layer               { return s.layers }
func (s *fileSink) Admit([]int32) (rows, slots []int) { return nil, nil }

func (s *fileSink) Update(i int, b measure.Batch) error {
	x, labels := b.X, b.Labels
	if err := s.states[i].update(b); err != nil {
		return fmt.Errorf("layer %q: %w", s.layers[i].Name, err)
	}
	s.buf = s.buf[:0]
	for _, v := range x {
		s.buf = binary.LittleEndian.AppendUint32(s.buf, math.Float32bits(v))
	}
	if _, err := s.files[i].Write(s.buf); err != nil {
		return err
	}
	if i != 0 {
		return nil
	}
	s.rows += len(labels)
	s.buf = s.buf[:0]
	for _, l := range labels {
		s.buf = binary.LittleEndian.AppendUint32(s.buf, uint32(l))
	}
	_, err := s.labels.Write(s.buf)
	return err
}

// close flushes and closes every file.
func (s *fileSink) close() error {
	var first error
	for i, w := range append(s.files, s.labels) {
		raw := s.rawLab
		if i < len(s.raw) {
			raw = s.raw[i]
		}
		if err := w.Flush(); err != nil && first == nil {
			first = err
		}
		if err := raw.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
