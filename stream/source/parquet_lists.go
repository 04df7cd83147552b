package source

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// parquetLists reads Parquet columns of lists of numbers, such as the
// token ids and attention masks of a text dataset, as sequences: each
// column is a part of every sample, as long as its longest list over all
// files; a shorter list is padded with zeros (the padding token id and a
// mask value of 0, as tokenizers pad). All lists of a row must have one
// length, since a mask and its ids go together. A NULL list, a NULL, NaN
// or infinite element, and an integer beyond ±2^24 (MaxExactInt) in an
// integer column are errors naming the file, row and column.
type parquetLists struct {
	cols    []string
	ints    []bool // the column holds integers
	lens    []int  // each column's longest list: its part's length
	padded  []bool // some lists are shorter
	dim     int    // the sum of lens
	vals    []any  // scan targets, one per column
	lengths []int  // scratch: the lengths of a row's lists
}

// isNumericList reports a DuckDB type of lists of integers or floats,
// such as BIGINT[] or DOUBLE[].
func isNumericList(typ string) bool {
	elem, ok := strings.CutSuffix(typ, "[]")
	k := columnKind(elem)
	return ok && (k == colInt || k == colFloat)
}

// newParquetLists returns the list columns' reader when the chosen
// features are lists, nil when none is, and an error when they mix.
func newParquetLists(cols []parquetColumn, features []string) (*parquetLists, error) {
	typ := map[string]string{}
	for _, c := range cols {
		typ[c.name] = c.typ
	}
	var lists, scalars []string
	for _, f := range features {
		if isNumericList(typ[f]) {
			lists = append(lists, f)
		} else {
			scalars = append(scalars, f)
		}
	}
	switch {
	case len(lists) == 0:
		return nil, nil
	case len(scalars) > 0:
		return nil, fmt.Errorf("--features mixes list columns (%s) with scalar ones (%s); choose the lists that feed a model's inputs, or the numbers that make a feature vector", quoteAll(lists), quoteAll(scalars))
	}
	p := &parquetLists{cols: lists, vals: make([]any, len(lists))}
	for _, f := range lists {
		p.ints = append(p.ints, columnKind(strings.TrimSuffix(typ[f], "[]")) == colInt)
	}
	return p, nil
}

// open finds each column's longest and shortest list over all files, and
// refuses a NULL list.
func (p *parquetLists) open(ctx context.Context, s *parquetSource) error {
	for _, c := range p.cols {
		col := quoteIdent(c)
		var lo, hi, nulls int64
		q := "SELECT coalesce(min(len(" + col + ")), 0), coalesce(max(len(" + col + ")), 0), count(*) FILTER (WHERE " + col + " IS NULL) FROM " + readParquet(s.dbFiles, false)
		if err := s.db.QueryRowContext(ctx, q).Scan(&lo, &hi, &nulls); err != nil {
			return fmt.Errorf("%s: column %q: %v", s.Name(), c, oneLineErr(err))
		}
		if nulls > 0 {
			var file string
			var row int64
			err := s.db.QueryRowContext(ctx, "SELECT filename, file_row_number FROM "+readParquet(s.dbFiles, true)+" WHERE "+col+" IS NULL ORDER BY filename, file_row_number LIMIT 1").Scan(&file, &row)
			if err == nil {
				return fmt.Errorf("%s row %d, column %q: the list is NULL (missing); drop such rows", s.fileOf(file), row, c)
			}
			return fmt.Errorf("%s: column %q holds NULL lists; drop such rows", s.Name(), c)
		}
		if hi == 0 {
			return fmt.Errorf("%s: column %q holds only empty lists", s.Name(), c)
		}
		if hi > maxItemBytes/4 || int64(p.dim)+hi > maxItemBytes/4 {
			return fmt.Errorf("%s: column %q holds lists of up to %d values, more than the %d values a sample may have", s.Name(), c, hi, maxItemBytes/4)
		}
		p.lens = append(p.lens, int(hi))
		p.padded = append(p.padded, lo != hi)
		p.dim += int(hi)
	}
	return nil
}

// row decodes the scanned lists of one row into x, zero-padded.
func (p *parquetLists) row(x []float32, file string, row int64) error {
	clear(x)
	p.lengths = p.lengths[:0]
	off := 0
	for j, v := range p.vals {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s row %d, column %q: not a list (%T); the file changed while being read", file, row, p.cols[j], v)
		}
		if len(list) > p.lens[j] {
			return fmt.Errorf("%s row %d, column %q: %d values, more than the %d found when the files were opened; the file changed while being read", file, row, p.cols[j], len(list), p.lens[j])
		}
		for i, e := range list {
			where := fmt.Sprintf("%s row %d, column %q, element %d", file, row, p.cols[j], i)
			f, ok := e.(float64)
			switch {
			case !ok:
				return fmt.Errorf("%s: the value is NULL (missing); remove or impute it", where)
			case math.IsNaN(f) || math.IsInf(f, 0):
				return notFinite(where, f)
			case p.ints[j] && math.Abs(f) > MaxExactInt:
				return beyondExact(where, fmt.Sprint(int64(f)))
			case math.Abs(f) > math.MaxFloat32:
				return outOfRange(where, f)
			}
			x[off+i] = float32(f)
		}
		p.lengths = append(p.lengths, len(list))
		off += p.lens[j]
	}
	for j, n := range p.lengths {
		if n != p.lengths[0] {
			return fmt.Errorf("%s row %d: column %q holds %d values and %q %d; the lists of a row (token ids, their mask) must have one length", file, row, p.cols[0], p.lengths[0], p.cols[j], n)
		}
	}
	return nil
}

// parquetSequences is a Parquet source of list columns: a Layered source
// with one part per column, so that each can feed its own model input.
type parquetSequences struct{ *parquetSource }

func (s parquetSequences) Parts() []Part {
	p := s.seq
	parts := make([]Part, len(p.cols))
	off := 0
	for j, c := range p.cols {
		parts[j] = Part{Name: c, Path: s.Name(), Shape: []int{p.lens[j]}, Dim: p.lens[j], Off: off, Padded: p.padded[j], Int: p.ints[j]}
		off += p.lens[j]
	}
	return parts
}
