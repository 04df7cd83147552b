package mst

import "fmt"

// TieRule chooses among the minimum spanning trees of a set whose
// distances tie.
type TieRule int

const (
	// DCoL is DCoL's rule, cxray's default: the tree dense Prim grows from
	// vertex 0, where a key is replaced only by a strictly smaller distance
	// (the earliest tree vertex stays the parent) and the next vertex is
	// the lowest-indexed one of smallest key, both under the relative tie
	// tolerance Options.TieRTol. It depends on the order of the points
	// through ties, and does not decompose over parts of the set.
	DCoL TieRule = iota
	// Total is the tree of the strict total order on edges: squared
	// distance, then the smaller end's index, then the larger's, with
	// exact comparisons (no tolerance). Under a strict order the tree is
	// unique, whatever algorithm finds it, and it is contained in the union
	// of the trees of the pairs of parts of any split of the set, which is
	// what makes a sharded run exact (package stream/shard).
	Total
)

// String names the rule as the conventions record it.
func (r TieRule) String() string {
	switch r {
	case DCoL:
		return "dcol-prim"
	case Total:
		return "total"
	}
	return fmt.Sprintf("TieRule(%d)", int(r))
}

// ParseTieRule reads a rule's name: dcol (or dcol-prim) or total.
func ParseTieRule(s string) (TieRule, error) {
	switch s {
	case "dcol", "dcol-prim":
		return DCoL, nil
	case "total":
		return Total, nil
	}
	return 0, fmt.Errorf("unknown tie rule %q: use dcol (DCoL's, dense Prim from the first point) or total (distance, then the smaller index, then the larger; decomposes over shards)", s)
}
