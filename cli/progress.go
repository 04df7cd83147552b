package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports long work on stderr: a redrawn bar on a terminal, a
// plain line every few seconds otherwise (logs, CI), nothing when quiet.
type progress struct {
	w      io.Writer
	quiet  bool
	tty    bool
	last   time.Time
	start  time.Time
	active bool
}

func newProgress(w io.Writer, quiet bool) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		fi, err := f.Stat()
		tty = err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	now := time.Now()
	return &progress{w: w, quiet: quiet, tty: tty, start: now, last: now}
}

// Logf prints a line of its own.
func (p *progress) Logf(format string, a ...any) {
	if p.quiet {
		return
	}
	p.clear()
	fmt.Fprintf(p.w, format+"\n", a...)
}

// Warnf prints a line of its own even when quiet.
func (p *progress) Warnf(format string, a ...any) {
	p.clear()
	fmt.Fprintf(p.w, format+"\n", a...)
}

// Step reports done of total units of the task named what.
func (p *progress) Step(what string, done, total int) {
	if p.quiet {
		return
	}
	now := time.Now()
	final := done >= total
	if p.tty {
		if !final && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		const width = 30
		fill := 0
		if total > 0 {
			fill = width * done / total
		}
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %s", what, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total, time.Since(p.start).Round(100*time.Millisecond))
		p.active = true
		if final {
			p.clear()
		}
	} else if final || now.Sub(p.last) >= 5*time.Second {
		fmt.Fprintf(p.w, "%s: %d/%d (%s)\n", what, done, total, time.Since(p.start).Round(100*time.Millisecond))
	}
	p.last = now
}

func (p *progress) clear() {
	if p.active {
		fmt.Fprintln(p.w)
		p.active = false
	}
}
