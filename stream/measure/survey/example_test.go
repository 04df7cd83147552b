package survey_test

import (
	"fmt"

	"cxray/stream/measure/survey"
)

// --measures takes names, the words survey and all, in any case; the
// measures come in the order rows are written, N1 always first.
func ExampleParse() {
	names, err := survey.Parse("cka_prev, F2, survey")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(names), names[:4], names[len(names)-1])
	m, _ := survey.Lookup("F2")
	fmt.Printf("%s (%s, from the class moments: %v): %s\n", m.Name, m.Group, m.Basis == survey.Moments, m.Definition)
	// Output:
	// 23 [N1 F1 F1v F2] CKA_prev
	// F2 (feature overlap, from the class moments: true): per class pair the product over features of overlap/range; summary survey: mean over pairs
}
