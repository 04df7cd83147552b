package tap

import (
	"fmt"
	"slices"
	"strings"

	"cxray/stream/measure"
)

// Measures cxray computes, in the order rows are written. N1 is computed
// by every estimator; the others from the points an exact estimator
// holds (Lorena et al. 2019, with ECoL's published forms; see package
// measure).
var Measures = []string{"N1", "F1", "F1v", "F2", "F3", "F4", "C1", "C2", "T2", "T3", "T4"}

// ParseMeasures reads --measures: "n1", "survey" or "all" (every measure
// cxray has), or a comma-separated list of names, case-insensitive.
func ParseMeasures(spec string) ([]string, error) {
	switch strings.ToLower(strings.TrimSpace(spec)) {
	case "", "n1":
		return []string{"N1"}, nil
	case "survey", "all":
		return Measures, nil
	}
	var out []string
	for _, tok := range strings.Split(spec, ",") {
		i := slices.IndexFunc(Measures, func(m string) bool { return strings.EqualFold(m, strings.TrimSpace(tok)) })
		if i < 0 {
			return nil, fmt.Errorf("no measure %q; cxray has %s (or survey, all)", strings.TrimSpace(tok), strings.Join(Measures, ", "))
		}
		if !slices.Contains(out, Measures[i]) {
			out = append(out, Measures[i])
		}
	}
	// N1 is always computed: it is the measure the estimators are built for.
	if !slices.Contains(out, "N1") {
		out = append([]string{"N1"}, out...)
	}
	return out, nil
}

// maxComoments bounds the per-class d×d co-moments that F1v, T3 and T4
// need (k·d² float64); wider layers skip those three.
const maxComoments = 256 << 20

// maxF1vWork bounds F1v's work, a d×d pseudo-inverse for each of the
// k(k−1)/2 class pairs (about pairs·d³ flops): 10 classes at d = 1176
// would take minutes.
const maxF1vWork = 1e10

// Extra computes the measures other than N1 on layer i's points. Only
// exact estimators hold the points; other layers, and measures a layer
// is too wide for, are listed in skipped with the reason.
func (r *Router) Extra(i int, names []string) (values map[string]float64, skipped []string, err error) {
	want := slices.DeleteFunc(slices.Clone(names), func(m string) bool { return m == "N1" })
	if len(want) == 0 {
		return nil, nil, nil
	}
	e, ok := r.est[i].(exact)
	if !ok {
		return nil, []string{strings.Join(want, ", ") + ": only for exactly measured layers"}, nil
	}
	l := r.layers[i]
	x, labels := e.Points()
	needCo := slices.ContainsFunc(want, func(m string) bool { return m == "F1v" || m == "T3" || m == "T4" })
	classes := int64(len(slices.Compact(slices.Sorted(slices.Values(labels)))))
	if co := classes * int64(l.Dim) * int64(l.Dim) * 8; needCo && co > maxComoments {
		needCo = false
		want = slices.DeleteFunc(want, func(m string) bool {
			if m == "F1v" || m == "T3" || m == "T4" {
				skipped = append(skipped, fmt.Sprintf("%s: %d×%d co-moments per class would take %d MB", m, l.Dim, l.Dim, co>>20))
				return true
			}
			return false
		})
	}
	if pairs := float64(classes * (classes - 1) / 2); slices.Contains(want, "F1v") && pairs*float64(l.Dim)*float64(l.Dim)*float64(l.Dim) > maxF1vWork {
		want = slices.DeleteFunc(want, func(m string) bool { return m == "F1v" })
		skipped = append(skipped, fmt.Sprintf("F1v: %g class pairs × a %d×%d pseudo-inverse is too much work", pairs, l.Dim, l.Dim))
		needCo = slices.ContainsFunc(want, func(m string) bool { return m == "T3" || m == "T4" })
	}
	fm := measure.NewFeatureMoments(l.Dim, needCo)
	if err := fm.Update(x, labels); err != nil {
		return nil, nil, fmt.Errorf("layer %q: %w", l.Name, err)
	}
	values = make(map[string]float64, len(want))
	for _, m := range want {
		var v float64
		switch m {
		case "F1":
			v = measure.F1(fm)
		case "F1v":
			v = measure.F1v(fm)
		case "F2":
			v = measure.F2(fm)
		case "F3":
			v, err = measure.F3(x, labels, l.Dim)
		case "F4":
			v, err = measure.F4(x, labels, l.Dim)
		case "C1":
			v = measure.C1(fm.Counts())
		case "C2":
			v = measure.C2(fm.Counts())
		case "T2":
			v = measure.T2(fm)
		case "T3":
			v = measure.T3(fm)
		case "T4":
			v = measure.T4(fm)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("layer %q: %s: %w", l.Name, m, err)
		}
		values[m] = v
	}
	return values, skipped, nil
}

// Definitions says, for each measure other than N1, which form cxray
// computes; it is stored in the params of every row.
var Definitions = map[string]string{
	"F1":  "1/(1+max_j r_j), r_j the Fisher ratio of feature j (survey form, ECoL's published value)",
	"F1v": "1/(1+mean over class pairs of the directional-vector Fisher ratio) (ECoL's published form)",
	"F2":  "mean over class pairs of the product over features of overlap/range",
	"F3":  "mean over class pairs of the smallest fraction of points in a feature's overlap region",
	"F4":  "mean over class pairs of the points left after removing, feature by feature, the most efficient one's",
	"C1":  "normalized entropy of the class proportions (1: balanced)",
	"C2":  "1 - 1/IR, IR = (k-1)/k · Σ_c n_c/(n-n_c) (0: balanced)",
	"T2":  "d/n",
	"T3":  "PCA components for 95% of the variance / n",
	"T4":  "PCA components for 95% of the variance / d",
}
