package sql

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// lockSuffix names a database file's writer lock: FILE.lock, next to it.
const lockSuffix = ".lock"

// holderLine describes this process in its writer lock file, so that a
// second writer can say who holds the file: its PID, since when, and its
// command line.
func holderLine() string {
	args := append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...)
	cmd := strings.Join(args, " ")
	if len(cmd) > 160 {
		cmd = cmd[:160] + "..."
	}
	return fmt.Sprintf("PID %d since %s: %s\n", os.Getpid(), time.Now().UTC().Format("2006-01-02 15:04:05 UTC"), printable(cmd))
}

// printable keeps the first line of s, without control characters.
func printable(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, strings.TrimSpace(s))
}

// busyError says that another cxray process writes the file.
type busyError struct {
	path   string
	holder string // the holder's line from the lock file; empty if unreadable
}

func (e *busyError) Error() string {
	who := "see " + e.path + lockSuffix
	if e.holder != "" {
		who = e.holder
	}
	return fmt.Sprintf("database file %q is being written by another cxray process (%s); wait for it to finish or stop it (the file can be read meanwhile)", e.path, who)
}
