package tap

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"cxray/stream/measure"
	"cxray/stream/measure/linear"
	"cxray/stream/measure/neighbour"
)

// Summary says how the measures defined per feature (F1) or per pair of
// classes (F2, F3, F4, L1, L2, L3) are reduced to one value.
type Summary int

const (
	// SummarySurvey is the survey's and ECoL's published forms: F1 is the
	// minimum over features, 1/(1+max_j r_j); the pairwise measures are
	// averaged over pairs (ECoL's default summary).
	SummarySurvey Summary = iota
	// SummaryMean averages every per-feature and per-pair value (ECoL's
	// default summary, also for F1).
	SummaryMean
	// SummaryMin and SummaryMax take the smallest or the largest.
	SummaryMin
	SummaryMax
)

var summaryNames = []string{"survey", "mean", "min", "max"}

func (s Summary) String() string {
	if int(s) < len(summaryNames) {
		return summaryNames[s]
	}
	return fmt.Sprintf("Summary(%d)", int(s))
}

// ParseSummary parses survey, mean, min or max.
func ParseSummary(s string) (Summary, error) {
	i := slices.Index(summaryNames, strings.ToLower(strings.TrimSpace(s)))
	if i < 0 {
		return 0, fmt.Errorf("unknown summary %q (want %s)", s, strings.Join(summaryNames, ", "))
	}
	return Summary(i), nil
}

// reduce summarises per-feature or per-pair values, skipping NaN; pairwise
// is false for F1, whose survey form is the minimum.
func (s Summary) reduce(v []float64, pairwise bool) float64 {
	v = slices.DeleteFunc(slices.Clone(v), math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	switch {
	case s == SummaryMin || (s == SummarySurvey && !pairwise):
		return slices.Min(v)
	case s == SummaryMax:
		return slices.Max(v)
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// Options are the conventions of the measures other than the streamed
// N1. Every row stores them in its params.
type Options struct {
	Neighbour neighbour.Options
	Linear    linear.Options
	Probe     linear.ProbeOptions
	Summary   Summary
	// Norm rescales the features before the neighbourhood measures, as it
	// does for N1.
	Norm measure.Normalization
	// Seed orders the points into CKA's minibatches.
	Seed uint64
}

// DefaultOptions returns cxray's conventions: Euclidean distance with
// zero distances kept and DCoL's tie rule, as for N1; libsvm-faithful
// linear SVMs solved to 1e-10; the survey's summaries.
func DefaultOptions() Options {
	return Options{Neighbour: neighbour.DefaultOptions(), Linear: linear.DefaultOptions(), Seed: 1}
}

// ECoLOptions returns ECoL's conventions: Gower distance, ECoL's handling
// of zero distances, and e1071's SVM settings.
func ECoLOptions() Options {
	o := DefaultOptions()
	o.Neighbour, o.Linear = neighbour.ECoLOptions(), linear.ECoLOptions()
	return o
}

// NeighbourN1 reports whether N1 must be read from the neighbour structure
// instead of the streaming estimator, whose tree is Euclidean with zero
// distances kept.
func (o Options) NeighbourN1() bool {
	return o.Neighbour.Distance != neighbour.Euclidean || o.Neighbour.ZeroDistances != neighbour.ZeroKept
}
