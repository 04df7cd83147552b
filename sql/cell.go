package sql

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// column is a result column as the output writers see it.
type column struct {
	name    string
	dbType  string // DuckDB type name, e.g. INTEGER, DECIMAL(4,2), JSON
	numeric bool   // right-aligned in tables
	nested  bool   // LIST, STRUCT, MAP, ARRAY or JSON: written as JSON text
}

func newColumn(name, dbType string) column {
	c := column{name: name, dbType: dbType}
	switch base(dbType) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "BIGNUM",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"FLOAT", "DOUBLE", "DECIMAL":
		c.numeric = true
	case "JSON", "STRUCT", "MAP":
		c.nested = true
	}
	// duckdb-go names lists and arrays by their element type: INTEGER[], INTEGER[3].
	if strings.HasSuffix(dbType, "]") {
		c.nested, c.numeric = true, false
	}
	return c
}

// base strips a type's parameters: DECIMAL(4,2) is a DECIMAL.
func base(dbType string) string {
	if i := strings.IndexByte(dbType, '('); i >= 0 {
		return dbType[:i]
	}
	return dbType
}

// text formats v for table and CSV output. full selects the
// round-tripping float format of CSV over the short one of tables.
func text(v any, c column, full bool) string {
	if c.nested && v != nil {
		return jsonText(jsonable(v))
	}
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return formatFloat(v, 64, full)
	case float32:
		return formatFloat(float64(v), 32, full)
	case time.Time:
		return formatTime(v, c.dbType)
	case []byte:
		if c.dbType == "UUID" && len(v) == 16 {
			return formatUUID(v)
		}
		return formatBlob(v)
	case duckdb.Interval:
		return formatInterval(v)
	case duckdb.Union:
		return text(v.Value, column{dbType: "UNION member"}, full)
	}
	return scalarText(v)
}

// scalarText formats the values that look the same in every format.
func scalarText(v any) string {
	switch v := v.(type) {
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return fmt.Sprint(v)
	case *big.Int:
		return v.String()
	case duckdb.Decimal:
		return v.String()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// formatFloat writes NaN and infinities as NaN, Inf and -Inf. Otherwise
// the full form is the shortest text that reads back as the same value,
// as encoding/json writes it; the short form is described in the package
// documentation.
func formatFloat(v float64, bits int, full bool) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0:
		return "0"
	}
	if full {
		return jsonText(jsonFloat(v, bits))
	}
	a := math.Abs(v)
	if a < 1e-4 || a >= 1e15 {
		return strconv.FormatFloat(v, 'g', 6, bits)
	}
	decimals := max(0, 5-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(v, 'f', decimals, bits)
	if strings.ContainsRune(s, '.') {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// formatTime writes times as DuckDB does, in UTC. Fractions of a second
// appear only when nonzero.
func formatTime(t time.Time, dbType string) string {
	switch dbType {
	case "DATE":
		return t.Format("2006-01-02")
	case "TIME":
		return t.Format("15:04:05.999999999")
	case "TIMETZ":
		return t.Format("15:04:05.999999999-07")
	case "TIMESTAMPTZ":
		return t.UTC().Format("2006-01-02 15:04:05.999999999-07")
	}
	return t.Format("2006-01-02 15:04:05.999999999")
}

// formatInterval writes an interval as DuckDB does: 1 year 2 months 3 days 04:05:06.5.
func formatInterval(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, name string) {
		if n == 1 || n == -1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		} else if n != 0 {
			parts = append(parts, fmt.Sprintf("%d %ss", n, name))
		}
	}
	unit(int64(iv.Months/12), "year")
	unit(int64(iv.Months%12), "month")
	unit(int64(iv.Days), "day")
	if iv.Micros != 0 || len(parts) == 0 {
		m := iv.Micros
		sign := ""
		if m < 0 {
			sign, m = "-", -m
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, m/3_600_000_000, m/60_000_000%60, m/1_000_000%60)
		if frac := m % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// formatBlob keeps printable ASCII and escapes every other byte, and the
// backslash itself, as \xHH, like DuckDB's BLOB to VARCHAR cast.
func formatBlob(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, `\x%02X`, c)
		}
	}
	return sb.String()
}

// jsonValue converts a top-level value of column c for JSON output.
func jsonValue(v any, c column) any {
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		return formatTime(v, c.dbType)
	case []byte:
		return text(v, c, true)
	}
	return jsonable(v)
}

// jsonable converts what the driver returns, nested values included, to
// something encoding/json writes faithfully: exact numbers stay numbers,
// NaN and infinities become null, map keys become strings.
func jsonable(v any) any {
	switch v := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return v
	case float64:
		return jsonFloat(v, 64)
	case float32:
		return jsonFloat(float64(v), 32)
	case *big.Int:
		return json.Number(v.String())
	case duckdb.Decimal:
		return json.Number(v.String())
	case time.Time:
		// Nested values carry no DuckDB type; a zero date means a TIME.
		if y, m, d := v.Date(); y == 1 && m == 1 && d == 1 {
			return v.Format("15:04:05.999999999")
		}
		return v.Format("2006-01-02 15:04:05.999999999")
	case []byte:
		return formatBlob(v)
	case duckdb.Interval:
		return formatInterval(v)
	case duckdb.Union:
		return jsonable(v.Value)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonable(e)
		}
		return out
	case duckdb.OrderedMap:
		keys, vals := v.Keys(), v.Values()
		out := make(orderedObject, len(keys))
		for i, k := range keys {
			out[i] = member{keyText(k), jsonable(vals[i])}
		}
		return out
	case duckdb.Map:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[keyText(k)] = jsonable(e)
		}
		return out
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// orderedObject is a JSON object that keeps its members in order, for
// DuckDB MAPs, whose order is part of the value.
type orderedObject []member

type member struct {
	key   string
	value any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(jsonText(m.key))
		buf.WriteByte(':')
		buf.WriteString(jsonText(m.value))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// keyText turns a MAP key into a JSON object key.
func keyText(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	if j, ok := jsonable(k).(string); ok {
		return j
	}
	return jsonText(jsonable(k))
}

// jsonFloat returns v as a json.Number in the shortest form that reads
// back as the same value, or nil for NaN and infinities, which JSON
// cannot hold.
func jsonFloat(v float64, bits int) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	var f any = v
	if bits == 32 {
		f = float32(v)
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil
	}
	return json.Number(b)
}

// jsonText marshals v without HTML escaping, which would turn < into
// \u003c in text meant for people and tools, not browsers.
func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only unsupported Go types fail, and jsonable leaves none.
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
