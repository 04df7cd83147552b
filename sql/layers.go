package sql

import (
	"context"
	dbsql "database/sql"
	"encoding/json"
	"fmt"
	"math"
)

// Layer is one tapped layer of a run.
type Layer struct {
	Index    int    // position among the run's tapped layers, unique per run
	Name     string // the name metrics use for the layer
	NodeName string // the ONNX node that produced the tensor
	OpType   string // the ONNX operator, e.g. Conv
	Shape    []int  // per-sample shape, without the batch dimension; nil if unknown
	Dim      int    // features per sample; 0 means the product of Shape
}

// AddLayers inserts ls in one transaction: either all are stored or none.
// Indices must be unique within the run, across calls too.
func (r *Run) AddLayers(ctx context.Context, ls []Layer) error {
	type row struct {
		index int32
		shape any
		dim   int64
	}
	rows := make([]row, len(ls))
	for i, l := range ls {
		idx, err := toInt32("layer index", l.Index)
		if err != nil {
			return fmt.Errorf("run %d: add layers: %w", r.id, err)
		}
		shape, dim, err := layerShape(l)
		if err != nil {
			return fmt.Errorf("run %d: add layers: layer %d: %w", r.id, l.Index, err)
		}
		rows[i] = row{idx, shape, dim}
	}

	err := r.write(ctx, func(_ *dbsql.Conn, tx *dbsql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO layers VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, l := range ls {
			_, err := stmt.ExecContext(ctx, r.id, rows[i].index, nullString(l.Name),
				nullString(l.NodeName), nullString(l.OpType), rows[i].shape, rows[i].dim)
			if err != nil {
				return fmt.Errorf("layer %d: %w", l.Index, err)
			}
		}
		return nil
	})
	if err != nil {
		return oneLine(fmt.Errorf("run %d: add layers: %w", r.id, err))
	}
	return nil
}

// layerShape returns the JSON text of l.Shape (nil for no shape) and the
// layer's dim, checking that the two agree.
func layerShape(l Layer) (shape any, dim int64, err error) {
	if l.Dim < 0 {
		return nil, 0, fmt.Errorf("negative dim %d", l.Dim)
	}
	if l.Shape == nil {
		return nil, int64(l.Dim), nil
	}
	prod := int64(1)
	for _, d := range l.Shape {
		if d < 0 {
			return nil, 0, fmt.Errorf("negative size in shape %v", l.Shape)
		}
		if d != 0 && prod > math.MaxInt64/int64(d) {
			return nil, 0, fmt.Errorf("shape %v has more than 2^63 elements", l.Shape)
		}
		prod *= int64(d)
	}
	if l.Dim != 0 && int64(l.Dim) != prod {
		return nil, 0, fmt.Errorf("dim %d does not match shape %v (product %d)", l.Dim, l.Shape, prod)
	}
	b, err := json.Marshal(l.Shape)
	if err != nil {
		return nil, 0, err
	}
	return string(b), prod, nil
}
