package source

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// parquetSource streams Parquet files through DuckDB's read_parquet, with
// an in-memory DuckDB database of its own.
//
// Order and memory. The driver materializes a query's whole result before
// the first row comes back, so one query over the dataset would hold all
// of it. The source reads instead in windows: one query per window of at
// most windowRows rows of one file,
//
//	... FROM read_parquet(FILE, file_row_number = true)
//	WHERE file_row_number >= a AND file_row_number < b ORDER BY file_row_number
//
// The files come in sorted name order and the rows of each file in the
// order they are stored, so the stream order, and the first --limit rows,
// are those of the files themselves. The ORDER BY makes this hold whatever
// DuckDB's threads and its preserve_insertion_order setting do; it sorts
// one window only. DuckDB prunes the row groups that the file_row_number
// range excludes, so each window reads about its own rows (measured: 4096
// rows at row 1.99 million of a 2-million-row file in 3 ms) and a pass
// over the data stays linear, unlike LIMIT/OFFSET windows over a scan.
//
// Open makes two passes over the label column only: a count of each
// file's rows (from the Parquet metadata) and one SELECT DISTINCT, which
// names the classes in sorted order (numeric order for numbers, byte
// order for strings) and finds NULL, NaN and non-integral labels.
type parquetSource struct {
	path     string   // as given, possibly a glob
	files    []string // the files, in order
	dbFiles  []string // the same as absolute paths, for DuckDB
	rows     []int64  // rows of each file
	db       *dbsql.DB
	label    string // the label column
	id       string // the column that names the rows (Options.ID), "" for none
	keySQL   string // SQL giving the class name of the label column
	features []string
	classes  []string
	classID  map[string]int32
	n        int // samples to yield, after Limit
	pos      int // samples yielded
	window   int // rows per window

	file int   // file of the next window
	row  int64 // first row of the next window in that file

	img *parquetImages // the image column, nil when the samples are features
	seq *parquetLists  // the list columns, nil unless the features are lists

	win    Batch // the current window, win.N rows
	winAt  int   // next row of win to yield
	vals   []dbsql.NullFloat64
	key    dbsql.NullString
	rowID  dbsql.NullString // the id column's value
	dest   []any
	err    error // sticky: once Next failed it keeps failing
	closed bool
}

// OpenParquet opens the Parquet file at path, or the files that match
// path if it is a glob (filepath.Match syntax: *, ?, [...]), read in
// sorted name order as one dataset.
//
// The label column is opt.Label ("label" by default); it may hold strings,
// integers, booleans, or floats with integral values, and its sorted
// distinct values over all files name the classes, so class ids do not
// change with opt.Limit. A NULL or NaN label is an error.
//
// The features are every numeric column (integers, floats, decimals) but
// the label, or the columns that opt.Features chooses: a comma-separated
// list of column names and globs ("x,y", "f*", "pixel_[0-9]*"), or
// "re:REGEXP" for the columns whose whole name matches REGEXP. Chosen
// columns come in file order (N1 does not depend on it) and must be
// numeric. NULL, NaN and infinite feature values are errors, reported by
// Next for the rows it reads.
//
// Columns of lists of numbers (token ids, attention masks), chosen by
// opt.Features, make the source a Layered one of sequences, one part per
// column named after it (see parquetLists): how a model with several
// inputs gets each its own.
//
// A column of images makes the samples images instead (see
// parquetImages): the column opt.Image names, or, when neither opt.Image
// nor opt.Features is given, the one column that holds images if there is
// exactly one (more is an error that asks for --image).
//
// Every file must be a regular file (a symlink to one will do), and all
// must agree: the label column of the same type in all, or integers of
// any width, read as the widest (DuckDB would otherwise read the labels
// of all files as one common type, so that "7" and 7, or true and 1,
// became one class); each feature column numeric in all; and, when
// opt.Features is empty, the same numeric columns in all. The label
// column may have at most MaxClasses distinct values.
func OpenParquet(path string, opt Options) (Source, error) {
	name := "parquet:" + path
	label := opt.Label
	if label == "" {
		label = "label"
	}
	if opt.Limit < 0 {
		return nil, fmt.Errorf("%s: limit %d is negative; use 0 for all rows", name, opt.Limit)
	}
	files, err := parquetFiles(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("%s: opening DuckDB: %v", name, oneLineErr(err))
	}
	s := &parquetSource{path: path, files: files, db: dbsql.OpenDB(conn), label: label, id: opt.ID, classID: map[string]int32{}}
	// DuckDB reads "~/" as the home folder and "s3://" as a bucket; an
	// absolute path is only ever the file that was checked.
	for _, f := range files {
		if a, err := filepath.Abs(f); err == nil {
			f = a
		}
		s.dbFiles = append(s.dbFiles, f)
	}
	// One connection: the in-memory database and its settings are shared
	// by every query.
	s.db.SetMaxOpenConns(1)
	if err := s.open(opt); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.seq != nil {
		return parquetSequences{s}, nil
	}
	return s, nil
}

