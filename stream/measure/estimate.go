package measure

// Estimate is one reading of an estimator, everything a metric row
// stores.
type Estimate struct {
	// Value is the estimate of the measure over every sample seen.
	Value float64
	// CILow and CIHigh bound the interval (see n1.SampledN1 for what it
	// covers); NaN when not applicable (an exact or projected value).
	CILow, CIHigh float64
	// N is the number of points the value was computed on: the points the
	// estimator keeps.
	N int
	// Seen is the number of samples the estimator was given.
	Seen int64
	// Method is EstimateExact, EstimateSampled, EstimateProjected or
	// EstimateSampledProjected.
	Method string
	// Params describes how the value was obtained: the conventions it is
	// computed under (Conventions.Params), whatever the method, and the
	// method's own parameters (M, K, seeds, interval, bias correction, ...).
	Params map[string]any
}

// The values of Estimate.Method.
const (
	EstimateExact            = "exact"
	EstimateSampled          = "sampled"
	EstimateProjected        = "projected"
	EstimateSampledProjected = "sampled+projected"
)
