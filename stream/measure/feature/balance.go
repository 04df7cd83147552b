package feature

// classTotals returns the number of points and of non-empty classes.
func classTotals(counts []int64) (n float64, k int) {
	for _, c := range counts {
		if c > 0 {
			n += float64(c)
			k++
		}
	}
	return n, k
}