// parquetFiles expands path to the files it names. A folder that a glob
// matches is passed over; anything else that is not a regular file is an
// error, as is a file name that DuckDB would read as a glob itself.
func parquetFiles(p string) ([]string, error) {
	if !strings.ContainsAny(p, globChars) {
		st, err := os.Stat(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("no such file")
		case err != nil:
			return nil, err
		case st.IsDir():
			return nil, fmt.Errorf("is a folder; write parquet:%s for its Parquet files", filepath.Join(p, "*.parquet"))
		}
		if err := checkRegular(p, st); err != nil {
			return nil, err
		}
		return []string{p}, nil
	}
	matches, err := filepath.Glob(p)
	if err != nil {
		return nil, fmt.Errorf("bad glob pattern: %v", err)
	}
	var files []string
	for _, m := range matches { // sorted by filepath.Glob
		st, err := os.Stat(m)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			continue
		}
		if err := checkRegular(m, st); err != nil {
			return nil, err
		}
		if strings.ContainsAny(filepath.Base(m), globChars) {
			return nil, fmt.Errorf("%s: DuckDB reads a file name with *, ? or [ as a pattern, and could read other files; rename it", m)
		}
		files = append(files, m)
	}
	if len(files) == 0 {
		if _, err := os.Stat(p); err == nil {
			return nil, fmt.Errorf("no file matches the pattern; a file has this very name, but *, ? and [ make it a pattern, for cxray and for DuckDB: rename it")
		}
		return nil, fmt.Errorf("no file matches the pattern")
	}
	return files, nil
}

// globChars are the characters that make a path a pattern, both for
// filepath.Glob and for DuckDB.
const globChars = "*?["

// Column types as DuckDB names them for Parquet columns.
const (
	colOther = iota
	colInt
	colFloat // FLOAT, DOUBLE, DECIMAL
	colString
	colBool
)

func columnKind(typ string) int {
	switch {
	case slices.Contains([]string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}, typ):
		return colInt
	case typ == "FLOAT" || typ == "DOUBLE" || strings.HasPrefix(typ, "DECIMAL"):
		return colFloat
	case typ == "VARCHAR":
		return colString
	case typ == "BOOLEAN":
		return colBool
	}
	return colOther
}

type parquetColumn struct{ name, typ string }

