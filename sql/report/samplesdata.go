package report

import (
	"context"
	dbsql "database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cxray/stream/source"
)

// perSample is what the report shows of a run's per-sample rows
// (schema version 5), at the last epoch that has them.
type perSample struct {
	epoch   int
	layers  []int    // layers with rows, ascending
	classes []string // the labels, numbers in numeric order
	pairs   map[int][]pairRow
	// depth counts the samples of each label by separation layer (-1:
	// still on the boundary at the last layer).
	depth   map[string]map[int]int
	hardest []hardRow
	images  imageSource
}

// pairRow is one class_pairs row.
type pairRow struct {
	A, B       string
	NA, NB     int64
	CrossEdges int64
}

// entanglement is the view class_entanglement's: cross edges per sample
// of the two classes.
func (p pairRow) entanglement() float64 { return float64(p.CrossEdges) / float64(p.NA+p.NB) }

// hardRow is one hardest_samples row.
type hardRow struct {
	Rank, Sample   int64
	Key, Label     string
	Boundary, Of   int
	N2Ratio        float64 // NaN for NULL
	Flipped, Known bool    // Known: flipped is not NULL
}

// hardestShown is the number of hardest samples the report lists.
const hardestShown = 24

// imageSource says where a run's images are, when its dataset is one the
// report can show: MNIST (by index), an image folder (by path) or Parquet
// images (by file and row).
type imageSource struct {
	kind    string // "mnist", "imagefolder", "parquet" or ""
	split   string // MNIST's
	dataDir string // MNIST's folder, "" for the default
	root    string // the image folder; for Parquet, the folder its relative file names start from
	column  string // Parquet's image column ("": the one there is)
}

// loadSamples reads the per-sample rows' summaries of every run into its
// samples field; files before version 5 have none.
func loadSamples(ctx context.Context, db *dbsql.DB, byID map[int64]*run) error {
	ok, err := tableExists(ctx, db, "samples")
	if err != nil || !ok {
		return err
	}
	final := `(SELECT run_id, max(epoch) AS epoch FROM samples GROUP BY run_id)`
	err = each(ctx, db, `SELECT f.run_id, f.epoch, list(DISTINCT s.layer_index ORDER BY s.layer_index),
		list(DISTINCT s.label) FROM `+final+` f JOIN samples s USING (run_id, epoch) GROUP BY ALL`,
		func(rows *dbsql.Rows) error {
			var id int64
			var p perSample
			var layers, labels []any
			if err := rows.Scan(&id, &p.epoch, &layers, &labels); err != nil {
				return err
			}
			r := byID[id]
			if r == nil {
				return nil
			}
			for _, l := range layers {
				p.layers = append(p.layers, int(l.(int32)))
			}
			for _, l := range labels {
				if s, ok := l.(string); ok {
					p.classes = append(p.classes, s)
				}
			}
			slices.SortFunc(p.classes, source.NaturalCompare)
			p.pairs, p.depth = map[int][]pairRow{}, map[string]map[int]int{}
			r.samples = &p
			return nil
		})
	if err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	err = each(ctx, db, `SELECT run_id, layer_index, class_a, class_b, n_a, n_b, cross_edges
		FROM class_pairs JOIN `+final+` USING (run_id, epoch)`, func(rows *dbsql.Rows) error {
		var id int64
		var layer int
		var p pairRow
		if err := rows.Scan(&id, &layer, &p.A, &p.B, &p.NA, &p.NB, &p.CrossEdges); err != nil {
			return err
		}
		if r := byID[id]; r != nil && r.samples != nil {
			r.samples.pairs[layer] = append(r.samples.pairs[layer], p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read class pairs: %w", err)
	}
	err = each(ctx, db, `SELECT run_id, coalesce(label, ''), coalesce(separation_layer, -1), count(*)
		FROM separation_depth JOIN `+final+` USING (run_id, epoch) GROUP BY ALL`, func(rows *dbsql.Rows) error {
		var id int64
		var label string
		var layer, n int
		if err := rows.Scan(&id, &label, &layer, &n); err != nil {
			return err
		}
		if r := byID[id]; r != nil && r.samples != nil {
			if r.samples.depth[label] == nil {
				r.samples.depth[label] = map[int]int{}
			}
			r.samples.depth[label][layer] = n
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read separation depth: %w", err)
	}
	err = each(ctx, db, `SELECT run_id, rank, sample, coalesce(sample_key, ''), coalesce(label, ''),
		boundary_layers, layers, coalesce(n2_ratio, 'NaN'::DOUBLE), coalesce(flipped, false), flipped IS NOT NULL
		FROM hardest_samples JOIN `+final+` USING (run_id, epoch)
		QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY rank, sample) <= `+strconv.Itoa(hardestShown)+`
		ORDER BY run_id, rank, sample`, func(rows *dbsql.Rows) error {
		var id int64
		var h hardRow
		if err := rows.Scan(&id, &h.Rank, &h.Sample, &h.Key, &h.Label, &h.Boundary, &h.Of, &h.N2Ratio, &h.Flipped, &h.Known); err != nil {
			return err
		}
		if r := byID[id]; r != nil && r.samples != nil {
			r.samples.hardest = append(r.samples.hardest, h)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read hardest samples: %w", err)
	}
	return each(ctx, db, `SELECT run_id, coalesce(config::VARCHAR, '') FROM runs`, func(rows *dbsql.Rows) error {
		var id int64
		var config string
		if err := rows.Scan(&id, &config); err != nil {
			return err
		}
		if r := byID[id]; r != nil && r.samples != nil {
			r.samples.images = imagesOf(config)
		}
		return nil
	})
}

// imagesOf reads where a run's images are from its config (cxray
// analyze's: data, split, data_dir, data_path).
func imagesOf(config string) imageSource {
	var c struct {
		Data     string `json:"data"`
		Split    string `json:"split"`
		DataDir  string `json:"data_dir"`
		DataPath string `json:"data_path"`
		DataCwd  string `json:"data_cwd"`
		Image    string `json:"image"`
	}
	if json.Unmarshal([]byte(config), &c) != nil {
		return imageSource{}
	}
	switch {
	case c.Data == "mnist":
		return imageSource{kind: "mnist", split: c.Split, dataDir: c.DataDir}
	case strings.HasPrefix(c.Data, "imagefolder:"):
		root := c.DataPath
		if root == "" {
			root = strings.TrimPrefix(c.Data, "imagefolder:")
		}
		return imageSource{kind: "imagefolder", root: root}
	case strings.HasPrefix(c.Data, "parquet:"):
		return imageSource{kind: "parquet", root: c.DataCwd, column: c.Image}
	}
	return imageSource{}
}

// depthCurve is the fraction of label's samples that are off the
// boundary from each layer on: at layer L, those whose separation layer
// is at most L.
func (p *perSample) depthCurve(label string) (xs, ys []float64) {
	total := 0
	for _, n := range p.depth[label] {
		total += n
	}
	if total == 0 {
		return nil, nil
	}
	for _, l := range p.layers {
		sep := 0
		for layer, n := range p.depth[label] {
			if layer >= 0 && layer <= l {
				sep += n
			}
		}
		xs = append(xs, float64(l))
		ys = append(ys, float64(sep)/float64(total))
	}
	return xs, ys
}
