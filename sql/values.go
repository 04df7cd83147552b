package sql

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// nullString maps the empty string to SQL NULL, so analysts test optional
// text columns with IS NULL only.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// marshalJSON marshals v for a JSON column. nil, and anything that
// marshals to null, is SQL NULL.
func marshalJSON(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return string(b), nil
}

// toInt32 converts v for an INTEGER column, refusing values that do not fit.
func toInt32(what string, v int) (int32, error) {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, fmt.Errorf("%s %d does not fit in an INTEGER column", what, v)
	}
	return int32(v), nil
}

// lineError is an error whose text is kept to one line.
type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

// oneLine returns err with its text on one line. DuckDB's messages often
// add a LINE n: excerpt of the SQL with a caret under the position; those
// lines are dropped (the message names the offending token), the others
// are joined.
func oneLine(err error) error {
	if err == nil || !strings.ContainsAny(err.Error(), "\r\n") {
		return err
	}
	var keep []string
	lines := strings.FieldsFunc(err.Error(), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "LINE ") {
			i++ // the caret line under it
			continue
		}
		if l != "" {
			keep = append(keep, l)
		}
	}
	return &lineError{msg: strings.Join(keep, " "), err: err}
}

// nullInt maps 0 to SQL NULL, for optional counts where 0 means unknown.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullNaN maps NaN to SQL NULL, for values that were not measured.
func nullNaN(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}
