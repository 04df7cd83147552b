package sql

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatTable, FormatCSV, FormatJSON} {
		got, err := ParseFormat(strings.ToUpper(f.String()))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", strings.ToUpper(f.String()), got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}

// queryOut runs Query and returns its output.
func queryOut(t *testing.T, s *Store, q string, f Format) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Query(context.Background(), &buf, q, f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return buf.String()
}

// sample is a query over values of many types; the value of x is NULL.
const sample = `SELECT * FROM (VALUES
	(1, 'conv1', 0.123456789::DOUBLE, NULL::VARCHAR, true),
	(22, 'fc, "last"', 12345.678, 'x', false)) t(id, name, value, x, ok)
	ORDER BY id`

func TestQueryTable(t *testing.T) {
	s := openTemp(t)
	got := queryOut(t, s, sample, FormatTable)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	exact := []string{
		"id  name           value  x     ok",
		"--  ----------  --------  ----  -----",
		" 1  conv1       0.123457  NULL  true",
		"22  fc, \"last\"   12345.7  x     false",
	}
	if len(lines) != len(exact) {
		t.Fatalf("table has %d lines, want %d:\n%s", len(lines), len(exact), got)
	}
	for i := range exact {
		if lines[i] != exact[i] {
			t.Errorf("line %d = %q, want %q\n%s", i, lines[i], exact[i], got)
		}
	}

	// An empty result still has its header.
	got = queryOut(t, s, `SELECT 1 AS a WHERE false`, FormatTable)
	if got != "a\n-\n" {
		t.Errorf("empty result = %q", got)
	}
}

func TestQueryCSV(t *testing.T) {
	s := openTemp(t)
	got := queryOut(t, s, sample, FormatCSV)
	if first := strings.SplitN(got, "\n", 2)[0]; first != "id,name,value,x,ok" {
		t.Errorf("header line = %q", first)
	}
	recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "name", "value", "x", "ok"},
		{"1", "conv1", "0.123456789", "", "true"},
		{"22", `fc, "last"`, "12345.678", "x", "false"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(recs), len(want), got)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestQueryJSON(t *testing.T) {
	s := openTemp(t)
	got := queryOut(t, s, sample, FormatJSON)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(got), &rows); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, got)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	r := rows[1]
	if r["id"] != 22.0 || r["name"] != `fc, "last"` || r["value"] != 12345.678 || r["x"] != "x" || r["ok"] != false {
		t.Errorf("row 2 = %v", r)
	}
	if v, ok := rows[0]["x"]; !ok || v != nil {
		t.Errorf("NULL came out as %v (present %v)", v, ok)
	}
	// Keys follow the column order.
	if i, j := strings.Index(got, `"value"`), strings.Index(got, `"x"`); i < 0 || j < i {
		t.Errorf("keys out of column order:\n%s", got)
	}
	if got := queryOut(t, s, `SELECT 1 AS a WHERE false`, FormatJSON); strings.TrimSpace(got) != "[]" {
		t.Errorf("empty result = %q", got)
	}
}