func (s *parquetSource) open(opt Options) error {
	ctx := context.Background()
	cols, err := s.schema(ctx, 0)
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	labelType := ""
	for i, c := range cols {
		names[i] = c.name
		if c.name == s.label {
			labelType = c.typ
		}
	}
	if labelType == "" {
		return fmt.Errorf("%s: no label column %q; columns found: %s; choose one with --label", s.Name(), s.label, quoteAll(names))
	}
	if s.id != "" {
		switch {
		case s.id == s.label:
			return fmt.Errorf("%s: --id %q is the label column; name the column that identifies the rows", s.Name(), s.id)
		case !slices.Contains(names, s.id):
			return fmt.Errorf("%s: no column %q for --id; columns found: %s", s.Name(), s.id, quoteAll(names))
		}
		// The id column names the rows; it is no feature.
		cols = slices.DeleteFunc(slices.Clone(cols), func(c parquetColumn) bool { return c.name == s.id })
	}
	image, err := chooseImage(cols, s.label, opt)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %v", s.Name(), err)
	case image != nil && s.id != "":
		return fmt.Errorf("%s: --id %q: the rows of an image column are named FILE row R; drop --id", s.Name(), s.id)
	case image != nil:
		if s.img, err = newParquetImages(*image, opt.Transform); err != nil {
			return fmt.Errorf("%s: %v", s.Name(), err)
		}
	case opt.Transform.imageSteps():
		return fmt.Errorf("%s: --resize and --center-crop preprocess images, and no column holds images (a BLOB, or a struct with a bytes BLOB); columns found: %s", s.Name(), quoteAll(names))
	default:
		if s.features, err = chooseFeatures(cols, s.label, opt.Features); err != nil {
			return fmt.Errorf("%s: %v", s.Name(), err)
		}
		if s.seq, err = newParquetLists(cols, s.features); err != nil {
			return fmt.Errorf("%s: %v", s.Name(), err)
		}
	}

	total := 0
	s.rows = make([]int64, len(s.files))
	for i, f := range s.files {
		if i > 0 {
			other, err := s.schema(ctx, i)
			if err != nil {
				return err
			}
			if err := s.agree(cols, other, i, opt.Features == "" && s.img == nil); err != nil {
				return err
			}
		}
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+readParquet(s.dbFiles[i:i+1], false)).Scan(&s.rows[i]); err != nil {
			return fmt.Errorf("%s: %v", f, oneLineErr(err))
		}
		// The count comes from the file's metadata, which may lie.
		if s.rows[i] < 0 || s.rows[i] > math.MaxInt64-int64(total) {
			return fmt.Errorf("%s: its metadata declares %d rows; the file is corrupt", f, s.rows[i])
		}
		total += int(s.rows[i])
	}
	if total == 0 {
		return fmt.Errorf("%s: no rows", s.Name())
	}
	if err := s.readClasses(ctx, labelType); err != nil {
		return err
	}
	if s.n, err = checkLimit(s.Name(), opt.Limit, total); err != nil {
		return err
	}
	if s.img != nil {
		return s.img.open(ctx, s)
	}
	if s.seq != nil {
		if err := s.seq.open(ctx, s); err != nil {
			return err
		}
	}
	// A window holds about 4 MB of float64 values in DuckDB's result.
	s.window = min(max((4<<20)/(8*(s.Dim()+1)), 64), 8192)
	s.vals = make([]dbsql.NullFloat64, len(s.features))
	s.dest = make([]any, 1+len(s.features))
	s.dest[0] = &s.key
	for i := range s.vals {
		s.dest[1+i] = &s.vals[i]
		if s.seq != nil {
			s.dest[1+i] = &s.seq.vals[i]
		}
	}
	if s.id != "" {
		s.dest = append(s.dest, &s.rowID)
	}
	return nil
}

