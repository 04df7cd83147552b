package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"cxray/stream/source"
	"cxray/stream/tap"
)

// ManifestName is the manifest's file name in the work folder.
const ManifestName = "manifest.json"

// Version is the version of the manifest and file layout this package
// writes and reads.
const Version = 1

// TiesTotal names the total-order tie rule in the manifest and in params.
const TiesTotal = "total"

// Manifest is a sharded run's plan: what is measured and how the work is
// split into tasks.
type Manifest struct {
	Version int    `json:"version"`
	Cxray   string `json:"cxray_version"`
	// Model is the model every extract task runs; nil measures the data.
	Model *ModelRef `json:"model,omitempty"`
	// Data, Source and Transform open the dataset as cxray analyze does.
	Data      string           `json:"data"`
	Source    source.Options   `json:"source"`
	Transform source.Transform `json:"transform"`
	// Name names the dataset in the run.
	Name string `json:"name"`
	// N is the number of samples; shard i holds samples
	// [Bounds[i], Bounds[i+1]).
	N      int   `json:"n"`
	Bounds []int `json:"bounds"`
	// Classes names the classes by id.
	Classes []string `json:"classes"`
	// Layers are the layers measured, in graph order.
	Layers []Layer `json:"layers"`
	// Ties is the tie rule, TiesTotal.
	Ties string `json:"ties"`
	// Batch is the forward pass's batch size.
	Batch int `json:"batch"`
	// Measures are the measures, N1 first; the others are merged from
	// states the extract tasks write (empty: N1 alone).
	Measures []string `json:"measures,omitempty"`
	// Summary reduces F1 and F2 (tap.Summary's name); Seed orders each
	// shard's points into CKA's minibatches.
	Summary string `json:"summary,omitempty"`
	Seed    uint64 `json:"seed,omitempty"`
	// Pairs lists the shard pairs (i < j; one pair (0, 0) when there is
	// a single shard); pairs task t covers
	// Pairs[t·PairsPerTask : (t+1)·PairsPerTask].
	Pairs        [][2]int `json:"pairs"`
	PairsPerTask int      `json:"pairs_per_task"`
}

// ModelRef names a model file and its content.
type ModelRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Layer is one measured layer.
type Layer struct {
	Index    int    `json:"index"`
	Name     string `json:"name"`
	NodeName string `json:"node_name"`
	OpType   string `json:"op_type"`
	Shape    []int  `json:"shape"`
	Dim      int    `json:"dim"`
}

// Shards is the number of shards.
func (m *Manifest) Shards() int { return len(m.Bounds) - 1 }

// ExtractTasks is the number of extract tasks, one per shard.
func (m *Manifest) ExtractTasks() int { return m.Shards() }

// PairTasks is the number of pairs tasks.
func (m *Manifest) PairTasks() int {
	return (len(m.Pairs) + m.PairsPerTask - 1) / m.PairsPerTask
}

// TaskPairs returns the shard pairs of pairs task t.
func (m *Manifest) TaskPairs(t int) [][2]int {
	lo := t * m.PairsPerTask
	return m.Pairs[lo:min(lo+m.PairsPerTask, len(m.Pairs))]
}

// ShardLen is the number of samples of shard i.
func (m *Manifest) ShardLen(i int) int { return m.Bounds[i+1] - m.Bounds[i] }

// Split divides n samples into s shards of sizes differing by at most one
// and lists the shard pairs, at most maxTasks pairs tasks.
func Split(n, s, maxTasks int) (bounds []int, pairs [][2]int, perTask int, err error) {
	if s < 1 || s > n/2 {
		return nil, nil, 0, fmt.Errorf("--shards %d: give between 1 and %d shards for %d samples (at least 2 samples each)", s, n/2, n)
	}
	if maxTasks < 1 {
		return nil, nil, 0, fmt.Errorf("at most %d tasks: give at least 1", maxTasks)
	}
	for i := range s + 1 {
		bounds = append(bounds, i*n/s)
	}
	for i := range s {
		for j := i + 1; j < s; j++ {
			pairs = append(pairs, [2]int{i, j})
		}
	}
	if s == 1 {
		pairs = [][2]int{{0, 0}}
	}
	perTask = (len(pairs) + maxTasks - 1) / maxTasks
	return bounds, pairs, perTask, nil
}

// Save writes m into the work folder dir, which it creates.
func (m *Manifest) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("work folder %s: %w", dir, err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, ManifestName), append(b, '\n'))
}

// Load reads the manifest of the work folder dir.
func Load(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestName)
	b, err := readRegular(path, 64<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("work folder %s has no %s; write it with cxray shard plan --dir %s", dir, ManifestName, dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &m, nil
}

// check rejects a manifest this package did not write or cannot read.
func (m *Manifest) check() error {
	switch {
	case m.Version != Version:
		return fmt.Errorf("layout version %d, this cxray reads %d", m.Version, Version)
	case len(m.Bounds) < 2 || m.Bounds[0] != 0 || m.Bounds[len(m.Bounds)-1] != m.N:
		return errors.New("shard bounds do not cover the samples")
	case len(m.Layers) == 0:
		return errors.New("no layers")
	case m.Ties != TiesTotal:
		return fmt.Errorf("tie rule %q; sharded runs use %q", m.Ties, TiesTotal)
	case m.PairsPerTask < 1 || len(m.Pairs) == 0:
		return errors.New("no pairs tasks")
	}
	for i := 1; i < len(m.Bounds); i++ {
		if m.Bounds[i] <= m.Bounds[i-1] {
			return errors.New("empty or unordered shards")
		}
	}
	for _, p := range m.Pairs {
		if p[0] < 0 || p[1] < p[0] || p[1] >= m.Shards() {
			return fmt.Errorf("pair %v is not a pair of shards", p)
		}
	}
	if _, err := m.options(); err != nil {
		return err
	}
	if len(m.Measures) > 0 {
		return checkMeasures(m.Measures)
	}
	return nil
}

// options are the conventions of the measures beyond N1.
func (m *Manifest) options() (tap.Options, error) {
	o := tap.DefaultOptions()
	if m.Summary != "" {
		s, err := tap.ParseSummary(m.Summary)
		if err != nil {
			return o, err
		}
		o.Summary = s
	}
	o.Seed = m.Seed
	return o, nil
}

// measures are the measures beyond N1.
func (m *Manifest) measures() []string {
	if len(m.Measures) == 0 {
		return nil
	}
	return m.Measures[1:]
}
