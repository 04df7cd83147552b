package tap

import (
	"fmt"
	"slices"
	"strings"
)

// Survey lists the 22 measures of Lorena, Garcia, Lehmann, Souto and Ho,
// "How Complex is your Classification Problem?" (ACM Computing Surveys
// 2019), by group: feature overlap, neighbourhood, linearity,
// dimensionality, class balance and network.
var Survey = []string{
	"F1", "F1v", "F2", "F3", "F4",
	"N1", "N2", "N3", "N4", "T1", "LSC",
	"L1", "L2", "L3",
	"T2", "T3", "T4",
	"C1", "C2",
	"Density", "ClsCoef", "Hubs",
}

// Representation lists the layer-analysis measures beyond the survey:
// GDV (Schilling et al. 2021), TwoNN intrinsic dimension (Facco et al.
// 2017), NC1 within-class variability collapse (Papyan et al. 2020),
// linear CKA with the previous layer and with the input (Kornblith et al.
// 2019), and the accuracy of a linear probe.
var Representation = []string{"GDV", "TwoNN", "NC1", "CKA_prev", "CKA_input", "Probe"}

// Measures lists every measure cxray computes, N1 first, in the order rows
// are written. N1 is computed by every estimator; the others from the
// points an exact estimator holds.
var Measures = append(append([]string{"N1"}, slices.DeleteFunc(slices.Clone(Survey), func(m string) bool { return m == "N1" })...), Representation...)

// ParseMeasures reads --measures: "n1", "survey" (the 22 of the survey),
// "all" (survey and representation measures), or a comma-separated list
// of names and of the words survey and all, case-insensitive. N1 is
// always included and comes first.
func ParseMeasures(spec string) ([]string, error) {
	want := map[string]bool{"N1": true}
	for _, tok := range strings.Split(spec, ",") {
		tok = strings.TrimSpace(tok)
		switch strings.ToLower(tok) {
		case "", "n1":
			continue
		case "survey":
			for _, m := range Survey {
				want[m] = true
			}
			continue
		case "all":
			for _, m := range Measures {
				want[m] = true
			}
			continue
		}
		i := slices.IndexFunc(Measures, func(m string) bool { return strings.EqualFold(m, tok) })
		if i < 0 {
			return nil, fmt.Errorf("no measure %q; cxray has %s (or survey, all)", tok, strings.Join(Measures, ", "))
		}
		want[Measures[i]] = true
	}
	return slices.DeleteFunc(slices.Clone(Measures), func(m string) bool { return !want[m] }), nil
}

// Definitions says, for each measure other than N1, which form cxray
// computes; it is stored in the params of every row, beside the options
// of its group (see Options.Params).
var Definitions = map[string]string{
	"F1":        "per feature 1/(1+r_j), r_j the Fisher ratio; summary survey: min over features = 1/(1+max_j r_j)",
	"F1v":       "1/(1+mean over class pairs of the directional-vector Fisher ratio) (ECoL's published form; no summary option)",
	"F2":        "per class pair the product over features of overlap/range; summary survey: mean over pairs",
	"F3":        "per class pair the smallest fraction of points in a feature's overlap region; summary survey: mean",
	"F4":        "per class pair the points left after removing, feature by feature, the most efficient one's; summary survey: mean",
	"N2":        "mean over points of r/(1+r), r = distance to the nearest same-class point / to the nearest enemy",
	"N3":        "leave-one-out error rate of the 1-nearest-neighbour classifier",
	"N4":        "error rate of the 1-NN classifier on points interpolated within classes (seeded)",
	"T1":        "hyperspheres centred at each point with radii from the nearest-enemy chain, left after removing those inside another, / n",
	"LSC":       "1 - sum |LS(x)| / n², LS(x) the points closer to x than its nearest enemy",
	"L1":        "per class pair s/(1+s), s the summed distance of misclassified points to a linear SVM's hyperplane / pair size; summary survey: mean",
	"L2":        "per class pair the training error of a linear SVM (C=1); summary survey: mean",
	"L3":        "per class pair the error of that SVM on points interpolated within classes (seeded); summary survey: mean",
	"T2":        "d/n",
	"T3":        "PCA components for 95% of the variance / n",
	"T4":        "PCA components for 95% of the variance / d",
	"C1":        "normalized entropy of the class proportions (1: balanced)",
	"C2":        "1 - 1/IR, IR = (k-1)/k · Σ_c n_c/(n-n_c) (0: balanced)",
	"Density":   "1 - density of the graph joining each point to its floor(0.15 n) nearest same-class neighbours",
	"ClsCoef":   "1 - global clustering coefficient (transitivity) of that graph",
	"Hubs":      "1 - mean hub score of that graph, weighted by the distances",
	"GDV":       "(mean intra-class distance - mean inter-class distance) / sqrt(d) on z-scored, halved features (more negative: better separated)",
	"TwoNN":     "intrinsic dimension: slope through the origin of -log(1-F(mu)) against log mu, mu = r2/r1, top 10% dropped",
	"NC1":       "Tr(Sigma_W Sigma_B^+) / K, within-class covariance against the pseudo-inverse of the between-class covariance",
	"CKA_prev":  "linear CKA with the previous measured layer, minibatch unbiased HSIC over batches of 256 points in a seeded order",
	"CKA_input": "linear CKA with the input (layer 0), minibatch unbiased HSIC over batches of 256 points in a seeded order",
	"Probe":     "held-out accuracy of a softmax linear probe (L-BFGS, L2 penalty, stratified 25% test split)",
}

// References gives the source of each measure's definition.
var References = map[string]string{
	"GDV":       "Schilling et al., Neural Networks 139, 2021",
	"TwoNN":     "Facco et al., Scientific Reports 7:12140, 2017",
	"NC1":       "Papyan, Han and Donoho, PNAS 2020",
	"CKA_prev":  "Kornblith et al., ICML 2019; Nguyen, Raghu and Kornblith, ICLR 2021",
	"CKA_input": "Kornblith et al., ICML 2019; Nguyen, Raghu and Kornblith, ICLR 2021",
	"Probe":     "Alain and Bengio, 2016",
}

// reference returns the source of measure m's definition.
func reference(m string) string {
	if r, ok := References[m]; ok {
		return r
	}
	return "Lorena et al. 2019; ECoL"
}