// schema lists the columns of file i. It first counts the fields of the
// file's schema, which only reads its footer: DuckDB takes half a minute
// to describe a file of 65,536 columns.
func (s *parquetSource) schema(ctx context.Context, i int) ([]parquetColumn, error) {
	var fields int64
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) - 1 FROM parquet_schema("+quoteString(s.dbFiles[i])+")").Scan(&fields); err != nil {
		return nil, fmt.Errorf("%s: %v", s.files[i], oneLineErr(err))
	}
	if fields > MaxColumns {
		return nil, fmt.Errorf("%s: %d columns (nested fields included), more than the %d cxray reads from a Parquet file", s.files[i], fields, MaxColumns)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+readParquet(s.dbFiles[i:i+1], false)+")")
	if err != nil {
		return nil, fmt.Errorf("%s: %v", s.files[i], oneLineErr(err))
	}
	defer rows.Close()
	var cols []parquetColumn
	for rows.Next() {
		var c parquetColumn
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, fmt.Errorf("%s: %v", s.files[i], oneLineErr(err))
		}
		if strings.ContainsAny(c.typ, "\r\n") { // a STRUCT's field names
			c.typ = strconv.Quote(c.typ)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", s.files[i], oneLineErr(err))
	}
	return cols, nil
}

// agree checks the columns of file i against those of the first file,
// first: DuckDB would cast the labels of one type to the other's without
// a word.
func (s *parquetSource) agree(first, other []parquetColumn, i int, defaultFeatures bool) error {
	typeIn := func(cols []parquetColumn, name string) string {
		for _, c := range cols {
			if c.name == name {
				return c.typ
			}
		}
		return ""
	}
	a, b := s.files[0], s.files[i]
	lt, ot := typeIn(first, s.label), typeIn(other, s.label)
	switch {
	case ot == "":
		return fmt.Errorf("%s: no label column %q, which %s has; the files must have the same columns", b, s.label, a)
	case columnKind(ot) != columnKind(lt) || columnKind(lt) != colInt && ot != lt:
		return fmt.Errorf("%s: the label column %q is %s in %s but %s in %s; the classes would merge or split silently, so write the labels with one type in every file",
			s.Name(), s.label, lt, a, ot, b)
	}
	if s.img != nil {
		if t, want := typeIn(other, s.img.column), typeIn(first, s.img.column); t != want {
			return fmt.Errorf("%s: the image column %q is %s in %s but %s in %s; the files must store images alike", s.Name(), s.img.column, orMissing(want), a, orMissing(t), b)
		}
	}
	for _, f := range s.features {
		switch t := typeIn(other, f); {
		case t == "":
			return fmt.Errorf("%s: no feature column %q, which %s has; the files must have the same columns", b, f, a)
		case isNumericList(t) != isNumericList(typeIn(first, f)):
			return fmt.Errorf("%s: feature column %q is %s, but %s in %s; the files must have the same columns", b, f, t, typeIn(first, f), a)
		case columnKind(t) != colInt && columnKind(t) != colFloat && !isNumericList(t):
			return fmt.Errorf("%s: feature column %q is %s, not numeric (it is %s in %s)", b, f, t, typeIn(first, f), a)
		}
	}
	if defaultFeatures {
		for _, c := range other {
			if k := columnKind(c.typ); c.name != s.label && c.name != s.id && (k == colInt || k == colFloat) && !slices.Contains(s.features, c.name) {
				return fmt.Errorf("%s: numeric column %q is not in %s, whose columns make the features; the files must have the same columns, or choose the features with --features", b, c.name, a)
			}
		}
	}
	return nil
}

