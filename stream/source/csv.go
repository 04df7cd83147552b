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
	in       *boundedReader // f, bounded to one record ahead
	r        *csv.Reader
	recStart int64 // byte offset of the record being read
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
//
// path must be a regular file. A record longer than MaxCSVRecord bytes, a
// header of more than MaxColumns columns and a label column of more
// than MaxClasses distinct values are errors.
func OpenCSV(path string, opt Options) (Source, error) {
	label := opt.Label
	if label == "" {
		label = "label"
	}
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all rows", path, opt.Limit)
	}
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	s := &csvSource{path: path, f: f, in: &boundedReader{r: f}, classID: map[string]int32{}}
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
	*s.in = boundedReader{r: s.f}
	s.r = csv.NewReader(bufio.NewReaderSize(s.in, 1<<16))
	s.r.ReuseRecord = true
	s.r.TrimLeadingSpace = true
	header, err := s.read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: file is empty; a header row with the column names is required", s.path)
	}
	if err != nil {
		return nil, s.csvError(err, "the header")
	}
	if len(header) > MaxColumns {
		return nil, fmt.Errorf("%s: the header has %d columns, more than the %d cxray reads; is it a CSV file?", s.path, len(header), MaxColumns)
	}
	return header, nil
}

// read reads the next record, letting the reader go at most MaxCSVRecord
// bytes past the record's start.
func (s *csvSource) read() ([]string, error) {
	s.recStart = s.r.InputOffset()
	s.in.limit = s.recStart + MaxCSVRecord
	return s.r.Read()
}

// boundedReader reads r up to the offset limit and then fails with
// errRecordTooLong, unless r ends there.
type boundedReader struct {
	r     io.Reader
	pos   int64 // bytes read from r
	limit int64
}

var errRecordTooLong = errors.New("record too long")

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.pos >= b.limit {
		// A file may end right at the limit; one byte more tells.
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 && errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, errRecordTooLong
	}
	if int64(len(p)) > b.limit-b.pos {
		p = p[:b.limit-b.pos]
	}
	n, err := b.r.Read(p)
	b.pos += int64(n)
	return n, err
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
		rec, err := s.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.csvError(err, fmt.Sprintf("row %d", rows))
		}
		line, _ := s.r.FieldPos(0)
		if _, err := s.labelOf(rec, rows, line, true); err != nil {
			return err
		}
		if limit == 0 || rows < limit {
			for _, c := range s.features {
				if _, err := s.cell(rec, rows, line, c); err != nil {
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

// where names the cell at column c of data row row (counted from 0), on
// line line of the file (counted from 1, the header included).
func (s *csvSource) where(row, line, c int) string {
	return fmt.Sprintf("%s row %d (line %d), column %q", s.path, row, line, s.columns[c])
}

// labelOf returns the class id of rec's label, adding a new class only
// during the first pass.
func (s *csvSource) labelOf(rec []string, row, line int, add bool) (int32, error) {
	v := strings.TrimSpace(rec[s.labelCol])
	if v == "" {
		return 0, fmt.Errorf("%s: the label is empty", s.where(row, line, s.labelCol))
	}
	if missingLabel(v) {
		return 0, fmt.Errorf("%s: the label is %s, a missing value; drop the row or give it a class", s.where(row, line, s.labelCol), v)
	}
	id, ok := s.classID[v]
	if !ok {
		if !add {
			return 0, fmt.Errorf("%s: label %q was not in the file on the first pass; the file changed while being read",
				s.where(row, line, s.labelCol), v)
		}
		if len(s.classes) == MaxClasses {
			return 0, tooManyClasses(s.where(row, line, s.labelCol), "is it the label column? choose another with --label")
		}
		id = int32(len(s.classes))
		s.classID[v] = id
		s.classes = append(s.classes, v)
	}
	return id, nil
}

// cell parses column c of rec as a finite float32.
func (s *csvSource) cell(rec []string, row, line, c int) (float32, error) {
	text := strings.TrimSpace(rec[c])
	v, err := strconv.ParseFloat(text, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, outOfRange(s.where(row, line, c), text)
	case err != nil:
		return 0, fmt.Errorf("%s: %q is not a number", s.where(row, line, c), text)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, notFinite(s.where(row, line, c), v)
	}
	return float32(v), nil
}

// csvError turns an error from reading record what ("the header", "row
// 3") into one line naming the file.
func (s *csvSource) csvError(err error, what string) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errRecordTooLong):
		return fmt.Errorf("%s: %s, from byte %d, is longer than %d bytes, the most cxray reads as one CSV record; is it a CSV file, with every quote closed?",
			s.path, what, s.recStart, MaxCSVRecord)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		return fmt.Errorf("%s %s (line %d): wrong number of fields; the header has %d columns", s.path, what, pe.StartLine, len(s.columns))
	case errors.As(err, &pe):
		return fmt.Errorf("%s %s (line %d, byte %d): %v", s.path, what, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %s: %v", s.path, what, err)
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
		if err := s.row(s.pos+i, b.X[i*d:(i+1)*d], &b.Labels[i]); err != nil {
			s.err = err
			return err
		}
	}
	s.pos += k
	return nil
}

// row decodes data row i, the next record, into x and label.
func (s *csvSource) row(i int, x []float32, label *int32) error {
	rec, err := s.read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: file ended after %d rows, but the first pass counted more; the file changed while being read", s.path, i)
	}
	if err != nil {
		return s.csvError(err, fmt.Sprintf("row %d", i))
	}
	line, _ := s.r.FieldPos(0)
	if *label, err = s.labelOf(rec, i, line, false); err != nil {
		return err
	}
	for j, c := range s.features {
		if x[j], err = s.cell(rec, i, line, c); err != nil {
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
