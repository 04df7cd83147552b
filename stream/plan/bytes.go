package plan

import (
	"cxray/internal/bytesize"
	"fmt"
	"strconv"
	"strings"
)

// ParseBytes reads a size such as "512MB", "1.5GiB", "800M" or "1048576".
// Decimal and binary units are both read as powers of 1024, as people
// mean them for memory.
func ParseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
		{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("%q is not a memory size; write e.g. 512MB or 2GB", s)
	}
	return int64(v * float64(mult)), nil
}

// FormatBytes prints n in binary units: "512 MB", "1.5 GB".
func FormatBytes(n int64) string { return bytesize.Format(n) }