// chooseFeatures applies the --features spec to the columns.
func chooseFeatures(cols []parquetColumn, label, spec string) ([]string, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	chosen := map[string]bool{}
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		for _, c := range cols {
			if c.name != label && (columnKind(c.typ) == colInt || columnKind(c.typ) == colFloat) {
				chosen[c.name] = true
			}
		}
		if len(chosen) == 0 {
			return nil, fmt.Errorf("no numeric feature columns besides the label column %q; columns found: %s", label, quoteAll(names))
		}
	case strings.HasPrefix(spec, "re:"):
		re, err := regexp.Compile("^(?:" + strings.TrimPrefix(spec, "re:") + ")$")
		if err != nil {
			return nil, fmt.Errorf("--features %q: bad regular expression: %v", spec, err)
		}
		for _, n := range names {
			if n != label && re.MatchString(n) {
				chosen[n] = true
			}
		}
		if len(chosen) == 0 {
			return nil, fmt.Errorf("--features %q matches no column besides the label; columns found: %s", spec, quoteAll(names))
		}
	default:
		for _, item := range strings.Split(spec, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return nil, fmt.Errorf("--features %q has an empty item; separate names and globs by single commas", spec)
			}
			if !strings.ContainsAny(item, "*?[\\") {
				if item == label {
					return nil, fmt.Errorf("--features: %q is the label column; it cannot be a feature too", item)
				}
				if !slices.Contains(names, item) {
					return nil, fmt.Errorf("--features: no column %q; columns found: %s", item, quoteAll(names))
				}
				chosen[item] = true
				continue
			}
			if _, err := path.Match(item, ""); err != nil {
				return nil, fmt.Errorf("--features: bad glob %q: %v", item, err)
			}
			found := false
			for _, n := range names {
				if ok, _ := path.Match(item, n); ok && n != label {
					chosen[n], found = true, true
				}
			}
			if !found {
				return nil, fmt.Errorf("--features: glob %q matches no column besides the label; columns found: %s", item, quoteAll(names))
			}
		}
	}
	var out []string
	for _, c := range cols {
		if !chosen[c.name] {
			continue
		}
		if k := columnKind(c.typ); k != colInt && k != colFloat && !isNumericList(c.typ) {
			return nil, fmt.Errorf("feature column %q is %s, not numeric; leave it out of --features", c.name, c.typ)
		}
		out = append(out, c.name)
	}
	return out, nil
}

// readClasses makes the SELECT DISTINCT pass over the labels.
func (s *parquetSource) readClasses(ctx context.Context, typ string) error {
	var key, bad func(c string) string
	switch columnKind(typ) {
	case colString:
		key = func(c string) string { return c }
		bad = func(string) string { return "false" }
	case colInt, colBool:
		key = func(c string) string { return "CAST(" + c + " AS VARCHAR)" }
		bad = func(string) string { return "false" }
	case colFloat:
		bad = func(c string) string {
			d := "CAST(" + c + " AS DOUBLE)"
			return "(isnan(" + d + ") OR isinf(" + d + ") OR " + d + " <> trunc(" + d + ") OR abs(" + d + ") >= 9.2e18)"
		}
		key = func(c string) string {
			return "CASE WHEN " + bad(c) + " THEN CAST(" + c + " AS VARCHAR) ELSE CAST(CAST(" + c + " AS BIGINT) AS VARCHAR) END"
		}
	default:
		return fmt.Errorf("%s: label column %q has type %s; labels must be integers or strings", s.Name(), s.label, typ)
	}
	l := quoteIdent(s.label)
	s.keySQL = key(l)
	// Past MaxClasses+1 distinct values (one more for 0.0 and -0.0) the
	// source is refused whatever the rest are.
	q := "SELECT " + key("l") + ", l IS NULL, " + bad("l") + " FROM (SELECT DISTINCT " + l + " AS l FROM " +
		readParquet(s.dbFiles, false) + ") ORDER BY l NULLS FIRST LIMIT " + strconv.Itoa(MaxClasses+2)
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: reading the labels: %v", s.Name(), oneLineErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k dbsql.NullString
		var isNull, isBad bool
		if err := rows.Scan(&k, &isNull, &isBad); err != nil {
			return fmt.Errorf("%s: reading the labels: %v", s.Name(), oneLineErr(err))
		}
		if isNull || isBad {
			rows.Close()
			return s.badLabel(ctx, isNull, k.String)
		}
		if _, dup := s.classID[k.String]; dup { // -0.0 and 0.0
			continue
		}
		if len(s.classes) == MaxClasses {
			return tooManyClasses(fmt.Sprintf("%s, label column %q", s.Name(), s.label), "is it the label column? choose another with --label")
		}
		s.classID[k.String] = int32(len(s.classes))
		s.classes = append(s.classes, k.String)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading the labels: %v", s.Name(), oneLineErr(err))
	}
	return nil
}

