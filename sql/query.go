package sql

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Query runs query, which may hold several statements separated by
// semicolons, and writes the result of the last one to w in format f.
// See the package documentation for the formats.
//
// On a Store from OpenReadOnly a query that would change the file fails
// with an error wrapping ErrReadOnly, and one that reaches beyond the
// database file (another file, an extension, a setting) with one wrapping
// ErrRestricted.
func (s *Store) Query(ctx context.Context, w io.Writer, query string, f Format) error {
	if f < FormatTable || f > FormatJSON {
		return fmt.Errorf("query: unknown output format %d", int(f))
	}
	return s.use(ctx, func(db *dbsql.DB) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		defer conn.Close()
		// The driver's own statement tells whether a statement returns a
		// result set, which database/sql does not expose.
		return s.queryError(conn.Raw(func(dc any) error {
			return query1(ctx, dc, w, query, f)
		}))
	})
}

// ErrReadOnly is wrapped by the error of a query that would change a file
// open read-only.
var ErrReadOnly = errors.New("the file is open read-only")

// ErrRestricted is wrapped by the error of a query that reaches beyond a
// file open read-only.
var ErrRestricted = errors.New("other files, extensions and settings are off while the file is open read-only")

// readOnlyStatement finds the statement type in DuckDB's refusal to
// change a read-only database.
var readOnlyStatement = regexp.MustCompile(`statement of type "([^"]+)" on database .* read-only mode`)

// queryError makes err one line and, on a restricted Store, says which of
// DuckDB's refusals it is.
func (s *Store) queryError(err error) error {
	if err == nil {
		return nil
	}
	err = oneLine(err)
	if !s.restricted() {
		return err
	}
	msg := err.Error()
	if m := readOnlyStatement.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("query: %s would change database file %q: %w", m[1], s.path, ErrReadOnly)
	}
	for _, refusal := range []string{"disabled by configuration", "disabled through configuration",
		"configuration has been locked", "in read-only mode"} {
		if strings.Contains(msg, refusal) {
			return fmt.Errorf("query on database file %q: %s: %w", s.path, msg, ErrRestricted)
		}
	}
	return err
}

func query1(ctx context.Context, dc any, w io.Writer, query string, f Format) error {
	c, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return fmt.Errorf("query: unexpected driver connection %T", dc)
	}
	// For several statements, PrepareContext runs all but the last.
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	ds, ok := st.(*duckdb.Stmt)
	if !ok {
		return fmt.Errorf("query: unexpected driver statement %T", st)
	}
	if n := ds.NumInput(); n > 0 {
		return fmt.Errorf("query has %d parameter placeholder(s); write the values into the SQL", n)
	}
	typ, err := ds.StatementType()
	if err != nil {
		return err
	}
	rows, err := ds.QueryContext(ctx, nil)
	if err != nil {
		return err
	}
	defer rows.Close()

	if !hasResultSet(typ) {
		if f == FormatJSON {
			_, err := io.WriteString(w, "[]\n")
			return err
		}
		return nil
	}

	names := rows.Columns()
	cols := make([]column, len(names))
	typer, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, name := range names {
		dbType := ""
		if typer != nil {
			dbType = typer.ColumnTypeDatabaseTypeName(i)
		}
		cols[i] = newColumn(name, dbType)
	}

	out := newRowWriter(f, w, cols)
	vals := make([]driver.Value, len(cols))
	for {
		err := rows.Next(vals)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := out.row(vals); err != nil {
			return err
		}
	}
	return out.end()
}

// hasResultSet reports whether a statement of type t returns rows worth
// showing. Statements that change the schema or the session return none;
// INSERT, UPDATE, DELETE and COPY return DuckDB's Count column, or the
// rows of their RETURNING clause, and are shown.
func hasResultSet(t duckdb.StmtType) bool {
	switch t {
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC,
		duckdb.STATEMENT_TYPE_DROP, duckdb.STATEMENT_TYPE_ALTER,
		duckdb.STATEMENT_TYPE_TRANSACTION, duckdb.STATEMENT_TYPE_SET,
		duckdb.STATEMENT_TYPE_VARIABLE_SET, duckdb.STATEMENT_TYPE_ATTACH,
		duckdb.STATEMENT_TYPE_DETACH, duckdb.STATEMENT_TYPE_LOAD,
		duckdb.STATEMENT_TYPE_VACUUM, duckdb.STATEMENT_TYPE_PREPARE,
		duckdb.STATEMENT_TYPE_ANALYZE, duckdb.STATEMENT_TYPE_EXPORT:
		return false
	}
	return true
}
