package mst

// CrossVertices counts the vertices incident to at least one tree edge
// (parent[v], v) whose ends carry different labels: N1's numerator. A
// vertex is counted once however many such edges it has. Entries of
// parent outside [0, len(labels)) are roots and ignored.
func CrossVertices[P int | int32](parent []P, labels []int32) int {
	mark := make([]bool, len(labels))
	c := 0
	for v, p := range parent {
		if p < 0 || int(p) >= len(labels) || v >= len(labels) || labels[p] == labels[v] {
			continue
		}
		for _, w := range [2]int{int(p), v} {
			if !mark[w] {
				mark[w] = true
				c++
			}
		}
	}
	return c
}
