// Package bytesize formats byte counts for the one-line errors of the
// importer and the runtime ("needs 120 GB, over the 1.0 GB budget").
package bytesize

import "strconv"

// Format prints n as "512 MB", "1.5 GB" or "3 KB": binary units, one
// decimal from a gibibyte up, whole numbers below.
func Format(n int64) string {
	switch {
	case n >= 1<<40:
		return strconv.FormatFloat(float64(n)/(1<<40), 'f', 1, 64) + " TB"
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB"
	case n >= 1<<20:
		return strconv.FormatInt((n+(1<<19))>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+(1<<9))>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
