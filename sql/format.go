package sql

import (
	"fmt"
	"strings"
)

// Format is an output format of Query.
type Format int

const (
	FormatTable Format = iota // aligned columns for people
	FormatCSV                 // RFC 4180 with a header line
	FormatJSON                // an array of objects, one per row
)

var formatNames = []string{FormatTable: "table", FormatCSV: "csv", FormatJSON: "json"}

// ParseFormat returns the Format named s: table, csv or json, in any case.
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if strings.EqualFold(s, name) {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("unknown output format %q; want one of %s", s, strings.Join(formatNames, ", "))
}

// String returns the name ParseFormat accepts for f.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}