func TestQueryTypes(t *testing.T) {
	s := openTemp(t)
	q := `SELECT
		42::TINYINT AS i8, 12345678901234567890::HUGEINT AS huge, 1.50::DECIMAL(4,2) AS dec,
		1.5::FLOAT AS f32, 'nan'::DOUBLE AS nan, 1e-7::DOUBLE AS tiny, 1234567.0::DOUBLE AS big,
		DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 13:04:05.25' AS ts, TIME '01:02:03' AS tm,
		INTERVAL '1 year 2 months 3 days 04:05:06' AS iv,
		'\x01A\x5C'::BLOB AS blob, '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID AS id,
		[1, 2, 3] AS list, {'a': 1, 'b': 'x'} AS st, MAP {'k': 2, 'b': 1} AS mp,
		'{"z": [1, null], "a": "<b>"}'::JSON AS js, 'tab	and
newline' AS ws`
	table := queryOut(t, s, q, FormatTable)
	lines := strings.Split(table, "\n")
	if len(lines) != 4 {
		t.Fatalf("table has %d lines:\n%s", len(lines), table)
	}
	for _, want := range []string{
		"42  12345678901234567890", "1.5", "NaN", "1e-07", "1234567", "2024-02-29",
		"2024-02-29 13:04:05.25", "01:02:03", "1 year 2 months 3 days 04:05:06",
		`\x01A\x5C`, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "[1,2,3]", `{"a":1,"b":"x"}`,
		`{"k":2,"b":1}`, `{"a":"<b>","z":[1,null]}`, `tab\tand\nnewline`,
	} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("table row lacks %q:\n%s", want, table)
		}
	}

	var rows []map[string]any
	out := queryOut(t, s, q, FormatJSON)
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, out)
	}
	r := rows[0]
	for key, want := range map[string]any{
		"i8": 42.0, "huge": 12345678901234567890.0, "dec": 1.5, "f32": 1.5, "nan": nil,
		"tiny": 1e-7, "d": "2024-02-29", "ts": "2024-02-29 13:04:05.25",
	} {
		if r[key] != want {
			t.Errorf("JSON %s = %#v, want %#v", key, r[key], want)
		}
	}
	if l, ok := r["list"].([]any); !ok || len(l) != 3 || l[2] != 3.0 {
		t.Errorf("JSON list = %#v, want a nested array", r["list"])
	}
	if js, ok := r["js"].(map[string]any); !ok || js["a"] != "<b>" {
		t.Errorf("JSON js = %#v, want a nested object", r["js"])
	}
	if !strings.Contains(out, `"mp":{"k":2,"b":1}`) {
		t.Errorf("MAP lost its order:\n%s", out)
	}
	// The exact digits of a HUGEINT survive in the text.
	if !strings.Contains(out, `"huge":12345678901234567890`) {
		t.Errorf("HUGEINT lost digits:\n%s", out)
	}

	csvOut := queryOut(t, s, `SELECT 0.1::DOUBLE AS a, 1e300 AS b, NULL AS c`, FormatCSV)
	if csvOut != "a,b,c\n0.1,1e+300,\n" {
		t.Errorf("CSV floats = %q", csvOut)
	}
}

func TestQueryStatements(t *testing.T) {
	s := openTemp(t)
	for _, f := range []Format{FormatTable, FormatCSV} {
		if got := queryOut(t, s, `CREATE TABLE IF NOT EXISTS notes (a INTEGER)`, f); got != "" {
			t.Errorf("%v: CREATE wrote %q", f, got)
		}
	}
	if got := queryOut(t, s, `DROP TABLE notes`, FormatJSON); strings.TrimSpace(got) != "[]" {
		t.Errorf("json: DROP wrote %q", got)
	}
	// Several statements: the last one's result is written.
	got := queryOut(t, s, `CREATE TABLE n2 (a INTEGER); INSERT INTO n2 VALUES (1), (2); SELECT sum(a) AS s FROM n2`, FormatCSV)
	if got != "s\n3\n" {
		t.Errorf("multi-statement query wrote %q", got)
	}
	// Duplicate names stay distinct keys in JSON.
	var rows []map[string]any
	if err := json.Unmarshal([]byte(queryOut(t, s, `SELECT 1 AS a, 2 AS a`, FormatJSON)), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["a"] != 1.0 || rows[0]["a_1"] != 2.0 {
		t.Errorf("duplicate columns = %v", rows)
	}

	ctx := context.Background()
	var buf bytes.Buffer
	for _, bad := range []string{`SELEC 1`, `SELECT * FROM no_such_table`, `SELECT ?`, ``} {
		err := s.Query(ctx, &buf, bad, FormatTable)
		if err == nil {
			t.Errorf("Query(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("Query(%q): error is not one line: %q", bad, err)
		}
	}
	if err := s.Query(ctx, &buf, `SELECT 1`, Format(7)); err == nil {
		t.Error("Query with an unknown format succeeded")
	}
}

func TestFormatFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {0.5, "0.5"}, {0.123456789, "0.123457"}, {12.3456789, "12.3457"},
		{1234567.25, "1234567"}, {-2.5, "-2.5"}, {9.9999999, "10"}, {0.000123456, "0.000123456"},
		{1.5e-7, "1.5e-07"}, {2e15, "2e+15"}, {100, "100"},
	} {
		if got := formatFloat(tc.v, 64, false); got != tc.want {
			t.Errorf("formatFloat(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
