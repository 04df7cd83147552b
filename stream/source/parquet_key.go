package source

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// parquetImageKey is the key of the image in row row of a Parquet file:
// "FILE row R".
func parquetImageKey(file string, row int64) string { return fmt.Sprintf("%s row %d", file, row) }

// ParquetImageRef names one image of a Parquet dataset.
type ParquetImageRef struct {
	File string
	Row  int64
}

// ParseParquetImageKey reads the key a Parquet image source gave a sample
// ("FILE row R").
func ParseParquetImageKey(key string) (ParquetImageRef, bool) {
	i := strings.LastIndex(key, " row ")
	if i < 0 {
		return ParquetImageRef{}, false
	}
	row, err := strconv.ParseInt(key[i+len(" row "):], 10, 64)
	if err != nil || row < 0 {
		return ParquetImageRef{}, false
	}
	return ParquetImageRef{File: key[:i], Row: row}, true
}

// ReadParquetImages returns the encoded images refs name, read from
// column (or, when it is "", each file's one image column) as the source
// reads them, for the report's gallery of the hardest samples: nil where
// one cannot be read, or holds more than maxBytes, and the errors met.
// Every file must be a regular file.
func ReadParquetImages(refs []ParquetImageRef, column string, maxBytes int64) ([][]byte, error) {
	out := make([][]byte, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return out, fmt.Errorf("opening DuckDB: %v", oneLineErr(err))
	}
	db := dbsql.OpenDB(conn)
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	var errs []error
	for i, r := range refs {
		b, err := readParquetImage(ctx, db, r, column, maxBytes)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s row %d: %w", r.File, r.Row, err))
			continue
		}
		out[i] = b
	}
	return out, errors.Join(errs...)
}

func readParquetImage(ctx context.Context, db *dbsql.DB, r ParquetImageRef, column string, maxBytes int64) ([]byte, error) {
	st, err := os.Stat(r.File)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(r.File, st); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(r.File)
	if err != nil {
		return nil, err
	}
	s := &parquetSource{files: []string{r.File}, dbFiles: []string{abs}, db: db}
	cols, err := s.schema(ctx, 0)
	if err != nil {
		return nil, err
	}
	c, err := chooseImage(cols, "", Options{Image: column})
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("no image column")
	}
	p, err := newParquetImages(*c, Transform{})
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf(" FROM read_parquet(%s, file_row_number = true) WHERE file_row_number = %d", quoteString(abs), r.Row)
	var n dbsql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT octet_length("+p.sql+")"+where).Scan(&n); err != nil {
		if errors.Is(err, dbsql.ErrNoRows) {
			return nil, errors.New("no such row")
		}
		return nil, errors.New(oneLineErr(err))
	}
	if !n.Valid || n.Int64 > maxBytes {
		return nil, fmt.Errorf("no image, or one of more than %d bytes", maxBytes)
	}
	var b []byte
	if err := db.QueryRowContext(ctx, "SELECT "+p.sql+where).Scan(&b); err != nil {
		return nil, errors.New(oneLineErr(err))
	}
	return b, nil
}
