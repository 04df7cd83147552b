package neighbour

import (
	"fmt"
	"math"
)

// ZeroDistances says how pairs at distance exactly 0 (duplicate points)
// are treated where the libraries differ.
type ZeroDistances int

const (
	// ZeroKept (cxray's default, DCoL's): a zero distance is an ordinary
	// distance. Duplicates are joined in the MST, are each other's
	// nearest neighbours and can be graph edges.
	ZeroKept ZeroDistances = iota
	// ZeroECoL reproduces ECoL, which keeps distances in a dense matrix
	// where 0 means "no edge" and sorts rows that include the point itself:
	//   - N1: a zero distance is not an edge of the graph the MST is taken
	//     on (igraph::graph.adjacency), so the tree may be a forest; every
	//     component is grown from its lowest-indexed point.
	//   - N3: the neighbour is the second entry of the row sorted stably
	//     with the point itself in it (knn(data, dst, 2)); among a point and
	//     its duplicates that is the second-lowest index, which may be the
	//     point itself (then it counts as correctly classified).
	//   - graph: the k neighbours are entries 2…k+1 of the same sorted row,
	//     and a neighbour at distance 0 gives no edge (its weight is 0).
	// N2, LSC and T1 are the same under both rules.
	ZeroECoL
)

// String names the rule as stored in params.
func (z ZeroDistances) String() string {
	switch z {
	case ZeroKept:
		return "kept"
	case ZeroECoL:
		return "ecol"
	}
	return fmt.Sprintf("ZeroDistances(%d)", int(z))
}

// Graph says how the ε-graph of Density, ClsCoef and Hubs is built.
type Graph int

const (
	// GraphKNN is what ECoL's code does (network.R, enn): every point is
	// linked to its ⌊ε·n⌋ nearest points, the links to points of another
	// class are removed, and the graph is made undirected (an edge where
	// either end chose the other). ECoL calls ε "the percentage of nodes
	// in the graph to be connected". It does not depend on the scale of
	// the distance, so it suits layer representations.
	GraphKNN Graph = iota
	// GraphRadius is the survey's wording (Lorena et al. 2019, §2.6): an
	// edge between two points of the same class closer than ε. It depends
	// on the scale of the distance (ε = 0.15 suits Gower, whose values lie
	// in [0, 1]).
	GraphRadius
)

// String names the rule as stored in params.
func (g Graph) String() string {
	switch g {
	case GraphKNN:
		return "knn"
	case GraphRadius:
		return "radius"
	}
	return fmt.Sprintf("Graph(%d)", int(g))
}

// DefaultTieRTol is the relative tolerance under which two keys tie (see
// Options.TieRTol); it is mst.DefaultTieRTol.
const DefaultTieRTol = 1e-5

// DefaultEpsilon is ECoL's ε.
const DefaultEpsilon = 0.15

// Options fixes the conventions of every measure of the package. The
// caller stores Params() with every value.
type Options struct {
	// Distance between points (Euclidean by default).
	Distance Distance
	// ZeroDistances: ZeroKept (default) or ZeroECoL.
	ZeroDistances ZeroDistances
	// TieRTol is the relative tolerance, in [0, 1e-3], under which two
	// keys (squared distances for Euclidean, distances otherwise) tie.
	// Decimal data read into float32 loses its exact ties by about 1e-7
	// relative; 1e-5 restores them (see mst.DefaultTieRTol). Ties go
	// to the lowest index. A strict comparison "k < t" is k < t·(1-TieRTol).
	TieRTol float64
	// TotalOrder records that ties are decided by cxray's total order on
	// edges (--ties total: exact keys, then the lower index, then the
	// higher), as the caller sets it with TieRTol 0 and Euclidean kept
	// zeros; it only names the rule in Params (tie_rule "total"), since
	// under those settings the nearest neighbours already follow it.
	TotalOrder bool
	// Graph rule and its ε (DefaultEpsilon).
	Graph   Graph
	Epsilon float64
	// Seed of N4's interpolated points.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// DefaultOptions returns cxray's conventions: Euclidean distance, zero
// distances kept (DCoL's N1), DefaultTieRTol, ECoL's k-NN graph with
// ε = 0.15, seed 1.
func DefaultOptions() Options {
	return Options{Distance: Euclidean, ZeroDistances: ZeroKept, TieRTol: DefaultTieRTol,
		Graph: GraphKNN, Epsilon: DefaultEpsilon, Seed: 1}
}

// ECoLOptions returns ECoL's conventions: Gower distance and ECoL's
// treatment of zero distances, with the rest as in DefaultOptions.
func ECoLOptions() Options {
	o := DefaultOptions()
	o.Distance = Gower
	o.ZeroDistances = ZeroECoL
	return o
}

func (o *Options) check() error {
	if !o.Distance.valid() {
		return fmt.Errorf("neighbour: unknown distance %d", int(o.Distance))
	}
	if o.ZeroDistances != ZeroKept && o.ZeroDistances != ZeroECoL {
		return fmt.Errorf("neighbour: unknown zero-distance rule %d", int(o.ZeroDistances))
	}
	if !(o.TieRTol >= 0 && o.TieRTol <= 1e-3) {
		return fmt.Errorf("neighbour: tie tolerance %v outside [0, 1e-3]", o.TieRTol)
	}
	if o.Graph != GraphKNN && o.Graph != GraphRadius {
		return fmt.Errorf("neighbour: unknown graph rule %d", int(o.Graph))
	}
	if !(o.Epsilon > 0) || math.IsInf(o.Epsilon, 1) || (o.Graph == GraphKNN && o.Epsilon > 1) {
		return fmt.Errorf("neighbour: ε = %v out of range", o.Epsilon)
	}
	return nil
}

// Params returns the conventions as the JSON object stored in each metric
// row's params column.
func (o Options) Params() map[string]any {
	n1 := "dcol-prim" // dense Prim from vertex 0, strict <, lowest index
	if o.ZeroDistances == ZeroECoL {
		n1 = "prim-zero-non-edges" // the same, zero distances are not edges
	}
	if o.TotalOrder {
		n1 = "total"
	}
	return map[string]any{
		"distance":       o.Distance.String(),
		"arithmetic":     "float64-from-float32",
		"zero_distances": o.ZeroDistances.String(),
		"tie_rtol":       o.TieRTol,
		"tie_rule":       n1,
		"graph":          o.Graph.String(),
		"epsilon":        o.Epsilon,
		"summary":        "mean",
		"n1_counting":    "vertices",
		"n2_form":        "mean r/(1+r)",
		"n4_seed":        o.Seed,
		"twonn_fit":      "regression through origin, top 10% of mu discarded",
	}
}
