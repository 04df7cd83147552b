package source

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// csvSource streams a CSV file with a header row. The format forces two
// passes: the class ids and the number of rows must be known before the
// first batch, and only a full read of the file can tell them. The first
// pass keeps just the distinct label values; the second decodes batches.
type csvSource struct {
	path     string
	f        *os.File
	r        *csv.Reader
	columns  []string
	labelCol int
	features []int // column indexes of the features, in file order
	classes  []string
	classID  map[string]int32
	n        int // rows to yield, after Limit
	pos      int
	err      error // sticky: once Next failed it keeps failing
}

// OpenCSV opens the CSV file at path. Every column but the one named
// opt.Label ("label" by default) must hold numbers. Class ids follow the
// order in which label values first appear in the whole file, so they do
// not change with opt.Limit.
func OpenCSV(path string, opt Options) (Source, error) {
	label := opt.Label
	if label == "" {
		label = "label"
	}
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all rows", path, opt.Limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the path
	}
	s := &csvSource{path: path, f: f, classID: map[string]int32{}}
	if err := s.scan(label, opt.Limit); err != nil {
		f.Close()
		return nil, err
	}
	if err := s.rewind(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// reader starts a csv.Reader at the top of the file and reads the header.
func (s *csvSource) reader() ([]string, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	s.r = csv.NewReader(bufio.NewReaderSize(s.f, 1<<16))
	s.r.ReuseRecord = true
	s.r.TrimLeadingSpace = true
	header, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: file is empty; a header row with the column names is required", s.path)
	}
	if err != nil {
		return nil, s.csvError(err)
	}
	return header, nil
}

// scan is the first pass: it reads the header, counts the rows, collects
// the label values and checks the cells of the rows that will be used,
// so that a bad cell stops the run at Open rather than halfway through.
func (s *csvSource) scan(label string, limit int) error {
	header, err := s.reader()
	if err != nil {
		return err
	}
	s.columns = make([]string, len(header))
	s.labelCol = -1
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // byte order mark from spreadsheets
		}
		if j, dup := seen[h]; dup {
			return fmt.Errorf("%s: column %q appears twice in the header (columns %d and %d); names must be unique", s.path, h, j+1, i+1)
		}
		seen[h] = i
		s.columns[i] = h
		if h == label {
			s.labelCol = i
		} else {
			s.features = append(s.features, i)
		}
	}
	if s.labelCol < 0 {
		return fmt.Errorf("%s: no label column %q; columns found: %s; choose one with --label%s",
			s.path, label, quoteAll(s.columns), headerHint(s.columns))
	}
	if len(s.features) == 0 {
		return fmt.Errorf("%s: no feature columns besides the label column %q", s.path, label)
	}

	rows := 0
	for {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.csvError(err)
		}
		line, _ := s.r.FieldPos(0)
		if _, err := s.labelOf(rec, line, true); err != nil {
			return err
		}
		if limit == 0 || rows < limit {
			for _, c := range s.features {
				if _, err := s.cell(rec, line, c); err != nil {
					return err
				}
			}
		}
		rows++
	}
	if rows == 0 {
		return fmt.Errorf("%s: no data rows after the header", s.path)
	}
	s.n, err = checkLimit(s.path, limit, rows)
	return err
}

// rewind starts the second pass.
func (s *csvSource) rewind() error {
	header, err := s.reader()
	if err != nil {
		return err
	}
	if len(header) != len(s.columns) {
		return fmt.Errorf("%s: the header changed while the file was being read", s.path)
	}
	return nil
}

// missingLabel reports whether a label cell is how R, pandas or numpy
// write a missing value. A class would otherwise be made of the rows whose
// label is unknown.
func missingLabel(v string) bool {
	switch strings.ToLower(v) {
	case "nan", "na", "n/a", "null", "none", "<na>":
		return true
	}
	return false
}

// labelOf returns the class id of rec's label, adding a new class only
// during the first pass.
func (s *csvSource) labelOf(rec []string, line int, add bool) (int32, error) {
	v := strings.TrimSpace(rec[s.labelCol])
	if v == "" {
		return 0, fmt.Errorf("%s line %d, column %q: the label is empty", s.path, line, s.columns[s.labelCol])
	}
	if missingLabel(v) {
		return 0, fmt.Errorf("%s line %d, column %q: the label is %s, a missing value; drop the row or give it a class", s.path, line, s.columns[s.labelCol], v)
	}
	id, ok := s.classID[v]
	if !ok {
		if !add {
			return 0, fmt.Errorf("%s line %d, column %q: label %q was not in the file on the first pass; the file changed while being read",
				s.path, line, s.columns[s.labelCol], v)
		}
		id = int32(len(s.classes))
		s.classID[v] = id
		s.classes = append(s.classes, v)
	}
	return id, nil
}

// cell parses column c of rec as a finite float32.
func (s *csvSource) cell(rec []string, line, c int) (float32, error) {
	text := strings.TrimSpace(rec[c])
	v, err := strconv.ParseFloat(text, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%s line %d, column %q: %q is out of the float32 range", s.path, line, s.columns[c], text)
	case err != nil:
		return 0, fmt.Errorf("%s line %d, column %q: %q is not a number", s.path, line, s.columns[c], text)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%s line %d, column %q: %q is not a finite number", s.path, line, s.columns[c], text)
	}
	return float32(v), nil
}

// csvError turns an encoding/csv error into one line naming the file.
func (s *csvSource) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("%s line %d: wrong number of fields; the header has %d columns", s.path, pe.StartLine, len(s.columns))
		}
		return fmt.Errorf("%s line %d, column %d: %v", s.path, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %v", s.path, err)
}

func (s *csvSource) Name() string       { return "csv:" + s.path }
func (s *csvSource) SampleShape() []int { return []int{len(s.features)} }
func (s *csvSource) Dim() int           { return len(s.features) }
func (s *csvSource) Len() int           { return s.n }
func (s *csvSource) Classes() []string  { return append([]string(nil), s.classes...) }

func (s *csvSource) Next(b *Batch, max int) error {
	if s.err != nil {
		return s.err
	}
	if err := checkMax(s.Name(), max); err != nil {
		return err
	}
	if s.f == nil {
		return fmt.Errorf("%s: Next called after Close", s.Name())
	}
	if s.pos >= s.n {
		return io.EOF
	}
	k := min(max, s.n-s.pos)
	d := len(s.features)
	b.resize(k, d)
	for i := range k {
		if err := s.row(b.X[i*d:(i+1)*d], &b.Labels[i]); err != nil {
			s.err = err
			return err
		}
	}
	s.pos += k
	return nil
}

// row decodes the next record into x and label.
func (s *csvSource) row(x []float32, label *int32) error {
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: file ended after %d rows, but the first pass counted more; the file changed while being read", s.path, s.pos)
	}
	if err != nil {
		return s.csvError(err)
	}
	line, _ := s.r.FieldPos(0)
	if *label, err = s.labelOf(rec, line, false); err != nil {
		return err
	}
	for j, c := range s.features {
		if x[j], err = s.cell(rec, line, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *csvSource) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// headerHint explains a missing label column when the first line holds
// a number: column names rarely are, so the file most likely has no
// header at all.
func headerHint(columns []string) string {
	for _, c := range columns {
		if _, err := strconv.ParseFloat(c, 64); err == nil {
			return "; the first line looks like data, but a header row is required"
		}
	}
	return ""
}
