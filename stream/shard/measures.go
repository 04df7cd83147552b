package shard

import (
	"fmt"
	"slices"
	"strings"

	"cxray/stream/measure/survey"
)

// notAcrossShards are the measures a sharded run refuses, with the reason:
// they need the points of every shard together, which no task holds.
var notAcrossShards = []struct {
	measures []string
	why      string
}{
	{[]string{"F3", "F4"}, "count the points inside the classes' overlap regions of the whole set"},
	{[]string{"N4", "LSC", "Density", "ClsCoef", "Hubs", "TwoNN"}, "need more of every point's neighbourhood across all shards than a nearest neighbour (local sets or k nearest neighbours)"},
	{[]string{"L1", "L2", "L3", "Probe"}, "train classifiers on the points of all shards together"},
	{[]string{"GDV"}, "averages the distances between all pairs of points"},
}

// The kinds of state an extract task writes per layer.
const (
	stateMoments  = "moments"   // feature.Moments (F1, F2, T2, C1, C2; with co-moments F1v, T3, T4)
	stateNC1      = "nc1"       // repr.NC1Moments
	stateCKAPrev  = "cka-prev"  // repr.CKA with the previous layer
	stateCKAInput = "cka-input" // repr.CKA with layer 0, the input
)

// StateFile is the name of layer i's state of the given kind in an
// extract task's folder: the bytes of its MarshalBinary.
func StateFile(i int, kind string) string { return fmt.Sprintf("state-%04d-%s.bin", i, kind) }

// checkMeasures refuses, in one line, the measures a sharded run cannot
// compute; N1 must come first.
func checkMeasures(names []string) error {
	if len(names) == 0 || names[0] != "N1" {
		return fmt.Errorf("--measures: a sharded run measures N1 first, then others")
	}
	var refused, reasons []string
	for _, g := range notAcrossShards {
		var hit []string
		for _, m := range g.measures {
			if slices.Contains(names, m) {
				hit = append(hit, m)
			}
		}
		if len(hit) > 0 {
			refused = append(refused, hit...)
			reasons = append(reasons, strings.Join(hit, ", ")+" "+g.why)
		}
	}
	if len(refused) > 0 {
		return fmt.Errorf("--measures: a sharded run cannot compute %s: %s; measure them with cxray analyze, or leave them out",
			strings.Join(refused, ", "), strings.Join(reasons, "; "))
	}
	for _, m := range names {
		if _, ok := survey.Lookup(m); !ok {
			return fmt.Errorf("--measures: unknown measure %q", m)
		}
	}
	return nil
}

// Refused lists the measures a sharded run refuses, each group with its
// reason, for the help text.
func Refused() []string {
	var out []string
	for _, g := range notAcrossShards {
		out = append(out, strings.Join(g.measures, ", ")+": "+g.why)
	}
	return out
}
