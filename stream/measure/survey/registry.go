package survey

// Group is a family of measures: one of the six of Lorena et al. (2019),
// or the representation measures.
type Group string

// The families.
const (
	FeatureOverlap Group = "feature overlap"
	Neighbourhood  Group = "neighbourhood"
	Linearity      Group = "linearity"
	Dimensionality Group = "dimensionality"
	ClassBalance   Group = "class balance"
	Network        Group = "network"
	Representation Group = "representation"
)

// Basis is what a measure is computed from. Measures of one basis share
// its computation.
type Basis int

const (
	// Stream: the streaming estimators of every layer (package n1).
	Stream Basis = iota
	// Moments: the class moments (feature.Moments).
	Moments
	// Comoments: the class moments with their co-moment matrices.
	Comoments
	// Neighbours: the neighbour structure (package neighbour).
	Neighbours
	// SVMs: one linear SVM per pair of classes (package linear).
	SVMs
	// Points: a computation of its own over the layer's points (and, for
	// CKA, an earlier layer's).
	Points
)

// Measure is one measure of the registry.
type Measure struct {
	Name  string
	Group Group
	Basis Basis
	// Definition is the form cxray computes, stored with every value.
	// N1's form is fixed by its conventions (measure.Conventions), which
	// every row stores instead.
	Definition string
	// Reference is the source of the definition.
	Reference string
}

// FromPoints reports whether m is computed at the end of a run from the
// points an exactly measured layer holds: every measure but N1, which
// every estimator streams.
func (m Measure) FromPoints() bool { return m.Basis != Stream }

// The sources.
const (
	lorena    = "Lorena et al. 2019; ECoL"
	kornblith = "Kornblith et al., ICML 2019; Nguyen, Raghu and Kornblith, ICLR 2021"
)

// measures are the measures in the order rows are written: N1 first, then
// the rest of the survey's, then the representation measures.
var measures = []Measure{
	{"N1", Neighbourhood, Stream, "", lorena},
	{"F1", FeatureOverlap, Moments, "per feature 1/(1+r_j), r_j the Fisher ratio; summary survey: min over features = 1/(1+max_j r_j)", lorena},
	{"F1v", FeatureOverlap, Comoments, "1/(1+mean over class pairs of the directional-vector Fisher ratio) (ECoL's published form; no summary option)", lorena},
	{"F2", FeatureOverlap, Moments, "per class pair the product over features of overlap/range; summary survey: mean over pairs", lorena},
	{"F3", FeatureOverlap, Points, "per class pair the smallest fraction of points in a feature's overlap region; summary survey: mean", lorena},
	{"F4", FeatureOverlap, Points, "per class pair the points left after removing, feature by feature, the most efficient one's; summary survey: mean", lorena},
	{"N2", Neighbourhood, Neighbours, "mean over points of r/(1+r), r = distance to the nearest same-class point / to the nearest enemy", lorena},
	{"N3", Neighbourhood, Neighbours, "leave-one-out error rate of the 1-nearest-neighbour classifier", lorena},
	{"N4", Neighbourhood, Neighbours, "error rate of the 1-NN classifier on points interpolated within classes (seeded)", lorena},
	{"T1", Neighbourhood, Neighbours, "hyperspheres centred at each point with radii from the nearest-enemy chain, left after removing those inside another, / n", lorena},
	{"LSC", Neighbourhood, Neighbours, "1 - sum |LS(x)| / n², LS(x) the points closer to x than its nearest enemy", lorena},
	{"L1", Linearity, SVMs, "per class pair s/(1+s), s the summed distance of misclassified points to a linear SVM's hyperplane / pair size; summary survey: mean", lorena},
	{"L2", Linearity, SVMs, "per class pair the training error of a linear SVM (C=1); summary survey: mean", lorena},
	{"L3", Linearity, SVMs, "per class pair the error of that SVM on points interpolated within classes (seeded); summary survey: mean", lorena},
	{"T2", Dimensionality, Moments, "d/n", lorena},
	{"T3", Dimensionality, Comoments, "PCA components for 95% of the variance / n", lorena},
	{"T4", Dimensionality, Comoments, "PCA components for 95% of the variance / d", lorena},
	{"C1", ClassBalance, Moments, "normalized entropy of the class proportions (1: balanced)", lorena},
	{"C2", ClassBalance, Moments, "1 - 1/IR, IR = (k-1)/k · Σ_c n_c/(n-n_c) (0: balanced)", lorena},
	{"Density", Network, Neighbours, "1 - density of the graph joining each point to its floor(0.15 n) nearest same-class neighbours", lorena},
	{"ClsCoef", Network, Neighbours, "1 - global clustering coefficient (transitivity) of that graph", lorena},
	{"Hubs", Network, Neighbours, "1 - mean hub score of that graph, weighted by the distances", lorena},
	{"GDV", Representation, Points, "(mean intra-class distance - mean inter-class distance) / sqrt(d) on z-scored, halved features (more negative: better separated)", "Schilling et al., Neural Networks 139, 2021"},
	{"TwoNN", Representation, Neighbours, "intrinsic dimension: slope through the origin of -log(1-F(mu)) against log mu, mu = r2/r1, top 10% dropped", "Facco et al., Scientific Reports 7:12140, 2017"},
	{"NC1", Representation, Points, "Tr(Sigma_W Sigma_B^+) / K, within-class covariance against the pseudo-inverse of the between-class covariance", "Papyan, Han and Donoho, PNAS 2020"},
	{"CKA_prev", Representation, Points, "linear CKA with the previous measured layer, minibatch unbiased HSIC over batches of 256 points in a seeded order", kornblith},
	{"CKA_input", Representation, Points, "linear CKA with the input (layer 0), minibatch unbiased HSIC over batches of 256 points in a seeded order", kornblith},
	{"Probe", Representation, Points, "held-out accuracy of a softmax linear probe (L-BFGS, L2 penalty, stratified 25% test split)", "Alain and Bengio, 2016"},
}

// All returns every measure, in the order rows are written.
func All() []Measure { return append([]Measure(nil), measures...) }

// Names returns the names of every measure, in the order rows are
// written: N1 first.
func Names() []string {
	out := make([]string, len(measures))
	for i, m := range measures {
		out[i] = m.Name
	}
	return out
}

// Lookup returns the measure named name (exactly).
func Lookup(name string) (Measure, bool) {
	for _, m := range measures {
		if m.Name == name {
			return m, true
		}
	}
	return Measure{}, false
}
