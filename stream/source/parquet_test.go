package source

import (
	"bytes"
	dbsql "database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// writeParquet writes the rows of the DuckDB query q to dir/name as
// Parquet, in row groups of rowGroup rows (0: DuckDB's default).
func writeParquet(t testing.TB, dir, name, q string, rowGroup int) string {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := filepath.Join(dir, name)
	opts := "FORMAT parquet"
	if rowGroup > 0 {
		opts += ", ROW_GROUP_SIZE " + strconv.Itoa(rowGroup)
	}
	if _, err := db.Exec("COPY (" + q + ") TO " + quoteString(p) + " (" + opts + ")"); err != nil {
		t.Fatalf("writing %s: %v", name, err)
	}
	return p
}

// The rows come in file order, across windows, row groups and files, with
// labels mapped to classes in numeric order and the default features
// being the numeric columns but the label.
func TestParquetOrderAndClasses(t *testing.T) {
	dir := t.TempDir()
	// Row i: id i, label (i*7)%3 mapped to 10, 2, 1, f = i/4 (float),
	// g = -i (int), s a string column that is not a feature.
	const q = `SELECT i::INTEGER AS id, [10, 2, 1][(i*7)%3 + 1]::BIGINT AS label, (i/4)::FLOAT AS f, 'x' || i AS s,
		(-i)::SMALLINT AS g FROM range(%d, %d) t(i)`
	writeParquet(t, dir, "part-0.parquet", strings.Replace(strings.Replace(q, "%d", "0", 1), "%d", "2500", 1), 300)
	writeParquet(t, dir, "part-1.parquet", strings.Replace(strings.Replace(q, "%d", "2500", 1), "%d", "4000", 1), 1000)
	for _, c := range []struct {
		limit, window, max int
	}{{0, 8192, 64}, {0, 17, 7}, {3000, 100, 1000}, {2500, 64, 2500}, {1, 64, 5}} {
		src, err := Open("parquet:"+filepath.Join(dir, "part-*.parquet"), Options{Limit: c.limit})
		if err != nil {
			t.Fatal(err)
		}
		ps := src.(*parquetSource)
		ps.window = c.window
		n := c.limit
		if n == 0 {
			n = 4000
		}
		if got := ps.Features(); !slices.Equal(got, []string{"id", "f", "g"}) {
			t.Errorf("features %q, want id, f, g", got)
		}
		if got := src.Classes(); !slices.Equal(got, []string{"1", "2", "10"}) {
			t.Errorf("classes %q, want numeric order 1, 2, 10", got)
		}
		if src.Len() != n || src.Dim() != 3 || !slices.Equal(src.SampleShape(), []int{3}) {
			t.Errorf("Len %d Dim %d shape %v", src.Len(), src.Dim(), src.SampleShape())
		}
		x, labels := readAll(t, src, c.max)
		if len(labels) != n {
			t.Fatalf("%+v: %d rows, want %d", c, len(labels), n)
		}
		classOf := map[int]int32{10: 2, 2: 1, 1: 0}
		for i := range n {
			want := []float32{float32(i), float32(i) / 4, float32(-i)}
			if !slices.Equal(x[3*i:3*i+3], want) || labels[i] != classOf[[]int{10, 2, 1}[(i*7)%3]] {
				t.Fatalf("%+v: row %d = %v label %d, want %v label %d", c, i, x[3*i:3*i+3], labels[i], want, classOf[[]int{10, 2, 1}[(i*7)%3]])
			}
		}
		src.Close()
		if err := src.Next(&Batch{}, 1); err == nil {
			t.Error("Next after Close succeeded")
		}
	}
}

func TestParquetStringLabelsAndFeatures(t *testing.T) {
	dir := t.TempDir()
	p := writeParquet(t, dir, "d.parquet", `SELECT ['b', 'a', 'c'][i%3 + 1] AS species, i::DOUBLE AS f1, (2*i)::DECIMAL(10,2) AS f2,
		(3*i)::UTINYINT AS g1, 'n' AS name, i%2 = 0 AS is_even FROM range(10) t(i)`, 0)
	open := func(features string) (Source, error) {
		return Open("parquet:"+p, Options{Label: "species", Features: features})
	}
	for spec, want := range map[string][]string{
		"":               {"f1", "f2", "g1"},
		"f2, f1":         {"f1", "f2"}, // file order
		"f*":             {"f1", "f2"},
		"f?,g1":          {"f1", "f2", "g1"},
		"re:f[0-9]|g.*":  {"f1", "f2", "g1"},
		"re:f1":          {"f1"},
		"[fg]1":          {"f1", "g1"},
		"[fs]*":          {"f1", "f2"}, // a glob may match the label, which is left out
		"re:species|f.*": {"f1", "f2"},
	} {
		src, err := open(spec)
		if err != nil {
			t.Errorf("--features %q: %v", spec, err)
			continue
		}
		if got := src.(*parquetSource).Features(); !slices.Equal(got, want) {
			t.Errorf("--features %q chose %q, want %q", spec, got, want)
		}
		if got := src.Classes(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("classes %q, want sorted a, b, c", got)
		}
		src.Close()
	}
	src, err := open("f1,f2")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	x, labels := readAll(t, src, 4)
	for i := range 10 {
		if x[2*i] != float32(i) || x[2*i+1] != float32(2*i) || labels[i] != []int32{1, 0, 2}[i%3] {
			t.Fatalf("row %d: %v label %d", i, x[2*i:2*i+2], labels[i])
		}
	}

	for spec, want := range map[string]string{
		"name":       `feature column "name" is VARCHAR, not numeric`,
		"is_even,f1": `feature column "is_even" is BOOLEAN, not numeric`,
		"s*":         `glob "s*" matches no column besides the label`,
		"n*":         `feature column "name" is VARCHAR`,
		"nope":       `no column "nope"; columns found: "species", "f1", "f2", "g1", "name", "is_even"`,
		"z*":         `glob "z*" matches no column`,
		"species":    `"species" is the label column`,
		"re:(":       "bad regular expression",
		"re:z.*":     "matches no column",
		"f1,,f2":     "empty item",
		"[":          "bad glob",
		"f1,name":    `"name" is VARCHAR, not numeric`,
		"re:name":    `"name" is VARCHAR`,
		"re:f1|fx":   "", // matches f1: fine
	} {
		src, err := open(spec)
		if want == "" {
			if err != nil {
				t.Errorf("--features %q: %v", spec, err)
			} else {
				src.Close()
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--features %q: error %v, want %q", spec, err, want)
		}
	}
}

func TestParquetErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeParquet(t, dir, "good.parquet", `SELECT i % 2 AS label, i::FLOAT AS x FROM range(5) t(i)`, 0)
	for _, c := range []struct {
		name, q string
		opt     Options
		want    string // from Open, or from Next if it starts with "next:"
	}{
		{"nolabel", `SELECT 1 AS a, 2 AS b`, Options{Label: "class"}, `no label column "class"; columns found: "a", "b"; choose one with --label`},
		{"nulllabel", `SELECT CASE WHEN i = 3 THEN NULL ELSE i % 2 END AS label, i::FLOAT AS x FROM range(5) t(i)`, Options{}, `nulllabel.parquet row 3: the label column "label" is NULL (missing)`},
		{"nanlabel", `SELECT CASE WHEN i = 2 THEN 'nan'::DOUBLE ELSE (i % 2)::DOUBLE END AS label, i::FLOAT AS x FROM range(5) t(i)`, Options{}, `nanlabel.parquet row 2: the label column "label" is NaN`},
		{"halflabel", `SELECT CASE WHEN i = 4 THEN 0.5 ELSE (i % 2)::DOUBLE END AS label, i::FLOAT AS x FROM range(5) t(i)`, Options{}, `halflabel.parquet row 4: the label column "label" is 0.5, not an integer`},
		{"nullstr", `SELECT CASE WHEN i = 1 THEN NULL ELSE 'a' END AS label, i::FLOAT AS x FROM range(5) t(i)`, Options{}, `nullstr.parquet row 1: the label column "label" is NULL`},
		{"datelabel", `SELECT DATE '2020-01-01' AS label, 1.0 AS x`, Options{}, `label column "label" has type DATE; labels must be integers or strings`},
		{"structlabel", "SELECT {'two\nlines': 1} AS label, 1.0 AS x", Options{}, `label column "label" has type "STRUCT(`},
		{"nanfeature", `SELECT i % 2 AS label, CASE WHEN i = 3 THEN 'nan'::FLOAT ELSE i END AS x FROM range(5) t(i)`, Options{}, `next:nanfeature.parquet row 3, column "x": NaN is not a finite number; remove or impute it`},
		{"inffeature", `SELECT i % 2 AS label, CASE WHEN i = 1 THEN '-inf'::DOUBLE ELSE i END AS x FROM range(5) t(i)`, Options{}, `next:inffeature.parquet row 1, column "x": -Inf is not a finite number`},
		{"nullfeature", `SELECT i % 2 AS label, CASE WHEN i = 4 THEN NULL ELSE i END AS x FROM range(5) t(i)`, Options{}, `next:nullfeature.parquet row 4, column "x": the value is NULL (missing)`},
		{"bigfeature", `SELECT i % 2 AS label, CASE WHEN i = 0 THEN 1e300 ELSE i END AS x FROM range(5) t(i)`, Options{}, `next:bigfeature.parquet row 0, column "x": 1e+300 is out of the float32 range`},
		{"onlystrings", `SELECT 'a' AS label, 'b' AS x`, Options{}, `no numeric feature columns besides the label column "label"; columns found: "label", "x"`},
		{"empty", `SELECT 1 AS label, 1.0 AS x WHERE false`, Options{}, "no rows"},
		{"limit", `SELECT i % 2 AS label, i::FLOAT AS x FROM range(5) t(i)`, Options{Limit: 6}, "limit 6 is more than the 5 samples available"},
		{"features", `SELECT 1 AS label, 1.0 AS x`, Options{Features: "y"}, `no column "y"`},
	} {
		p := writeParquet(t, dir, c.name+".parquet", c.q, 0)
		src, err := Open("parquet:"+p, c.opt)
		if next, ok := strings.CutPrefix(c.want, "next:"); ok {
			if err != nil {
				t.Errorf("%s: Open: %v", c.name, err)
				continue
			}
			err = drainErr(src, 2)
			if err2 := src.Next(&Batch{}, 1); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("%s: the error is not sticky: %v", c.name, err2)
			}
			src.Close()
			c.want = next
		} else if err == nil {
			src.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v\nwant one line with %q", c.name, err, c.want)
		}
	}

	notParquet := writeFile(t, dir, "text.parquet", []byte("a,b\n1,2\n"))
	for spec, want := range map[string]string{
		"parquet:" + filepath.Join(dir, "missing.parquet"): "missing.parquet: no such file",
		"parquet:" + filepath.Join(dir, "none-*.parquet"):  "none-*.parquet: no file matches the pattern",
		"parquet:" + dir:        "is a folder; write parquet:" + filepath.Join(dir, "*.parquet"),
		"parquet:" + notParquet: "text.parquet",
		"parquet:":              "has no path",
		"csv:" + good:           "--features", // with Features set below
	} {
		opt := Options{}
		if strings.HasPrefix(spec, "csv:") {
			opt.Features = "x"
		}
		src, err := Open(spec, opt)
		if err == nil {
			src.Close()
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%q): error %v, want one line with %q", spec, err, want)
		}
	}
	// Label values keep their classes whatever the limit.
	src, err := Open("parquet:"+good, Options{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := src.Classes(); !slices.Equal(got, []string{"0", "1"}) {
		t.Errorf("classes with --limit 1: %q", got)
	}
}

// A float label column with integral values names its classes as integers.
func TestParquetFloatAndBoolLabels(t *testing.T) {
	dir := t.TempDir()
	for q, want := range map[string][]string{
		`SELECT (i % 3 - 1)::DOUBLE AS label, i::FLOAT AS x FROM range(6) t(i)`:                 {"-1", "0", "1"},
		`SELECT (i % 2 = 0) AS label, i::FLOAT AS x FROM range(6) t(i)`:                         {"false", "true"},
		`SELECT (i % 2)::DECIMAL(4,1) AS label, i::FLOAT AS x FROM range(6) t(i)`:               {"0", "1"},
		`SELECT (i % 2 * 1000)::UBIGINT AS label, i::HUGEINT AS x FROM range(6) t(i)`:           {"0", "1000"},
		`SELECT CASE WHEN i % 2 = 0 THEN -0.0 ELSE 0.0 END AS label, i AS x FROM range(6) t(i)`: {"0"},
	} {
		p := writeParquet(t, dir, "l.parquet", q, 0)
		src, err := Open("parquet:"+p, Options{})
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if got := src.Classes(); !slices.Equal(got, want) {
			t.Errorf("%s: classes %q, want %q", q, got, want)
		}
		x, labels := readAll(t, src, 4)
		if len(labels) != 6 || x[5] != 5 || math.IsNaN(float64(x[0])) {
			t.Errorf("%s: read %v %v", q, x, labels)
		}
		src.Close()
	}
}

// Files whose label columns are integers of different widths agree, even
// when a value does not fit the first file's type. Which pairs of types
// disagree is in TestHostileInputs.
func TestParquetIntegerWidthsAgree(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, dir, "part-0.parquet", `SELECT (i % 3)::SMALLINT AS label, i::DOUBLE AS x FROM range(4) t(i)`, 0)
	writeParquet(t, dir, "part-1.parquet", `SELECT (i % 3 + 1)::BIGINT AS label, i::DOUBLE AS x FROM range(4) t(i)`, 0)
	writeParquet(t, dir, "part-2.parquet", `SELECT 100000::UINTEGER AS label, 1.0::DOUBLE AS x`, 0)
	src, err := Open("parquet:"+filepath.Join(dir, "part-*.parquet"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := src.Classes(); !slices.Equal(got, []string{"0", "1", "2", "3", "100000"}) {
		t.Errorf("classes %q, want 0, 1, 2, 3, 100000", got)
	}
	_, labels := readAll(t, src, 3)
	if want := []int32{0, 1, 2, 0, 1, 2, 3, 1, 4}; !slices.Equal(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
}

// wideParquet encodes by hand a Parquet file of no rows whose schema has
// an INT32 column "label" and n INT32 columns c0, c1, ...: only the footer,
// parquet.thrift's FileMetaData in Thrift's compact protocol, between the
// magic bytes. DuckDB takes minutes to write a file so wide.
func wideParquet(n int) []byte {
	const tI32, tI64, tBinary, tList, tStruct = 5, 6, 8, 9, 12
	var m bytes.Buffer
	varint := func(v uint64) {
		for v >= 0x80 {
			m.WriteByte(byte(v) | 0x80)
			v >>= 7
		}
		m.WriteByte(byte(v))
	}
	i32 := func(delta byte, v int64) { // a field, delta after the last one
		m.WriteByte(delta<<4 | tI32)
		varint(uint64(v<<1 ^ v>>63))
	}
	str := func(delta byte, s string) {
		m.WriteByte(delta<<4 | tBinary)
		varint(uint64(len(s)))
		m.WriteString(s)
	}
	list := func(delta byte, size int) {
		m.WriteByte(delta<<4 | tList)
		m.WriteByte(0xf0 | tStruct)
		varint(uint64(size))
	}
	leaf := func(name string) { // SchemaElement: 1 type, 3 repetition_type, 4 name
		i32(1, 1) // INT32
		i32(2, 0) // REQUIRED
		str(1, name)
		m.WriteByte(0)
	}
	i32(1, 1)        // 1 version
	list(1, n+2)     // 2 schema
	str(4, "schema") // the root: 4 name, 5 num_children
	i32(1, int64(n+1))
	m.WriteByte(0)
	leaf("label")
	for i := range n {
		leaf(fmt.Sprintf("c%d", i))
	}
	m.WriteByte(1<<4 | tI64) // 3 num_rows
	varint(0)
	list(1, 0) // 4 row_groups
	m.WriteByte(0)
	out := append([]byte("PAR1"), m.Bytes()...)
	out = binary.LittleEndian.AppendUint32(out, uint32(m.Len()))
	return append(out, "PAR1"...)
}

// The hand-made footer is one DuckDB reads, so that the refusal of a
// wider one in TestHostileInputs is the cap's doing.
func TestWideParquetFooter(t *testing.T) {
	p := writeFile(t, t.TempDir(), "w.parquet", wideParquet(3))
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + quoteString(p) + "))")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, typ string
		rows.Scan(&name, &typ)
		got = append(got, name+" "+typ)
	}
	if want := []string{"label INTEGER", "c0 INTEGER", "c1 INTEGER", "c2 INTEGER"}; !slices.Equal(got, want) {
		t.Errorf("DuckDB reads the columns %q, want %q", got, want)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM read_parquet(" + quoteString(p) + ")").Scan(&n); err != nil || n != 0 {
		t.Errorf("rows: %d, %v; want 0", n, err)
	}
	// The fields the source counts against MaxColumns: the schema's
	// elements but its root.
	if err := db.QueryRow("SELECT count(*) - 1 FROM parquet_schema(" + quoteString(p) + ")").Scan(&n); err != nil || n != 4 {
		t.Errorf("fields: %d, %v; want 4", n, err)
	}
}
