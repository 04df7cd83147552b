package mst

// SetNearestK sets the length of FindNearest's shortlists for a test, and
// returns the function that restores it.
func SetNearestK(k int) (restore func()) {
	old := nearestK
	nearestK = k
	return func() { nearestK = old }
}
