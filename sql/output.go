package sql

import (
	"bufio"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// rowWriter writes a result set row by row; end finishes the output and
// must be called also when there were no rows.
type rowWriter interface {
	row(vals []driver.Value) error
	end() error
}

func newRowWriter(f Format, w io.Writer, cols []column) rowWriter {
	switch f {
	case FormatCSV:
		return newCSVWriter(w, cols)
	case FormatJSON:
		return newJSONWriter(w, cols)
	}
	return &tableWriter{w: w, cols: cols}
}

// tableWriter holds all rows as text until end, which knows the widths.
type tableWriter struct {
	w     io.Writer
	cols  []column
	cells [][]string
}

// tableEscaper keeps one row on one line.
var tableEscaper = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

func (t *tableWriter) row(vals []driver.Value) error {
	r := make([]string, len(vals))
	for i, v := range vals {
		r[i] = tableEscaper.Replace(text(v, t.cols[i], false))
	}
	t.cells = append(t.cells, r)
	return nil
}

func (t *tableWriter) end() error {
	width := make([]int, len(t.cols))
	header := make([]string, len(t.cols))
	dashes := make([]string, len(t.cols))
	for i, c := range t.cols {
		header[i] = tableEscaper.Replace(c.name)
		width[i] = utf8.RuneCountInString(header[i])
	}
	for _, r := range t.cells {
		for i, s := range r {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	for i := range dashes {
		dashes[i] = strings.Repeat("-", width[i])
	}
	bw := bufio.NewWriter(t.w)
	t.line(bw, header, width)
	t.line(bw, dashes, width)
	for _, r := range t.cells {
		t.line(bw, r, width)
	}
	return bw.Flush()
}

func (t *tableWriter) line(bw *bufio.Writer, cells []string, width []int) {
	var sb strings.Builder
	for i, s := range cells {
		if i > 0 {
			sb.WriteString("  ")
		}
		pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
		if t.cols[i].numeric {
			sb.WriteString(pad)
			sb.WriteString(s)
		} else {
			sb.WriteString(s)
			sb.WriteString(pad)
		}
	}
	bw.WriteString(strings.TrimRight(sb.String(), " "))
	bw.WriteByte('\n')
}

type csvWriter struct {
	w    *csv.Writer
	cols []column
	rec  []string
	err  error // from the header, reported by the first call
}

func newCSVWriter(w io.Writer, cols []column) *csvWriter {
	c := &csvWriter{w: csv.NewWriter(w), cols: cols, rec: make([]string, len(cols))}
	for i, col := range cols {
		c.rec[i] = col.name
	}
	c.err = c.w.Write(c.rec)
	return c
}

func (c *csvWriter) row(vals []driver.Value) error {
	if c.err != nil {
		return c.err
	}
	for i, v := range vals {
		if v == nil {
			c.rec[i] = ""
		} else {
			c.rec[i] = text(v, c.cols[i], true)
		}
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) end() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes one object per line between the brackets of an array.
type jsonWriter struct {
	w    *bufio.Writer
	cols []column
	keys []string // marshalled, unique
	n    int
}

func newJSONWriter(w io.Writer, cols []column) *jsonWriter {
	j := &jsonWriter{w: bufio.NewWriter(w), cols: cols, keys: make([]string, len(cols))}
	seen := make(map[string]bool)
	for i, c := range cols {
		key := c.name
		for k := 1; seen[key]; k++ {
			key = fmt.Sprintf("%s_%d", c.name, k)
		}
		seen[key] = true
		j.keys[i] = jsonText(key)
	}
	return j
}

func (j *jsonWriter) row(vals []driver.Value) error {
	if j.n == 0 {
		j.w.WriteString("[\n{")
	} else {
		j.w.WriteString(",\n{")
	}
	j.n++
	for i, v := range vals {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteString(j.keys[i])
		j.w.WriteByte(':')
		j.w.WriteString(jsonText(jsonValue(v, j.cols[i])))
	}
	_, err := j.w.WriteString("}")
	return err
}

func (j *jsonWriter) end() error {
	if j.n == 0 {
		j.w.WriteString("[]\n")
	} else {
		j.w.WriteString("\n]\n")
	}
	return j.w.Flush()
}
