package sql

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// helperEnv, when set, makes the test binary act as a child process for
// tests that need a second process (see runHelper).
const helperEnv = "CXRAY_SQL_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// openTemp opens a new Store in a temporary directory, closed at cleanup.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "cxray.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// queryInt runs a query that returns one integer.
func queryInt(t testing.TB, s *Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// queryString runs a query that returns one string.
func queryString(t testing.TB, s *Store, q string, args ...any) string {
	t.Helper()
	var v string
	if err := s.DB().QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}