// badLabel finds a row with a NULL label, or with the label value v, and
// describes it.
func (s *parquetSource) badLabel(ctx context.Context, isNull bool, v string) error {
	l := quoteIdent(s.label)
	cond := l + " IS NULL"
	what := "is NULL (missing); drop or fill such rows"
	if !isNull {
		cond = "CAST(" + l + " AS VARCHAR) = " + quoteString(v)
		what = fmt.Sprintf("is %s, not an integer; labels must be integers or strings", v)
		if strings.EqualFold(v, "nan") {
			what = "is NaN; drop or fill such rows"
		}
	}
	var file string
	var row int64
	err := s.db.QueryRowContext(ctx, "SELECT filename, file_row_number FROM "+readParquet(s.dbFiles, true)+
		" WHERE "+cond+" ORDER BY filename, file_row_number LIMIT 1").Scan(&file, &row)
	if err != nil {
		return fmt.Errorf("%s: the label column %q %s", s.Name(), s.label, what)
	}
	return fmt.Errorf("%s row %d: the label column %q %s", s.fileOf(file), row, s.label, what)
}

// fileOf maps a file as DuckDB names it (an absolute path) back to the
// path the user gave.
func (s *parquetSource) fileOf(dbFile string) string {
	if i := slices.Index(s.dbFiles, dbFile); i >= 0 {
		return s.files[i]
	}
	return dbFile
}

// readParquet is the read_parquet call over files.
func readParquet(files []string, located bool) string {
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = quoteString(f)
	}
	// union_by_name makes DuckDB read each file's columns with a type
	// that holds every file's values, rather than the first file's; open
	// has checked that the files agree but on the width of integers.
	opts := ", union_by_name = true"
	if located {
		opts += ", filename = true, file_row_number = true"
	}
	return "read_parquet([" + strings.Join(q, ", ") + "]" + opts + ")"
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// oneLineErr keeps the first line of a DuckDB error.
func oneLineErr(err error) string {
	msg, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return msg
}

func (s *parquetSource) Name() string { return "parquet:" + s.path }
func (s *parquetSource) SampleShape() []int {
	switch {
	case s.img != nil:
		return s.img.samples.shape()
	case s.seq != nil:
		return []int{s.seq.dim}
	}
	return []int{len(s.features)}
}

func (s *parquetSource) Dim() int          { return shapeDim(s.SampleShape()) }
func (s *parquetSource) Len() int          { return s.n }
func (s *parquetSource) Classes() []string { return slices.Clone(s.classes) }

// Features returns the feature columns, in order.
func (s *parquetSource) Features() []string { return slices.Clone(s.features) }

func (s *parquetSource) Next(b *Batch, max int) error {
	if s.err != nil {
		return s.err
	}
	if err := checkMax(s.Name(), max); err != nil {
		return err
	}
	if s.closed {
		return fmt.Errorf("%s: Next called after Close", s.Name())
	}
	if s.pos >= s.n {
		return io.EOF
	}
	if s.img != nil {
		if err := s.img.next(s, b, max); err != nil {
			s.err = err
			return err
		}
		return nil
	}
	k := min(max, s.n-s.pos)
	d := s.Dim()
	b.resize(k, d)
	for i := 0; i < k; {
		if s.winAt == s.win.N {
			if err := s.fetch(); err != nil {
				s.err = err
				return err
			}
		}
		m := min(k-i, s.win.N-s.winAt)
		copy(b.X[i*d:(i+m)*d], s.win.X[s.winAt*d:(s.winAt+m)*d])
		copy(b.Labels[i:i+m], s.win.Labels[s.winAt:s.winAt+m])
		if s.id != "" {
			b.Keys = append(b.Keys, s.win.Keys[s.winAt:s.winAt+m]...)
		}
		i += m
		s.winAt += m
	}
	s.pos += k
	return nil
}

