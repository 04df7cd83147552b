package measure

import "fmt"

// Conventions records the choices that fix an N1 value. The caller stores
// them with every metric row, so values computed under different choices
// are never compared by mistake.
type Conventions struct {
	Measure       string        // "N1"
	Distance      string        // "euclidean" (the tree is built on squared distances)
	Arithmetic    string        // "float64-from-float32": exact distances, see mst.SqDist
	Counting      string        // "vertices": points on a cross-label edge / n
	ZeroDistances string        // "kept": duplicate points are ordinary edges
	TieRule       string        // "dcol-prim": dense Prim from vertex 0, strict <, lowest index (mst.Prim)
	TieRTol       float64       // relative tolerance under which two distances tie
	Normalization Normalization // per feature, over the whole set
}

// String renders the conventions as one stable key=value line.
func (c Conventions) String() string {
	return fmt.Sprintf("measure=%s distance=%s arithmetic=%s counting=%s zero_distances=%s tie_rule=%s tie_rtol=%g normalization=%s",
		c.Measure, c.Distance, c.Arithmetic, c.Counting, c.ZeroDistances, c.TieRule, c.TieRTol, c.Normalization)
}

// N1Conventions returns the conventions of cxray's N1 under the
// normalisation norm and the relative tie tolerance rtol: Euclidean
// distances computed exactly, vertices counted, zero distances kept, and
// DCoL's tie rule (see package mst).
func N1Conventions(norm Normalization, rtol float64) Conventions {
	return Conventions{
		Measure:       "N1",
		Distance:      "euclidean",
		Arithmetic:    "float64-from-float32",
		Counting:      "vertices",
		ZeroDistances: "kept",
		TieRule:       "dcol-prim",
		TieRTol:       rtol,
		Normalization: norm,
	}
}

// Params returns the conventions as the JSON object stored in each metric
// row's params column.
func (c Conventions) Params() map[string]any {
	return map[string]any{
		"distance":       c.Distance,
		"arithmetic":     c.Arithmetic,
		"counting":       c.Counting,
		"zero_distances": c.ZeroDistances,
		"tie_rule":       c.TieRule,
		"tie_rtol":       c.TieRTol,
		"normalize":      c.Normalization.String(),
	}
}