// fetch reads the next window.
func (s *parquetSource) fetch() error {
	file, from, want, err := s.nextWindow(s.window)
	if err != nil {
		return err
	}
	cols := make([]string, 1+len(s.features))
	cols[0] = s.keySQL
	for i, f := range s.features {
		cols[1+i] = "CAST(" + quoteIdent(f) + " AS DOUBLE)"
		if s.seq != nil {
			cols[1+i] = "CAST(" + quoteIdent(f) + " AS DOUBLE[])"
		}
	}
	if s.id != "" {
		cols = append(cols, "CAST("+quoteIdent(s.id)+" AS VARCHAR)")
	}
	q := fmt.Sprintf("SELECT %s FROM read_parquet(%s, file_row_number = true) WHERE file_row_number >= %d AND file_row_number < %d ORDER BY file_row_number",
		strings.Join(cols, ", "), quoteString(s.dbFiles[s.file]), from, from+want)
	rows, err := s.db.QueryContext(context.Background(), q)
	if err != nil {
		return fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	defer rows.Close()
	d := s.Dim()
	s.win.resize(int(want), d)
	s.winAt = 0
	got := 0
	for rows.Next() {
		if got == int(want) {
			return fmt.Errorf("%s: more rows than its metadata declares; the file changed while being read", file)
		}
		if err := rows.Scan(s.dest...); err != nil {
			return fmt.Errorf("%s row %d: %v", file, from+int64(got), oneLineErr(err))
		}
		row := from + int64(got)
		id, ok := s.classID[s.key.String]
		if !s.key.Valid || !ok {
			return fmt.Errorf("%s row %d: label %q was not there when the classes were read; the file changed while being read", file, row, s.key.String)
		}
		s.win.Labels[got] = id
		if s.id != "" {
			s.win.Keys = append(s.win.Keys, s.rowID.String)
		}
		x := s.win.X[got*d : (got+1)*d]
		if s.seq != nil {
			if err := s.seq.row(x, file, row); err != nil {
				return err
			}
			got++
			continue
		}
		for j, v := range s.vals {
			switch {
			case !v.Valid:
				return fmt.Errorf("%s: the value is NULL (missing); remove or impute it", s.cellAt(file, row, j))
			case math.IsNaN(v.Float64) || math.IsInf(v.Float64, 0):
				return notFinite(s.cellAt(file, row, j), v.Float64)
			case math.Abs(v.Float64) > math.MaxFloat32:
				return outOfRange(s.cellAt(file, row, j), v.Float64)
			}
			x[j] = float32(v.Float64)
		}
		got++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %v", file, oneLineErr(err))
	}
	if got != int(want) {
		return fmt.Errorf("%s: %d rows from row %d, where %d were due; the file changed while being read", file, got, from, want)
	}
	s.row = from + want
	return nil
}

// nextWindow finds the file and first row of the next window, and how
// many rows up to most it may hold: it stops at the file's end and at the
// limit.
func (s *parquetSource) nextWindow(most int) (file string, from, rows int64, err error) {
	for s.file < len(s.files) && s.row >= s.rows[s.file] {
		s.file, s.row = s.file+1, 0
	}
	if s.file == len(s.files) {
		return "", 0, 0, fmt.Errorf("%s: the files ended early; they changed while being read", s.Name())
	}
	var before int64
	for _, r := range s.rows[:s.file] {
		before += r
	}
	from = s.row
	return s.files[s.file], from, min(int64(most), s.rows[s.file]-from, int64(s.n)-(before+from)), nil
}

// cellAt names feature j of row row in file.
func (s *parquetSource) cellAt(file string, row int64, j int) string {
	return fmt.Sprintf("%s row %d, column %q", file, row, s.features[j])
}

func (s *parquetSource) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.db.Close()
}
